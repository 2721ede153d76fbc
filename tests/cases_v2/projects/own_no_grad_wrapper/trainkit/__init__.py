from .grad import frozen_graph, no_grad_method

__all__ = ["frozen_graph", "no_grad_method"]
