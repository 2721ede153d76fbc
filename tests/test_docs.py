"""Docs pages exist for every rule, carry the required sections, and match the rule's own text."""
from pathlib import Path

import pytest

from nograd_lint.docs import REQUIRED_SECTIONS, rule_pages
from nograd_lint.rules import all_rules

DOCS = Path(__file__).parent.parent / "docs" / "rules"


@pytest.mark.parametrize("name,text", sorted(rule_pages().items()))
def test_page_is_generated(name, text):
    page = DOCS / name
    assert page.exists(), "run: python -m nograd_lint.docs docs/rules"
    assert page.read_text(encoding="utf-8") == text, "docs out of date: python -m nograd_lint.docs docs/rules"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_required_sections(rule):
    """Each section is a heading at the start of its line (a line of the docstring indented less
    than the rest leaves the others indented, and the page renders as one code block)."""
    lines = rule.docs().splitlines()
    positions = [lines.index(section) for section in REQUIRED_SECTIONS]
    assert positions == sorted(positions)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_codes_and_names(rule):
    assert rule.code.startswith("NG") and len(rule.code) == 5 and rule.code[2:].isdigit()
    assert rule.fix_availability in ("safe", "unsafe", "sometimes", "none")
    assert rule.name == rule.name.lower() and " " not in rule.name
