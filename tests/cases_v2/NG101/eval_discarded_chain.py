import time

import torch


def measure_latency(f, example, runs=50):
    _ = f.float().eval()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        f(example)  # expect: NG101@9
        times.append(time.perf_counter() - start)
    return sum(times) / runs


if __name__ == "__main__":
    net = torch.jit.load("traced.pt")
    print(f"{measure_latency(net, torch.randn(1, 3, 224, 224)) * 1000:.1f} ms")
