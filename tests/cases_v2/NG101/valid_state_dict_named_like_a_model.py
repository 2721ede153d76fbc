import numpy as np
import torch


def resize_position_tables(pretrained_model, size):
    """`pretrained_model` is a checkpoint's state dict, not a module: its entries are tensors,
    read with tensor methods and tuple indices. Nothing here runs a forward pass."""
    for key in list(pretrained_model.keys()):
        if "position_table" not in key:
            continue
        table = pretrained_model[key]
        columns = []
        for head in range(table.size(1)):
            grid = table[:, head].view(size, size).numpy()
            columns.append(np.resize(grid, (2 * size, 2 * size)))
        pretrained_model[key] = torch.from_numpy(np.stack(columns, 1))


def load_resized(model, path, size):
    pretrained_model = torch.load(path, map_location="cpu")
    resize_position_tables(pretrained_model, size)
    model.load_state_dict(pretrained_model, strict=False)
    return model
