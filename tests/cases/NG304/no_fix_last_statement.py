import torch


def freeze_everything():
    torch.set_grad_enabled(False)  # expect: NG304@5


class Server:
    def setup(self, fast):
        if fast:
            torch.autograd.set_grad_enabled(False)  # expect: NG304@13
