import torch


class Renderer:
    def __init__(self, sdf_network, color_network, samples=16):
        self.sdf_network = sdf_network
        self.color_network = color_network
        self.samples = samples

    def render_core(self, rays, sdf_network, color_network):
        depths = torch.linspace(0.0, 1.0, self.samples)
        points = (rays[:, None, :] * depths[None, :, None]).reshape(-1, 3)
        features = sdf_network(points)[:, 1:]
        normals = sdf_network.gradient(points)  # needs gradients, even when rendering for a picture
        colors = color_network(points, normals, features).reshape(len(rays), self.samples, 3)
        return {"color": colors.mean(1), "normal": normals.reshape(len(rays), self.samples, 3).mean(1)}

    def render(self, rays):
        return self.render_core(rays, self.sdf_network, self.color_network)
