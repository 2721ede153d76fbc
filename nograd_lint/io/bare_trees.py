"""libcst trees built from CPython's `ast`, for analysis: libcst parses only what is reported.

A run reads its checked files and the project modules they import (helpers, model classes, base
classes; on real projects several times as many lines as the files checked), and most checked
files have no findings. Parsing all of them with libcst cost most of a run: libcst builds a Python
object for every piece of whitespace and punctuation. CPython's parser is about ten times faster,
and the nodes the analysis reads (names, calls, statements, blocks, operators) can be built from
its tree directly: `bare_module` gives a libcst `Module` whose nodes have the same types and the
same semantic fields as libcst's own parse, and libcst's defaults for the formatting (so
`code_for_node` still prints them, normalised). What is lost: comments, the original spelling of
literals (a string or number is its `repr`; implicitly concatenated strings are one string), and
`x[(a, b)]` is read as `x[a, b]`. The positions of the source are kept beside the tree
(`BareModule.position`), since libcst's position metadata would be those of the normalised code.
A checked file with findings is analysed again on libcst's tree, whose nodes its positions and
fixes need (analysis/project.py, linter.py); when libcst's parser refuses a file CPython reads, its
findings are placed by this tree's positions and quote its source (`BareModule.source_of`), and
have no fix.

A module with a statement this module does not build (`match`), or that CPython rejects, gives None:
the caller parses it with libcst, which reports errors as it always did. Python 2 source is the
exception: the tree is built from its Python 3 translation (io/legacy.py), with its positions.
"""
from __future__ import annotations

import ast
import dataclasses
import io
import tokenize
import types
import warnings
from typing import Callable, Optional, Union

import libcst as cst

from .legacy import modern_text

_MAKERS: dict[type, Callable] = {}


def _maker(kind: type) -> Callable:
    """A function that makes a node of `kind` from keyword arguments, with libcst's defaults for
    the fields not given, unchecked (the source was accepted by CPython's parser). Generated once
    per type: a node costs a few slot stores, where libcst's constructor validates every field.
    Each field is stored through its slot's own setter (a frozen node refuses `setattr`, and
    `object.__setattr__` looks the slot up again at every store: a third of building a node).
    Lists given for sequence fields become tuples, as libcst's parser makes them."""
    maker = _MAKERS.get(kind)
    if maker is not None:
        return maker
    names: dict[str, object] = {"_new": object.__new__, "_kind": kind}
    parameters, stores = [], []
    for index, field in enumerate(dataclasses.fields(kind)):
        name = field.name
        if field.default is not dataclasses.MISSING:
            names[f"_d{index}"] = field.default
            parameters.append(f"{name}=_d{index}")
        elif field.default_factory is not dataclasses.MISSING:
            names[f"_d{index}"] = field.default_factory()  # nodes are immutable: one default serves all
            parameters.append(f"{name}=_d{index}")
        else:
            parameters.append(name)
        sequence = "Sequence" in str(field.type)
        value = f"tuple({name}) if {name}.__class__ is list else {name}" if sequence else name
        names[f"_s{index}"] = _slot_setter(kind, name)
        stores.append(f"    _s{index}(node, {value})")
    signature = f"*, {', '.join(parameters)}" if parameters else ""
    body = "".join(f"{store}\n" for store in stores)
    source = f"def make({signature}):\n    node = _new(_kind)\n{body}    return node\n"
    exec(source, names)  # noqa: S102 - code generated from libcst's own field list
    maker = _MAKERS[kind] = names["make"]
    return maker


def _slot_setter(kind: type, name: str) -> Callable:
    """The store of field `name` of node type `kind` (libcst's nodes keep their fields in slots)."""
    for klass in kind.__mro__:
        slot = klass.__dict__.get(name)
        if isinstance(slot, types.MemberDescriptorType):
            return slot.__set__
    return lambda node, value: object.__setattr__(node, name, value)


class _Makers:
    """`MAKE.Call(func=..., args=...)`: the maker of each libcst node type, by name."""

    def __getattr__(self, name: str) -> Callable:
        maker = _maker(getattr(cst, name))
        setattr(self, name, maker)
        return maker


MAKE = _Makers()
_MAKE_NAME = MAKE.Name


class Unsupported(Exception):
    """A construct this module does not build: the module is parsed with libcst instead."""


_BINARY = {ast.Add: cst.Add, ast.Sub: cst.Subtract, ast.Mult: cst.Multiply, ast.MatMult: cst.MatrixMultiply,
           ast.Div: cst.Divide, ast.FloorDiv: cst.FloorDivide, ast.Mod: cst.Modulo, ast.Pow: cst.Power,
           ast.LShift: cst.LeftShift, ast.RShift: cst.RightShift, ast.BitOr: cst.BitOr, ast.BitXor: cst.BitXor,
           ast.BitAnd: cst.BitAnd}
_AUGMENTED = {ast.Add: cst.AddAssign, ast.Sub: cst.SubtractAssign, ast.Mult: cst.MultiplyAssign,
              ast.MatMult: cst.MatrixMultiplyAssign, ast.Div: cst.DivideAssign, ast.FloorDiv: cst.FloorDivideAssign,
              ast.Mod: cst.ModuloAssign, ast.Pow: cst.PowerAssign, ast.LShift: cst.LeftShiftAssign,
              ast.RShift: cst.RightShiftAssign, ast.BitOr: cst.BitOrAssign, ast.BitXor: cst.BitXorAssign,
              ast.BitAnd: cst.BitAndAssign}
_UNARY = {ast.UAdd: cst.Plus, ast.USub: cst.Minus, ast.Not: cst.Not, ast.Invert: cst.BitInvert}
_COMPARE = {ast.Eq: cst.Equal, ast.NotEq: cst.NotEqual, ast.Lt: cst.LessThan, ast.LtE: cst.LessThanEqual,
            ast.Gt: cst.GreaterThan, ast.GtE: cst.GreaterThanEqual, ast.Is: cst.Is, ast.IsNot: cst.IsNot,
            ast.In: cst.In, ast.NotIn: cst.NotIn}
_BOOLEAN = {ast.And: cst.And, ast.Or: cst.Or}
_OPERATORS: dict[type, object] = {}  # ast operator type -> one shared libcst operator node


def _operator(table: dict, op: ast.AST):
    key = (id(table), type(op))
    found = _OPERATORS.get(key)
    if found is None:
        found = _OPERATORS[key] = _maker(table[type(op)])()
    return found


@dataclasses.dataclass(eq=False)
class BareModule:
    """A module built from `ast`, with the source's positions of its nodes."""

    module: cst.Module
    _spans: dict  # id(node) -> (line, byte column, end line, end byte column)
    _lines: list  # the source's lines, as UTF-8 bytes
    _builder: Optional["_Builder"] = None  # kept while bodies are deferred
    # id(FunctionDef) -> its `ast` node, for the functions whose body is left empty until `build_body`
    deferred: dict = dataclasses.field(default_factory=dict)

    @property
    def source_lines(self) -> list:
        """The source's lines, as UTF-8 bytes."""
        return self._lines

    def build_body(self, node: cst.FunctionDef) -> None:
        """Give a deferred function its body (the node is changed in place: everything that holds
        the function keeps holding it). A body that cannot be built stays empty."""
        source = self.deferred.pop(id(node), None)
        if source is None or self._builder is None:
            return
        builder = self._builder
        if not self.deferred:
            self._builder = None  # the last one: nothing more to build
        try:
            body = builder.function_body(source)
        except (Unsupported, RecursionError):
            return
        object.__setattr__(node, "body", body)

    def position(self, node: cst.CSTNode) -> Optional[tuple[int, int, int, int]]:
        """(line, column, end line, end column) of `node` in the source, 1-based lines and
        0-based character columns, as libcst's `PositionProvider` gives them; None for a node
        that has none (a block, an operator)."""
        span = self._spans.get(id(node))
        if span is None:
            return None
        line, column, end_line, end_column = span
        return line, self._characters(line, column), end_line, self._characters(end_line, end_column)

    def source_of(self, node: cst.CSTNode) -> Optional[str]:
        """The source text of `node` as written, or None for a node without a position."""
        span = self._spans.get(id(node))
        if span is None:
            return None
        line, column, end_line, end_column = span
        lines = self._lines[line - 1:end_line]
        if not lines:
            return None
        if len(lines) == 1:
            return lines[0][column:end_column].decode("utf-8", "replace")
        return b"\n".join([lines[0][column:], *lines[1:-1], lines[-1][:end_column]]).decode("utf-8", "replace")

    def _characters(self, line: int, column: int) -> int:
        text = self._lines[line - 1] if 0 < line <= len(self._lines) else b""
        return len(text[:column].decode("utf-8", "replace"))


def bare_module(text: str, tree: Optional[ast.Module] = None, encoding: str = "utf-8",
                defer: Optional[Callable[[ast.AST], bool]] = None) -> Optional[BareModule]:
    """The libcst module of `text` built from CPython's `ast` (see the module's docstring), or None
    when CPython rejects it or it holds a construct not built here. `tree`: the `ast` tree of
    `text`, when one is at hand (flake8 has one). `defer`: which functions that are not inside
    another function get an empty body, built when `BareModule.build_body` asks for it."""
    if tree is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = compile(text, "<bare>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            modern = modern_text(text)  # Python 2 (see io/legacy.py): the translation is read
            return bare_module(modern, encoding=encoding, defer=defer) if modern is not None else None
    builder = _Builder(text.encode("utf-8", "surrogatepass").splitlines(), defer)
    try:
        body = builder.block_statements(tree.body)
    except (Unsupported, RecursionError):
        return None
    return BareModule(MAKE.Module(body=body, encoding=encoding), builder.spans, builder.lines,
                      builder if builder.deferred else None, builder.deferred)


class _Builder:
    """Builds libcst nodes from `ast` nodes, recording each one's position."""

    def __init__(self, lines: list, defer: Optional[Callable[[ast.AST], bool]] = None) -> None:
        self.lines = lines
        self.spans: dict[int, tuple[int, int, int, int]] = {}
        self._defer = defer
        self._functions = 0  # how many functions the node being built is inside
        self.deferred: dict[int, ast.AST] = {}  # id(FunctionDef) -> its `ast` node, body not built
        self._expressions: dict[type, Callable] = {
            ast.Attribute: self._attribute, ast.Call: self._call,
            ast.Constant: self._constant, ast.Subscript: self._subscript, ast.BinOp: self._binary,
            ast.BoolOp: self._boolean, ast.UnaryOp: self._unary, ast.Compare: self._compare,
            ast.IfExp: self._if_expression, ast.Lambda: self._lambda, ast.Tuple: self._sequence,
            ast.List: self._sequence, ast.Set: self._sequence, ast.Dict: self._dict,
            ast.ListComp: self._comprehension, ast.SetComp: self._comprehension,
            ast.GeneratorExp: self._comprehension, ast.DictComp: self._dict_comprehension,
            ast.Await: self._await, ast.Yield: self._yield, ast.YieldFrom: self._yield,
            ast.NamedExpr: self._named, ast.JoinedStr: self._formatted, ast.Starred: self._starred,
            ast.Slice: self._bare_slice,
        }
        self._statements: dict[type, Callable] = {
            ast.FunctionDef: self._function, ast.AsyncFunctionDef: self._function, ast.ClassDef: self._class,
            ast.If: self._if, ast.For: self._for, ast.AsyncFor: self._for, ast.While: self._while,
            ast.Try: self._try, ast.TryStar: self._try, ast.With: self._with, ast.AsyncWith: self._with,
        }
        self._small: dict[type, Callable] = {
            ast.Expr: lambda n: MAKE.Expr(value=self.expression(n.value)),
            ast.Assign: self._assign, ast.AugAssign: self._augmented, ast.AnnAssign: self._annotated,
            ast.Return: lambda n: MAKE.Return(value=self.optional(n.value)),
            ast.Raise: lambda n: MAKE.Raise(exc=self.optional(n.exc),
                                            cause=MAKE.From(item=self.expression(n.cause)) if n.cause else None),
            ast.Assert: lambda n: MAKE.Assert(test=self.expression(n.test), msg=self.optional(n.msg)),
            ast.Delete: self._delete, ast.Pass: lambda n: MAKE.Pass(),
            ast.Break: lambda n: MAKE.Break(), ast.Continue: lambda n: MAKE.Continue(),
            ast.Import: self._import, ast.ImportFrom: self._import_from,
            ast.Global: lambda n: MAKE.Global(names=[MAKE.NameItem(name=self.identifier(x)) for x in n.names]),
            ast.Nonlocal: lambda n: MAKE.Nonlocal(names=[MAKE.NameItem(name=self.identifier(x)) for x in n.names]),
        }

    # -- helpers ----------------------------------------------------------------------------------
    def placed(self, node, source: ast.AST):
        self.spans[id(node)] = (source.lineno, source.col_offset, source.end_lineno, source.end_col_offset)
        return node

    def identifier(self, name: str) -> cst.Name:
        return _MAKE_NAME(value=name)

    def optional(self, node: Optional[ast.AST]):
        return self.expression(node) if node is not None else None

    def _line_text(self, line: int) -> bytes:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else b""

    def _starts_line(self, node: ast.AST) -> bool:
        """Is `node` the first thing on its line (not after a `:` or a `;`)?"""
        return not self._line_text(node.lineno)[:node.col_offset].strip()

    # -- statements -------------------------------------------------------------------------------
    def block_statements(self, body: list) -> list:
        """libcst statements of an `ast` body: simple statements on one line (`a = 1; b = 2`) share
        a `SimpleStatementLine`."""
        statements: list = []  # compound statements, and lists of the simple statements of one line
        end = -1
        for node in body:
            build = self._small.get(type(node))
            if build is None:
                compound = self._statements.get(type(node))
                if compound is None:
                    raise Unsupported(type(node).__name__)
                statements.append(self.placed(compound(node), node))
                continue
            small = self.placed(build(node), node)
            if statements and statements[-1].__class__ is list and node.lineno == end:
                statements[-1].append(small)
            else:
                statements.append([small])
            end = node.end_lineno
        return [MAKE.SimpleStatementLine(body=s) if s.__class__ is list else s for s in statements]

    def suite(self, body: list):
        """The block of a compound statement: indented, or on the header's line (`if x: return`)."""
        if self._starts_line(body[0]):
            return MAKE.IndentedBlock(body=self.block_statements(body))
        smalls = []
        for node in body:
            build = self._small.get(type(node))
            if build is None:
                raise Unsupported(type(node).__name__)
            smalls.append(self.placed(build(node), node))
        return MAKE.SimpleStatementSuite(body=smalls)

    def _else(self, orelse: list):
        return MAKE.Else(body=self.suite(orelse)) if orelse else None

    def _header_name(self, node, keyword: bytes) -> cst.Name:
        """The name of a `def` or `class`, placed where it stands after the keyword."""
        name = self.identifier(node.name)
        text = self._line_text(node.lineno)
        start = text.find(keyword, node.col_offset)
        if start >= 0:
            start += len(keyword)
            start += len(text[start:]) - len(text[start:].lstrip())
            if text.startswith(node.name.encode("utf-8"), start):
                end = start + len(node.name.encode("utf-8"))
                self.spans[id(name)] = (node.lineno, start, node.lineno, end)
        return name

    def _function(self, node):
        returns = MAKE.Annotation(annotation=self.expression(node.returns)) if node.returns else None
        deferred = self._defer is not None and not self._functions and self._defer(node)
        body = MAKE.IndentedBlock(body=()) if deferred else self.function_body(node)
        built = MAKE.FunctionDef(name=self._header_name(node, b"def"), params=self.parameters(node.args),
                                 body=body, decorators=self._decorators(node.decorator_list),
                                 returns=returns,
                                 asynchronous=MAKE.Asynchronous() if isinstance(node, ast.AsyncFunctionDef) else None)
        if deferred:
            self.deferred[id(built)] = node
        return built

    def function_body(self, node):
        self._functions += 1
        try:
            return self.suite(node.body)
        finally:
            self._functions -= 1

    def _decorators(self, decorators: list) -> list:
        return [MAKE.Decorator(decorator=self.expression(d)) for d in decorators]

    def _class(self, node):
        bases = [self._starred_arg(base) for base in node.bases]
        keywords = [self._keyword(keyword) for keyword in node.keywords]
        return MAKE.ClassDef(name=self._header_name(node, b"class"), body=self.suite(node.body), bases=bases,
                             keywords=keywords, decorators=self._decorators(node.decorator_list))

    def _if(self, node):
        orelse = None
        if node.orelse:
            first = node.orelse[0]
            if len(node.orelse) == 1 and isinstance(first, ast.If) and \
                    self._line_text(first.lineno)[first.col_offset:].startswith(b"elif"):
                orelse = self.placed(self._if(first), first)
            else:
                orelse = self._else(node.orelse)
        return MAKE.If(test=self.expression(node.test), body=self.suite(node.body), orelse=orelse)

    def _for(self, node):
        return MAKE.For(target=self.expression(node.target), iter=self.expression(node.iter),
                        body=self.suite(node.body), orelse=self._else(node.orelse),
                        asynchronous=MAKE.Asynchronous() if isinstance(node, ast.AsyncFor) else None)

    def _while(self, node):
        return MAKE.While(test=self.expression(node.test), body=self.suite(node.body),
                          orelse=self._else(node.orelse))

    def _try(self, node):
        star = isinstance(node, ast.TryStar)
        handler = _maker(cst.ExceptStarHandler if star else cst.ExceptHandler)
        handlers = [self.placed(handler(body=self.suite(h.body), type=self.optional(h.type),
                                        name=MAKE.AsName(name=self.identifier(h.name)) if h.name else None), h)
                    for h in node.handlers]
        return _maker(cst.TryStar if star else cst.Try)(
            body=self.suite(node.body), handlers=handlers, orelse=self._else(node.orelse),
            finalbody=MAKE.Finally(body=self.suite(node.finalbody)) if node.finalbody else None)

    def _with(self, node):
        items = [MAKE.WithItem(item=self.expression(item.context_expr),
                               asname=MAKE.AsName(name=self.expression(item.optional_vars))
                               if item.optional_vars is not None else None) for item in node.items]
        return MAKE.With(items=items, body=self.suite(node.body),
                         asynchronous=MAKE.Asynchronous() if isinstance(node, ast.AsyncWith) else None)

    def _assign(self, node):
        return MAKE.Assign(targets=[MAKE.AssignTarget(target=self.expression(t)) for t in node.targets],
                           value=self.expression(node.value))

    def _augmented(self, node):
        return MAKE.AugAssign(target=self.expression(node.target), operator=_operator(_AUGMENTED, node.op),
                              value=self.expression(node.value))

    def _annotated(self, node):
        return MAKE.AnnAssign(target=self.expression(node.target),
                              annotation=MAKE.Annotation(annotation=self.expression(node.annotation)),
                              value=self.optional(node.value))

    def _delete(self, node):
        targets = node.targets
        if len(targets) == 1:
            return MAKE.Del(target=self.expression(targets[0]))
        return MAKE.Del(target=MAKE.Tuple(elements=[MAKE.Element(value=self.expression(t))
                                                                 for t in targets]))

    def _dotted(self, name: str):
        parts = name.split(".")
        node = self.identifier(parts[0])
        for part in parts[1:]:
            node = MAKE.Attribute(value=node, attr=self.identifier(part))
        return node

    def _aliases(self, names: list) -> list:
        return [MAKE.ImportAlias(name=self._dotted(alias.name),
                                 asname=MAKE.AsName(name=self.identifier(alias.asname)) if alias.asname else None)
                for alias in names]

    def _import(self, node):
        return MAKE.Import(names=self._aliases(node.names))

    def _import_from(self, node):
        star = len(node.names) == 1 and node.names[0].name == "*"
        return MAKE.ImportFrom(module=self._dotted(node.module) if node.module else None,
                               names=MAKE.ImportStar() if star else self._aliases(node.names),
                               relative=tuple(MAKE.Dot() for _ in range(node.level or 0)))

    # -- parameters and arguments ---------------------------------------------------------------------
    def parameters(self, arguments: ast.arguments):
        positional = [*arguments.posonlyargs, *arguments.args]
        defaults = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
        params = [self._param(arg, default) for arg, default in zip(positional, defaults)]
        posonly = params[:len(arguments.posonlyargs)]
        star_arg = cst.MaybeSentinel.DEFAULT
        if arguments.vararg is not None:
            star_arg = self._param(arguments.vararg, None, "*")
        elif arguments.kwonlyargs:
            star_arg = MAKE.ParamStar()
        return MAKE.Parameters(params=params[len(posonly):], posonly_params=posonly, star_arg=star_arg,
                               kwonly_params=[self._param(arg, default)
                                    for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults)],
                     star_kwarg=self._param(arguments.kwarg, None, "**") if arguments.kwarg is not None else None,
                     posonly_ind=MAKE.ParamSlash() if posonly else cst.MaybeSentinel.DEFAULT)

    def _param(self, arg: ast.arg, default: Optional[ast.AST], star: str = ""):
        return self.placed(MAKE.Param(name=self.identifier(arg.arg),
                                      annotation=MAKE.Annotation(annotation=self.expression(arg.annotation))
                                      if arg.annotation is not None else None,
                                      default=self.optional(default), star=star), arg)

    def _starred_arg(self, node: ast.AST):
        if isinstance(node, ast.Starred):
            return MAKE.Arg(value=self.expression(node.value), star="*")
        return MAKE.Arg(value=self.expression(node))

    def _keyword(self, keyword: ast.keyword):
        if keyword.arg is None:
            return MAKE.Arg(value=self.expression(keyword.value), star="**")
        return MAKE.Arg(value=self.expression(keyword.value), keyword=self.identifier(keyword.arg))

    # -- expressions ------------------------------------------------------------------------------
    def expression(self, node: ast.AST):
        kind = node.__class__
        if kind is ast.Name:  # a third of the expressions: no dispatch
            built = _MAKE_NAME(value=node.id)
        else:
            build = self._expressions.get(kind)
            if build is None:
                raise Unsupported(kind.__name__)
            built = build(node)
        self.spans[id(built)] = (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)
        return built

    def _attribute(self, node):
        return MAKE.Attribute(value=self.expression(node.value), attr=self.identifier(node.attr))

    def _call(self, node):
        func = self.expression(node.func)
        if not node.keywords:
            return MAKE.Call(func=func, args=[self._starred_arg(a) for a in node.args])
        if not node.args:
            return MAKE.Call(func=func, args=[self._keyword(k) for k in node.keywords])
        arguments = [(a.lineno, a.col_offset, self._starred_arg(a)) for a in node.args]
        arguments += [(k.lineno, k.col_offset, self._keyword(k)) for k in node.keywords]
        arguments.sort(key=lambda item: item[:2])  # `f(a, *b, c=1, *d)`: source order
        return MAKE.Call(func=func, args=[item[2] for item in arguments])

    def _constant(self, node):
        value = node.value
        if isinstance(value, (str, bytes)):
            return MAKE.SimpleString(value=repr(value))
        if value is None or value is True or value is False:
            return MAKE.Name(value=repr(value))
        if value is ...:
            return MAKE.Ellipsis()
        if isinstance(value, bool) or not isinstance(value, (int, float, complex)):
            raise Unsupported(type(value).__name__)
        if isinstance(value, int):
            return MAKE.Integer(value=repr(value))
        if isinstance(value, float):
            return MAKE.Float(value=repr(value))
        return MAKE.Imaginary(value=f"{value.imag!r}j")

    def _subscript(self, node):
        index = node.slice
        parts = index.elts if isinstance(index, ast.Tuple) and index.elts else [index]
        return MAKE.Subscript(value=self.expression(node.value),
                              slice=[MAKE.SubscriptElement(slice=self._slice(part)) for part in parts])

    def _slice(self, node):
        if isinstance(node, ast.Slice):
            return self._bare_slice(node)
        if isinstance(node, ast.Starred):
            return MAKE.Index(value=self.expression(node.value), star="*")
        return MAKE.Index(value=self.expression(node))

    def _bare_slice(self, node):
        return MAKE.Slice(lower=self.optional(node.lower), upper=self.optional(node.upper),
                          step=self.optional(node.step))

    def _binary(self, node):
        return MAKE.BinaryOperation(left=self.expression(node.left), operator=_operator(_BINARY, node.op),
                                    right=self.expression(node.right))

    def _boolean(self, node):
        operator = _operator(_BOOLEAN, node.op)
        values = node.values
        built = self.expression(values[0])
        for value in values[1:]:  # `a and b and c` is `(a and b) and c`, as libcst nests it
            built = MAKE.BooleanOperation(left=built, operator=operator, right=self.expression(value))
        return built

    def _unary(self, node):
        return MAKE.UnaryOperation(operator=_operator(_UNARY, node.op), expression=self.expression(node.operand))

    def _compare(self, node):
        return MAKE.Comparison(left=self.expression(node.left),
                               comparisons=[MAKE.ComparisonTarget(operator=_operator(_COMPARE, op),
                                        comparator=self.expression(comparator))
                                  for op, comparator in zip(node.ops, node.comparators)])

    def _if_expression(self, node):
        return MAKE.IfExp(test=self.expression(node.test), body=self.expression(node.body),
                          orelse=self.expression(node.orelse))

    def _lambda(self, node):
        return MAKE.Lambda(params=self.parameters(node.args), body=self.expression(node.body))

    def _element(self, node):
        if isinstance(node, ast.Starred):
            return MAKE.StarredElement(value=self.expression(node.value))
        return MAKE.Element(value=self.expression(node))

    def _sequence(self, node):
        kind = cst.Tuple if isinstance(node, ast.Tuple) else cst.List if isinstance(node, ast.List) else cst.Set
        return _maker(kind)(elements=[self._element(element) for element in node.elts])

    def _starred(self, node):
        return MAKE.StarredElement(value=self.expression(node.value))

    def _dict(self, node):
        return MAKE.Dict(elements=[
            MAKE.StarredDictElement(value=self.expression(value)) if key is None
            else MAKE.DictElement(key=self.expression(key), value=self.expression(value))
            for key, value in zip(node.keys, node.values)])

    def _for_in(self, generators: list):
        built = None
        for generator in reversed(generators):
            built = MAKE.CompFor(target=self.expression(generator.target), iter=self.expression(generator.iter),
                                 ifs=[MAKE.CompIf(test=self.expression(test)) for test in generator.ifs],
                                 inner_for_in=built, asynchronous=MAKE.Asynchronous() if generator.is_async else None)
        return built

    def _comprehension(self, node):
        kind = {ast.ListComp: cst.ListComp, ast.SetComp: cst.SetComp, ast.GeneratorExp: cst.GeneratorExp}[type(node)]
        return _maker(kind)(elt=self.expression(node.elt), for_in=self._for_in(node.generators))

    def _dict_comprehension(self, node):
        return MAKE.DictComp(key=self.expression(node.key), value=self.expression(node.value),
                             for_in=self._for_in(node.generators))

    def _await(self, node):
        return MAKE.Await(expression=self.expression(node.value))

    def _yield(self, node):
        if isinstance(node, ast.YieldFrom):
            return MAKE.Yield(value=MAKE.From(item=self.expression(node.value)))
        return MAKE.Yield(value=self.optional(node.value))

    def _named(self, node):
        return MAKE.NamedExpr(target=self.expression(node.target), value=self.expression(node.value))

    def _formatted(self, node):
        return MAKE.FormattedString(parts=self._formatted_parts(node.values), start='f"', end='"')

    def _formatted_parts(self, values: list) -> list:
        parts = []
        for value in values:
            if isinstance(value, ast.FormattedValue):
                spec = value.format_spec
                parts.append(MAKE.FormattedStringExpression(
                    expression=self.expression(value.value),
                    conversion=chr(value.conversion) if value.conversion >= 0 else None,
                    format_spec=self._formatted_parts(spec.values) if spec is not None else None))
            else:
                parts.append(MAKE.FormattedStringText(value=str(value.value)))
        return parts


def bare_or_none(data: Union[bytes, str], defer: Optional[Callable[[str], Optional[Callable]]] = None,
                 tree: Optional[ast.Module] = None) -> Optional[BareModule]:
    """`bare_module` of source bytes (decoded as Python decodes them) or text; `defer(text)` gives
    its `defer` argument; `tree`: the `ast` tree of `data`, when one is at hand."""
    encoding = "utf-8"
    if isinstance(data, bytes):
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            data = data.decode(encoding)
        except (SyntaxError, LookupError, UnicodeDecodeError):
            return None
        if data.startswith("\ufeff"):
            data = data[1:]
    return bare_module(data, tree, encoding=encoding, defer=defer(data) if defer is not None else None)
