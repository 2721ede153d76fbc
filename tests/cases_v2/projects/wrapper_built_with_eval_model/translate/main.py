import sys

import torch

from translate.builder import load_test_model
from translate.translator import Translator


def build_translator(path):
    return Translator(load_test_model(path), beam_size=4)


if __name__ == "__main__":
    translator = build_translator(sys.argv[1])
    print(translator.translate_batch(torch.load(sys.argv[2]), 20))
