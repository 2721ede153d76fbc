"""Commands of a click program turn gradients off for the whole invocation: the program runs one
command and exits, so the mode is the run's, as at a script's top level. No finding."""
import click
import torch


@click.group()
def main():
    pass


@main.command()
@click.option("--checkpoint")
def test(checkpoint):
    torch.set_grad_enabled(False)
    model = torch.load(checkpoint)
    model.eval()
    print(model(torch.zeros(1, 3, 32, 32)).argmax(1))


@click.command()
def demo():
    torch.set_grad_enabled(False)
    print(torch.zeros(3).sum())


if __name__ == "__main__":
    main()
