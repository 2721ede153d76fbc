"""Runs the best controller once (a script, not a test suite): the rollout records a graph
at every step, and `.numpy()` on the action raises there."""
import sys

from rollouts import RolloutGenerator

generator = RolloutGenerator(sys.argv[1], 1000)
print(generator.rollout())  # expect: NG101@7
