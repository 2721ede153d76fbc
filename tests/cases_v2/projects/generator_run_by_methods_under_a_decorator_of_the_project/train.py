from evaluator import Evaluator
from generator import Generator


def train(loader, val_loader, writer, optimizer, steps):
    gen = Generator()
    evaluator = Evaluator(writer)
    for step, (style_imgs, content_imgs, target) in enumerate(loader):
        loss = (gen(style_imgs, content_imgs) - target).abs().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 100 == 0:
            evaluator.save_each_imgs(gen, val_loader, step)
