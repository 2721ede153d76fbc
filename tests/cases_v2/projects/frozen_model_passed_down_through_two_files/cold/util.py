"""Helpers of the decoding script: they run whatever model they are handed over token ids. The
script's `main` freezes every parameter of the language model before `decode` hands it on to
`complete_sentence`, two files away: nothing is recorded, silent. `score_lines` is handed, by the
same script, a reranker nobody froze: its loop records a graph per line and is reported (the
eval mode the script sets reaches it through `decode` too)."""
import torch


def complete_sentence(model, text_ids, max_length):
    for _ in range(max_length):
        logits = model(text_ids)[:, -1]
        next_id = logits.argmax(-1, keepdim=True)
        text_ids = torch.cat([text_ids, next_id], dim=1)
    return text_ids


def score_lines(reranker, lines):
    scores = []
    for ids in lines:
        scores.append(reranker(ids).mean().item())  # expect: NG101@23
    return scores
