"""Hard negative: tokenizers and processors that transformers loads with `from_pretrained` are no
modules: calling them, or their `decode`, is no forward pass, in eval mode or not, and the texts they
give carry no graph. (Its models are modules, in eval mode.)"""
from typing import Optional

from transformers import AutoProcessor, AutoTokenizer, PreTrainedTokenizerBase


def tokenize_all(path, texts):
    tokenizer = AutoTokenizer.from_pretrained(path)
    lengths = []
    for text in texts:
        lengths.append(len(tokenizer(text, return_tensors="pt").input_ids[0].tolist()))
    return lengths


def detokenize(dataset, tokenizer: Optional[PreTrainedTokenizerBase] = None):
    texts = []
    for entry in dataset:
        decoded = tokenizer.decode(entry["input_ids"], skip_special_tokens=True)
        texts.append(decoded)
    return texts


def pixel_batches(path, images):
    processor = AutoProcessor.from_pretrained(path)
    return [processor(images=image, return_tensors="pt").pixel_values.shape for image in images]

