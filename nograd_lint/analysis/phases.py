"""Loops over phases: `for phase in ["train", "val"]:` whose body trains only under
`if phase == "train":`, so every other phase runs the same forward passes for evaluation; and
loops whose body compares a mode variable with a training phase and with an evaluation one
(`if to_do == "train":` ... `if to_do == "forward":`), whatever gives the variable its value."""
from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from .treewalk import iter_nodes

TRAINING_PHASE = re.compile(r"^train(ing)?$", re.I)
EVALUATION_PHASE = re.compile(r"^(val|valid|validation|dev|test|testing|eval|evaluation)$", re.I)
# what else a mode variable compared with a training phase says of the passes that only run forward
INFERENCE_MODE = re.compile(r"^(forward|predict|prediction|inference|infer|decode)$", re.I)


def literal_phases(loop: cst.CSTNode) -> Optional[tuple[str, str, list[str]]]:
    """(the loop variable, the training phase, the other phases) of `for phase in ["train", "val"]`
    (a list or tuple of string literals, one a training phase, one an evaluation phase); None else."""
    if not (isinstance(loop, cst.For) and isinstance(loop.target, cst.Name) and isinstance(loop.iter, (cst.List, cst.Tuple))):
        return None
    names = [element.value.evaluated_value for element in loop.iter.elements
             if isinstance(element, cst.Element) and isinstance(element.value, cst.SimpleString)]
    if len(names) != len(loop.iter.elements) or not all(isinstance(name, str) for name in names):
        return None
    training = [name for name in names if TRAINING_PHASE.match(name)]
    others = [name for name in names if not TRAINING_PHASE.match(name)]
    if len(training) != 1 or not any(EVALUATION_PHASE.match(name) for name in others):
        return None
    return loop.target.value, training[0], others


def compared_phases(loop: cst.CSTNode) -> Optional[tuple[str, str, list[str]]]:
    """(the variable, the training phase, the other phases) of a loop whose body compares one
    variable with string literals (`==`, `!=`, `in (...)`), one a training phase and another an
    evaluation phase or a forward-only mode (`to_do == "train"`, `to_do != "forward"`); None else."""
    if not isinstance(loop, (cst.For, cst.While)):
        return None
    compared: dict[str, list[str]] = {}
    for node in iter_nodes(loop.body):
        for variable, literal in _literal_comparisons(node):
            if literal not in compared.setdefault(variable, []):
                compared[variable].append(literal)
    for variable, names in compared.items():
        training = [name for name in names if TRAINING_PHASE.match(name)]
        others = [name for name in names if not TRAINING_PHASE.match(name)]
        if len(training) == 1 and any(EVALUATION_PHASE.match(name) or INFERENCE_MODE.match(name) for name in others):
            return variable, training[0], others
    return None


def _literal_comparisons(node: cst.CSTNode) -> list[tuple[str, str]]:
    """(variable, string) of `v == "s"`, `"s" != v`, `v in ("s", "t")`."""
    if not (isinstance(node, cst.Comparison) and len(node.comparisons) == 1):
        return []
    comparison = node.comparisons[0]
    if isinstance(comparison.operator, (cst.Equal, cst.NotEqual)):
        sides = (node.left, comparison.comparator)
        names = [side.value for side in sides if isinstance(side, cst.Name)]
        texts = [side.evaluated_value for side in sides if isinstance(side, cst.SimpleString)]
        return [(names[0], texts[0])] if len(names) == 1 and len(texts) == 1 and isinstance(texts[0], str) else []
    if isinstance(comparison.operator, (cst.In, cst.NotIn)) and isinstance(node.left, cst.Name) and isinstance(
            comparison.comparator, (cst.List, cst.Tuple, cst.Set)):
        return [(node.left.value, element.value.evaluated_value) for element in comparison.comparator.elements
                if isinstance(element.value, cst.SimpleString) and isinstance(element.value.evaluated_value, str)]
    return []


def training_branches(loop: cst.For, variable: str, training: str) -> list[cst.If]:
    """The `if` statements of the loop's body that run only in the training phase:
    `if phase == "train":` (either side), `if phase in ("train",):`."""
    return [node for node in iter_nodes(loop.body) if isinstance(node, cst.If) and _tests_training(node.test, variable, training)]


def _tests_training(test: cst.BaseExpression, variable: str, training: str) -> bool:
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
        return False
    comparison = test.comparisons[0]
    sides = (test.left, comparison.comparator)
    named = any(isinstance(side, cst.Name) and side.value == variable for side in sides)
    if isinstance(comparison.operator, cst.Equal):
        return named and any(isinstance(side, cst.SimpleString) and side.evaluated_value == training for side in sides)
    if isinstance(comparison.operator, cst.In) and isinstance(test.left, cst.Name) and test.left.value == variable:
        choices = comparison.comparator
        return isinstance(choices, (cst.List, cst.Tuple, cst.Set)) and [
            getattr(element.value, "evaluated_value", None) for element in choices.elements] == [training]
    return False
