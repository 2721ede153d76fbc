"""An embedding script loads a pickled model at import time and puts it in eval mode there
(`model.to(device).eval()`); nothing in the script puts it back in train mode. Its helper runs the
model for one text and turns the embedding into a list: the pass records a graph for nothing, once
per line of the caller's loop."""
import json

import torch

device = "cpu"
model = torch.load("checkpoints/model.pt")
model.to(device).eval()


def forward_embedding(text_ids):
    embedding = model(text_ids.to(device))  # expect: NG101@17
    return embedding.detach().cpu().numpy()[0].tolist()


def extract_embeddings(lines, output_file):
    table = {}
    for number, ids in enumerate(lines):
        table[number] = forward_embedding(ids)
    json.dump(table, open(output_file, "w"))


if __name__ == "__main__":
    extract_embeddings(torch.load("data/lines.pt"), "embeddings.json")
