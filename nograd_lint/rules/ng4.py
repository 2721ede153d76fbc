"""NG4: opinionated rules, off by default (enable with `extend-select`)."""
from __future__ import annotations

from typing import Iterable

from ..io.config import Settings
from ..analysis.contexts import disables, explicit_state
from ..analysis.gradmode import FileAnalysis, Mode, WithFact
from .base import Finding
from .common import ContextRule, code_of, context_text
from .registry import register


@register
class EnableGradInsideNoGrad(ContextRule):
    """
    ## What it does
    Finds `with torch.enable_grad():` (or `torch.set_grad_enabled(True)`) inside a function or
    block that disables gradients. Off by default: enable it with `extend-select = ["NG401"]`.

    The optimizer idiom, `with torch.enable_grad(): loss = closure()` inside a
    `@torch.no_grad()` `step`, calls only a function its caller passed in, and is not reported.

    ## Why is this bad
    It is often intentional (saliency maps, adversarial examples, an inner optimisation loop in an
    otherwise frozen evaluation), and then it is correct. But a region whose mode flips inside is
    hard to read: what runs with gradients is decided two levels away from the code. Moving the
    part that needs gradients into its own function, called outside the `no_grad` region, makes
    each mode visible where the code is.

    ## Example
    ```python
    @torch.no_grad()
    def explain(model, x):
        with torch.enable_grad():
            x = x.clone().requires_grad_()
            model(x).max().backward()
        return x.grad
    ```

    ## Use instead
    ```python
    def saliency(model, x):
        x = x.clone().requires_grad_()
        model(x).max().backward()
        return x.grad
    ```
    called where gradients are on.

    ## Fix safety
    There is no automatic fix: restructuring the code is a design choice.

    ## Known limits
    Only contexts in sight count: an `enable_grad` in a helper called from a `no_grad` block is not
    reported.
    """

    code = "NG401"
    name = "enable-grad-inside-no-grad"
    summary = "`enable_grad` inside a region that disables gradients."
    default_enabled = False

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        for fact in analysis.withs:
            outer = explicit_state(analysis, fact)
            if not disables(outer) or _calls_only_parameters(analysis, fact):
                continue
            called = [(item, use) for item, use in fact.uses if use.called]
            if not called or called[-1][1].mode is not Mode.ENABLED:
                continue  # `with torch.inference_mode(False), torch.no_grad():` ends disabled
            item = called[-1][0]
            yield Finding(item.item, f"`{code_of(analysis, item.item)}` inside `{context_text(analysis, outer)}` "
                                     "flips the grad mode back on; if that is intended, consider moving the code "
                                     "that needs gradients into its own function called outside the disabled region")


def _calls_only_parameters(analysis: FileAnalysis, fact: WithFact) -> bool:
    """The with-block only calls functions passed in as parameters (the optimizer closure idiom)."""
    function = fact.function
    if function is None:
        return False
    params = function.node.params
    passed = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    calls = [c for c in analysis.facts_in(analysis.calls, function, fact.span) if c.index > fact.index]
    return bool(calls) and all(c.callee in passed for c in calls)
