"""A tokenizer loaded through `torch.hub.load(repo, "tokenizer", ...)` (huggingface's hubconf
gives tokenizers and configs beside its models) is no model: tokenizing every document of a
folder runs no forward pass, silent. The model its `model` entry point gives is one: the
embedding loop is reported."""
import torch

TOKENIZER = None


def get_tokenizer():
    global TOKENIZER
    if TOKENIZER is None:
        TOKENIZER = torch.hub.load("huggingface/pytorch-transformers", "tokenizer", "bert-base-cased")
    return TOKENIZER


def tokenize(texts):
    tokenizer = get_tokenizer()
    return tokenizer.batch_encode_plus(texts, padding=True, return_tensors="pt").input_ids


def chunk_folder(paths, chunks):
    total = 0
    for path in paths:
        ids = tokenize([path.read_text()])
        chunks.append(ids.numpy())
        total += ids.shape[1]
    return total


def embed_folder(paths):
    bert = torch.hub.load("huggingface/pytorch-transformers", "model", "bert-base-cased")
    bert.eval()
    found = []
    for path in paths:
        found.append(bert(tokenize([path.read_text()])).last_hidden_state[:, 0].detach().numpy())  # expect: NG101@22
    return found
