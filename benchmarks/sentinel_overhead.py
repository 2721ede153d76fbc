"""What the runtime sentinel costs: `main()` of each script with and without a `Sentinel`.

Each file runs in its own fresh process (the nograd-verify child environment, one torch thread
by default). There `main()` runs once watched and once plainly to warm up, then in `--rounds`
rounds of one plain and one watched sample, the order alternating (ABBA), so drift of the
machine's speed hits both alike. A sample calls `main()` as many times as make it last at least
50 ms of CPU time (each watched call is its own watch, set-up included). Each version's time is
its fastest sample (as `timeit` takes it: other work on a shared machine only ever adds time),
in CPU time (the process's user + system time: the measure to trust on a busy machine) and wall
time; a ratio is watched over plain; the last lines give their geometric means per directory.

    python benchmarks/sentinel_overhead.py                      # bundled examples + sentinel cases
    python benchmarks/sentinel_overhead.py my_eval.py --rounds 21 --json out.json
    python benchmarks/sentinel_overhead.py --markdown docs/sentinel.md   # update that section
"""
from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from nograd_lint.verify.examples import discover  # noqa: E402
from nograd_lint.verify.report import environment, write_section  # noqa: E402
from nograd_lint.verify.runner import child_env  # noqa: E402
from nograd_lint.verify.units import fmt_ratio  # noqa: E402

DEFAULT_PATHS = [ROOT / "examples", ROOT / "tests" / "sentinel_cases"]
SECTION = "sentinel-overhead"
MIN_SAMPLE_S = 0.05  # CPU seconds a sample lasts at least: short scripts are called repeatedly


def _call(main, watched: bool) -> None:
    import torch

    from nograd_lint.sentinel import Sentinel

    torch.set_grad_enabled(True)  # an example may leak a disabled mode (NG304)
    try:
        if watched:
            with Sentinel():
                main()
        else:
            main()
    except Exception:  # noqa: BLE001 - examples of runtime errors raise; their time counts
        pass


def _sample(main, watched: bool, calls: int) -> Tuple[float, float]:
    """(wall, CPU) seconds per call of `main()`, over `calls` calls (each its own watch)."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        _call(main, watched)
    return (time.perf_counter() - wall) / calls, (time.process_time() - cpu) / calls


def child(path: str, rounds: int) -> Dict[str, object]:
    """In the child process: interleaved plain and watched calls of `main()`."""
    import contextlib
    import io

    from nograd_lint.verify.child import load_main

    with contextlib.redirect_stdout(io.StringIO()):
        main = load_main(path)
        times: Dict[str, List[Tuple[float, float]]] = {"plain": [], "watched": []}
        _sample(main, True, 1)  # warm-up
        calls = max(1, math.ceil(MIN_SAMPLE_S / max(_sample(main, False, 1)[1], 1e-6)))
        for index in range(rounds):
            order = ("plain", "watched") if index % 2 == 0 else ("watched", "plain")
            for name in order:
                times[name].append(_sample(main, name == "watched", calls))
    import torch

    result: Dict[str, object] = {"file": path, "calls_per_sample": calls,
                                 "torch": torch.__version__}
    for column, clock in (("wall", 0), ("cpu", 1)):
        plain = min(t[clock] for t in times["plain"])
        watched_best = min(t[clock] for t in times["watched"])
        result.update({"plain_%s_s" % column: plain, "watched_%s_s" % column: watched_best,
                       "%s_ratio" % column: watched_best / plain if plain > 0 else None})
    return result


def measure(path: Path, rounds: int, threads: int) -> Dict[str, object]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(path),
               "--rounds", str(rounds)]
    done = subprocess.run(command, env=child_env(threads), capture_output=True, text=True)
    if done.returncode != 0:
        return {"file": str(path), "error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="scripts with main() or directories")
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", metavar="PATH")
    parser.add_argument("--markdown", metavar="PATH",
                        help="write the table between the sentinel-overhead markers of PATH")
    parser.add_argument("--child", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.rounds)))
        return 0
    files = discover([str(p) for p in (args.paths or DEFAULT_PATHS)])
    results = []
    print("%-38s %10s %10s %7s %10s %7s" % ("file", "plain cpu", "watched", "ratio", "plain wall",
                                           "ratio"))
    for path in files:
        result = measure(path, args.rounds, args.threads)
        results.append(result)
        if "error" in result:
            print("%-38s error: %s" % (path.name, result["error"]))
            continue
        print("%-38s %8.1fms %8.1fms %6.2fx %8.1fms %6.2fx" % (
            path.name, 1000 * result["plain_cpu_s"], 1000 * result["watched_cpu_s"],
            result["cpu_ratio"], 1000 * result["plain_wall_s"], result["wall_ratio"]))
    for line in summary_lines(results):
        print(line)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        write_section(args.markdown, SECTION, markdown(results, args), "")
    return 0


def _geomean(ratios: List[float]) -> float:
    return math.exp(sum(math.log(r) for r in ratios) / len(ratios))


def summary_lines(results: List[Dict[str, object]]) -> List[str]:
    """Geometric mean and worst ratio, CPU and wall, for each directory of scripts."""
    lines = []
    groups: Dict[str, List[Dict[str, object]]] = {}
    for result in results:
        groups.setdefault(Path(str(result["file"])).parent.name, []).append(result)
    for group, members in groups.items():
        for column, label in (("cpu", "CPU"), ("wall", "wall")):
            ratios = [r["%s_ratio" % column] for r in members if r.get("%s_ratio" % column)]
            if ratios:
                lines.append("%s/: %s time ratio, geometric mean %.2fx, worst %.2fx over %d files"
                             % (group, label, _geomean(ratios), max(ratios), len(ratios)))
    return lines


def markdown(results: List[Dict[str, object]], args) -> str:
    """The results as a Markdown table, with how they were measured."""
    rows = ["| script | plain (CPU) | watched (CPU) | CPU ratio | wall ratio |",
            "|---|---|---|---|---|"]
    for r in results:
        if "error" in r:
            rows.append("| `%s` | error: %s | | | |" % (Path(r["file"]).name, r["error"]))
            continue
        rows.append("| `%s` | %.1f ms | %.1f ms | %s | %s |" % (
            Path(r["file"]).name, 1000 * r["plain_cpu_s"], 1000 * r["watched_cpu_s"],
            fmt_ratio(r["cpu_ratio"]), fmt_ratio(r["wall_ratio"])))
    lines = rows + [""] + ["- %s." % line for line in summary_lines(results)]
    version = next((r["torch"] for r in results if "torch" in r), "?")
    lines += ["", "torch %s, %d round(s), %d torch thread(s). %s" % (
        version, args.rounds, args.threads, environment([]))]
    lines += ["", "Regenerate with `python benchmarks/sentinel_overhead.py --markdown "
                  "docs/sentinel.md`."]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
