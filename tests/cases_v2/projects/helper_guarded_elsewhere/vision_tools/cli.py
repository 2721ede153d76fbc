import sys

import torch

from vision_tools.inference import predict


@torch.inference_mode()
def main(checkpoint, image_file):
    model = torch.load(checkpoint, weights_only=False)
    print(predict(model, torch.load(image_file)).argmax(1).tolist())


if __name__ == "__main__":
    main(*sys.argv[1:3])
