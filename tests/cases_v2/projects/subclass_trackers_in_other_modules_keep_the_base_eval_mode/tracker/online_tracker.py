"""Twin: a subclass whose own `__init__` puts the network back in training mode after `super()`
(it adapts the network online in `update`): its `track` is not in evaluation, silent."""
import torch

from tracker.base_tracker import SiameseTracker


class OnlineTracker(SiameseTracker):
    def __init__(self, model, lr=1e-4):
        super().__init__(model)
        self.model.train()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=lr)

    def track(self, img):
        x_crop = torch.as_tensor(img)
        outputs = self.model.track(x_crop)
        return {"scores": outputs["cls"]}

    def update(self, img, label):
        loss = torch.nn.functional.cross_entropy(self.track(img)["scores"], label)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
