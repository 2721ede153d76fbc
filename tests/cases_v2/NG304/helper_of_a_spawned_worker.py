"""Twin: a helper the spawned worker calls turns gradients off, and the worker backpropagates
after it: the mode leaks to the rest of the worker's work, reported as anywhere else."""
import torch
import torch.multiprocessing as mp


def load_frozen(checkpoint):
    torch.set_grad_enabled(False)  # expect: NG304@5
    return torch.load(checkpoint)


def main_worker(rank, checkpoint):
    teacher = load_frozen(checkpoint)
    student = torch.nn.Linear(8, 8)
    x = torch.randn(4, 8)
    loss = (student(x) - teacher(x)).pow(2).mean()
    loss.backward()


def main(checkpoint):
    mp.spawn(main_worker, nprocs=2, args=(checkpoint,))
