"""The model comes from a registry by name, so its class is unknown here, and this module imports
none of the model classes. Every definition of `forward_inference` in the run's files is
decorated with `@torch.inference_mode()`: the decoding loop records nothing, silent (it was
reported as the model's forward pass, by the method's name). `embed` is defined without a
decorator: an evaluation loop of it on a model put in eval mode is NG101."""
import torch


class Decoder:
    def __init__(self, model, tokenizer):
        self.model = model
        self.tokenizer = tokenizer

    def generate(self, prompts, steps):
        tokens = self.tokenizer(prompts)
        for position in range(steps):
            logits = self.model.forward_inference(tokens, position)
            tokens = torch.cat([tokens, logits.argmax(-1, keepdim=True)], 1)
        return tokens



def embeddings(model, batches):
    model.eval()
    return [model.embed(tokens).tolist() for tokens in batches]  # expect: NG101@13
