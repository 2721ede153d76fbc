from concurrent.futures import ThreadPoolExecutor
from functools import partial

import torch


def run(model, x):
    return model(x)


@torch.inference_mode()
def predict_all(model, batches):
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(run, model, x) for x in batches]  # expect: NG307@20
        mapped = list(pool.map(partial(run, model), batches))  # expect: NG307@23
        lambdas = list(pool.map(lambda x: model(x), batches))  # expect: NG307@24
    return [f.result() for f in futures], mapped, lambdas


def helper(model, x):
    return model(x)


with torch.no_grad():
    with ThreadPoolExecutor() as executor:
        results = list(executor.map(lambda x: helper(model, x), []))  # expect: NG307@24
