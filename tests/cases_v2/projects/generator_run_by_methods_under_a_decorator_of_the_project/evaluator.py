"""An evaluator's methods are decorated with the project's own `torch_eval`, whose wrapper is
itself decorated with `@torch.no_grad()` and puts the generator in eval mode around the call: a
function of the module whose name says it may apply a grad-mode context (`eval`), and that
applies only ones that disable gradients, disables them where it decorates. The decorated
methods are the only callers of the generator's `infer` (generator.py), so it runs with
gradients off: silent (round 30: a medium false finding)."""
import torch


def torch_eval(val_fn):
    @torch.no_grad()
    def decorated(self, gen, *args, **kwargs):
        gen.eval()
        ret = val_fn(self, gen, *args, **kwargs)
        gen.train()
        return ret

    return decorated


class Evaluator:
    def __init__(self, writer):
        self.writer = writer

    @torch_eval
    def infer_loader(self, gen, loader):
        outs = []
        for style_imgs, content_imgs in loader:
            outs.append(gen.infer(style_imgs, content_imgs).cpu())
        return torch.cat(outs)

    @torch_eval
    def save_each_imgs(self, gen, loader, step):
        for i, (style_imgs, content_imgs) in enumerate(loader):
            out = gen.infer(style_imgs, content_imgs)
            self.writer.add_images(f"sample_{i}", out.detach().cpu(), global_step=step)
