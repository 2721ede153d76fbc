# settings: min_confidence=low
"""A SentencePiece processor is called `sp_model`: its name reads like a model's, and nothing else
says it is one (it is built by a library class no module derives from). The helper it is handed
loops over pieces, reading numbers from each `sp_model.piece_to_id(piece)`: what the caller passes
is known by its name only, as it is in the helper, so nothing makes the loop a model's: silent."""
import numpy as np
import sentencepiece as spm
import torch


def piece_ids(sp_model, pieces):
    ids = []
    for piece in pieces:
        ids.append(int(sp_model.piece_to_id(piece)) + 1)
    return np.array(ids)


def main(path, pieces, model, loader):
    sp_model = spm.SentencePieceProcessor()
    sp_model.load(path)
    ids = piece_ids(sp_model, pieces)
    for batch in loader:
        loss = model(torch.as_tensor(ids), batch).mean()
        loss.backward()
