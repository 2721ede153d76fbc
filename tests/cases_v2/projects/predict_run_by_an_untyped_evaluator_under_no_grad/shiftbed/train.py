from shiftbed import algorithms
from shiftbed.lib.metrics import accuracy


def run(loader, features, classes, steps):
    algorithm = algorithms.AveragedERM(features, classes)
    for step, (x, y) in zip(range(steps), loader):
        algorithm.update(x, y)
    return accuracy(algorithm, loader)
