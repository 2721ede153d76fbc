"""Fields that a class's methods read only as plain values.

`self.cutn = cutn` in `__init__` stores what a caller passes, unknown to the analysis: it could be
a number or a module. How the class reads it tells them apart. A module (or a list of modules, a
parameter) is called, indexed, iterated or read for its attributes; a number is counted with
(`range(self.cutn)`), computed with (`size ** self.cut_pow`), compared, tested (`if self.fuse:`),
or given as a size or an option to a torch function beside the tensor it works on
(`F.adaptive_avg_pool2d(x, self.cut_size)`; not `F.linear(x, self.weight)`, whose weight may be a
tied parameter). A field read only in those ways holds no parameter (see
`ClassModel.parameter_free`).
"""
from __future__ import annotations

from typing import Iterable, Iterator

import libcst as cst

from .imports import ImportMap
from .treewalk import children, iter_nodes

# builtins that take plain values (a module given to one is not run)
_PLAIN_BUILTINS = frozenset({"range", "int", "float", "bool", "len", "min", "max", "round", "abs", "divmod",
                             "pow", "str", "print", "isinstance", "repr", "format"})
# torch functions whose later arguments are sizes and options, not tensors to compute with
# (`F.linear(x, self.weight)` takes a weight: a field given to it may be a tied parameter)
_SIZE_TAKING = frozenset({
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
    "adaptive_max_pool2d", "adaptive_max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d", "max_pool1d",
    "max_pool2d", "max_pool3d", "interpolate", "upsample", "pad", "dropout", "dropout2d", "randint", "rand",
    "randn", "zeros", "ones", "full", "empty", "arange", "linspace", "clamp", "clip", "pixel_shuffle",
    "pixel_unshuffle", "unfold", "fold", "normalize", "softmax", "log_softmax", "leaky_relu", "one_hot", "roll",
    "flip", "rot90", "chunk", "split", "narrow", "topk", "repeat_interleave", "tile", "reshape", "permute",
    "transpose", "squeeze", "unsqueeze", "flatten", "tril", "triu", "sum", "mean", "norm", "argmax", "argmin",
    "cumsum", "logsumexp"})
# where an expression is computed with, not run or taken apart
_OPERATIONS = (cst.BinaryOperation, cst.UnaryOperation, cst.Comparison, cst.ComparisonTarget,
               cst.BooleanOperation, cst.Slice, cst.Index)


def field_reads(method, attr: str) -> Iterator[cst.Attribute]:
    """The `self.attr` expressions in the body of `method` (a FunctionInfo, its body built): its
    reads, and its stores (`self.attr = ...`)."""
    for node in iter_nodes(method.node.body):
        if (node.__class__ is cst.Attribute and node.attr.value == attr and node.value.__class__ is cst.Name
                and node.value.value == "self"):
            yield node


def read_as_plain(methods: Iterable, attr: str, imports: ImportMap) -> bool:
    """Is every read of `self.attr` in `methods` (FunctionInfos with their bodies built) a plain
    value's: an operand, a slice bound or index, an argument of a builtin, or a size or option
    given to a torch function? A store into it is no read."""
    for method in methods:
        reads = list(field_reads(method, attr))
        if not reads:
            continue
        parents: dict[int, cst.CSTNode] = {}
        for node in iter_nodes(method.node.body):
            for child in children(node):
                parents[id(child)] = node
        if not all(_plain_read(node, parents, imports) for node in reads):
            return False
    return True


def _plain_read(node: cst.Attribute, parents: dict[int, cst.CSTNode], imports: ImportMap) -> bool:
    parent = parents.get(id(node))
    if parent.__class__ is cst.AssignTarget or isinstance(parent, _OPERATIONS):
        return True  # stored into, or computed with
    if parent.__class__ in (cst.If, cst.While, cst.IfExp) and parent.test is node:
        return True  # a flag tested (`if self.use_cuda:`): whatever it holds, it is not run
    if parent.__class__ is not cst.Arg:
        return False  # called, indexed, iterated, read for an attribute, bound to a name, returned...
    call = parents.get(id(parent))
    if call.__class__ is not cst.Call:
        return False
    if call.func.__class__ is cst.Name and call.func.value in _PLAIN_BUILTINS and call.func.value not in imports.aliases:
        return True
    qualified = imports.resolve(call.func) or ""
    return (qualified.startswith("torch.") and qualified.rpartition(".")[2] in _SIZE_TAKING
            and call.args[0] is not parent and parent.star == "")
