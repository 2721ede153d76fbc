"""Which names a loop's iterations bind before reading them: the interpreter runs a body once
when those are all its first pass changed (interpret.py, `bound_before_read`)."""
import libcst as cst
import pytest

from nograd_lint.analysis.interpret import bound_before_read


def _loop(source: str):
    return cst.parse_module(source).body[0]


@pytest.mark.parametrize(("source", "fresh"), [
    # the target and an output bound at the top: nothing is carried to the next iteration
    ("for x, y in loader:\n    out = model(x)\n    print(out.argmax())\n", {"x", "y", "out"}),
    # a hidden state read before it is bound again is carried
    ("for x in steps:\n    h = cell(x, h)\n", {"x"}),
    # an accumulator, and a name a branch reads before the body binds it
    ("for x in data:\n    if x:\n        seen.append(last)\n    last = x\n    total = total + x\n", {"x"}),
    # a name the iterable reads is the previous iteration's too
    ("for batch in make(batch):\n    batch = batch + 1\n", set()),
    # the test of a `while` reads what the body leaves
    ("while not done:\n    a = policy(obs)\n    done = env.step(a)\n", {"a"}),
    # a target bound through an attribute or an index binds no name; the tuple's names do
    ("for i in range(3):\n    self.out = net(i)\n    a, *rest = net(i)\n", {"i", "a", "rest"}),
])
def test_names_bound_before_read(source, fresh):
    assert bound_before_read(_loop(source)) == frozenset(fresh)
