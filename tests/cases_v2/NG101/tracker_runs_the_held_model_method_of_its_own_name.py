"""A single-object tracker holds the model it is given, puts it in eval mode in `__init__`, and
in its own `track(img)` runs `self.model.track(x_crop)`, a method of the model's class, which
is not known here: the model it holds is no tracker, so the call is not read as a call of the
tracker's own `track`, nor of a subclass's or a base's (round 36: three misses): each tracker's
`track`, run on every frame of a video with its outputs turned into numbers, is reported."""
import numpy as np
import torch.nn.functional as F


class SiameseTracker:
    def __init__(self, model):
        self.model = model
        self.model.eval()

    def init(self, img, crop):
        self.template = crop(img)

    def track(self, img):
        outputs = self.model.track(img)  # expect: NG101@19
        score = F.softmax(outputs["cls"], dim=1)[:, 1].detach().cpu().numpy()
        best = int(np.argmax(score))
        return {"best_score": float(score[best])}


class LongTermTracker(SiameseTracker):
    def track(self, img):
        outputs = self.model.track(img)  # expect: NG101@19
        score = F.softmax(outputs["cls"], dim=1)[:, 1].detach().cpu().numpy()
        return {"best_score": float(score.max()), "lost": bool(score.max() < 0.5)}
