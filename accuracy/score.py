"""Score nograd-lint against the labelled set of real PyTorch code in accuracy/labels/.

    python accuracy/score.py [--split dev|test|all] [--only REPO_OR_PACKAGE] [--min-confidence LEVEL]
                             [--cache DIR] [--git-mirrors DIR] [--labels DIR] [--check-labels]
                             [--write docs/accuracy.md]

Loads and checks every label file, rebuilds the whole project tree of each labelled source
(accuracy/trees.py), runs the `nograd-lint` command in it on the labelled files (accuracy/runner.py)
and prints, per split and family, TP/FP/FN, precision and recall with every miss and false positive
(accuracy/scoring.py, accuracy/report.py). Exits 1 on a label problem, a source that cannot be read
or a file the linter could not analyse; 0 otherwise. Needs the network (or local git mirrors), so it
is not part of CI.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from accuracy.labelset import Label, Source, load_labels, span_problems  # noqa: E402
from accuracy.report import accuracy_page, console_report  # noqa: E402
from accuracy.runner import LEVELS, SCOPES, linter_command, lint_project  # noqa: E402
from accuracy.scoring import SPLIT_CHOICES, Evaluation, in_split  # noqa: E402
from accuracy.trees import TreeError, project_tree  # noqa: E402


def parse_arguments(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=SPLIT_CHOICES,
                        help="which split to score (default: dev, or all with --check-labels; "
                             "score test only when an issue is finished)")
    parser.add_argument("--only", metavar="REPO_OR_PACKAGE",
                        help="only labels of this repository (owner/name) or package")
    parser.add_argument("--min-confidence", choices=LEVELS, default="medium",
                        help="findings below this confidence are dropped (default: medium, as the linter's default)")
    parser.add_argument("--labels", type=Path, default=ROOT / "accuracy" / "labels", help="the folder of label files")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "nograd-accuracy",
                        help="where archives, clones and project trees are kept (default: ~/.cache/nograd-accuracy)")
    parser.add_argument("--git-mirrors", type=Path, metavar="DIR",
                        help="a folder of git mirrors (OWNER+NAME/repo, OWNER+NAME, OWNER/NAME or OWNER/NAME.git) "
                             "to read repositories from instead of cloning them")
    parser.add_argument("--scope", choices=SCOPES, default="labelled",
                        help="what each run checks: the labelled files (default), or the whole project with them, "
                             "so that callers in unlabelled files are seen, as `nograd-lint .` at its root")
    parser.add_argument("--no-related", action="store_true",
                        help="score findings by their own lines only, not by the calls they name as related "
                             "locations (the rule before related locations existed)")
    parser.add_argument("--check-labels", action="store_true",
                        help="check the labels and their spans against the rebuilt files, without running the linter")
    parser.add_argument("--write", type=Path, metavar="FILE",
                        help="write the test split's table, dev's beside it, to FILE (needs --split all, no --only)")
    args = parser.parse_args(argv)
    args.split = args.split or ("all" if args.check_labels else "dev")
    if args.write and (args.split != "all" or args.only or args.check_labels):
        parser.error("--write needs --split all, no --only and no --check-labels: "
                     "the page shows the whole test split's scores beside dev's")
    return args


def select(labels: list[Label], split: str, only: Optional[str]) -> list[Label]:
    """The labels of `split`, and of one repository or package when `only` names it."""
    chosen = in_split(labels, split)
    if only:
        name = only.split(":", 1)[-1].lower()
        chosen = [label for label in chosen if label.source.name.lower() == name]
    return chosen


def evaluate(labels: list[Label], all_labels: list[Label], cache: Path, mirrors: Optional[Path],
             lint: bool = True, scope: str = "labelled") -> Evaluation:
    """Rebuild each source's tree, check the spans against its files and (with `lint`) lint them."""
    evaluation = Evaluation(labels, all_labels, scope=scope)
    command = linter_command() if lint else None
    started = time.perf_counter()
    sources: dict[Source, dict[str, list[Label]]] = defaultdict(lambda: defaultdict(list))
    for label in labels:
        sources[label.source][label.path].append(label)
    for source, files in sorted(sources.items()):
        root, readable = rebuild(source, files, cache, mirrors, evaluation)
        if command and readable:
            print(f"linting {len(readable)} files of {source}", file=sys.stderr)
            for path, run in lint_project(root, readable, command, scope).items():
                evaluation.runs[(source, path)] = run
    evaluation.seconds = time.perf_counter() - started
    evaluation.linter = linter_version(command) if command else ""
    return evaluation


def rebuild(source: Source, files: dict[str, list[Label]], cache: Path, mirrors: Optional[Path],
            evaluation: Evaluation) -> tuple[Optional[Path], list[str]]:
    """The project root of `source` and its labelled files that could be read (their spans checked);
    what could not be read goes into `evaluation.unreadable`."""
    print(f"rebuilding {source}", file=sys.stderr)
    try:
        root = project_tree(source, cache, mirrors)
    except (TreeError, OSError) as error:
        evaluation.unreadable.update({(source, path): str(error) for path in files})
        return None, []
    readable = []
    for path, file_labels in sorted(files.items()):
        try:
            data = (root / path).read_bytes()
        except OSError as error:
            evaluation.unreadable[(source, path)] = f"not in the project tree: {error.strerror or error}"
            continue
        evaluation.span_problems += span_problems(file_labels, data)
        readable.append(path)
    return root, readable


def linter_version(command: Sequence[str]) -> str:
    done = subprocess.run([*command, "--version"], capture_output=True, text=True)
    return done.stdout.strip().split()[-1] if done.returncode == 0 and done.stdout.strip() else ""


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_arguments(argv)
    labels, problems = load_labels(args.labels)
    if problems:
        print("".join(f"label problem: {problem}\n" for problem in problems) + f"{len(problems)} label problems.")
        return 1
    chosen = select(labels, args.split, args.only)
    if not chosen:
        print(f"no labels in split {args.split}" + (f" for {args.only}" if args.only else ""))
        return 1
    evaluation = evaluate(chosen, labels, args.cache, args.git_mirrors, lint=not args.check_labels,
                          scope=args.scope)
    evaluation.related = not args.no_related
    if args.check_labels:
        print(check_summary(evaluation))
    else:
        print(console_report(evaluation, args.split, args.min_confidence))
    if args.write:
        args.write.write_text(accuracy_page(evaluation, args.min_confidence), encoding="utf-8")
    return 1 if evaluation.failed else 0


def check_summary(evaluation: Evaluation) -> str:
    lines = [f"could not read {source} {path}: {why}" for (source, path), why in sorted(evaluation.unreadable.items())]
    lines += [f"label problem: {problem}" for problem in evaluation.span_problems]
    files = len({label.file_key for label in evaluation.labels})
    return "\n".join(lines + [f"{len(evaluation.labels)} labels in {files} files checked; {len(lines)} problems."])


if __name__ == "__main__":
    sys.exit(main())
