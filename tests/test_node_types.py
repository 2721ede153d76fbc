"""The walks tell libcst nodes apart by type identity where `isinstance` would run `ABCMeta`'s
check in Python (treewalk.NODE_TYPES, interpret.LEAF_LITERALS, imports.dotted_name, the fact walk's
statement tests): exact only for node types without subclasses, which this checks against the
installed libcst."""
from __future__ import annotations

import libcst as cst

from nograd_lint.analysis.interpret import LEAF_LITERALS
from nograd_lint.analysis.summaries import _NEW_SCOPES
from nograd_lint.analysis.treewalk import child_fields, iter_nodes, node_type

COMPARED_BY_IDENTITY = {*LEAF_LITERALS, *_NEW_SCOPES, cst.Name, cst.Attribute, cst.Call, cst.If,
                        cst.SimpleStatementLine, cst.SimpleStatementSuite, cst.Expr,
                        cst.Param, cst.Subscript, cst.BinaryOperation, cst.UnaryOperation, cst.BooleanOperation,
                        cst.Comparison, cst.Tuple, cst.List, cst.Set, cst.StarredElement, cst.Index,
                        cst.FormattedStringExpression, cst.Not, cst.Or, cst.Add, cst.Minus, cst.BitOr,
                        cst.IndentedBlock, cst.Else, cst.ExceptHandler, cst.Finally, cst.With, cst.Try,
                        cst.Assign, cst.AnnAssign, cst.Del, cst.Import, cst.ImportFrom, cst.ImportStar, cst.Global}


def test_the_node_types_compared_by_identity_have_no_subclasses():
    assert {kind: kind.__subclasses__() for kind in COMPARED_BY_IDENTITY} == {kind: [] for kind in COMPARED_BY_IDENTITY}


def test_node_type_is_issubclass_of_cstnode():
    for kind in (cst.Name, cst.Module, cst.BaseExpression, str, type(None), tuple, type(cst.MaybeSentinel.DEFAULT)):
        assert node_type(kind) is issubclass(kind, cst.CSTNode)


def test_the_walk_reaches_every_node_under_the_fields_it_follows():
    module = cst.parse_module("@d\ndef f(a: int = 1, *b) -> T:\n    return [x.y(z) for x in a if x], 'k', 1.5, f'{a!r}'\n")
    expected, stack = [], [module]
    while stack:  # the same fields, followed with isinstance
        node = stack.pop()
        expected.append(node)
        found = []
        for field in child_fields(type(node)):
            value = getattr(node, field)
            parts = value if isinstance(value, (list, tuple)) else [value]
            found += [part for part in parts if isinstance(part, cst.CSTNode)]
        stack.extend(reversed(found))
    assert [id(node) for node in iter_nodes(module)] == [id(node) for node in expected]


def test_attribute_reads_tell_detached_reads_from_others():
    from nograd_lint.analysis.summaries import attribute_reads
    module = cst.parse_module(
        "class Buffer:\n"
        "    def __init__(self):\n"
        "        self.logprobs, self.values = [], []\n"
        "    def clear(self):\n"
        "        del self.logprobs[:]\n"
        "        self.values.clear()\n"
        "def act(buffer, lp, v):\n"
        "    buffer.logprobs.append(lp)\n"
        "    buffer.values.append(v)\n"
        "    return len(buffer.logprobs)\n"
        "def update(buffer):\n"
        "    old = torch.stack(buffer.logprobs).to('cpu').detach()\n"
        "    return old, torch.cat(buffer.values).mean(), buffer.values[0].item()\n")
    reads = attribute_reads(module)
    assert (reads["logprobs"], reads["values"]) == ((1, 0), (1, 1))
