"""Trees built from CPython's `ast` (io/bare_trees.py) must read as libcst's own parse does: the
same node types and the same semantic fields, node for node, and the source's positions."""
from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from nograd_lint.analysis.treewalk import child_fields, iter_nodes
from nograd_lint.io.bare_trees import bare_module, bare_or_none
from nograd_lint.io.sources import parse

# Fields that hold only formatting of a form CPython's tree does not keep.
FORMATTING = {"leading_whitespace", "second_colon", "start", "end"}
SEMANTIC_EXTRAS = ("star", "operator", "asynchronous", "relative", "keyword")

EVERY_SHAPE = '''\
"""A module with one of each construct."""
from __future__ import annotations
import os.path as osp, sys
from . import sibling
from ..pkg.mod import (a as b, c)
from .star import *
import torch


@torch.no_grad()
@staticmethod
def helper(p, /, q: int = 1, *args, r, s=2, **kwargs) -> "torch.Tensor":
    global G
    x = y = p[1:2, ::3, q]
    x[a, b] += 1; y -= 2
    z: list[int] = [*args, *[1, 2]]
    w = {**kwargs, "k": 1, 3: 4.5e-3, 5: 2j, 6: 0xFF, 7: b"bytes", 8: ...}
    del x, y
    assert z, f"msg {x!r:>{q}} {y=} text"
    if (n := len(z)) > 1 and not q or r is None:
        return -n
    elif n in z and n not in w:
        pass
    else:
        if n: return ~n
    while n < 3: n += 1
    else:
        print("done")
    for i, (j, *k) in enumerate(zip(z, w)):
        continue
    else:
        break_out = True
    try:
        raise ValueError("x") from None
    except (ValueError, TypeError) as error:
        raise
    except Exception:
        pass
    else:
        q = q ** 2 // 3 % 4 @ 5 << 1 >> 2 | 3 ^ 4 & 5
    finally:
        del q
    with torch.no_grad(), open(osp.join("a", "b")) as (h1, h2):
        data = [v for v in z if v if not v for u in w]
    gen = (v for v in z)
    comp = {v: u for v, u in w.items()}
    sets = {v for v in z}, {1, 2}
    fn = lambda a, *b, c=1, **d: (a, b, c, d)
    chained = 1 < n <= 2 != 3 == 4 >= 5 > 6
    text = "a" "b" 'c'
    return fn(*z, key=1, **w)(x)[0].attr if z else None


class Net(torch.nn.Module, metaclass=Meta, **extra):
    value: int = 0

    def __init__(self, *args):
        super().__init__()
        self.layer = torch.nn.Linear(2, 2)

    async def run(self, x):
        nonlocal_thing = 1
        async with lock:
            await self.step(x)
        async for item in stream():
            yield item
        yield from other()
        return [await y async for y in aiter()]


def outer():
    counter = 0

    def inner():
        nonlocal counter
        counter += 1
    return inner


try:
    pass
except* OSError:
    pass
'''


def _literal(node):
    try:
        return ast.literal_eval(cst.Module([]).code_for_node(node))
    except (ValueError, SyntaxError):
        return "<not a literal>"


def differences(real, bare, path=()) -> list:
    """Where `bare` differs from libcst's `real` tree in a way the analysis could see."""
    found = []
    strings = (cst.SimpleString, cst.ConcatenatedString)
    if isinstance(real, strings) and isinstance(bare, strings):
        return [] if real.evaluated_value == bare.evaluated_value else [("string", path)]
    if isinstance(real, (cst.ConcatenatedString, cst.FormattedString)) and isinstance(bare, cst.FormattedString):
        return []  # implicit concatenation with an f-string: one f-string in CPython's tree
    if type(real) is not type(bare):
        return [(f"{type(real).__name__} vs {type(bare).__name__}", path)]
    if isinstance(real, (cst.Integer, cst.Float, cst.Imaginary)):
        return [] if _literal(real) == _literal(bare) else [("number", path)]
    if isinstance(real, cst.FormattedStringText):
        return []
    for field in (*child_fields(type(real)), *(f for f in SEMANTIC_EXTRAS if hasattr(real, f))):
        if field in FORMATTING:
            continue
        mine, theirs = getattr(real, field), getattr(bare, field)
        where = (*path, f"{type(real).__name__}.{field}")
        if field == "operator":
            found += [] if type(mine) is type(theirs) else [("operator", where)]
        elif field == "asynchronous":
            found += [] if (mine is None) == (theirs is None) else [("async", where)]
        elif field == "relative":
            found += [] if len(mine) == len(theirs) and type(mine) is type(theirs) else [("relative", where)]
        elif field == "conversion" and isinstance(real, cst.FormattedStringExpression):
            continue  # `{x=}` is `{x=!r}` in CPython's tree
        else:
            found += _value_differences(mine, theirs, where)
    return found


def _value_differences(mine, theirs, where) -> list:
    if isinstance(mine, cst.CSTNode) and isinstance(theirs, cst.CSTNode):
        return differences(mine, theirs, where)
    if isinstance(mine, (list, tuple)) and isinstance(theirs, (list, tuple)):
        if type(mine) is not type(theirs) or len(mine) != len(theirs):
            return [("sequence", where)]
        return [d for a, b in zip(mine, theirs) for d in _value_differences(a, b, where)]
    if isinstance(mine, cst.MaybeSentinel) and isinstance(theirs, cst.MaybeSentinel):
        return []
    return [] if mine == theirs else [(f"{mine!r} vs {theirs!r}", where)]


def test_every_construct_reads_as_libcst_reads_it():
    bare = bare_module(EVERY_SHAPE)
    assert bare is not None
    assert differences(parse(EVERY_SHAPE), bare.module) == []


def test_the_linters_own_modules_read_as_libcst_reads_them():
    package = Path(__file__).resolve().parent.parent / "nograd_lint"
    for path in sorted(package.rglob("*.py")):
        data = path.read_bytes()
        bare = bare_or_none(data)
        assert bare is not None, path
        assert differences(parse(data), bare.module) == [], path


def test_a_changed_tree_is_seen_as_changed():
    """The comparison itself can fail: an operator, a name and a block shape that differ."""
    real = parse("if a: x = b + 1\n")
    assert differences(real, bare_module("if a: x = b - 1\n").module) == [
        ("operator", ("Module.body", "If.body", "SimpleStatementSuite.body", "Assign.value", "BinaryOperation.operator"))]
    assert differences(real, bare_module("if a: y = b + 1\n").module)[0][0] == "'x' vs 'y'"
    assert differences(real, bare_module("if a:\n    x = b + 1\n").module)[0][0] == \
        "SimpleStatementSuite vs IndentedBlock"


def test_elif_and_else_if_and_one_line_statements_keep_their_shape():
    source = "if a:\n    pass\nelif b:\n    pass\nelse:\n    if c:\n        pass\nx = 1; y = 2\nz = 3\n"
    module = bare_module(source).module
    assert differences(parse(source), module) == []
    first = module.body[0]
    assert isinstance(first.orelse, cst.If) and isinstance(first.orelse.orelse, cst.Else)
    assert [len(line.body) for line in module.body[1:]] == [2, 1]


def test_positions_are_the_sources_in_characters():
    source = "s = 'é€'; model(x)\nclass A:\n    def f(self):\n        return self.net(\n            y)\n"
    bare = bare_module(source)
    real = parse(source)
    positions = MetadataWrapper(real, unsafe_skip_copy=True).resolve(PositionProvider)
    real_calls = [n for n in iter_nodes(real) if isinstance(n, cst.Call)]
    bare_calls = [n for n in iter_nodes(bare.module) if isinstance(n, cst.Call)]
    assert [bare.position(n) for n in bare_calls] == [
        (p.start.line, p.start.column, p.end.line, p.end.column) for p in map(positions.__getitem__, real_calls)]
    assert [bare.position(n) for n in bare_calls] == [(1, 10, 1, 18), (4, 15, 5, 14)]


def test_printing_a_bare_node_gives_normalised_code():
    module = bare_module("y = model . net ( x ,  k = 1 )\n").module
    assert module.code_for_node(module.body[0].body[0].value) == "model.net(x, k = 1)"


@pytest.mark.parametrize("source", ["match x:\n    case 1:\n        pass\n", "def f(:\n", "x = (\n"])
def test_what_is_not_built_here_is_left_to_libcst(source):
    assert bare_module(source) is None


def test_bytes_are_decoded_as_python_decodes_them():
    data = "# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1")
    bare = bare_or_none(b"\xef\xbb\xbf" + b"x = 1\n")
    assert bare is not None and bare.module.body[0].body[0].targets[0].target.value == "x"
    latin = bare_or_none(data).module
    assert (latin.body[0].body[0].value.value, latin.encoding) == (repr("café"), parse(data).encoding)
    assert bare.module.encoding == parse(b"\xef\xbb\xbf" + b"x = 1\n").encoding == "utf-8-sig"


def test_the_names_of_definitions_are_placed():
    source = "@deco\nasync  def  héllo(x):\n    class  Inner(Base):\n        pass\n"
    bare = bare_module(source)
    function = bare.module.body[0]
    inner = function.body.body[0]
    assert (bare.position(function.name), bare.position(inner.name)) == ((2, 12, 2, 17), (3, 11, 3, 16))


def test_a_module_read_for_its_imports_is_read_again_with_libcst_once_it_is_checked(tmp_path, capsys):
    """In one process (an editor's server), a module first read for what another imports, then
    checked itself, is reported on from libcst's tree: its finding is placed and fixable."""
    from nograd_lint.analysis.project import project_for
    from nograd_lint.frontends.cli import lint_main
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'two'\n")
    (tmp_path / "helper.py").write_text(
        "import torch\n\n\ndef detect(model, image):\n    model.eval()\n    return model(image).argmax(1).tolist()\n")
    (tmp_path / "main.py").write_text("import torch\nfrom helper import detect\n\n\ndef camera(model, frames):\n"
                                      "    for frame in frames:\n        print(detect(model, frame), model(frame))\n")
    assert lint_main(["--no-cache", "-q", "-j", "1", str(tmp_path / "main.py")]) == 0
    entries = project_for(tmp_path / "main.py")._entries
    assert "bare" in entries[tmp_path / "helper.py"].analysis.cache
    capsys.readouterr()
    assert lint_main(["--no-cache", "-j", "1", "--output-format", "json",
                      str(tmp_path / "main.py"), str(tmp_path / "helper.py")]) == 1
    assert "bare" not in entries[tmp_path / "helper.py"].analysis.cache
    import json
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["path"].rpartition("/")[2], f["line"], f["column"], f["fix"] is not None) for f in findings] == [
        ("helper.py", 6, 12, True)]
