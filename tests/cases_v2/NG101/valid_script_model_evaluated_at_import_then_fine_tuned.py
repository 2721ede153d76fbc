"""The twin: the script puts its module-level model in eval mode at import time, but a fine-tuning
function puts it back in train mode, so a helper that reads the global may run it in either mode
and its single detached pass is not known to be evaluation."""
import torch

model = torch.load("checkpoints/model.pt")
model.eval()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)


def forward_embedding(text_ids):
    embedding = model(text_ids)
    return embedding.detach().cpu().numpy()[0].tolist()


def fine_tune(batches):
    model.train()
    for ids, target in batches:
        loss = (model(ids) - target).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()


if __name__ == "__main__":
    fine_tune(torch.load("data/pairs.pt"))
    print(forward_embedding(torch.load("data/query.pt")))
