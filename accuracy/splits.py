"""Which split (dev or test) a repository's labels belong to, decided before anything is labelled.

The rule is fixed in advance so that nobody picks a split after seeing how the linter does on a
repository: code the team has already tuned on (the v1 labels, the development corpus packages,
and the repositories of a test split that was scored, listed in `spent-test-split.txt`) is `dev`;
every other repository goes to `test` or `dev` by a hash of its name.

    python accuracy/splits.py github:owner/name     # prints dev or test
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

# Repositories of the development corpus (shared/corpus): the analysis was tuned on them.
DEV_CORPUS_REPOSITORIES = frozenset(name.lower() for name in (
    "huggingface/accelerate", "pytorch/ignite", "huggingface/peft", "UKPLab/sentence-transformers",
    "Lightning-AI/pytorch-lightning", "Lightning-AI/lightning", "pytorch/vision", "Project-MONAI/MONAI",
    "pytorch/tnt", "KevinMusgrave/pytorch-metric-learning", "fastai/fastai", "kornia/kornia",
    "microsoft/torchgeo", "ContinualAI/avalanche", "pyro-ppl/pyro", "pytorch/rl", "pytorch/botorch",
    "cornellius-gp/gpytorch", "ultralytics/ultralytics",
))


def _spent_test_repositories() -> frozenset[str]:
    """The repositories of test splits already scored (`spent-test-split.txt`): dev since."""
    text = (Path(__file__).parent / "spent-test-split.txt").read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].split() for line in text.splitlines())
    return frozenset(words[0].removeprefix("github:").lower() for words in lines if words)


SPENT_TEST_REPOSITORIES = _spent_test_repositories()


def split_of(source: str) -> str:
    """`dev` or `test` for a label source: `github:owner/name[@commit]` or `pypi:NAME==VERSION`."""
    kind, _, rest = source.partition(":")
    if kind == "pypi":
        return "dev"  # the v1 labels: released packages the v1 analysis was tuned on
    if kind != "github":
        raise ValueError(f"unknown source kind in {source!r}")
    repository = rest.split("@", 1)[0].strip().lower()
    if repository in DEV_CORPUS_REPOSITORIES or repository in SPENT_TEST_REPOSITORIES:
        return "dev"
    return "test" if hashlib.sha256(repository.encode()).digest()[0] % 2 else "dev"


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        print(f"{argument}\t{split_of(argument)}")
