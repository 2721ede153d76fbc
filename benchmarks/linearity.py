"""Does nograd-lint's cost grow linearly with the size of a module? Time one module of N lines and
one of 10N lines, in one run, and print the ratio.

    python benchmarks/linearity.py                       # generated code, 4,400 and 44,000 lines
    python benchmarks/linearity.py --corpus TREE         # also one big module made of real files
    python benchmarks/linearity.py --lines 2000 --rounds 5 --factor 10

The big module is the small ones concatenated: `--factor` pieces of about `--lines` lines each, so a
linear analysis costs the big module `--factor` times what one piece costs. Two kinds of pieces:

- generated: realistic PyTorch code (model classes with `forward`, training loops, evaluation
  functions with and without `no_grad`, helpers that call each other within a piece and into the
  piece before, inference at the top level), every name made unique by a number;
- real (with `--corpus`): Python files of the tree, drawn by a seeded shuffle, joined one after
  another (`from __future__` imports dropped, files `ast` cannot parse skipped).

Each module is checked by a whole `nograd-lint` process with its cache off, as a first run sees it
(`--isolated --select NG -j 1`, `NOGRAD_LINT_NO_CACHE=1`), in a folder that is a project of its own.
The CPU time of the process (user + system) is measured; rounds are interleaved, and the median of
each is printed. The start-up of a process (measured on a one-line torch module) is printed too, and
the ratio is given both for the whole process and with the start-up taken off, which is the
stricter of the two. The target (issue: linear cost) is a ratio of at most 15 for a factor of 10.
"""
from __future__ import annotations

import argparse
import ast
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

TARGET = 15.0  # the 10N module may cost at most this many times the N one
SKIPPED_DIRS = {"__pycache__", ".git", ".hg", ".tox", ".venv", "node_modules"}

HEADER = '''"""A generated PyTorch module (nograd-lint's linearity benchmark)."""
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

'''

# Each snippet is formatted with {n} (this group's number) and {p} (the previous group's number):
# helpers call within the group and into the group before, so summaries flow across the module.
SNIPPETS = [
    '''
class Encoder{n}(nn.Module):
    """A small convolutional encoder."""

    def __init__(self, channels=3, width=64):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, width, 3, padding=1)
        self.conv2 = nn.Conv2d(width, width * 2, 3, padding=1)
        self.norm = nn.BatchNorm2d(width * 2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(width * 2, 10)
        self.dropout = nn.Dropout(0.1)

    def features(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.norm(self.conv2(x)))
        return self.pool(x).flatten(1)

    def forward(self, x):
        feats = self.features(x)
        return self.head(self.dropout(feats))


def build_encoder_{n}(config):
    model = Encoder{n}(config.get("channels", 3), config.get("width", 64))
    if config.get("checkpoint"):
        state = torch.load(config["checkpoint"], map_location="cpu")
        model.load_state_dict(state["model"])
    return model.to(config.get("device", "cpu"))
''',
    '''
def train_one_epoch_{n}(model, loader, optimizer, criterion, device, scaler=None, log_every=50):
    model.train()
    total, seen = 0.0, 0
    for step, (images, targets) in enumerate(loader):
        images, targets = images.to(device), targets.to(device)
        optimizer.zero_grad(set_to_none=True)
        outputs = model(images)
        loss = criterion(outputs, targets)
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
        else:
            loss.backward()
            optimizer.step()
        total += loss.item() * images.size(0)
        seen += images.size(0)
        if step % log_every == 0:
            print(f"step {{step}}: loss {{total / max(seen, 1):.4f}}")
    return total / max(seen, 1)
''',
    '''
@torch.no_grad()
def evaluate_{n}(model, loader, device):
    model.eval()
    correct, count = 0, 0
    for images, targets in loader:
        logits = model(images.to(device))
        correct += (logits.argmax(dim=1) == targets.to(device)).sum().item()
        count += targets.numel()
    return correct / max(count, 1)


def validate_{n}(model, loader, criterion, device):
    model.eval()
    losses = []
    for batch in loader:
        inputs, labels = batch
        output = model(inputs.to(device))
        losses.append(criterion(output, labels.to(device)).item())
    return sum(losses) / max(len(losses), 1)
''',
    '''
def accuracy_{n}(logits, targets, topk=(1,)):
    maxk = max(topk)
    _, pred = logits.topk(maxk, 1, True, True)
    pred = pred.t()
    correct = pred.eq(targets.view(1, -1).expand_as(pred))
    return [correct[:k].reshape(-1).float().sum(0) * 100.0 / targets.size(0) for k in topk]


def predict_batch_{n}(model, batch, device):
    with torch.no_grad():
        logits = model(batch.to(device))
    return logits.softmax(dim=-1)


def predict_all_{n}(model, loader, device):
    model.eval()
    outputs = []
    for batch, _ in loader:
        outputs.append(predict_batch_{n}(model, batch, device))
    scores = torch.cat(outputs)
    return scores, accuracy_{n}(scores, scores.argmax(dim=1))
''',
    '''
class Attention{n}(nn.Module):
    def __init__(self, dim, heads=8, dropout=0.0):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=False)
        self.proj = nn.Linear(dim, dim)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, mask=None):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1)) * self.scale
        if mask is not None:
            attn = attn.masked_fill(mask == 0, float("-inf"))
        attn = self.drop(attn.softmax(dim=-1))
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class Block{n}(nn.Module):
    def __init__(self, dim, heads=8):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention{n}(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, dim * 4), nn.GELU(), nn.Linear(dim * 4, dim))

    def forward(self, x, mask=None):
        x = x + self.attn(self.norm1(x), mask)
        return x + self.mlp(self.norm2(x))
''',
    '''
def run_epoch_{n}(model, loader, optimizer, device, train=True):
    model.train(train)
    losses = []
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        loss = F.cross_entropy(model(inputs), targets)
        if train:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        losses.append(loss.item())
    return sum(losses) / max(len(losses), 1)


def fit_{n}(model, train_loader, val_loader, epochs, lr=1e-3, device="cpu"):
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    history = []
    for epoch in range(epochs):
        train_loss = run_epoch_{n}(model, train_loader, optimizer, device, train=True)
        val_loss = run_epoch_{n}(model, val_loader, optimizer, device, train=False)
        scheduler.step()
        history.append((train_loss, val_loss, evaluate_{p}(model, val_loader, device)))
    return history
''',
    '''
class EMA{n}:
    """An exponential moving average of a model's weights."""

    def __init__(self, model, decay=0.999):
        self.decay = decay
        self.shadow = {{k: v.detach().clone() for k, v in model.state_dict().items()}}

    @torch.no_grad()
    def update(self, model):
        for key, value in model.state_dict().items():
            if value.dtype.is_floating_point:
                self.shadow[key].mul_(self.decay).add_(value.detach(), alpha=1 - self.decay)

    def copy_to(self, model):
        model.load_state_dict(self.shadow)


def distill_step_{n}(student, teacher, batch, optimizer, temperature=4.0):
    teacher.eval()
    inputs, labels = batch
    with torch.no_grad():
        soft = F.softmax(teacher(inputs) / temperature, dim=-1)
    logits = student(inputs)
    loss = F.kl_div(F.log_softmax(logits / temperature, dim=-1), soft, reduction="batchmean")
    loss = loss * temperature ** 2 + F.cross_entropy(logits, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.detach()
''',
    '''
def greedy_decode_{n}(model, src, max_len, start_symbol, end_symbol):
    memory = model.encode(src)
    ys = torch.full((src.size(0), 1), start_symbol, dtype=torch.long)
    for _ in range(max_len - 1):
        out = model.decode(memory, ys)
        prob = model.generator(out[:, -1])
        next_word = prob.argmax(dim=1, keepdim=True)
        ys = torch.cat([ys, next_word], dim=1)
        if (next_word == end_symbol).all():
            break
    return ys


def translate_{n}(model, sentences, vocab, device, max_len=64):
    model.eval()
    results = []
    for sentence in sentences:
        src = torch.tensor([vocab[token] for token in sentence.split()], device=device)[None]
        tokens = greedy_decode_{n}(model, src, max_len, vocab["<s>"], vocab["</s>"])
        results.append(" ".join(vocab.lookup(int(t)) for t in tokens[0]))
    return results
''',
    '''
def save_checkpoint_{n}(model, optimizer, epoch, path):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    torch.save({{"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}}, path)


def load_checkpoint_{n}(model, optimizer, path):
    state = torch.load(path, map_location="cpu")
    model.load_state_dict(state["model"])
    if optimizer is not None:
        optimizer.load_state_dict(state["optimizer"])
    return state.get("epoch", 0)


def warmup_lr_{n}(step, warmup=1000, base=3e-4):
    if step < warmup:
        return base * (step + 1) / warmup
    return base * 0.5 * (1.0 + math.cos(math.pi * min(step / 100000.0, 1.0)))
''',
    '''
def extract_features_{n}(backbone, loader, device):
    backbone.eval()
    features, labels = [], []
    for images, targets in loader:
        feats = backbone(images.to(device)).detach()
        features.append(feats.cpu())
        labels.append(targets)
    return torch.cat(features), torch.cat(labels)


def linear_probe_{n}(backbone, train_loader, test_loader, classes, device="cpu", epochs=10):
    train_x, train_y = extract_features_{n}(backbone, train_loader, device)
    test_x, test_y = extract_features_{n}(backbone, test_loader, device)
    probe = nn.Linear(train_x.size(1), classes)
    optimizer = torch.optim.SGD(probe.parameters(), lr=0.1, momentum=0.9)
    for _ in range(epochs):
        loss = F.cross_entropy(probe(train_x), train_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return (probe(test_x).argmax(1) == test_y).float().mean().item()
''',
    '''
class Trainer{n}:
    def __init__(self, model, optimizer, device="cpu"):
        self.model = model
        self.optimizer = optimizer
        self.device = device
        self.ema = EMA{n}(model)
        self.step = 0

    def training_step(self, batch):
        inputs, targets = (t.to(self.device) for t in batch)
        loss = F.cross_entropy(self.model(inputs), targets)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.ema.update(self.model)
        self.step += 1
        return loss.item()

    def validation_step(self, batch):
        inputs, targets = (t.to(self.device) for t in batch)
        logits = self.model(inputs)
        return F.cross_entropy(logits, targets).item(), accuracy_{n}(logits, targets)[0]

    def fit(self, train_loader, val_loader, epochs=1):
        for _ in range(epochs):
            self.model.train()
            for batch in train_loader:
                self.training_step(batch)
            self.model.eval()
            with torch.no_grad():
                scores = [self.validation_step(batch) for batch in val_loader]
            print(sum(s[0] for s in scores) / max(len(scores), 1))
        save_checkpoint_{n}(self.model, self.optimizer, epochs, "checkpoints/last.pt")
''',
    '''
def main_{n}(data, epochs=2, device="cpu"):
    model = build_encoder_{n}({{"device": device}})
    loader = DataLoader(data, batch_size=32, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=warmup_lr_{n}(0))
    for epoch in range(epochs):
        train_one_epoch_{n}(model, loader, optimizer, nn.CrossEntropyLoss(), device)
    model.eval()
    accuracy = evaluate_{n}(model, loader, device)
    loss = validate_{n}(model, loader, nn.CrossEntropyLoss(), device)
    probe = linear_probe_{n}(model.features, loader, loader, 10, device)
    return accuracy, loss, probe, predict_all_{p}(model, loader, device)
''',
]


def generated_snippets():
    """Generated code, one snippet after another, without end; group numbers count up."""
    number = 0
    while True:
        for snippet in SNIPPETS:
            yield snippet.format(n=number, p=max(number - 1, 0))
        number += 1


def generated_pieces(lines: int, factor: int) -> list[str]:
    """`factor` pieces of generated code of about `lines` lines each (the imports come with HEADER)."""
    snippets = generated_snippets()
    pieces = []
    for _ in range(factor):
        parts, count = [], HEADER.count("\n")
        while count < lines:
            text = next(snippets)
            parts.append(text)
            count += text.count("\n")
        pieces.append("".join(parts))
    return pieces


# -- real code ------------------------------------------------------------------------------------
FUTURE = re.compile(r"^from __future__ import [^\n]*(\([^)]*\))?[^\n]*\n", re.M)


def real_files(roots: list[Path]) -> list[Path]:
    found = []
    for root in roots:
        for directory, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
            found.extend(Path(directory, name) for name in sorted(files) if name.endswith(".py"))
    return found


def real_pieces(roots: list[Path], lines: int, factor: int, seed: int) -> list[str]:
    """`factor` pieces of about `lines` lines each, whole files of the tree joined in a seeded order."""
    files = real_files(roots)
    random.Random(seed).shuffle(files)
    pieces, parts, count = [], [], HEADER.count("\n")
    for path in files:
        try:
            text = FUTURE.sub("", path.read_text(encoding="utf-8"))
            ast.parse(text)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        if "\f" in text or text.count("\n") > lines:  # a form feed, or one file bigger than a piece
            continue
        parts.append(text if text.endswith("\n") else text + "\n")
        count += text.count("\n")
        if count >= lines:
            pieces.append("".join(parts))
            parts, count = [], HEADER.count("\n")
            if len(pieces) == factor:
                break
    if len(pieces) < factor:
        raise SystemExit(f"linearity.py: the tree has fewer than {factor * lines:,} usable lines")
    return pieces


# -- timing ---------------------------------------------------------------------------------------
def nograd_command(args: argparse.Namespace) -> list[str]:
    if args.nograd_lint:
        return args.nograd_lint.split()
    candidate = Path(sys.executable).with_name("nograd-lint")
    found = str(candidate) if candidate.exists() else shutil.which("nograd-lint")
    if found is None:
        raise SystemExit("linearity.py: nograd-lint is not installed next to this Python; pass --nograd-lint")
    return [found]


def cpu_seconds(argv: list[str], workdir: Path) -> tuple[float, str]:
    """CPU seconds (user + system) of one whole process, and the last line of its standard error."""
    env = dict(os.environ, NOGRAD_LINT_NO_CACHE="1", PYTHONPYCACHEPREFIX=str(workdir / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with open(workdir / "stdout.txt", "wb") as out, open(workdir / "stderr.txt", "wb") as err:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=workdir, env=env)
        _, status, usage = os.wait4(process.pid, 0)
    text = (workdir / "stderr.txt").read_text(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1) or "Traceback (most recent call last)" in text:
        raise SystemExit(f"linearity.py: `{' '.join(argv[:2])} ...` failed (exit {code}):\n{text[-2000:]}")
    return usage.ru_utime + usage.ru_stime, (text.strip().splitlines() or [""])[-1]


def write_project(folder: Path, name: str, text: str) -> Path:
    """A module in a folder of its own that is a project (as a file in a repository is)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text("[project]\nname = \"bench\"\n", encoding="utf-8")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def measure(label: str, pieces: list[str], command: list[str], workdir: Path, rounds: int,
            startup: list[float]) -> tuple[float, float]:
    """Time each piece alone and all of them as one module, interleaved over rounds; print the
    medians and return (whole-process ratio, ratio with the start-up taken off)."""
    small_paths = [write_project(workdir / label / f"piece{i}", "piece.py", HEADER + text)
                   for i, text in enumerate(pieces)]
    big_path = write_project(workdir / label / "whole", "whole.py", HEADER + "".join(pieces))
    small_lines = statistics.mean((HEADER + text).count("\n") for text in pieces)
    big_lines = big_path.read_text(encoding="utf-8").count("\n")
    small_runs, big_runs = [], []
    for round_number in range(rounds):
        jobs = [("big", big_path), *[("small", path) for path in small_paths]]
        if round_number % 2:
            jobs.reverse()
        pieces_cpu = []
        for kind, path in jobs:
            seconds, summary = cpu_seconds([*command, str(path)], workdir)
            (big_runs if kind == "big" else pieces_cpu).append(seconds)
            if kind == "big":
                print(f"  round {round_number + 1}: {label} whole {seconds:7.2f} s  ({summary})",
                      file=sys.stderr, flush=True)
        small_runs.append(statistics.mean(pieces_cpu))
        print(f"  round {round_number + 1}: {label} piece (mean of {len(pieces_cpu)}) "
              f"{small_runs[-1]:7.2f} s", file=sys.stderr, flush=True)
    small, big, start = statistics.median(small_runs), statistics.median(big_runs), statistics.median(startup)
    whole = big / small
    net = (big - start) / max(small - start, 1e-9)
    print(f"{label:10} {small_lines:>9,.0f} {small:9.2f} {big_lines:>9,} {big:9.2f} {whole:8.1f}x {net:8.1f}x")
    return whole, net


def parse_arguments(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=4400, help="lines of the small module (default: 4400)")
    parser.add_argument("--factor", type=int, default=10, help="the big module is this many small ones (default: 10)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default: 3)")
    parser.add_argument("--corpus", type=Path, action="append",
                        help="a tree of real PyTorch code: also time a module made of its files")
    parser.add_argument("--seed", type=int, default=0, help="which files of the corpus (default: 0)")
    parser.add_argument("--no-generated", action="store_true", help="only the module of real code")
    parser.add_argument("--nograd-lint", help="the nograd-lint command (default: the executable next to this Python)")
    parser.add_argument("--keep", type=Path, help="write the modules here and keep them")
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_arguments(argv)
    command = [*nograd_command(args), "--isolated", "--select", "NG", "-j", "1"]
    variants = []
    if not args.no_generated:
        variants.append(("generated", generated_pieces(args.lines, args.factor)))
    if args.corpus:
        variants.append(("real", real_pieces(args.corpus, args.lines, args.factor, args.seed)))
    if not variants:
        raise SystemExit("linearity.py: nothing to time (give --corpus, or leave out --no-generated)")
    with tempfile.TemporaryDirectory(prefix="nograd-linearity-") as temporary:
        workdir = args.keep or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        tiny = write_project(workdir / "startup", "tiny.py", "import torch\n")
        cpu_seconds([*command, str(tiny)], workdir)  # untimed: compiles the bytecode caches
        startup = [cpu_seconds([*command, str(tiny)], workdir)[0] for _ in range(args.rounds)]
        print(f"factor {args.factor}; {args.rounds} rounds; CPU seconds of whole processes, medians; "
              f"start-up {statistics.median(startup):.2f} s; Python {sys.version.split()[0]}")
        print(f"{'module':10} {'lines':>9} {'cpu s':>9} {'lines':>9} {'cpu s':>9} {'ratio':>9} {'- start':>9}")
        verdict = []
        for label, pieces in variants:
            whole, net = measure(label, pieces, command, workdir, args.rounds, startup)
            verdict.append(f"{label}: {net:.1f}x without start-up ({whole:.1f}x whole process) for "
                           f"{args.factor}x the lines; target <= {TARGET:.0f}x: "
                           f"{'met' if net <= TARGET else 'NOT met'}")
    print()
    print("\n".join(verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
