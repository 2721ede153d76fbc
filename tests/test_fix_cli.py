"""`nograd-fix` run as an installed command on real files: what it writes (byte for byte), what it
says, its exit codes, `--diff`/`--check`, `# noqa`, encodings and line endings, refusals."""
from __future__ import annotations

import os
import stat
import subprocess

import libcst as cst
import pytest
from frontend_files.helpers import (CLEAN, EVALUATE, EVALUATE_FIXED, MIXED, MIXED_ALL_FIXED, MIXED_SAFE_FIXED,
                                    finding, fix, fix_description, lint, write)

from nograd_lint.fixes import edits
from nograd_lint.diagnostics import Fix, FixSafety
from nograd_lint.fixes.fixer import FixError, apply_fix
from nograd_lint.io.sources import parse

EVALUATE_DIFF = "".join(line + "\n" for line in [
    "--- a/a.py",
    "+++ b/a.py",
    "@@ -1,6 +1,7 @@",
    " import torch",
    " ",
    " ",
    "+@torch.no_grad()",
    " def evaluate(model, loader):",
    "     model.eval()",
    "     correct = 0",
])
# A script-level evaluation loop: the fix wraps statements in `with torch.no_grad():`.
SCRIPT = """\
import torch

model.eval()
for x in val_loader:
    print(model(x).sum().item())
"""
SCRIPT_FIXED = """\
import torch

model.eval()
with torch.no_grad():
    for x in val_loader:
        print(model(x).sum().item())
"""


def described(code: str, line: int) -> str:
    return fix_description(MIXED, code, line)


def test_safe_fixes_are_written_and_reported(tmp_path):
    path = write(tmp_path, "m.py", MIXED)
    ran = fix("m.py", cwd=tmp_path)
    assert path.read_text() == MIXED_SAFE_FIXED
    # Positions refer to the file as written: the decorator moved everything below it down a line.
    assert ran.lines == [f"m.py:9:21: NG101 fixed: {described('NG101', 8)}",
                         finding("m.py", MIXED_SAFE_FIXED, "NG102", 20, 23),
                         f"m.py:27:13: NG103 fixed: {described('NG103', 25)}"]
    assert ran.err == "Fixed 2 findings in 1 file; 1 remaining (1 fixable with --unsafe-fixes).\n"
    assert ran.code == 1  # a finding remains
    after = lint("m.py", cwd=tmp_path)
    assert (after.code, after.lines) == (1, [finding("m.py", MIXED_SAFE_FIXED, "NG102", 20, 23)])


def test_unsafe_fixes(tmp_path):
    path = write(tmp_path, "m.py", MIXED)
    ran = fix("--unsafe-fixes", "m.py", cwd=tmp_path)
    assert path.read_text() == MIXED_ALL_FIXED
    assert ran.lines == [f"m.py:9:21: NG101 fixed: {described('NG101', 8)}",
                         f"m.py:20:23: NG102 fixed: {described('NG102', 19)}",
                         f"m.py:27:13: NG103 fixed: {described('NG103', 25)}"]
    assert (ran.code, ran.err) == (0, "Fixed 3 findings in 1 file; 0 remaining.\n")
    again = fix("--unsafe-fixes", "m.py", cwd=tmp_path)
    assert (again.code, again.out, again.err) == (0, "", "Fixed 0 findings in 0 files; 0 remaining.\n")
    assert path.read_text() == MIXED_ALL_FIXED


def test_diff_prints_a_patch_and_writes_nothing(tmp_path):
    path = write(tmp_path, "a.py", EVALUATE)
    ran = fix("--diff", "a.py", cwd=tmp_path)
    assert (ran.code, ran.out) == (1, EVALUATE_DIFF)
    assert ran.err_lines == [f"a.py:8:21: NG101 would fix: {fix_description(EVALUATE, 'NG101', 8)}",
                             "Would fix 1 finding in 1 file; 0 remaining."]
    assert path.read_text() == EVALUATE
    write(tmp_path, "fix.patch", ran.out)
    subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path, check=True, capture_output=True)
    assert path.read_text() == EVALUATE_FIXED
    clean = fix("--diff", "a.py", cwd=tmp_path)
    assert (clean.code, clean.out, clean.err) == (0, "", "Would fix 0 findings in 0 files; 0 remaining.\n")


def test_check_writes_nothing_and_fails_when_something_would_change(tmp_path):
    path = write(tmp_path, "m.py", MIXED)
    ran = fix("--check", "m.py", cwd=tmp_path)
    # Nothing is written, so positions refer to the file as it is.
    assert ran.lines == [f"m.py:8:21: NG101 would fix: {described('NG101', 8)}",
                         finding("m.py", MIXED, "NG102", 19, 23),
                         f"m.py:25:9: NG103 would fix: {described('NG103', 25)}"]
    assert (ran.code, ran.err) == (1, "Would fix 2 findings in 1 file; 1 remaining (1 fixable with --unsafe-fixes).\n")
    assert path.read_text() == MIXED
    write(tmp_path, "clean.py", CLEAN)
    clean = fix("--check", "clean.py", cwd=tmp_path)
    assert (clean.code, clean.out, clean.err) == (0, "", "Would fix 0 findings in 0 files; 0 remaining.\n")
    # Nothing would change, though a finding without a safe fix remains: exit 0, as `ruff check
    # --diff` does on an empty diff (the finding is nograd-lint's to report).
    write(tmp_path, "left.py", MIXED_SAFE_FIXED)
    for option in ("--check", "--diff"):
        left = fix(option, "left.py", cwd=tmp_path)
        assert (left.code, left.out) == (0, "" if option == "--diff" else
                                         finding("left.py", MIXED_SAFE_FIXED, "NG102", 20, 23) + "\n"), option


def test_exit_non_zero_on_fix(tmp_path):
    path = write(tmp_path, "a.py", EVALUATE)
    ran = fix("--exit-non-zero-on-fix", "a.py", cwd=tmp_path)
    assert (ran.code, path.read_text()) == (1, EVALUATE_FIXED)
    assert ran.err == "Fixed 1 finding in 1 file; 0 remaining.\n"
    again = fix("--exit-non-zero-on-fix", "a.py", cwd=tmp_path)
    assert (again.code, again.out) == (0, "")
    # Without the flag, a run that fixed everything is clean.
    write(tmp_path, "b.py", EVALUATE)
    assert fix("b.py", cwd=tmp_path).code == 0


@pytest.mark.parametrize("name, before, after", [
    ("crlf", EVALUATE.replace("\n", "\r\n").encode(), EVALUATE_FIXED.replace("\n", "\r\n").encode()),
    ("bom", b"\xef\xbb\xbf" + EVALUATE.encode(), b"\xef\xbb\xbf" + EVALUATE_FIXED.encode()),
    ("latin1", ("# -*- coding: latin-1 -*-\n# caf\xe9 \xb5\n" + EVALUATE.replace("correct = 0", "correct = 0  # \xe0")
                ).encode("latin-1"),
     ("# -*- coding: latin-1 -*-\n# caf\xe9 \xb5\n" + EVALUATE_FIXED.replace("correct = 0", "correct = 0  # \xe0")
      ).encode("latin-1")),
    # A line added by a fix ends like the first line; the others keep their own endings.
    ("mixed-endings-no-final-newline", EVALUATE.replace("model.eval()\n", "model.eval()\r\n").rstrip("\n").encode(),
     EVALUATE_FIXED.replace("model.eval()\n", "model.eval()\r\n").rstrip("\n").encode()),
    ("tabs-and-crlf", EVALUATE.replace("    ", "\t").replace("\n", "\r\n").encode(),
     EVALUATE_FIXED.replace("    ", "\t").replace("\n", "\r\n").encode()),
])
def test_encoding_bom_and_line_endings_are_kept_byte_for_byte(tmp_path, name, before, after):
    path = write(tmp_path, f"{name}.py", before)
    ran = fix(f"{name}.py", cwd=tmp_path)
    assert ran.code == 0, ran.err
    assert path.read_bytes() == after


def test_permissions_kept_symlinks_followed_no_temporary_files_left(tmp_path):
    real = write(tmp_path, "real.py", EVALUATE)
    real.chmod(0o754)
    os.symlink("real.py", tmp_path / "link.py")
    ran = fix("link.py", cwd=tmp_path)
    assert ran.code == 0
    assert (tmp_path / "link.py").is_symlink() and os.readlink(tmp_path / "link.py") == "real.py"
    assert real.read_text() == EVALUATE_FIXED
    assert stat.S_IMODE(real.stat().st_mode) == 0o754
    assert sorted(os.listdir(tmp_path)) == ["link.py", "real.py"]


def test_noqa_lines_are_never_changed(tmp_path):
    # On the reported line: the finding is suppressed, so nothing is reported or fixed.
    on_line = EVALUATE.replace(".sum().item()\n", ".sum().item()  # noqa: NG101\n")
    # On a statement the fix would re-indent into a `with` block: reported, without a fix.
    in_region = SCRIPT.replace("for x in val_loader:\n", "for x in val_loader:\n    pass  # noqa: NG101\n")
    # On the header of the statements the fix would wrap: silenced.
    in_wrap = SCRIPT.replace("for x in val_loader:\n", "for x in val_loader:  # noqa\n")
    # A noqa for other codes does not stop the fix.
    other = SCRIPT.replace("for x in val_loader:\n", "for x in val_loader:  # noqa: E501,NG2\n")
    files = {"on_line.py": on_line, "in_region.py": in_region, "in_wrap.py": in_wrap, "other.py": other}
    for name, text in files.items():
        write(tmp_path, name, text)
    ran = fix(*files, cwd=tmp_path)
    assert ran.lines == [finding("in_region.py", in_region, "NG101", 6, 11),
                         f"other.py:6:15: NG101 fixed: {fix_description(SCRIPT, 'NG101', 5)}"]
    assert ran.err == "Fixed 1 finding in 1 file; 1 remaining (1 without an automatic fix).\n"
    assert ran.code == 1
    assert {name: (tmp_path / name).read_text() for name in files} == {
        "on_line.py": on_line, "in_region.py": in_region, "in_wrap.py": in_wrap,
        "other.py": SCRIPT_FIXED.replace("for x in val_loader:\n", "for x in val_loader:  # noqa: E501,NG2\n")}


def test_a_file_that_does_not_compile_is_not_written(tmp_path):
    # libcst parses this; CPython rejects the `return`, and nograd-lint says so as nograd-fix does.
    source = EVALUATE + "\nreturn\n"
    path = write(tmp_path, "a.py", source)
    linted = lint("a.py", cwd=tmp_path)
    assert (linted.code, linted.err_lines[0]) == (2, "nograd-lint: error: a.py:11:1: cannot compile: 'return' outside function")
    ran = fix("a.py", cwd=tmp_path)
    assert (ran.code, ran.out) == (2, "")
    assert ran.err_lines == ["nograd-fix: error: a.py:11:1: cannot compile: 'return' outside function; not fixed",
                             "Fixed 0 findings in 0 files; 0 remaining; 1 file could not be fixed."]
    assert path.read_bytes() == source.encode()


def test_a_fix_whose_result_does_not_compile_is_refused(tmp_path):
    path = write(tmp_path, "a.py", EVALUATE)
    module = parse(path.read_bytes(), "a.py")
    loop = next(node for node in module.body[1].body.body if isinstance(node, cst.For))
    # `for f(x), y in loader:` is a tree libcst can print but not code CPython can compile.
    broken = Fix(FixSafety.SAFE, "assign to a call", edits.replace(loop.target, cst.parse_expression("f(x), y")))
    with pytest.raises(FixError) as raised:
        apply_fix(module, broken, "a.py")
    assert str(raised.value) == ('a.py: the fix "assign to a call" produced code that does not compile '
                                 '(7:9: cannot compile: cannot assign to function call); file left unchanged')
    fine = Fix(FixSafety.SAFE, "rename", edits.replace(loop.target, cst.parse_expression("u, v")))
    assert "for u, v in loader:" in apply_fix(module, fine, "a.py").code
    assert path.read_text() == EVALUATE


def test_unparsable_files_are_reported_and_skipped(tmp_path):
    write(tmp_path, "a.py", EVALUATE)
    broken = write(tmp_path, "b.py", "import torch\ndef f(:\n")
    ran = fix("a.py", "b.py", cwd=tmp_path)
    assert ran.lines == [f"a.py:9:21: NG101 fixed: {fix_description(EVALUATE, 'NG101', 8)}"]
    assert ran.err_lines == ["nograd-fix: error: b.py:2:7: cannot parse: invalid syntax",
                             "Fixed 1 finding in 1 file; 0 remaining; 1 file could not be fixed."]
    assert ran.code == 2
    assert (tmp_path / "a.py").read_text() == EVALUATE_FIXED
    assert broken.read_text() == "import torch\ndef f(:\n"


def test_standard_input(tmp_path):
    ran = fix("-", "--stdin-filename", "pkg/a.py", cwd=tmp_path, stdin=EVALUATE.encode())
    assert (ran.code, ran.out) == (0, EVALUATE_FIXED)
    assert ran.err_lines == [f"pkg/a.py:9:21: NG101 fixed: {fix_description(EVALUATE, 'NG101', 8)}",
                             "Fixed 1 finding in 1 file; 0 remaining."]
    diff = fix("--diff", "-", "--stdin-filename", "a.py", cwd=tmp_path, stdin=EVALUATE.encode())
    assert (diff.code, diff.out) == (1, EVALUATE_DIFF)
    broken = fix("-", cwd=tmp_path, stdin=b"import torch\nx = (\n")
    assert (broken.code, broken.out) == (2, "import torch\nx = (\n")  # an editor gets its text back


def test_parallel_jobs_give_identical_results(tmp_path):
    for copy in ("serial", "parallel"):
        for index in range(9):
            write(tmp_path / copy, f"m{index}.py", [EVALUATE, MIXED, SCRIPT][index % 3])
    serial = fix(".", cwd=tmp_path / "serial")
    parallel = fix("-j", "2", ".", cwd=tmp_path / "parallel")
    assert (parallel.code, parallel.out, parallel.err) == (serial.code, serial.out, serial.err)
    assert serial.err == "Fixed 12 findings in 9 files; 3 remaining (3 fixable with --unsafe-fixes).\n"
    for index in range(9):
        name = f"m{index}.py"
        assert (tmp_path / "parallel" / name).read_text() == (tmp_path / "serial" / name).read_text()


def test_a_fix_that_does_not_remove_its_finding_is_not_repeated(tmp_path):
    # `torch` is imported only inside the function, where a decorator cannot see it. Whatever
    # the rule offers here, nograd-fix must not stack decorators: either the fix works (the
    # result compiles and the finding is gone) or the file is refused and left as it was.
    source = EVALUATE.replace("import torch\n\n\n", "")
    source = source.replace("    model.eval()\n", "    import torch\n    model.eval()\n")
    path = write(tmp_path, "local.py", source)
    ran = fix("local.py", cwd=tmp_path)
    if ran.code == 2:
        assert ran.err_lines[0] == (
            f"nograd-fix: error: local.py:6:21: the fix for NG101 (\"{fix_description(source, 'NG101', 6)}\") "
            "does not remove the finding; file left unchanged (please report this)")
        assert path.read_text() == source
    else:
        fixed = path.read_text()
        compile(fixed, "local.py", "exec")
        assert fixed.count("@torch.no_grad()") <= 1 and lint("local.py", cwd=tmp_path).code == 0
