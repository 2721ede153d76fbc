import lightning.pytorch as pl
from torch import nn


class TextClassifier(nn.Module):
    """A plain module: nothing in Lightning ever calls its `predict_step`."""

    def __init__(self, vocab, n_classes):
        super().__init__()
        self.embed = nn.EmbeddingBag(vocab, 128)
        self.fc = nn.Linear(128, n_classes)

    def forward(self, tokens, offsets):
        return self.fc(self.embed(tokens, offsets))

    def predict_step(self, batch):
        logits = self(batch["tokens"], batch["offsets"])  # expect: NG101@18
        return logits.argmax(-1)


class LitText(pl.LightningModule):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def training_step(self, batch, batch_idx):
        logits = self.model(batch["tokens"], batch["offsets"])
        return nn.functional.cross_entropy(logits, batch["label"])


def label_file(model, loader):
    model.eval()
    labels = []
    for batch in loader:
        labels.extend(model.predict_step(batch).tolist())
    return labels
