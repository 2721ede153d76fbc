import torch

from tracker.base_tracker import SiameseTracker


class SiamMaskTracker(SiameseTracker):
    def __init__(self, model):
        super().__init__(model)

    def track(self, img):
        x_crop = torch.as_tensor(img)
        outputs = self.model.track(x_crop)  # expect: NG101@19
        score = outputs["cls"].sigmoid().detach().cpu().numpy()
        mask = self.model.mask_refine((0, 0)).sigmoid().squeeze().view(127, 127).cpu().data.numpy()
        return {"best_score": score.max(), "mask": mask}
