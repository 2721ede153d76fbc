"""sources.py: parse errors as users see them, atomic writes."""
from __future__ import annotations

import os
import stat

import pytest

from nograd_lint.io.sources import SourceError, check_syntax, parse, read_bytes, worth_parsing, write_atomically


def error_of(function, *args, **kwargs) -> str:
    with pytest.raises(SourceError) as raised:
        function(*args, **kwargs)
    return str(raised.value)


def test_parse_errors_carry_path_position_and_the_parser_message():
    assert error_of(parse, b"import torch\ndef f(:\n", "a.py") == "a.py:2:7: cannot parse: invalid syntax"
    assert error_of(parse, b"import torch\nname = '\xff'\n", "a.py") == (
        "a.py: cannot decode: 'utf-8' codec can't decode byte 0xff in position 21: invalid start byte")
    assert error_of(parse, b"# coding: klingon\nimport torch\n", "a.py") == (
        "a.py: cannot decode: unknown encoding: klingon")
    assert error_of(parse, b"import torch\x00\n", "a.py").startswith("a.py")


def test_check_syntax_parses_and_optionally_compiles():
    check_syntax("return 1\n", "a.py")  # parses
    assert error_of(check_syntax, "return 1\n", "a.py", full=True) == (
        "a.py:1:1: cannot compile: 'return' outside function")
    assert error_of(check_syntax, "x = (\n", "a.py") == "a.py:1:5: cannot parse: '(' was never closed"
    assert error_of(check_syntax, "(" * 300 + ")" * 300, "a.py").startswith("a.py:1:")


def test_read_errors():
    assert error_of(read_bytes, "/nonexistent/a.py") == "/nonexistent/a.py: cannot read: No such file or directory"


def test_parse_keeps_encoding_bom_and_newlines():
    data = b"\xef\xbb\xbf# caf\xc3\xa9\r\nimport torch\r\n"
    assert parse(data).bytes == data
    latin = "# -*- coding: latin-1 -*-\n# caf\xe9\n".encode("latin-1")
    assert parse(latin).bytes == latin


def test_worth_parsing():
    # Every rule needs a call: only files without one are skipped by text alone.
    assert worth_parsing(b"import torch\nmodel(x)\n") and worth_parsing("x.backward()\n")
    assert worth_parsing("def infer(net, x):\n    return net(x)\n")  # no torch word, still worth it
    assert not worth_parsing("x = 1\n") and not worth_parsing(b"")


def test_write_atomically_replaces_content_keeps_mode_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(b"old\r\n")
    path.chmod(0o741)
    write_atomically(path, b"new\r\n")
    assert path.read_bytes() == b"new\r\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o741
    assert os.listdir(tmp_path) == ["a.py"]


def test_write_atomically_follows_symlinks_and_creates_new_files_with_usual_mode(tmp_path):
    (tmp_path / "real.py").write_bytes(b"old\n")
    os.symlink("real.py", tmp_path / "link.py")
    write_atomically(tmp_path / "link.py", b"new\n")
    assert os.readlink(tmp_path / "link.py") == "real.py" and (tmp_path / "real.py").read_bytes() == b"new\n"
    umask = os.umask(0o022)
    os.umask(umask)
    write_atomically(tmp_path / "fresh.py", b"x\n")
    assert stat.S_IMODE((tmp_path / "fresh.py").stat().st_mode) == 0o666 & ~umask


def test_a_failed_write_leaves_the_file_and_the_directory_as_they_were(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(b"old\n")
    with pytest.raises(TypeError):
        write_atomically(path, "text, not bytes")  # fails after the temporary file exists
    assert path.read_bytes() == b"old\n"
    assert os.listdir(tmp_path) == ["a.py"]
