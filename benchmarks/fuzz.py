"""Fuzz nograd-lint with programs hypothesmith generates, for longer than the tests do.

    python benchmarks/fuzz.py                      # 2,000 programs: alone, where fixes happen, in notebooks
    python benchmarks/fuzz.py --examples 20000 --seed 7

The properties are those of tests/test_fuzz.py (see tests/fuzz_properties.py): no exception escapes
linting or fixing; every fix output compiles, is a fixed point and leaves no fixable finding; every
line a fix does not edit keeps its bytes. The first failure stops the run and is printed, shrunk to
a small program, with the seed to run it again.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzz_properties import PLACES, Tally, check, check_notebook, placed, programs  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="programs to generate (default 2000)")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed (default 0)")
    args = parser.parse_args(argv)
    tally = Tally()
    placements = {place: 0 for place in [*PLACES, "notebook"]}

    @seed(args.seed)
    @settings(max_examples=args.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(programs(), st.sampled_from(sorted(placements)))
    def fuzz(program: str, place: str) -> None:
        tally.programs += 1
        if place == "notebook":
            placements[place] += 1
            check_notebook(program, tally)
            return
        source = placed(program, place)
        if source is not None:
            placements[place] += 1
            check(source, tally)

    started = time.perf_counter()
    try:
        fuzz()
    finally:
        print(f"{tally.line()}; {time.perf_counter() - started:.0f} s")
        print("placed: " + ", ".join(f"{place} {count}" for place, count in placements.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
