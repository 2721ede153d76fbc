"""An evaluation helper whose name says nothing and whose model comes from its caller: it
detaches the outputs to read them as arrays, so its author knew they carry a graph and it is
built only to be thrown away. NG101 (medium) at the forward pass."""
import numpy as np
import torch.nn.functional as F


class AnswerScorer:
    def __init__(self, model, inputs, answers):
        self.model = model
        self.inputs = inputs
        self.answers = answers

    def results(self):
        outputs = self.model(**self.inputs)  # expect: NG101@19
        start = F.softmax(outputs.start_logits, dim=-1).cpu().detach().numpy()
        end = F.softmax(outputs.end_logits, dim=-1).cpu().detach().numpy()
        hits = sum(int(np.argmax(s) == a and np.argmax(e) >= a) for s, e, a in zip(start, end, self.answers))
        print(f"exact: {hits / len(self.answers):.3f}")
