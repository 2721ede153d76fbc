import torch


class Evaluator:
    def __init__(self, decoder, multi_gpu=False):
        self.decoder = decoder
        self.multi_gpu = multi_gpu

    def run_all_evals(self, batches):
        scores = {}
        with torch.no_grad():
            for name, batch in batches.items():
                scores[name] = self.evaluate_translation(batch)
        return scores


class TranslationEvaluator(Evaluator):
    def evaluate_translation(self, batch):
        self.decoder.eval()
        decoder = self.decoder.module if self.multi_gpu else self.decoder
        return decoder.generate_beam(batch, max_len=10)
