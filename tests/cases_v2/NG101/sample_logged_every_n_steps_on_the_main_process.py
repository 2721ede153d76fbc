import torch.nn.functional as F


def train(rank, generator, optimizer, loader, writer, log_interval=100):
    generator.train()
    for step, (text, lengths, mel) in enumerate(loader):
        optimizer.zero_grad()
        loss = F.l1_loss(generator(text, lengths, mel), mel)
        loss.backward()
        optimizer.step()
        if rank == 0:
            if step % log_interval == 0:
                (mel_gen, *_), *_ = generator.module(text[:1], lengths[:1], gen=True)  # expect: NG101@37
                writer.add_image("mel/generated", mel_gen[0].data.cpu().numpy(), step)
                writer.add_scalar("loss", loss.item(), step)


def train_logging_under_one_test(rank, generator, optimizer, loader, writer, log_interval=100):
    generator.train()
    for step, (text, lengths, mel) in enumerate(loader):
        optimizer.zero_grad()
        loss = F.l1_loss(generator(text, lengths, mel), mel)
        loss.backward()
        optimizer.step()
        if rank == 0 and step % log_interval == 0:
            mel_gen = generator.module(text[:1], lengths[:1], gen=True)  # expect: NG101@23
            writer.add_image("mel/generated", mel_gen[0].data.cpu().numpy(), step)
