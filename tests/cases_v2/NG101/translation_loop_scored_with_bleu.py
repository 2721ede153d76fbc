"""A notebook-style helper loops over an iterator, translates each batch and scores the
translations with NLTK's `sentence_bleu`: it evaluates, whatever its name and the iterator's, and
records a graph for every batch (round 47: only low confidence, the loop's purpose unknown). The
twin scores a development set the same way, and its only caller runs it under `no_grad`."""
import nltk
import torch


def score_the_translation(iterator, model, vocab):
    scores = []
    for batch in iterator:
        predicted = model(batch.src)  # expect: NG101@21
        for sentence, reference in zip(predicted.argmax(-1).tolist(), batch.trg.tolist()):
            hypothesis = [vocab[token] for token in sentence]
            scores.append(nltk.translate.bleu_score.sentence_bleu([[vocab[t] for t in reference]], hypothesis))
    return sum(scores) / len(scores)


def bleu_of(iterator, model, vocab):
    scores = []
    for batch in iterator:
        predicted = model(batch.src)
        for sentence, reference in zip(predicted.argmax(-1).tolist(), batch.trg.tolist()):
            scores.append(nltk.translate.bleu_score.sentence_bleu([reference], sentence))
    return sum(scores) / len(scores)


def report(dev_iterator, model, vocab):
    with torch.no_grad():
        return bleu_of(dev_iterator, model, vocab)
