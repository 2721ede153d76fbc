"""What the rule modules share: how code and grad contexts are spelled in messages, and the
pre-pass test of rules about grad-mode contexts and backward passes."""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..analysis.contexts import hooked_function, kind_of, lightning_hook_state
from ..analysis.gradmode import FileAnalysis, FunctionInfo, GradState, Mode, Origin
from ..analysis.knowledge import GradContext
from ..analysis.prefilter import Signals
from ..analysis.summaries import model_of
from .base import Rule

# Grad-mode context managers that are objects of their own (`torch.no_grad()`), not a mode switch.
INSTANCE_KINDS = (GradContext.NO_GRAD, GradContext.INFERENCE_MODE, GradContext.ENABLE_GRAD)


class ContextRule(Rule):
    """A rule about grad-mode contexts: only a file that mentions one can have a finding."""

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.grad_context


class BackwardRule(Rule):
    """A rule about what reaches a backward pass in a disabling context: the file needs both."""

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.backward and signals.grad_context


def literal_flag(call: cst.Call) -> Optional[bool]:
    """The mode of `set_grad_enabled(True)` / `set_grad_enabled(False)`; None for any other argument."""
    value = call.args[0].value if call.args else None
    if isinstance(value, cst.Name) and value.value in ("True", "False"):
        return value.value == "True"
    return None


def is_module_forward(analysis: FileAnalysis, function: FunctionInfo) -> bool:
    """The `forward` of a module class: it runs inside its callers' grad contexts."""
    cls = model_of(analysis).classes.get(function.class_name) if function.class_name else None
    return function.name == "forward" and cls is not None and cls.is_module


def code_of(analysis: FileAnalysis, node: cst.CSTNode, limit: int = 60) -> str:
    """Source text of a node on one line, shortened for messages (in a tree built from `ast`, the
    source as written where that tree kept the node's position: its own code is normalised)."""
    bare = analysis.cache.get("bare")
    text = bare.source_of(node) if bare is not None else None
    text = " ".join((text if text is not None else analysis.module.code_for_node(node)).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def context_text(analysis: FileAnalysis, state: GradState) -> str:
    """How the code that set `state` is written: `torch.no_grad()`, `@torch.no_grad()`, ..."""
    node = state.node
    if isinstance(node, cst.WithItem):
        return code_of(analysis, node.item)
    if state.origin is Origin.DECORATOR:
        return "@" + code_of(analysis, node)
    if isinstance(node, cst.SimpleStatementLine):
        return code_of(analysis, node.body[0])
    return code_of(analysis, node) if node is not None else state.mode.value


def where_disabled(analysis: FileAnalysis, state: GradState) -> str:
    """Where gradients are disabled, for a message: "under `torch.no_grad()`", or "in
    `validation_step`, which Lightning runs with gradients disabled" for a framework's hook."""
    if state.origin is not Origin.HOOK:
        return f"under `{context_text(analysis, state)}`"
    function = hooked_function(analysis, state.node)
    if function is None:
        return "where its framework disables gradients"
    framework = "Lightning" if lightning_hook_state(analysis, state) else "its framework"
    return f"in `{function.name}`, which {framework} runs with gradients disabled"


def enable_advice(analysis: FileAnalysis, state: GradState) -> str:
    """How to compute with gradients on where `state` disables them."""
    if state.origin is not Origin.HOOK:
        return f"with gradients enabled (outside `{context_text(analysis, state)}`)"
    if lightning_hook_state(analysis, state):
        return ("inside `with torch.enable_grad():`, and give the Trainer `inference_mode=False` (Lightning "
                "evaluates under `torch.inference_mode()` by default, which `enable_grad` cannot undo)")
    return "inside `with torch.enable_grad():`"


def mode_words(mode: Mode) -> str:
    return {Mode.DISABLED: "gradients disabled", Mode.INFERENCE: "inference mode on",
            Mode.ENABLED: "gradients enabled"}.get(mode, "an unknown grad mode")


def turns_gradients_on(analysis: FileAnalysis, function: FunctionInfo) -> bool:
    """`torch.set_grad_enabled(True)` or `torch.enable_grad()` anywhere in the function."""
    for call in analysis.facts_in(analysis.calls, function):
        kind = kind_of(call)
        if kind is GradContext.ENABLE_GRAD:
            return True
        flag = call.node.args[0].value if call.node.args else None
        if kind is GradContext.SET_GRAD_ENABLED and isinstance(flag, cst.Name) and flag.value == "True":
            return True
    return False
