import torch


class Trainer:
    # evaluation and training share this decorator by mistake
    @torch.inference_mode()  # expect: NG202@6
    def fit_batch(self, batch):
        self.optimizer.zero_grad()
        loss = self.compute_loss(batch)
        loss.backward()
        self.optimizer.step()
