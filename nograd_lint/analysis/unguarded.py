"""Whether a call in a function runs whenever the function runs (loops aside): no branch on the
function's own names or on the grad state leads to it, and no `try` catches what it raises.

NG201 asks it of the backward pass a helper reaches when a caller runs it with gradients off: a
`loss.backward()` under `if train:`, `if loss.requires_grad:` or `if torch.is_grad_enabled():`
may be skipped there, and one inside `try: ... except RuntimeError:` fails quietly."""
from __future__ import annotations

from typing import Optional

import libcst as cst

from .gradmode import FileAnalysis, FunctionInfo
from .interpret import _parameter_names
from .treewalk import children

# Words a test reads when it asks whether gradients are on or a value has a graph.
GRAD_STATE_WORDS = frozenset({"requires_grad", "grad_fn", "is_grad_enabled", "training", "is_inference",
                              "is_inference_mode_enabled", "grad_enabled"})
_BRANCHES = (cst.If, cst.While)
_CONDITIONAL_EXPRESSIONS = (cst.IfExp, cst.BooleanOperation, cst.Match)
_NEW_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def runs_unconditionally(analysis: FileAnalysis, function: FunctionInfo, node: cst.CSTNode) -> bool:
    """Does `node`, in `function`'s own body, run on every pass through it? A branch whose test
    reads only names the function does not bind (a global `args.mode == "x"`, `True`) does not
    count: the caller's choice cannot reach it."""
    function.ensure_body()
    path = _path_to(function.node.body, node)
    if path is None:
        return False
    bound: Optional[frozenset] = None
    for parent, child in zip(path, path[1:]):
        if isinstance(parent, _CONDITIONAL_EXPRESSIONS) or isinstance(parent, _NEW_SCOPES):
            return False
        if isinstance(parent, cst.Try) and child is parent.body and parent.handlers:
            return False
        if isinstance(parent, _BRANCHES) and child is not parent.test:
            if bound is None:
                bound = frozenset(_parameter_names(function)) | analysis.names_bound_in(function)
            if _reads_choice(parent.test, bound):
                return False
    return True


def _path_to(root: cst.CSTNode, target: cst.CSTNode) -> Optional[list]:
    """The nodes from `root` down to `target`, both included; None when it is not below `root`."""
    parents: dict[int, cst.CSTNode] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if node is target:
            path = [node]
            while id(path[-1]) in parents:
                path.append(parents[id(path[-1])])
            return path[::-1]
        for child in children(node):
            parents[id(child)] = node
            stack.append(child)
    return None


def _reads_choice(test: cst.BaseExpression, bound: frozenset) -> bool:
    """Does a branch's test read a name the function binds (a parameter, a local) or the grad state?"""
    stack = [test]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name) and (node.value in bound or node.value in GRAD_STATE_WORDS):
            return True
        if isinstance(node, cst.Attribute):
            if node.attr.value in GRAD_STATE_WORDS:
                return True
            stack.append(node.value)  # `args.loss` reads `args`, not a local `loss`
            continue
        stack.extend(children(node))
    return False

