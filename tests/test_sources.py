"""sources.py: parse errors as users see them, atomic writes."""
from __future__ import annotations

import os
import stat
import threading

import libcst as cst
import pytest

from nograd_lint.io.sources import (SourceError, check_syntax, parse, parsed_as_is, read_bytes, worth_parsing,
                                    write_if_unchanged)


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


def test_parsing_skips_node_checks_but_nodes_built_elsewhere_are_still_checked():
    source = "import torch\n\n@torch.no_grad()\ndef f(x, *, y=(1, 2)):\n    return [a for a in x if a], lambda: y\n"
    module = parse(source.encode(), "a.py")
    assert module.code == source
    assert module.deep_equals(cst.parse_module(source))  # libcst's own parse, every node checked
    with pytest.raises(cst.CSTValidationError, match="empty name identifier"):
        cst.Name("")
    with pytest.raises(cst.CSTValidationError, match="not a valid integer"):
        cst.Integer("abc")


def test_a_thread_that_is_not_parsing_checks_the_nodes_it_builds():
    errors = []

    def build():
        try:
            cst.Name("")
        except cst.CSTValidationError as error:
            errors.append(str(error))

    thread = threading.Thread(target=build)
    thread.start()
    thread.join()
    assert errors == ["Cannot have empty name identifier."]


def test_parsed_as_is_says_when_the_modules_code_is_the_files_text():
    for data in (b"x = 1\n", b"\xef\xbb\xbfx = 1\r\n", b"# coding: latin-1\ns = '\xe9'\n", b"x = 1"):
        assert parsed_as_is(data)
        module = parse(data, "a.py")
        assert module.code == data.decode(module.encoding)
    assert not parsed_as_is(b"def f():\n\f    return 1\n")  # a form feed cut from the indentation
    assert not parsed_as_is(b"# coding: klingon\nx = 1\n")  # a codec this Python does not know


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


def test_writes_keep_the_inode_mode_owner_and_hard_links(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(b"old\r\n")
    path.chmod(0o741)
    os.link(path, tmp_path / "other_name.py")
    os.chown(path, 4321, 8765)  # another user's file (the tests may run as root)
    inode = path.stat().st_ino
    write_if_unchanged(path, b"old\r\n", b"new\r\n")
    assert path.read_bytes() == (tmp_path / "other_name.py").read_bytes() == b"new\r\n"
    after = path.stat()
    assert (after.st_ino, stat.S_IMODE(after.st_mode), after.st_uid, after.st_gid) == (inode, 0o741, 4321, 8765)
    assert sorted(os.listdir(tmp_path)) == ["a.py", "other_name.py"]


def test_writes_follow_symlinks(tmp_path):
    (tmp_path / "real.py").write_bytes(b"old\n")
    os.symlink("real.py", tmp_path / "link.py")
    write_if_unchanged(tmp_path / "link.py", b"old\n", b"new\n")
    assert os.readlink(tmp_path / "link.py") == "real.py" and (tmp_path / "real.py").read_bytes() == b"new\n"


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(b"edited meanwhile\n")
    with pytest.raises(SourceError) as raised:
        write_if_unchanged(path, b"old\n", b"new\n", "a.py")
    assert str(raised.value) == "a.py: changed since it was read; not fixed, run again"
    assert path.read_bytes() == b"edited meanwhile\n"


def test_form_feeds_in_indentation_are_read_as_cpython_reads_them():
    # After a form feed CPython counts the indentation from column 0; lines inside strings are data.
    source = "def f():\n    for x in y:\n\f        g(x)\n    s = '''\n\f  kept\n'''\n  \f  \n"
    parsed = "def f():\n    for x in y:\n        g(x)\n    s = '''\n\f  kept\n'''\n  \n"
    compile(source, "a.py", "exec")
    assert parse(source).code == parsed
    assert parse(source.replace("\n", "\r\n").encode()).bytes == parsed.replace("\n", "\r\n").encode()
