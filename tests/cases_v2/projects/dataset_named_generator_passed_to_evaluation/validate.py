"""The model is put in eval mode and handed, with a dataset, to an evaluation that runs it under
`no_grad`: nothing records. (The dataset parameter is named `generator`; it is no network.)"""
import torch

from detect.data import CSVDataset
from detect.evaluation import evaluate


def main(path, rows, classes):
    model = torch.load(path)
    model.eval()
    dataset = CSVDataset(rows, classes)
    print(evaluate(dataset, model))
