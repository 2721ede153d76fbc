"""Fixes are applied in batches: every fix of a round that touches its own part of the tree is
applied together, and fixes that overlap wait for the next round (which analyses the result again).
So fixing costs a few analyses whatever the number of findings; the result is the one fixing one
finding at a time gives, verified the same way."""
from __future__ import annotations

import random

import libcst as cst
import pytest

from nograd_lint.diagnostics import Diagnostic, Fix, FixSafety
from nograd_lint.fixes import edits
from nograd_lint.fixes.changes import Change, Claims, Tree, _Replace
from nograd_lint.fixes.fixer import FixError, _next_fixes, fix_source
from nograd_lint.fixes.linediff import opcodes
from nograd_lint.io.sources import parse

SEPARATE = '''\
import torch


def evaluate(model, loader):
    model.eval()
    correct = 0
    for x, y in loader:
        correct += (model(x).argmax(1) == y).sum().item()
    return correct


def sgd_step(model, lr):
    for p in model.parameters():
        p -= lr * p.grad


def decode(batches):
    outputs = []
    with torch.no_grad:
        for batch in batches:
            outputs.append(batch.argmax(-1).tolist())
    return outputs


@torch.no_grad()
def score(model, x):
    with torch.no_grad():
        probabilities = model(x).softmax(-1)
    return probabilities
'''
SEPARATE_FIXED = '''\
import torch


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    correct = 0
    for x, y in loader:
        correct += (model(x).argmax(1) == y).sum().item()
    return correct


def sgd_step(model, lr):
    with torch.no_grad():
        for p in model.parameters():
            p -= lr * p.grad


def decode(batches):
    outputs = []
    with torch.no_grad():
        for batch in batches:
            outputs.append(batch.argmax(-1).tolist())
    return outputs


@torch.no_grad()
def score(model, x):
    probabilities = model(x).softmax(-1)
    return probabilities
'''


def test_fixes_in_separate_places_are_applied_in_one_round():
    outcome = fix_source(SEPARATE)
    assert outcome.source == SEPARATE_FIXED
    assert [(d.code, d.line) for d in outcome.applied] == [("NG101", 8), ("NG103", 14), ("NG302", 19), ("NG301", 27)]
    assert (outcome.remaining, outcome.rounds) == ([], 2)  # one round of fixes, one that finds none left
    assert fix_source(SEPARATE_FIXED).source == SEPARATE_FIXED


OVERLAPPING = '''\
import torch


@torch.no_grad()
def score_twice(model, x, y):
    with torch.no_grad():
        a = model(x).softmax(-1)
    with torch.no_grad():
        b = model(y).softmax(-1)
    return a, b
'''


def test_fixes_that_rewrite_the_same_block_wait_for_the_next_round():
    outcome = fix_source(OVERLAPPING)
    assert outcome.source == OVERLAPPING.replace("    with torch.no_grad():\n        ", "    ")
    assert [(d.code, d.line) for d in outcome.applied] == [("NG301", 6), ("NG301", 8)]
    assert outcome.rounds == 3


def test_an_enclosing_fix_waits_and_is_not_needed_after_the_inner_one():
    # `with torch.no_grad:` raises TypeError, so the loop also runs with gradients on (NG101 on
    # the function); calling no_grad fixes both, and the decorator is never added.
    source = SEPARATE.replace("outputs.append(batch.argmax(-1).tolist())", "outputs.append(model(batch).tolist())")
    source = source.replace("def decode(batches):", "def predict(model, batches):")
    outcome = fix_source(source)
    assert "@torch.no_grad()\ndef predict" not in outcome.source
    assert "    with torch.no_grad():\n        for batch in batches:\n" in outcome.source
    assert ("NG302", 19) in [(d.code, d.line) for d in outcome.applied]
    assert fix_source(outcome.source).source == outcome.source


def _loop_fixes(module: cst.Module, targets: list[str]) -> list[Diagnostic]:
    loop = next(node for node in module.body[1].body.body if isinstance(node, cst.For))
    return [Diagnostic("NG999", f"rename to {target}", 7, 9, 7, 13,
                       fix=Fix(FixSafety.SAFE, f"rename to {target}", edits.replace(loop.target, cst.parse_expression(target))))
            for target in targets]


def test_a_batch_that_does_not_compile_names_the_fix_that_breaks_it():
    source = SEPARATE
    module = parse(source)
    body = module.body[1].body.body
    loop = next(node for node in body if isinstance(node, cst.For))
    first = body[0]
    fine = Fix(FixSafety.SAFE, "rename the first line", edits.replace(first, cst.parse_statement("model.train()")))
    broken = Fix(FixSafety.SAFE, "assign to a call", edits.replace(loop.target, cst.parse_expression("f(x), y")))
    diagnostics = [Diagnostic("NG999", "a", 5, 5, 5, 17, fix=fine), Diagnostic("NG999", "b", 7, 9, 7, 13, fix=broken)]
    with pytest.raises(FixError) as raised:
        _next_fixes(module, module.code, diagnostics, unsafe=False, path="a.py")
    assert str(raised.value) == ('a.py: the fix "assign to a call" produced code that does not compile '
                                 '(7:9: cannot compile: cannot assign to function call); file left unchanged')
    chosen, code = _next_fixes(module, module.code, diagnostics[:1], unsafe=False, path="a.py")
    assert chosen == diagnostics[:1] and code == source.replace("    model.eval()\n", "    model.train()\n", 1)


def test_replacements_rebuild_only_the_ancestors_and_match_libcst():
    module = parse(SEPARATE)
    tree = Tree(module)
    evaluate, sgd_step, decode, score = module.body[1:]
    changes = [edits.add_decorator(evaluate, "torch.no_grad()", False).change(tree),
               edits.wrap_in_with(list(sgd_step.body.body), "torch.no_grad()", False).change(tree),
               Change(((decode.body.body[0], cst.RemoveFromParent()),))]
    claims = Claims(tree)
    assert all(claims.take(change) for change in changes)
    assert not claims.take(edits.add_decorator(evaluate, "torch.enable_grad()", False).change(tree))  # the same function
    assert not claims.take(Change(((sgd_step.body.body[0].body, cst.IndentedBlock(body=[])),)))  # inside a change
    fast = tree.replaced(changes)
    table = {id(old): (old, new) for change in changes for old, new in change.replacements}
    assert fast.code == module.visit(_Replace(table)).code
    assert fast.body[4] is score  # untouched parts are shared with the old tree


@pytest.mark.parametrize("seed", range(5))
def test_line_opcodes_turn_the_old_lines_into_the_new(seed):
    rng = random.Random(seed)
    for _ in range(300):
        alphabet = [f"line {k}" for k in range(rng.randint(1, 40))]
        old = [rng.choice(alphabet) for _ in range(rng.randint(0, 60))]
        new = list(old)
        for _ in range(rng.randint(0, 8)):
            at = rng.randint(0, len(new))
            kind = rng.random()
            if kind < 0.4:
                new.insert(at, rng.choice(alphabet + ["added"]))
            elif new:
                del new[min(at, len(new) - 1)]
        found = opcodes(old, new)
        rebuilt, i, j = [], 0, 0
        for tag, i1, i2, j1, j2 in found:
            assert (i1, j1) == (i, j)
            if tag == "equal":
                assert old[i1:i2] == new[j1:j2]
            rebuilt.extend(new[j1:j2])
            i, j = i2, j2
        assert (rebuilt, i, j) == (new, len(old), len(new))
        assert all((first[0] == "equal") != (second[0] == "equal") for first, second in zip(found, found[1:]))
