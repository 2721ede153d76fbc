"""A Siamese tracker's base: `__init__` puts the network it is given in eval mode, `init` runs it
on the template and `track` crops the frame, runs the network and turns its scores into numbers.
Reported here; the subclasses in their own modules run `__init__` through `super()` and hold the
same network in eval mode, so their `track` is reported too (round 36: two misses, the eval mode
their base sets in its own module was not carried to them). The base's module is read first (the
methods `self.model.track` may run are looked for beside it), and the subclasses' modules, read
meanwhile, meet its classes and their fields as they are at the start of its reading."""
import torch
import torch.nn.functional as F


class SiameseTracker:
    def __init__(self, model):
        self.model = model
        self.model.eval()

    def init(self, img, bbox):
        z_crop = torch.as_tensor(img)
        self.model.template(z_crop)  # expect: NG101@9

    def track(self, img):
        x_crop = torch.as_tensor(img)
        outputs = self.model.track(x_crop)  # expect: NG101@19
        score = F.softmax(outputs["cls"], dim=1).data[:, 1].cpu().numpy()
        return {"best_score": score.max()}
