"""The bundled examples and what each one declares.

An example declares the rules it demonstrates in a header comment::

    # nograd-verify: expect NG101 NG102

A file without the header is a user's script: whatever rules fire are judged.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import List, Optional

from .targets import UsageError

_DECLARATION = re.compile(r"^#\s*nograd-verify:\s*expect\s+(.+?)\s*$", re.MULTILINE)
_CODE = re.compile(r"\bNG\d{3}\b")


def declared_rules(source: str) -> Optional[List[str]]:
    """Codes named by `# nograd-verify: expect ...` lines, or None when there is no header."""
    matches = _DECLARATION.findall(source)
    if not matches:
        return None
    return sorted({code for line in matches for code in _CODE.findall(line)})


def bundled_examples_dir() -> Optional[Path]:
    """The examples directory of a source checkout (next to the package), if present."""
    candidate = Path(__file__).resolve().parents[2] / "examples"
    return candidate if candidate.is_dir() else None


def default_paths() -> List[str]:
    """The bundled examples, or a usage error when not running from a checkout."""
    folder = bundled_examples_dir()
    if folder is None:
        raise UsageError("the bundled examples were not found (they ship with a source "
                         "checkout); pass the files or directories to verify")
    return [str(folder)]
