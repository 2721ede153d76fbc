"""The script freezes the language model (every parameter `requires_grad = False`) before it
decodes; the reranker is left trainable."""
from cold.decoding import decode


def main(load, prompts):
    model = load("lm")
    model.eval()
    for param in model.parameters():
        param.requires_grad = False
    reranker = load("reranker")
    reranker.eval()
    for prompt_ids in prompts:
        print(decode(model, reranker, prompt_ids, steps=10))
