from imaging.models import load_model


class Scorer:
    def __init__(self, path):
        self.model = load_model(path)
        self.model.eval()

    def run(self, batches):
        labels = []
        for x in batches:
            logits = self.model(x)  # expect: NG101@22
            labels.append(logits.argmax(dim=-1).tolist())
        return labels
