"""`nograd-lint` (report; `--fix` fixes) and `nograd-fix` (rewrite). Exit codes: 0 clean, 1
findings, 2 errors.

Findings go to standard output in the chosen `--output-format` (text: one a line,
`path:line:col: CODE message`, `path:cell N:line:col: ...` in a notebook, sorted by path, cell,
line and column); the summary, errors and the progress bar go to standard error. Subcommands
(`rules`, `rule CODE`, `server`) never shadow a path: `nograd-lint rules` checks a folder named
`rules` when there is one.
"""
from __future__ import annotations

import argparse
import difflib
import functools
import os
import sys
from pathlib import Path
from typing import Optional, Sequence

from .. import __version__
from ..io.config import (ConfigError, Settings, check_codes, find_config, is_excluded, load_settings, parse_codes,
                     parse_confidence, parse_torch_version, strings)
from ..diagnostics import Diagnostic, FixSafety
from ..analysis.project import analyse_together
from ..io.cache import ResultCache, cache_directory, cache_disabled
from ..io.deep import call_deep
from ..io.garbage import cycles_left_to_exit
from ..io.files import FileResult, could_report, discover, fix_data, fix_path, lint_data, lint_path, run_all
from ..io.kept import KeptRun, kept_results, keeping_results
from ..io.notebooks import NotebookError, changed_cells, is_notebook
from .progress import Progress
from .reporters import EDITS_NEEDED, FORMATS, format_diagnostic, location, statistics
from ..rules import all_rules, rule_by_code

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
STDIN = "-"
SUBCOMMANDS = ("rules", "rule", "server")


def subcommand(argv: Sequence[str]) -> Optional[str]:
    """The subcommand `argv` starts with, unless a file or folder of that name exists (then it is a path)."""
    if argv and argv[0] in SUBCOMMANDS and not os.path.lexists(argv[0]):
        return argv[0]
    return None


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", help="files or directories (directories are walked for *.py, *.pyi "
                                                 "and *.ipynb; default: the current directory); '-' reads "
                                                 "standard input")
    parser.add_argument("--select", help="only these codes or prefixes, comma-separated (e.g. NG1,NG201)")
    parser.add_argument("--extend-select", help="also enable these codes or prefixes (e.g. opinionated NG4xx)")
    parser.add_argument("--ignore", help="skip these codes or prefixes")
    parser.add_argument("--fix-context", choices=("no_grad", "inference_mode"),
                        help="what NG1 fixes insert (default: no_grad)")
    parser.add_argument("--evaluation-names", help="extra function names (or name words) that mean evaluation")
    parser.add_argument("--min-confidence", choices=("low", "medium", "high"),
                        help="drop findings below this confidence (default: medium)")
    parser.add_argument("--torch-version", metavar="X.Y",
                        help="the oldest torch the code must run on (default: what the project's pyproject.toml, "
                             "setup.cfg, setup.py or requirements*.txt require)")
    parser.add_argument("--exclude", help="patterns to skip, replacing the defaults (comma-separated)")
    parser.add_argument("--extend-exclude", help="patterns to skip, in addition to the defaults")
    parser.add_argument("--project", action=argparse.BooleanOptionalAction, default=None,
                        help="analyse files with their project's own modules: what they import and, for the files "
                             "of one run, their callers (default: on); --no-project reads each file alone")
    parser.add_argument("--notebooks", action=argparse.BooleanOptionalAction, default=None,
                        help="check Jupyter notebooks (*.ipynb); --no-notebooks skips them (default: check)")
    parser.add_argument("--respect-gitignore", action=argparse.BooleanOptionalAction, default=None,
                        help="skip what .gitignore files ignore in directory walks (default: on)")
    parser.add_argument("--config", type=Path, help="pyproject.toml to read [tool.nograd-lint] from "
                                                    "(default: the nearest one above the given paths)")
    parser.add_argument("--isolated", action="store_true", help="ignore configuration files")
    parser.add_argument("--stdin-filename", metavar="PATH", help="the name of the file read from '-' "
                                                                 "(for messages, configuration and excludes)")
    parser.add_argument("-j", "--jobs", type=_jobs, default=0, help="parallel processes (default 0: one per CPU)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain (2 still "
                                                                 "means a file could not be checked)")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="a progress bar on standard error (default: on a terminal, for runs longer than "
                             "a second)")
    parser.add_argument("--list-rules", action="store_true", help="print every rule and exit")
    parser.add_argument("--explain", metavar="CODE", help="print a rule's documentation and exit")
    parser.add_argument("-q", "--quiet", action="store_true", help="print findings only, no summary")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")


def _jobs(text: str) -> int:
    value = int(text) if text.lstrip("-").isdigit() else -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, not {text!r}")
    return value


def _settings(args: argparse.Namespace) -> tuple[Settings, Path]:
    """The settings for this run and the directory relative exclude patterns start from."""
    if args.isolated:
        base, root = Settings(), Path.cwd()
    else:
        anchors = [args.stdin_filename if p == STDIN and args.stdin_filename else p for p in args.paths]
        pyproject = args.config if args.config else find_config(anchors)
        base = load_settings(pyproject)
        root = pyproject.resolve().parent if pyproject else Path.cwd()
    settings = base.replace(
        select=_codes(args.select, "--select"),
        extend_select=_codes(args.extend_select, "--extend-select"),
        ignore=_codes(args.ignore, "--ignore"),
        fix_context=args.fix_context,
        evaluation_names=strings(args.evaluation_names, "--evaluation-names") if args.evaluation_names else None,
        min_confidence=parse_confidence(args.min_confidence) if args.min_confidence else None,
        torch_version=parse_torch_version(args.torch_version) if args.torch_version else None,
        exclude=strings(args.exclude, "--exclude") if args.exclude is not None else None,
        extend_exclude=strings(args.extend_exclude, "--extend-exclude") if args.extend_exclude else None,
        notebooks=args.notebooks,
        project=args.project,
        respect_gitignore=args.respect_gitignore,
    )
    return settings, root


def _codes(value: Optional[str], option: str) -> Optional[tuple[str, ...]]:
    return check_codes(parse_codes(value, option), option) if value else None


def list_rules(out=None) -> None:
    out = out or sys.stdout
    rules = all_rules()
    width = max([len("name"), *(len(rule.name) for rule in rules)])
    print(f"{'code':6}  {'name':{width}}  {'default':7}  {'fix':9}  summary", file=out)
    for rule in rules:
        default = "on" if rule.default_enabled else "off"
        print(f"{rule.code:6}  {rule.name:{width}}  {default:7}  {rule.fix_availability:9}  {rule.summary}", file=out)


def explain(code: str, prog: str, out=None) -> int:
    rule = rule_by_code(code)
    if rule is None:
        print(f"{prog}: error: unknown rule {code!r}; see --list-rules", file=sys.stderr)
        return EXIT_ERROR
    (out or sys.stdout).write(rule.docs())
    return EXIT_CLEAN


class _Run:
    """Parsed arguments and settings of one invocation, or the exit code that ends it early."""

    def __init__(self, argv: Optional[Sequence[str]], prog: str, description: str, extra=None) -> None:
        self.prog = prog
        self.settings: Optional[Settings] = None
        self.root = Path.cwd()
        self.exit: Optional[int] = None
        argv = list(sys.argv[1:] if argv is None else argv)
        command = subcommand(argv) if prog == "nograd-lint" else None
        if command == "rules":
            argv = ["--list-rules", *argv[1:]]
        elif command == "rule" and len(argv) == 2:
            argv = ["--explain", argv[1]]
        self.parser = parser = argparse.ArgumentParser(prog=prog, description=description, allow_abbrev=False,
                                                       epilog="Exit status: 0 clean, 1 findings, 2 errors.")
        _common_arguments(parser)
        if extra:
            extra(parser)
        self.args = args = parser.parse_args(argv)
        if not args.paths:
            args.paths = ["."]
        if command == "rule" and argv[:1] == ["rule"]:
            self.exit = self.usage("rule: give a rule code, as in `nograd-lint rule NG101`")
        elif args.list_rules:
            list_rules()
            self.exit = EXIT_CLEAN
        elif args.explain:
            self.exit = explain(args.explain, prog)
        elif STDIN in args.paths and len(args.paths) > 1:
            self.exit = self.usage("'-' (standard input) cannot be combined with other paths")
        else:
            try:
                self.settings, self.root = _settings(args)
            except ConfigError as error:
                print(f"{prog}: error: {error}", file=sys.stderr)
                self.exit = EXIT_ERROR

    def usage(self, message: str) -> int:
        self.parser.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        return EXIT_ERROR

    @property
    def stdin(self) -> bool:
        return self.args.paths == [STDIN]

    @property
    def stdin_name(self) -> str:
        return self.args.stdin_filename or "<stdin>"

    def stdin_excluded(self) -> bool:
        name = self.args.stdin_filename
        if not name:
            return False
        return is_excluded(name, self.settings.file_excludes, self.root) or (
            is_notebook(name) and not self.settings.notebooks)

    def files(self) -> tuple[list[str], int]:
        found = discover(self.args.paths, self.settings, self.root)
        for message in found.notes:
            print(f"{self.prog}: note: {message}", file=sys.stderr)
        for message in found.errors:
            print(f"{self.prog}: error: {message}", file=sys.stderr)
        return found.files, len(found.errors)

    def progress(self, files: list[str]) -> Progress:
        return Progress(len(files), self.args.progress)

    def error(self, result: FileResult) -> int:
        """Print the file's notes and error; 1 when it had an error."""
        for message in result.notes:
            print(f"{self.prog}: note: {message}", file=sys.stderr)
        if result.error is None:
            return 0
        print(f"{self.prog}: error: {result.error}", file=sys.stderr)
        return 1


def _closing_quietly(main):
    """Exit without a traceback when the reader of standard output goes away (`| head`)."""
    @functools.wraps(main)
    def run(argv: Optional[Sequence[str]] = None) -> int:
        try:
            return main(argv)
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_ERROR

    return run


def _lint_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output-format", choices=tuple(FORMATS), default="text",
                        help="text (default), json, sarif (SARIF 2.1.0, for GitHub code scanning) "
                             "or github (GitHub Actions annotations)")
    parser.add_argument("--statistics", action="store_true",
                        help="print the number of findings of each code instead of the findings (text or json)")
    parser.add_argument("--fix", action="store_true", help="apply fixes, as nograd-fix does")
    parser.add_argument("--no-cache", action="store_true",
                        help="analyse every file and keep nothing (also NOGRAD_LINT_NO_CACHE=1)")
    parser.add_argument("--cache-dir", metavar="DIR",
                        help="where results are kept between runs (default: .nograd_cache at the project root; "
                             "also NOGRAD_LINT_CACHE_DIR or cache-dir in [tool.nograd-lint])")
    _fix_arguments(parser, check=False)


@_closing_quietly
def lint_main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if subcommand(argv) == "server":
        try:
            from .server import main as serve
        except ImportError as error:
            print(f"nograd-lint: error: the language server needs pygls and lsprotocol ({error}); install them "
                  f"with: pip install \"nograd-lint[server]\"", file=sys.stderr)
            return EXIT_ERROR
        return serve(argv[1:])
    with cycles_left_to_exit():
        return _lint(argv)


def _lint(argv: list[str]) -> int:
    run = _Run(argv, "nograd-lint", "Report gradient-mode mistakes in PyTorch code.", _lint_arguments)
    if run.exit is not None:
        return run.exit
    args = run.args
    if args.fix or args.diff:
        if args.output_format != "text" or args.statistics:
            return run.usage("--fix and --diff print text: leave out --output-format and --statistics")
        return _fix(run)
    if args.unsafe_fixes or args.exit_non_zero_on_fix:
        return run.usage("--unsafe-fixes and --exit-non-zero-on-fix go with --fix or --diff")
    if args.statistics and args.output_format not in ("text", "json"):
        return run.usage("--statistics prints text or json")
    edits = args.output_format in EDITS_NEEDED
    if run.stdin:
        files, missing = [run.stdin_name], 0
        data = sys.stdin.buffer.read()
        results = [] if run.stdin_excluded() else [lint_data(data, run.stdin_name, run.settings, edits)]
    else:
        files, missing = run.files()
        kept = _kept_run(run, files, edits)
        results = kept_results(kept) if kept is not None else None
        if results is None:
            together = run.settings.project and len(files) > 1
            if together:
                # callers in the other files are known to each file that could have findings
                call_deep(analyse_together, files, functools.partial(could_report, settings=run.settings))
            results = run_all(files, lint_path, args.jobs, run.settings, edits)
            if kept is not None:
                results = keeping_results(kept, results, together)
        results = run.progress(files).track(results, busy=lambda result: bool(result.diagnostics or result.error))
    counts = _LintCounts(run, errors=missing)
    if args.statistics:
        output = statistics(counts.counted(results), as_json=args.output_format == "json")
    else:
        output = FORMATS[args.output_format](counts.counted(results))
    for chunk in output:
        sys.stdout.write(chunk)
    if not args.quiet:
        print(counts.summary(len(files)), file=sys.stderr)
    if counts.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if counts.findings and not args.exit_zero else EXIT_CLEAN


def _kept_run(run: _Run, files: list[str], edits: bool) -> Optional[KeptRun]:
    """The kept results of this run (see io/kept.py), unless the cache is off."""
    if not files or cache_disabled(run.args.no_cache):
        return None
    directory = cache_directory(run.args.paths, run.args.cache_dir, run.settings.cache_dir)
    return KeptRun(ResultCache(directory), files, "nograd-lint", run.settings, edits)


class _LintCounts:
    """Counts findings and fixes as results pass to the reporter; prints each file's error."""

    def __init__(self, run: _Run, errors: int) -> None:
        self.run = run
        self.errors = errors
        self.findings = self.safe = self.unsafe = 0

    def counted(self, results):
        for result in results:
            self.errors += self.run.error(result)
            for diagnostic in result.diagnostics:
                self.findings += 1
                if diagnostic.fix is not None:
                    if diagnostic.fix.safety is FixSafety.SAFE:
                        self.safe += 1
                    else:
                        self.unsafe += 1
            yield result

    def summary(self, files: int) -> str:
        return _lint_summary(self.findings, files, self.errors, self.safe, self.unsafe)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _lint_summary(findings: int, files: int, errors: int, safe: int, unsafe: int) -> str:
    if not findings:
        text = f"No findings in {_plural(files, 'file')}."
    else:
        text = f"Found {_plural(findings, 'finding')} in {_plural(files, 'file')} checked."
        if safe and unsafe:
            text += f" {safe} fixable with nograd-fix, {unsafe} more with nograd-fix --unsafe-fixes."
        elif safe:
            text += f" {safe} fixable with nograd-fix."
        elif unsafe:
            text += f" {unsafe} fixable with nograd-fix --unsafe-fixes."
    if errors:
        text += f" {_plural(errors, 'file')} could not be checked."
    return text


def _fix_arguments(parser: argparse.ArgumentParser, check: bool = True) -> None:
    parser.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes that may change behaviour")
    parser.add_argument("--diff", action="store_true", help="print a unified diff; write nothing; exit 1 if a file "
                                                            "would change")
    if check:
        parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file would change")
    else:
        parser.set_defaults(check=False)
    parser.add_argument("--exit-non-zero-on-fix", action="store_true",
                        help="exit 1 when a file was changed, even if no findings remain (for pre-commit)")


@_closing_quietly
def fix_main(argv: Optional[Sequence[str]] = None) -> int:
    with cycles_left_to_exit():
        run = _Run(argv, "nograd-fix", "Fix gradient-mode mistakes in PyTorch code.", _fix_arguments)
        if run.exit is not None:
            return run.exit
        return _fix(run)


def _fix(run: _Run) -> int:
    """Fix (or with --diff/--check, show what would be fixed); exit 1 when findings remain, or
    with --diff/--check when a file would change."""
    args = run.args
    write = not (args.diff or args.check)
    notes = sys.stderr if args.diff or run.stdin else sys.stdout  # keep a diff or fixed source clean
    if run.stdin:
        files, errors = [run.stdin_name], 0
        data = sys.stdin.buffer.read()
        results = [FileResult(run.stdin_name, original=data, fixed=data) if run.stdin_excluded()
                   else fix_data(data, run.stdin_name, run.settings, args.unsafe_fixes, written=write)]
    else:
        files, errors = run.files()
        if run.settings.project and len(files) > 1:
            # as nograd-lint does: the same findings are fixed
            call_deep(analyse_together, files, functools.partial(could_report, settings=run.settings))
        results = run.progress(files).track(run_all(files, fix_path, args.jobs, run.settings, args.unsafe_fixes, write),
                                            busy=lambda result: bool(result.changed or result.diagnostics
                                                                     or result.error))
    changed_files = fixed = 0
    left = {"unsafe": 0, "none": 0}
    for result in results:
        errors += run.error(result)
        if run.stdin and write:  # an editor reads the fixed text back (its own text on an error)
            sys.stdout.buffer.write(result.fixed if result.fixed is not None else result.original or b"")
            sys.stdout.flush()
        if result.error is not None:
            continue
        if result.changed:
            changed_files += 1
            fixed += len(result.applied)
            if args.diff:
                sys.stdout.flush()
                sys.stdout.buffer.write(_diff(result))
                sys.stdout.buffer.flush()
        _report_fixes(result, "fixed" if write else "would fix", notes)
        for diagnostic in result.diagnostics:
            left[_why_left(diagnostic, args.unsafe_fixes)] += 1
    if not args.quiet:
        print(_fix_summary(write, fixed, changed_files, left, errors), file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_CLEAN
    if not write:
        return EXIT_FINDINGS if changed_files else EXIT_CLEAN
    if changed_files and args.exit_non_zero_on_fix:
        return EXIT_FINDINGS
    return EXIT_FINDINGS if sum(left.values()) else EXIT_CLEAN


def _report_fixes(result: FileResult, verb: str, out) -> None:
    """What was fixed and what is left, in position order."""
    lines = [(d.sort_key, f"{location(result.path, d)}: {d.code} {verb}: {d.fix.description}")
             for d in (result.applied if result.changed else ())]
    lines += [(d.sort_key, format_diagnostic(result.path, d)) for d in result.diagnostics]
    for _, line in sorted(lines):
        print(line, file=out)


def _why_left(diagnostic: Diagnostic, unsafe: bool) -> str:
    """Why a finding is still there after fixing: an unsafe fix, or no fix (none, or one a `# noqa`
    blocks)."""
    if diagnostic.fix is not None and diagnostic.fix.safety is FixSafety.UNSAFE and not unsafe:
        return "unsafe"
    return "none"


def _fix_summary(write: bool, fixed: int, files: int, left: dict[str, int], errors: int) -> str:
    text = f"{'Fixed' if write else 'Would fix'} {_plural(fixed, 'finding')} in {_plural(files, 'file')}; "
    text += f"{sum(left.values())} remaining"
    reasons = [f"{left['unsafe']} fixable with --unsafe-fixes" if left["unsafe"] else "",
               f"{left['none']} without an automatic fix" if left["none"] else ""]
    if any(reasons):
        text += f" ({', '.join(reason for reason in reasons if reason)})"
    if errors:
        text += f"; {_plural(errors, 'file')} could not be fixed"
    return text + "."


def _diff(result: FileResult) -> bytes:
    """A unified diff of the file's bytes (any encoding, line endings as they are); for a notebook,
    one diff of each changed cell's source (`a/nb.ipynb:cell 5`)."""
    if not is_notebook(result.path):
        return _diff_bytes(result.original, result.fixed, result.path)
    try:
        cells = changed_cells(result.original, result.fixed)
    except NotebookError:  # not a notebook after all (standard input named *.ipynb)
        return _diff_bytes(result.original, result.fixed, result.path)
    return b"".join(_diff_bytes(_ended(old).encode(), _ended(new).encode(), f"{result.path}:cell {number}")
                    for number, old, new in cells)


def _ended(source: str) -> str:
    """A cell's source with a final newline (a cell's last line has none; that is not a change)."""
    return source if source.endswith("\n") or not source else source + "\n"


def _diff_bytes(original: bytes, fixed: bytes, name: str) -> bytes:
    out = b""
    for line in difflib.diff_bytes(difflib.unified_diff, original.splitlines(keepends=True),
                                   fixed.splitlines(keepends=True),
                                   fromfile=f"a/{name}".encode(), tofile=f"b/{name}".encode()):
        out += line if line.endswith((b"\n", b"\r")) else line + b"\n\\ No newline at end of file\n"
    return out


def main(argv: Optional[Sequence[str]] = None) -> int:
    """`python -m nograd_lint [lint arguments]`, or `python -m nograd_lint fix [fix arguments]`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["fix"]:
        return fix_main(argv[1:])
    return lint_main(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
