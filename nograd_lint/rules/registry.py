"""The one place rules are registered: `@register` on the class, listed by code."""
from __future__ import annotations

from typing import TypeVar

from .base import Rule

_RULES: dict[str, type[Rule]] = {}
R = TypeVar("R", bound=type[Rule])


def register(rule: R) -> R:
    if rule.code in _RULES:
        raise ValueError(f"rule code {rule.code} registered twice")
    _RULES[rule.code] = rule
    return rule


def all_rules() -> list[type[Rule]]:
    """Every rule, sorted by code (importing the rule modules registers them)."""
    from . import (ng1, ng1_targets, ng2, ng2_cut, ng2_detached, ng2_leaks, ng2_losses, ng2_modules,  # noqa: F401
                   ng2_optim, ng2_trained, ng3_concurrency, ng3_contexts, ng3_leaks, ng4)
    return [_RULES[code] for code in sorted(_RULES)]


def rule_by_code(code: str) -> type[Rule] | None:
    all_rules()
    return _RULES.get(code.upper())
