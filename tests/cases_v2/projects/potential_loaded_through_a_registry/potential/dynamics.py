from potential.models import load_model


class Simulator:
    def __init__(self, path, dt=1e-3):
        self.model = load_model(path)
        self.model.eval()
        self.dt = dt

    def run(self, pos, steps):
        energies = []
        for _ in range(steps):
            energy, forces = self.model(pos)
            pos = (pos + self.dt * forces).detach()
            energies.append(energy.item())
        return pos.numpy(), energies
