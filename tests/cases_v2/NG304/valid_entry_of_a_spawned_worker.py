"""The function each spawned process runs (`mp.spawn(main_worker, ...)`) and a thread's target
turn gradients off for all of their work: the mode is the process's or thread's own, and nothing
of the caller runs after them there."""
import threading

import torch
import torch.multiprocessing as mp


def main_worker(rank, world_size, checkpoint):
    torch.set_grad_enabled(False)
    model = torch.load(checkpoint).to(f"cuda:{rank}").eval()
    scores = [model(torch.randn(8, 3, 64, 64, device=f"cuda:{rank}")).mean().item() for _ in range(100)]
    print(rank, sum(scores) / len(scores))


def serve(model, requests):
    torch.set_grad_enabled(False)
    for request in requests:
        request.reply(model(request.tensor).argmax(1).tolist())


def main(checkpoint, model, requests):
    world_size = torch.cuda.device_count()
    mp.spawn(main_worker, nprocs=world_size, args=(world_size, checkpoint), join=True)
    threading.Thread(target=serve, args=(model, requests), daemon=True).start()
