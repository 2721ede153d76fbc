"""The pre-pass walk yields every node `ast.walk` yields but the Load/Store contexts, parents first."""
import ast

from nograd_lint.analysis.astwalk import children, walk

PROGRAM = '''
import torch as T, numpy
from .models import Net as N
global_value: int = 3
@T.no_grad()
async def evaluate(model, loader, *args, flag=True, **kwargs) -> dict:
    global counter
    total = {k: v for k, v in kwargs.items() if v}
    async with T.inference_mode():
        async for x, (y, z) in loader:
            total[x] = model(x)[0].item() + f"{y!r:>{z}}" + b"raw" + 1.5j
            del y
    try:
        assert flag, "message"
    except (ValueError, KeyError) as error:
        raise RuntimeError("wrapped") from error
    finally:
        pass
    match total:
        case {"a": 1, **rest} if rest:
            pass
        case [first, *others] | (first, *others):
            pass
        case N(x=0) as found:
            pass
    return {**total, None: lambda q=1: (yield q)} if (n := len(total)) else [t async for t in loader]
class Model(N, metaclass=type):
    def forward(self, x):
        nonlocal_test = [x[1:2, ::3], {1, 2}, not x, -x, x @ x, x if x else x]
        return await_free(*nonlocal_test, key=x)
'''


def test_the_walk_yields_what_ast_walk_yields_without_contexts():
    tree = ast.parse(PROGRAM)
    expected = [node for node in ast.walk(tree) if not isinstance(node, ast.expr_context)]
    walked = list(walk(tree))
    # operators (`ast.Add()`) are shared objects: compare the nodes as a multiset
    assert sorted(map(id, walked)) == sorted(map(id, expected))
    position = {id(node): index for index, node in enumerate(walked) if node._fields}
    for parent in walked:
        for child in ast.iter_child_nodes(parent):
            if child._fields:
                assert position[id(parent)] < position[id(child)]


def test_a_list_is_walked_in_source_order():
    tree = ast.parse("a = 1\nb = 2\nc = 3\n")
    names = [node.id for node in walk(tree) if isinstance(node, ast.Name)]
    assert names == ["a", "b", "c"]


def test_children_are_ast_iter_child_nodes_without_contexts():
    tree = ast.parse(PROGRAM)
    for node in ast.walk(tree):
        expected = [child for child in ast.iter_child_nodes(node) if not isinstance(child, ast.expr_context)]
        assert [id(child) for child in children(node)] == [id(child) for child in expected]
