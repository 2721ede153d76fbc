"""A helper of a click program (not a command) that turns gradients off leaks to what its
caller runs next: reported, as anywhere else."""
import click
import torch


def prepare(model):
    torch.set_grad_enabled(False)  # expect: NG304@5
    model.eval()
    return model


@click.command()
@click.option("--checkpoint")
def finetune(checkpoint):
    model = prepare(torch.load(checkpoint))
    loss = model(torch.zeros(1, 4)).sum()
    loss.backward()


if __name__ == "__main__":
    finetune()
