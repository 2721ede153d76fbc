import threading

import torch


def worker(model, batch, results):
    results.append(model(batch))


def predict_all(model, batches):
    results = []
    with torch.no_grad():
        threads = [threading.Thread(target=worker, args=(model, b, results)) for b in batches]  # expect: NG307@20
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return results
