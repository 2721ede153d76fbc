"""A generator step aligns the style codes of one motion in two modalities: both codes come
from methods of the generator and both are trained (an alignment loss, symmetric on purpose).
The step counts its iterations with `self.iter += 1`: that is no change of the target."""
import torch
from torch import nn


class StyleEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(48, 32), nn.ReLU(), nn.Linear(32, 8))
        self.dec = nn.Linear(8, 48)

    def enc_style(self, x):
        return self.enc(x)


class Trainer(nn.Module):
    def __init__(self):
        super().__init__()
        self.gen = StyleEncoder()
        self.mse = nn.MSELoss()
        self.opt = torch.optim.Adam(self.gen.parameters(), lr=1e-4)
        self.iter = 0

    def gen_update(self, motion_2d, motion_3d):
        self.iter += 1
        s_3d = self.gen.enc_style(motion_3d)
        s_2d = self.gen.enc_style(motion_2d)
        l_rec = self.mse(self.gen.dec(s_2d), motion_3d)
        l_joint = self.mse(s_2d, s_3d)  # s_3d is the target here only
        loss = l_rec + 0.5 * l_joint
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return loss.item()
