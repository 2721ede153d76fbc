"""What a call is by torch's API, before any value is known: a backward pass, an optimizer call,
a mode switch, a call that wants gradients, a loss."""
from __future__ import annotations

from typing import Optional

import libcst as cst

from . import knowledge
from .gradmode import CallFact
from .imports import dotted_name
from .syntax import is_false


def is_backward(call: CallFact) -> bool:
    """`loss.backward()`, `torch.autograd.grad(...)`, `accelerator.backward(loss)`."""
    if call.qualified in knowledge.BACKWARD_FUNCTIONS:
        return True
    method = call.method
    if method in knowledge.BACKWARD_METHODS:
        return True
    return method in knowledge.BACKWARD_ARGUMENT_METHODS and bool(call.node.args)


def differentiated_again(call: CallFact) -> bool:
    """`torch.autograd.grad(out, x, create_graph=True)`: the gradients it returns carry a graph of
    their own, for a later backward pass to differentiate (a gradient penalty, a second-order
    term); what trains is decided there."""
    if call.qualified != "torch.autograd.grad":
        return False
    flag = next((arg.value for arg in call.node.args if arg.keyword is not None and arg.keyword.value == "create_graph"),
                None)
    return flag is not None and not is_false(flag)


def adapts_by_gradient(call: CallFact, imports) -> bool:
    """`learner.adapt(loss)` in a module that imports learn2learn: MAML's inner step, a gradient
    of the loss (`torch.autograd.grad`) taken by the library."""
    return may_adapt_by_gradient(call) and imports.mentions(knowledge.META_LEARNING_PACKAGE)


def may_adapt_by_gradient(call: CallFact) -> bool:
    """The call's own shape of `adapts_by_gradient` (`x.adapt(loss)`), whatever the module imports."""
    return call.method == knowledge.META_LEARNING_ADAPT and bool(call.node.args)


def backward_targets(call: CallFact, receiver_is_tensor: bool) -> list[cst.BaseExpression]:
    """The expressions whose graph a backward call uses: the receiver of `loss.backward()`, the
    first argument of `torch.autograd.grad(loss, ...)`, `accelerator.backward(loss)` (a receiver
    that is not a tensor) and `scaler.scale(loss).backward()`."""
    node = call.node
    positional = [arg.value for arg in node.args if arg.keyword is None]
    if call.qualified in knowledge.BACKWARD_FUNCTIONS:
        first = positional[0] if positional else next(
            (a.value for a in node.args if a.keyword and a.keyword.value in ("outputs", "tensors", "func")), None)
        if isinstance(first, (cst.List, cst.Tuple)):
            return [element.value for element in first.elements]
        return [first] if first is not None else []
    receiver = call.receiver
    if call.method in ("manual_backward", knowledge.META_LEARNING_ADAPT) or (
            call.method == "backward" and positional and not receiver_is_tensor):
        return positional[:1]  # accelerator.backward(loss), fabric.backward(loss), learner.adapt(loss)
    if (isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Attribute)
            and receiver.func.attr.value == "scale" and receiver.args):
        return [receiver.args[0].value]  # scaler.scale(loss).backward()
    return [receiver] if receiver is not None else []


def is_optimizer_call(call: CallFact) -> bool:
    """`optimizer.step()`, `opt.zero_grad()`, `model.zero_grad()`, `scaler.step(optimizer)`."""
    method = call.method
    if method == "zero_grad":
        return True
    if method != "step" or call.receiver is None:
        return False
    receiver = dotted_name(call.receiver) or ""
    if knowledge.OPTIMIZER_RECEIVER.search(receiver.rpartition(".")[2]):
        return True
    return any(knowledge.OPTIMIZER_RECEIVER.search((dotted_name(arg.value) or "").rpartition(".")[2])
               for arg in call.node.args)


def wants_gradients(call: CallFact) -> bool:
    """Calls that show the code needs gradients on purpose, or sets the mode itself."""
    if call.method in knowledge.GRADIENT_WANTING_METHODS:
        if call.method == "requires_grad_" and call.node.args and is_false(call.node.args[0].value):
            return False
        return True
    if call.qualified in knowledge.GRAD_CONTEXTS and knowledge.GRAD_CONTEXTS[call.qualified] in (
            knowledge.GradContext.ENABLE_GRAD, knowledge.GradContext.SET_GRAD_ENABLED):
        return True
    for arg in call.node.args:
        if (arg.keyword is not None and arg.keyword.value in knowledge.GRADIENT_WANTING_KEYWORDS
                and not is_false(arg.value)):
            return True
    return False


def gradient_flags(node: cst.Call, method: Optional[str]) -> list[str]:
    """The names a call takes its wish for gradients from: `requires_grad=flag`,
    `x.requires_grad_(flag)`; empty when it is a literal or something else."""
    values = [arg.value for arg in node.args
              if arg.keyword is not None and arg.keyword.value in knowledge.GRADIENT_WANTING_KEYWORDS]
    if method == "requires_grad_" and node.args and node.args[0].keyword is None:
        values.append(node.args[0].value)
    if not values or not all(isinstance(value, cst.Name) for value in values):
        return []
    return [value.value for value in values]


def mode_switch(call: CallFact) -> Optional[str]:
    """"eval" for `m.eval()` and `m.train(False)`, "train" for `m.train()`, "unknown" for
    `m.train(flag)`; None for anything else."""
    if call.receiver is None or call.method not in (knowledge.EVAL_METHOD, knowledge.TRAIN_METHOD):
        return None
    if call.qualified is not None:
        return None  # `torch.eval`, `np.train`: not a module
    args = call.node.args
    if call.method == knowledge.EVAL_METHOD:
        return "eval" if not args else None
    if not args:
        return "train"
    value = args[0].value
    if isinstance(value, cst.Name) and value.value in ("True", "False"):
        return "train" if value.value == "True" else "eval"
    return "unknown"


def is_loss_callee(call: CallFact) -> bool:
    """`criterion(...)`, `F.cross_entropy(...)`, `self.loss_fn(...)`: a loss by its name."""
    name = call.qualified or call.callee or ""
    return knowledge.names_a_loss_callee(name.rpartition(".")[2])


def dispatch_prefix(call: CallFact, called_directly: bool) -> Optional[str]:
    """The fixed start of the method names a `getattr(self, ...)` dispatch may pick, for a
    computed name (`getattr(self, '_' + mode)(...)`: "_", `getattr(self, f"forward_{kind}")`:
    "forward_"); "" for a name with no fixed start whose result is called at once
    (`getattr(self, name)(x)`); None for no dispatch (a literal name, an attribute read)."""
    args = call.node.args
    if call.callee != "getattr" or len(args) < 2 or not (isinstance(args[0].value, cst.Name) and args[0].value.value == "self"):
        return None
    prefix = computed_name_prefix(args[1].value)
    return prefix if prefix or (called_directly and prefix is not None) else None


def computed_name_prefix(name: cst.BaseExpression) -> Optional[str]:
    """The fixed start of a name computed at run time (`'_' + mode`, `f"enc_{i}"`,
    `'enc_{:d}'.format(i)`, `'enc_%d' % i`: "_", "enc_"); "" when it has none; None for a literal."""
    if isinstance(name, (cst.SimpleString, cst.ConcatenatedString)):
        return None
    if isinstance(name, cst.BinaryOperation) and isinstance(name.left, cst.SimpleString):
        text = str(name.left.evaluated_value)
        if isinstance(name.operator, cst.Add):
            return text
        if isinstance(name.operator, cst.Modulo):
            return text.partition("%")[0]
    if isinstance(name, cst.FormattedString) and name.parts and isinstance(name.parts[0], cst.FormattedStringText):
        return name.parts[0].value
    if (isinstance(name, cst.Call) and isinstance(name.func, cst.Attribute) and name.func.attr.value == "format"
            and isinstance(name.func.value, cst.SimpleString)):
        return str(name.func.value.evaluated_value).partition("{")[0]
    return ""
