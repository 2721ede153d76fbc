import threading
from concurrent.futures import ThreadPoolExecutor

import torch


@torch.no_grad()
def guarded(model, x):
    return model(x)


def log(message):
    print(message)


def train_worker(model, x, optimizer):
    model(x).sum().backward()
    optimizer.step()


def predict_all(model, batches, optimizer):
    with torch.no_grad():
        with ThreadPoolExecutor() as pool:
            outputs = list(pool.map(lambda x: guarded(model, x), batches))
            pool.submit(log, "done")
        threading.Thread(target=train_worker, args=(model, batches[0], optimizer)).start()
    threading.Thread(target=guarded, args=(model, batches[0])).start()
    return outputs
