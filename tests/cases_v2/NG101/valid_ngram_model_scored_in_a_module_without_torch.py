"""A paraphraser scores synonyms with an n-gram language model (`self.model`, unpickled or an
nltk `KneserNeyInterpolated`) in a module that imports no PyTorch package: `self.model.logscore`
is known as a model by its name only, and there it may be no network at all. Not reported at
medium, whatever the function's name and its callers (low only)."""
import pickle

from nltk.lm import KneserNeyInterpolated


class SynonymParaphraser:
    def __init__(self, corpus, model_path=None):
        if model_path is not None:
            with open(model_path, "rb") as f:
                self.model = pickle.load(f)
        else:
            self.model = KneserNeyInterpolated(3)
            self.model.fit(corpus)
        self.synonyms = {}

    def get_score(self, word, context):
        return self.model.logscore(word, context)

    def generate_paraphrases(self, sentences):
        paraphrases = []
        for sentence in sentences:
            words = sentence.split()
            for i, word in enumerate(words):
                context = words[max(0, i - 2):i]
                best, best_score = word, self.get_score(word, context)
                for synonym in self.synonyms.get(word, []):
                    score = self.get_score(synonym, context)
                    if score > best_score:
                        best, best_score = synonym, score
                words[i] = best
            paraphrases.append(" ".join(words))
        return paraphrases


def main(corpus, sentences):
    paraphraser = SynonymParaphraser(corpus)
    for line in paraphraser.generate_paraphrases(sentences):
        print(line)
