import torch


class Renderer:
    """Renders videos with whichever generator the configuration builds (its class is not known here)."""

    def __init__(self, model):
        self.generator = model.generator

    def render_interpolation(self, batch_size=15, n_steps=32):
        gen = self.generator
        gen.eval()
        # drawing noise runs no network, whichever generator class this is
        z_a = gen.sample_z((batch_size, gen.z_dim))
        z_b = gen.sample_z((batch_size, gen.z_dim))
        frames = []
        for step in range(n_steps):
            w = step / (n_steps - 1)
            with torch.no_grad():
                frames.append(gen(batch_size, [(1 - w) * z_a + w * z_b, z_b]).cpu())
        return torch.stack(frames)
