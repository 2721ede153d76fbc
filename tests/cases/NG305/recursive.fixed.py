import torch as T

FROZEN = T.no_grad()


def walk(model, node):
    with T.no_grad():  # expect: NG305@10
        out = model(node.value)
    return [out] + [y for child in node.children for y in walk(model, child)]
