"""A stdlib `ast` pre-pass that tells which files need the libcst analysis at all.

libcst parsing costs about 12x `ast.parse`. Each rule says which signals it needs
(`Rule.relevant`); a file whose signals no enabled rule needs is never parsed with libcst. Every
signal is a superset of what the libcst analysis looks for, so skipping a file cannot lose a finding.
"""
from __future__ import annotations

import ast
import dataclasses
from typing import Optional, Sequence, Union

from . import names
from .roles import MODULE_ONLY_METHODS, is_evaluation_name, looks_like_model

GRAD_CONTEXT_WORDS = ("no_grad", "inference_mode", "set_grad_enabled", "enable_grad", "grad_mode")


@dataclasses.dataclass(frozen=True)
class Signals:
    grad_context: bool = False  # mentions a grad-mode callable or a hook that runs without grad
    evaluation: bool = False  # `.eval()`, `.train(...)`, an evaluation-named def, an evaluation loader
    forward: bool = False  # a call that reads as a forward pass
    loss: bool = False  # a call or attribute that reads as a loss
    accumulation: bool = False  # `+=`, `x = x + ...` or `.append(...)` inside a loop
    parameter_loop: bool = False  # `for p in m.parameters()` and kin
    backward: bool = False  # `.backward(`, `autograd.grad`


ALL_SIGNALS = Signals(*(True,) * len(dataclasses.fields(Signals)))


def _dotted(node: ast.AST) -> Optional[str]:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def signals_of(source: Union[str, bytes], evaluation_names: Sequence[str] = ()) -> Signals:
    """What a file contains, read with `ast`; every signal on when `ast` cannot parse it."""
    text = source if isinstance(source, str) else source.decode("latin-1")
    grad_context = any(word in text for word in GRAD_CONTEXT_WORDS) or any(
        hook in text for hook in (*names.HOOKS_WITHOUT_GRAD, "on_validation_", "on_test_", "on_predict_"))
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ALL_SIGNALS
    found = dict(grad_context=grad_context, evaluation=False, forward=False, loss=False,
                 accumulation=False, parameter_loop=False, backward=False)
    loops = []
    for node in ast.walk(tree):
        kind = type(node)
        if kind is ast.Call:
            func = node.func
            dotted = _dotted(func)
            if isinstance(func, ast.Attribute):
                attr = func.attr
                if attr in (names.EVAL_METHOD, names.TRAIN_METHOD):
                    # Whatever is put in eval mode is a model, whatever its name: forward too.
                    found["evaluation"] = found["forward"] = True
                elif attr in MODULE_ONLY_METHODS:
                    found["forward"] = True  # `probe.parameters()`: calling `probe` is a forward pass
                elif attr in names.BACKWARD_ARGUMENT_METHODS or attr == "grad":
                    found["backward"] = True
                elif attr in names.FORWARD_METHODS:
                    found["forward"] = True
            if dotted is not None:
                if dotted == "self" or looks_like_model(dotted):
                    found["forward"] = True
                if names.LOSS_CALLEE.search(dotted.rpartition(".")[2]):
                    found["loss"] = True
            elif isinstance(func, (ast.Call, ast.Subscript)):
                found["forward"] = True  # `models[i](x)`, `get_model()(x)`: be generous
        elif kind in (ast.FunctionDef, ast.AsyncFunctionDef):
            if is_evaluation_name(node.name, evaluation_names):
                found["evaluation"] = True
        elif kind in (ast.For, ast.AsyncFor, ast.While):
            loops.append(node)
            if kind is not ast.While:
                iter_text = ast.dump(node.iter)
                if "parameters" in iter_text or "'params'" in iter_text:
                    found["parameter_loop"] = True
                for sub in ast.walk(node.iter):
                    if isinstance(sub, (ast.Name, ast.Attribute)):
                        last = sub.id if isinstance(sub, ast.Name) else sub.attr
                        if names.EVALUATION_LOADER.search(last):
                            found["evaluation"] = True
        elif kind is ast.Attribute and node.attr == "loss":
            found["loss"] = True
    for loop in loops:
        if found["accumulation"]:
            break
        for sub in ast.walk(loop):
            if isinstance(sub, (ast.AugAssign, ast.Assign)) or (
                    isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == "append"):
                found["accumulation"] = True
                break
    return Signals(**found)

