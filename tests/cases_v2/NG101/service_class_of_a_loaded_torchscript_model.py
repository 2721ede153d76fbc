"""A plain class serves a trained model: `__init__` loads a TorchScript archive, `transcribe`
runs it on features and returns text and a score; nothing in the file trains. NG101 (medium) at
the forward pass whose output leaves `transcribe`."""
import torch


class Recognizer:
    def __init__(self, archive: str, device: str = "cpu"):
        self.model = torch.jit.load(archive)
        self.model = self.model.to(device)
        self.vocabulary = ["<blank>", "a", "b"]

    def transcribe(self, features: torch.Tensor) -> dict:
        encoded = self.model.encode(features)
        scores = self.model.ctc(encoded).log_softmax(-1)  # expect: NG101@18
        best = scores.argmax(-1)[0].tolist()
        return {"text": "".join(self.vocabulary[i] for i in best), "score": scores.max(-1).values.sum()}
