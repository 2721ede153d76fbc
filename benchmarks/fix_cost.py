"""What fixing a file costs against linting it, in one run, and how linting scales with file size.

    python benchmarks/fix_cost.py                    # 10k-line module with 25 findings; 50k-line module
    python benchmarks/fix_cost.py --rounds 5 --fix-lines 10000 --findings 25 --lint-lines 50000

Each module is generated (the same text on every machine): plain helpers, `nn.Module` classes and
training loops, with `--findings` functions that have a fixable finding spread evenly through it.
Every command runs as a whole process on a fresh copy of the file: `nograd-lint FILE` and
`nograd-fix FILE` on the fix module, `nograd-lint FILE` on the lint module. Rounds are interleaved;
each ratio is taken within a round from CPU seconds (user + system of the process) and the median
over rounds is printed. The fix must leave no finding behind and the fixed file must lint clean.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

GOAL = 3.0  # fixing a file may cost at most this many times linting it

HEADER = '''"""A generated module: nograd-lint's fix-cost benchmark."""
import torch
import torch.nn as nn
import torch.nn.functional as F

'''

# Code without findings, each about 40 lines.
FILLERS = [
    '''
class Block{i}(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.first = nn.Linear(width, width * 2)
        self.second = nn.Linear(width * 2, width)
        self.norm = nn.LayerNorm(width)
        self.scale = {i} + 1

    def forward(self, x):
        h = F.gelu(self.first(x))
        h = self.second(h) * self.scale
        return self.norm(x + h)


def build_{i}(width, depth):
    layers = [Block{i}(width) for _ in range(depth)]
    return nn.Sequential(*layers)


def train_epoch_{i}(model, loader, optimizer):
    model.train()
    total = 0.0
    for step, (x, y) in enumerate(loader):
        optimizer.zero_grad()
        out = model(x)
        loss = F.cross_entropy(out, y)
        loss.backward()
        optimizer.step()
        total += loss.item()
        if step % 100 == 0:
            print(step, total / (step + 1))
    return total / max(1, len(loader))
''',
    '''
def normalise_{i}(batch, mean, std):
    """Scale a batch to zero mean and unit variance."""
    batch = batch.float()
    batch = (batch - mean) / std
    return batch.clamp(-5.0, 5.0)


def collate_{i}(samples):
    xs, ys = zip(*samples)
    return torch.stack(xs), torch.tensor(ys)


def schedule_{i}(step, warmup={i} + 10, peak=1e-3):
    if step < warmup:
        return peak * step / warmup
    return peak * (warmup / step) ** 0.5


def describe_{i}(model):
    names = []
    for name, parameter in model.named_parameters():
        names.append(f"{{name}}: {{tuple(parameter.shape)}}")
    return "\\n".join(names)


def split_{i}(items, fraction=0.9):
    cut = int(len(items) * fraction)
    return items[:cut], items[cut:]


def accuracy_{i}(logits, labels):
    return (logits.argmax(-1) == labels).float().mean().item()
''',
]

# Code with one finding a safe fix removes, each 10 to 15 lines.
FINDINGS = [
    '''
def evaluate_{i}(model, loader):
    model.eval()
    correct = 0
    for x, y in loader:
        correct += (model(x).argmax(1) == y).sum().item()
    return correct / len(loader.dataset)
''',
    '''
def sgd_step_{i}(model, lr):
    for p in model.parameters():
        p -= lr * p.grad
''',
    '''
def decode_{i}(batches):
    outputs = []
    with torch.no_grad:
        for batch in batches:
            outputs.append(batch.argmax(-1).tolist())
    return outputs
''',
    '''
@torch.no_grad()
def score_{i}(model, x):
    with torch.no_grad():
        probabilities = model(x).softmax(-1)
    return probabilities
''',
]


def module(lines: int, findings: int) -> str:
    """A module of about `lines` lines with `findings` fixable findings spread through it."""
    parts, count, index = [HEADER], HEADER.count("\n"), 0
    per_finding = max(1, lines // max(1, findings))
    next_finding = per_finding // 2 if findings else None
    placed = 0
    while count < lines:
        if next_finding is not None and count >= next_finding and placed < findings:
            text = FINDINGS[placed % len(FINDINGS)].format(i=index)
            placed += 1
            next_finding += per_finding
        else:
            text = FILLERS[index % len(FILLERS)].format(i=index)
        parts.append("\n" + text)
        count += text.count("\n") + 1
        index += 1
    while placed < findings:
        parts.append("\n" + FINDINGS[placed % len(FINDINGS)].format(i=index))
        placed += 1
        index += 1
    return "".join(parts)


def command(name: str) -> str:
    path = Path(sys.executable).parent / name
    if not path.exists():
        raise SystemExit(f"fix_cost.py: {name} is not installed next to {sys.executable}")
    return str(path)


def cpu_seconds(argv: list[str], workdir: Path, allowed: tuple[int, ...]) -> tuple[float, str, str]:
    """(CPU seconds, stdout, stderr) of one whole process."""
    out_path, err_path = workdir / "stdout.txt", workdir / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=workdir)
        _, status, usage = os.wait4(process.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    stdout, stderr = out_path.read_text(errors="replace"), err_path.read_text(errors="replace")
    if code not in allowed or "Traceback" in stderr:
        raise SystemExit(f"fix_cost.py: `{' '.join(argv)}` exited {code}:\n{stderr[-2000:]}")
    return usage.ru_utime + usage.ru_stime, stdout, stderr


def parse_arguments(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--fix-lines", type=int, default=10_000, help="lines of the module fixed (default 10000)")
    parser.add_argument("--findings", type=int, default=25, help="fixable findings in it (default 25)")
    parser.add_argument("--lint-lines", type=int, default=50_000,
                        help="lines of the module only linted (default 50000; 0 skips it)")
    parser.add_argument("--write", metavar="DIR", help="write the generated modules to DIR and exit")
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_arguments(argv)
    fix_text = module(args.fix_lines, args.findings)
    lint_text = module(args.lint_lines, args.lint_lines * args.findings // max(1, args.fix_lines)) if args.lint_lines else ""
    if args.write:
        Path(args.write).mkdir(parents=True, exist_ok=True)
        Path(args.write, "fix_module.py").write_text(fix_text)
        if lint_text:
            Path(args.write, "lint_module.py").write_text(lint_text)
        return 0
    lint, fix = command("nograd-lint"), command("nograd-fix")
    workdir = Path(tempfile.mkdtemp(prefix="nograd-fix-cost-"))
    try:
        source = workdir / "fix_module.py"
        big = workdir / "lint_module.py"
        source.write_text(fix_text)
        if lint_text:
            big.write_text(lint_text)
        print(f"fix module: {fix_text.count(chr(10))} lines, {args.findings} findings; "
              f"lint module: {lint_text.count(chr(10))} lines; {args.rounds} rounds, CPU seconds", flush=True)
        rows: dict[str, list[float]] = {"lint": [], "fix": [], "lint big": []}
        for round_number in range(args.rounds):
            work = workdir / f"round{round_number}.py"
            shutil.copyfile(source, work)
            seconds, out, _ = cpu_seconds([lint, "--isolated", work.name], workdir, (1,))
            found = len(out.splitlines())
            rows["lint"].append(seconds)
            seconds, out, err = cpu_seconds([fix, "--isolated", work.name], workdir, (0,))
            rows["fix"].append(seconds)
            fixed = sum(" fixed: " in line for line in out.splitlines())
            if fixed != found or cpu_seconds([lint, "--isolated", work.name], workdir, (0,))[0] < 0:
                raise SystemExit(f"fix_cost.py: {found} findings but {fixed} fixed:\n{err}")
            if lint_text:
                rows["lint big"].append(cpu_seconds([lint, "--isolated", big.name], workdir, (0, 1))[0])
            print(f"round {round_number + 1}: lint {rows['lint'][-1]:.2f} s, fix {rows['fix'][-1]:.2f} s"
                  + (f", lint big {rows['lint big'][-1]:.2f} s" if lint_text else "")
                  + f" ({found} findings fixed)", flush=True)
        ratio = statistics.median(f / l for f, l in zip(rows["fix"], rows["lint"]))
        print(f"\nfix / lint ({args.fix_lines} lines, {args.findings} findings): {ratio:.2f}x "
              f"(median of {args.rounds}; goal at most {GOAL:.0f}x: {'met' if ratio <= GOAL else 'NOT met'})")
        if lint_text:
            scale = statistics.median((b / l) for b, l in zip(rows["lint big"], rows["lint"]))
            size = lint_text.count("\n") / fix_text.count("\n")
            print(f"lint {args.lint_lines} lines / lint {args.fix_lines} lines: {scale:.2f}x "
                  f"for {size:.1f}x the lines (linear: {size:.1f}x)")
        for name, values in rows.items():
            if values:
                print(f"  {name}: median {statistics.median(values):.2f} s CPU")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
