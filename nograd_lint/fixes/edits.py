"""The tree edits fixes are made of. Each is an `Edit`: what it replaces (by identity) in the tree
its finding came from, as a `Change` (see changes.py), so comments and formatting outside the edit
survive and the fixes of one round can be applied together; calling it applies it alone."""
from __future__ import annotations

from typing import Callable, Optional, Sequence, Union

import libcst as cst

from .binding import module_bindings, torch_spelling
from .changes import Change, Tree

Block = Union[cst.Module, cst.IndentedBlock]


class Edit:
    """A fix's rewrite: `change(tree)` says what it replaces (None: nothing to do in this tree);
    `edit(module)` is the module with it applied alone."""

    def __init__(self, change: Callable[[Tree], Optional[Change]]) -> None:
        self.change = change

    def __call__(self, module: cst.Module) -> cst.Module:
        tree = Tree(module)
        change = self.change(tree)
        return apply_changes(tree, [change]) if change is not None else module


def apply_changes(tree: Tree, changes: Sequence[Change]) -> cst.Module:
    """The tree's module with every change made (they must not overlap), `import torch` added once
    when one needs it."""
    module = tree.replaced(changes)
    return add_torch_import(module) if any(change.import_torch for change in changes) else module


def torch_callable(module: cst.Module, name: str) -> Optional[tuple[str, bool]]:
    """How to spell `torch.<name>` in this module, and whether `import torch` must be added; None
    when no spelling is sure to mean torch where the fix runs (see binding.py)."""
    return torch_spelling(module, name)


class _BlockFinder(cst.CSTVisitor):
    def __init__(self, statement: cst.CSTNode) -> None:
        self.statement = statement
        self.block: Optional[Block] = None

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.block is not None:
            return False
        if isinstance(node, (cst.Module, cst.IndentedBlock)) and any(s is self.statement for s in node.body):
            self.block = node
            return False
        return True


def find_block(module: cst.Module, statement: cst.CSTNode) -> Optional[Block]:
    """The Module or IndentedBlock whose body holds `statement` directly."""
    finder = _BlockFinder(statement)
    module.visit(finder)
    return finder.block


def wrap_in_with(statements: Sequence[cst.BaseStatement], context: str, import_torch: bool) -> Edit:
    """Put consecutive statements of one block inside `with <context>:`."""
    def change(tree: Tree) -> Optional[Change]:
        if tree.block_of(statements[0]) is None:
            return None
        inner = _moved_in([statements[0].with_changes(leading_lines=()), *statements[1:]])
        wrapped = cst.With(
            items=[cst.WithItem(cst.parse_expression(context))],
            body=cst.IndentedBlock(body=inner),
            leading_lines=statements[0].leading_lines,
        )
        removed = tuple((statement, cst.RemoveFromParent()) for statement in statements[1:])
        return Change(((statements[0], wrapped), *removed), import_torch)

    return Edit(change)


def add_decorator(function: cst.FunctionDef, decorator: str, import_torch: bool) -> Edit:
    """Add `@decorator` right above the `def` (innermost, so it wraps the function itself)."""
    def change(tree: Tree) -> Change:
        new = function.with_changes(decorators=[*function.decorators, cst.Decorator(cst.parse_expression(decorator))])
        if not function.decorators:
            # Comments above the def stay above the new decorator.
            new = new.with_changes(
                leading_lines=function.leading_lines,
                decorators=[cst.Decorator(cst.parse_expression(decorator), leading_lines=())],
            )
        return Change(((function, new),), import_torch)

    return Edit(change)


def replace(old: cst.CSTNode, new: cst.CSTNode, import_torch: bool = False) -> Edit:
    """Replace one node; with `import_torch`, also add `import torch` (the new node names it)."""
    return Edit(lambda tree: Change(((old, new),), import_torch))


def add_torch_import(module: cst.Module) -> cst.Module:
    """Insert `import torch` after the docstring and `__future__` imports, unless one exists.

    It goes right before the first other statement and takes over that statement's leading blank
    lines and comments, so `from __future__ ...` stays separated from the imports as before.
    """
    if module_bindings(module).torch_alias():
        return module
    body = list(module.body)
    position = 0
    for index, statement in enumerate(body):
        if not isinstance(statement, cst.SimpleStatementLine):
            break
        small = statement.body[0]
        is_docstring = index == 0 and isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))
        is_future = isinstance(small, cst.ImportFrom) and isinstance(small.module, cst.Name) and small.module.value == "__future__"
        if is_docstring or is_future:
            position = index + 1
        else:
            break
    new_import = cst.SimpleStatementLine(body=[cst.Import(names=[cst.ImportAlias(name=cst.Name("torch"))])])
    if position < len(body):
        following = body[position]
        if isinstance(following, cst.SimpleStatementLine) and isinstance(following.body[0], (cst.Import, cst.ImportFrom)):
            # Join the import block: take over its leading blank lines and comments.
            new_import = new_import.with_changes(leading_lines=following.leading_lines)
            body[position] = following.with_changes(leading_lines=())
        else:
            # PEP 8: one blank line after the docstring, two before a top-level def or class.
            if position > 0:
                new_import = new_import.with_changes(leading_lines=(cst.EmptyLine(),))
            required = 2 if isinstance(following, (cst.FunctionDef, cst.ClassDef)) else 1
            lines = list(following.leading_lines)
            blank = next((i for i, line in enumerate(lines) if line.comment is not None), len(lines))
            missing = max(0, required - blank)
            body[position] = following.with_changes(leading_lines=(*[cst.EmptyLine()] * missing, *lines))
    elif position > 0:
        new_import = new_import.with_changes(leading_lines=(cst.EmptyLine(),))
    body.insert(position, new_import)
    return module.with_changes(body=body)


# -- edits that take grad-mode contexts apart (NG2/NG3 fixes) -----------------------------------

def _header_comment(body: cst.BaseSuite) -> tuple[cst.EmptyLine, ...]:
    """The comment on a compound statement's header line (`with x:  # why`), as a leading line."""
    header = body.header if isinstance(body, cst.IndentedBlock) else None
    if header is not None and header.comment is not None:
        return (cst.EmptyLine(comment=header.comment),)
    return ()


def body_statements(statement: cst.BaseCompoundStatement) -> list[cst.BaseStatement]:
    """The statements of a compound statement's body, ready to stand in its place: the first one
    takes over the statement's leading lines and its header comment."""
    body = statement.body
    if isinstance(body, cst.IndentedBlock):
        inner = list(body.body)
    else:  # `with x: a(); b()`
        inner = [cst.SimpleStatementLine(body=list(body.body), trailing_whitespace=body.trailing_whitespace)]
    lines = (*statement.leading_lines, *_header_comment(body), *inner[0].leading_lines)
    inner[0] = inner[0].with_changes(leading_lines=lines)
    return inner


def _spliced(block: Block, statement: cst.BaseStatement, replacement: Sequence[cst.BaseStatement]) -> Block:
    """`block` with `statement` replaced by `replacement`."""
    body = list(block.body)
    index = next(i for i, s in enumerate(body) if s is statement)
    footer = statement.body.footer if isinstance(getattr(statement, "body", None), cst.IndentedBlock) else ()
    if footer and index + 1 < len(body):  # comments closing the removed block stay above what follows
        body[index + 1] = body[index + 1].with_changes(leading_lines=(*footer, *body[index + 1].leading_lines))
        footer = ()
    body[index:index + 1] = list(replacement)
    new_block = block.with_changes(body=body)
    if footer:
        new_block = new_block.with_changes(footer=(*footer, *block.footer))
    return new_block


def _without_item(statement: cst.With, item: cst.WithItem) -> cst.With:
    items = [i for i in statement.items if i is not item]
    items[-1] = items[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return statement.with_changes(items=items)


def _unwrapped(block: Block, statement: cst.With, item: cst.WithItem) -> tuple[cst.CSTNode, cst.CSTNode]:
    """(old, new): the statement without `item`, or, when it is the only item, the block with the
    body in place of the statement."""
    if len(statement.items) > 1:
        return statement, _without_item(statement, item)
    return block, _spliced(block, statement, body_statements(statement))


def unwrap_with(statement: cst.With, item: cst.WithItem) -> Edit:
    """Drop `item` from a with-statement; when it is the only item, the body replaces the statement."""
    def change(tree: Tree) -> Optional[Change]:
        block = tree.block_of(statement)
        return None if block is None else Change((_unwrapped(block, statement, item),))

    return Edit(change)


def remove_decorator(function: cst.FunctionDef, decorator: cst.Decorator) -> Edit:
    """Remove one decorator; comments above it stay above what follows."""
    return Edit(lambda tree: Change(((function, _without_decorator(function, decorator)),)))


def _without_decorator(function: cst.FunctionDef, decorator: cst.Decorator) -> cst.FunctionDef:
    decorators = list(function.decorators)
    index = next(i for i, d in enumerate(decorators) if d is decorator)
    comments = tuple(decorator.leading_lines)
    del decorators[index]
    if index < len(decorators):
        decorators[index] = decorators[index].with_changes(leading_lines=(*comments, *decorators[index].leading_lines))
        return function.with_changes(decorators=decorators)
    return function.with_changes(decorators=decorators,
                                 lines_after_decorators=(*comments, *function.lines_after_decorators))


def with_to_decorator(function: cst.FunctionDef, statement: cst.With, context: cst.BaseExpression) -> Edit:
    """Replace a with-statement in `function` by its body and decorate the function with `@context`."""
    def change(tree: Tree) -> Optional[Change]:
        block = tree.block_of(statement)
        if block is None:
            return None
        old, new = _unwrapped(block, statement, statement.items[0])
        unwrapped = function.deep_replace(old, new)
        return Change(((function, unwrapped.with_changes(decorators=[*function.decorators, cst.Decorator(context)])),))

    return Edit(change)


def decorator_to_with(function: cst.FunctionDef, decorator: cst.Decorator, context: cst.BaseExpression) -> Edit:
    """Remove `decorator` and run the function body (after its docstring) inside `with <context>:`."""
    def change(tree: Tree) -> Change:
        new = _without_decorator(function, decorator)
        body = new.body
        statements = list(body.body) if isinstance(body, cst.IndentedBlock) else [
            cst.SimpleStatementLine(body=list(body.body))]
        first = 1 if is_docstring(statements[0]) and len(statements) > 1 else 0
        inner = _moved_in([statements[first].with_changes(leading_lines=()), *statements[first + 1:]])
        wrapped = cst.With(items=[cst.WithItem(context)], body=cst.IndentedBlock(body=inner),
                           leading_lines=statements[first].leading_lines)
        block = body if isinstance(body, cst.IndentedBlock) else cst.IndentedBlock(body=[])
        return Change(((function, new.with_changes(body=block.with_changes(body=[*statements[:first], wrapped]))),))

    return Edit(change)


def _moved_in(statements: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """Statements moved into a new indented block: the blank lines before them stay blank (at a
    module's top level libcst reads a blank line as indented, which inside a block would print the
    block's indentation on it)."""
    return [statement.with_changes(leading_lines=[
        line.with_changes(indent=False) if line.comment is None and line.indent and not line.whitespace.value else line
        for line in statement.leading_lines]) for statement in statements]


def is_docstring(statement: cst.BaseStatement) -> bool:
    return (isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.Expr)
            and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def wrap_rest_in_with(statement: cst.SimpleStatementLine) -> Edit:
    """Turn a statement `ctx(...)` into `with ctx(...):` over the rest of its block."""
    def change(tree: Tree) -> Optional[Change]:
        block = tree.block_of(statement)
        if block is None:
            return None
        body = list(block.body)
        index = next(i for i, s in enumerate(body) if s is statement)
        rest = body[index + 1:]
        if not rest:
            return None
        first_lines = tuple(rest[0].leading_lines)
        while first_lines and first_lines[0].comment is None:  # no blank line right after the header
            first_lines = first_lines[1:]
        rest[0] = rest[0].with_changes(leading_lines=first_lines)
        call = statement.body[0].value  # type: ignore[attr-defined]
        footer = block.footer if isinstance(block, cst.IndentedBlock) else ()
        wrapped = cst.With(items=[cst.WithItem(call)],
                           body=cst.IndentedBlock(body=_moved_in(rest), header=statement.trailing_whitespace, footer=footer),
                           leading_lines=statement.leading_lines)
        new_block = block.with_changes(body=[*body[:index], wrapped])
        if footer:
            new_block = new_block.with_changes(footer=())
        return Change(((block, new_block),))

    return Edit(change)


def replace_each(replacements: Sequence[tuple[cst.CSTNode, cst.CSTNode]]) -> Edit:
    """Replace several nodes (by identity) in one change."""
    return Edit(lambda tree: Change(tuple(replacements)))


def combined(parts: Sequence[Edit]) -> Edit:
    """Several edits of separate parts of the tree made as one (none when one has nothing to do)."""
    def change(tree: Tree) -> Optional[Change]:
        changes = [part.change(tree) for part in parts]
        if any(c is None for c in changes):
            return None
        return Change(tuple(r for c in changes for r in c.replacements), any(c.import_torch for c in changes))

    return Edit(change)
