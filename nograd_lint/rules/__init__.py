"""Rule families: NG1 (gradients recorded needlessly), NG2 (gradients needed but off), NG3 (misuse)."""
from .registry import all_rules, register, rule_by_code

__all__ = ["all_rules", "register", "rule_by_code"]
