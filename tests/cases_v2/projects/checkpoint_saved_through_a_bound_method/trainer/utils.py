"""Checkpoints."""
import os


def save_checkpoint(model, directory, step, final=False):
    try:
        save = model.save
    except AttributeError:
        save = model.module.save
    path = os.path.join(directory, "final" if final else f"step-{step}")
    save(path)
    return path


