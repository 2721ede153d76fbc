"""`python -m nograd_lint PATH...` runs nograd-lint; `python -m nograd_lint fix PATH...` runs nograd-fix."""
import sys

from .frontends.cli import main

if __name__ == "__main__":
    sys.exit(main())
