"""File systems as users have them: special files, unreadable files and folders, one file under two
names, file names that are not UTF-8, and fixes of files owned by others or with hard links."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from frontend_files.helpers import EVALUATE, EVALUATE_FIXED, Ran, environment, evaluate_finding, fix, lint, script, write

NOBODY = 65534
SUMMARY_ONE = "Found 1 finding in 1 file checked. 1 fixable with nograd-fix."


def test_special_files_are_skipped_with_a_note(tmp_path):
    write(tmp_path, "pkg/good.py", EVALUATE)
    os.mkfifo(tmp_path / "pkg" / "pipe.py")  # reading it would wait for a writer forever
    ran = lint("pkg", "pkg/pipe.py", cwd=tmp_path)
    assert (ran.code, ran.lines) == (1, [evaluate_finding("pkg/good.py")])
    note = "nograd-lint: note: pkg/pipe.py: not a regular file (a FIFO, device or socket); skipped"
    assert ran.err_lines == [note, note, SUMMARY_ONE]


def test_one_file_under_two_names_is_checked_and_fixed_once(tmp_path):
    write(tmp_path, "a.py", EVALUATE)
    os.symlink("a.py", tmp_path / "b.py")
    ran = lint("a.py", str(tmp_path / "a.py"), "b.py", ".", cwd=tmp_path)
    assert (ran.code, ran.lines, ran.err_lines) == (1, [evaluate_finding("a.py")], [SUMMARY_ONE])
    fixed = fix("a.py", str(tmp_path / "a.py"), cwd=tmp_path)
    assert (fixed.code, fixed.err_lines) == (0, ["Fixed 1 finding in 1 file; 0 remaining."])
    assert (tmp_path / "a.py").read_text() == EVALUATE_FIXED


def test_file_names_that_are_not_utf8_keep_every_output_valid(tmp_path):
    name = os.fsdecode(b"caf\xe9.py")
    write(tmp_path, name, EVALUATE)
    shown = "caf\\xe9.py"
    for output in ("json", "sarif"):
        ran = lint("--output-format", output, ".", cwd=tmp_path)
        assert (ran.code, ran.err_lines) == (1, [SUMMARY_ONE])
        document = json.loads(ran.out)
        paths = ([finding["path"] for finding in document["findings"]] if output == "json" else
                 [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]])
        assert paths == [shown if output == "json" else "caf%5Cxe9.py"]
    assert lint(".", cwd=tmp_path).lines == [evaluate_finding(shown)]
    assert fix(".", cwd=tmp_path).code == 0 and (tmp_path / name).read_text() == EVALUATE_FIXED


def test_fixing_keeps_owner_group_mode_and_hard_links(tmp_path):
    path = write(tmp_path, "a.py", EVALUATE)
    os.link(path, tmp_path / "same_file.py")
    path.chmod(0o640)
    os.chown(path, 4321, 8765)  # a file of another user, fixed by root
    before = path.stat()
    ran = fix("a.py", cwd=tmp_path)
    assert (ran.code, ran.err_lines) == (0, ["Fixed 1 finding in 1 file; 0 remaining."])
    after = path.stat()
    assert (after.st_ino, after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode), after.st_nlink) == (
        before.st_ino, 4321, 8765, 0o640, 2)
    assert (tmp_path / "same_file.py").read_text() == EVALUATE_FIXED


def _as_nobody(args: list[str], cwd: Path) -> Ran:
    """Run nograd-lint as an unprivileged user: root reads any file, so permissions only show then."""
    command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", script("nograd-lint"), *args]
    done = subprocess.run(command, cwd=cwd, capture_output=True, env=environment(), timeout=300)
    return Ran(done.returncode, done.stdout.decode(), done.stderr.decode())


def _can_run_as_nobody(cwd: Path) -> bool:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return False
    probe = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", sys.executable, "-c",
             "import nograd_lint"]
    return subprocess.run(probe, cwd=cwd, capture_output=True, timeout=120).returncode == 0


def test_unreadable_files_and_folders_are_errors_and_the_rest_is_checked():
    top = Path(tempfile.mkdtemp())  # pytest's own temporary folders are closed to other users
    try:
        top.chmod(0o755)
        if not _can_run_as_nobody(top):
            pytest.skip("needs root, setpriv and an environment other users can read, to drop privileges: "
                        "as root every file is readable")
        write(top, "pkg/good.py", EVALUATE)
        write(top, "pkg/closed/hidden.py", EVALUATE)
        write(top, "secret.py", EVALUATE)
        for path in (top / "pkg", top / "pkg" / "good.py"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        (top / "pkg" / "closed").chmod(0o700)
        (top / "secret.py").chmod(0o600)
        ran = _as_nobody(["pkg", "secret.py", "pkg/closed/hidden.py"], top)
        assert ran.lines == [evaluate_finding("pkg/good.py")]
        assert ran.err_lines == [
            "nograd-lint: error: pkg/closed: cannot read directory: Permission denied",
            "nograd-lint: error: pkg/closed/hidden.py: cannot read: Permission denied",
            "nograd-lint: error: secret.py: cannot read: Permission denied",
            "Found 1 finding in 2 files checked. 1 fixable with nograd-fix. 3 files could not be checked."]
        assert ran.code == 2
    finally:
        shutil.rmtree(top)
