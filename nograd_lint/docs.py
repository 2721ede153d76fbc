"""Rule docs pages: `docs/rules/CODE.md` is generated from each rule's docstring, the same text
`nograd-lint --explain CODE` prints. Regenerate with `python -m nograd_lint.docs docs/rules`."""
from __future__ import annotations

import sys
from pathlib import Path

from . import __version__
from .rules import all_rules

REPOSITORY = "https://github.com/nograd-lint/nograd-lint"
REQUIRED_SECTIONS = ("## What it does", "## Why is this bad", "## Example", "## Use instead",
                     "## Fix safety", "## Known limits")


def rule_url(code: str) -> str:
    """The rule's docs page in the repository, at this version's tag."""
    return f"{REPOSITORY}/blob/v{__version__}/docs/rules/{code}.md"


def rule_pages() -> dict[str, str]:
    """File name -> page text, for every registered rule, plus the index page."""
    pages = {f"{rule.code}.md": rule.docs() for rule in all_rules()}
    lines = ["# Rules", "", "| code | name | default | fix | summary |", "| --- | --- | --- | --- | --- |"]
    for rule in all_rules():
        default = "on" if rule.default_enabled else "off"
        lines.append(f"| [{rule.code}]({rule.code}.md) | {rule.name} | {default} | {rule.fix_availability} | {rule.summary} |")
    pages["README.md"] = "\n".join(lines) + "\n"
    return pages


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    target = Path(argv[0] if argv else "docs/rules")
    target.mkdir(parents=True, exist_ok=True)
    for name, text in rule_pages().items():
        (target / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
