import torch


class LineSearchLBFGS(torch.optim.Optimizer):
    def _backtrack(self, closure, direction, t):
        with torch.enable_grad():
            base = closure()
        for _ in range(10):
            self._move(t, direction)
            with torch.enable_grad():
                trial = closure()
            if trial < base:
                return t
            t = t / 2
        return t

    def _bracket(self, closure, direction):
        with torch.enable_grad():
            closure()
        low = self._probe(closure, direction, 0.0)
        return self._probe(closure, direction, low + 1.0)

    def _probe(self, closure, direction, t):
        self._move(t, direction)
        with torch.enable_grad():
            value = closure()
        return float(value)

    def _move(self, t, direction):
        for group in self.param_groups:
            for p in group["params"]:
                p.data.add_(direction, alpha=t)

    def step(self, closure):
        loss = closure()
        direction = -1.0
        grad_was_enabled = torch.is_grad_enabled()
        torch.set_grad_enabled(False)
        if self.defaults.get("batch_mode"):
            t = self._backtrack(closure, direction, 1.0)  # expect: NG205@17
        else:
            t = self._bracket(closure, direction)  # expect: NG205@17
        torch.set_grad_enabled(grad_was_enabled)
        self._move(t, direction)
        return loss
