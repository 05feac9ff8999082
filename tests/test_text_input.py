"""SPEC §7, Text: arguments and stdin that are not UTF-8, empty dates and durations, and deeply
nested or huge imports are exit 1 with one line, no traceback, and nothing written."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import click
import pytest

from interact import interop
from interact.cli import COMMANDS, cli

from conftest import INTERACT, NOW, snapshot

OPEN_CALL = "w6f5qnbw9x"  # an open call with Jane Doe in the demo store

needs_interact = pytest.mark.skipif(not INTERACT.exists(), reason=f"{INTERACT} is not installed")


def interact_bytes(store: Path, *args: bytes, stdin: bytes = b"", env: dict | None = None):
    """The installed interact, run with arguments as bytes (as a shell passes them)."""
    environ = {**os.environb, b"INTERACT_NOW": NOW.encode(), b"TZ": b"Europe/London", b"INTERACT_USER": b"alice",
               b"XDG_CONFIG_HOME": b"/nonexistent-interact-test-config", **(env or {})}
    return subprocess.run([bytes(INTERACT), b"--dir", bytes(store), *args], input=stdin, capture_output=True,
                          env=environ)


def assert_one_line_error(result, *words: str) -> None:
    stderr = result.stderr.decode() if isinstance(result.stderr, bytes) else result.stderr
    code = result.returncode if hasattr(result, "returncode") else result.exit_code
    assert code == 1, stderr
    assert "Traceback" not in stderr
    [line] = stderr.splitlines()
    assert line.startswith("Error: ")
    for word in words:
        assert word in line, line


# --- arguments that are not UTF-8 ------------------------------------------------------

NOT_UTF8_ARGS = [
    (b"log", b"call", b"jane", b"caf\xe9 au lait"),
    (b"log", b"call", b"\xff\xfe"),
    (b"assign", b"call", b"jane", b"--tag", b"\xe9t\xe9"),
    (b"comment", OPEN_CALL[:4].encode(), b"na\xefve"),
    (b"contact", b"add", b"Zo\xeb"),
    (b"complete", OPEN_CALL[:4].encode(), b"--outcome", b"\xc3"),
    (b"--as", b"b\xf6b", b"log", b"call", b"jane"),
]


@needs_interact
@pytest.mark.parametrize("args", NOT_UTF8_ARGS, ids=lambda a: b" ".join(a[:2]).decode(errors="replace"))
def test_an_argument_that_is_not_utf8_is_one_line_and_nothing_written(demo, args):
    before = snapshot(demo)
    result = interact_bytes(demo, *args)
    assert_one_line_error(result, "is not UTF-8 text", "nothing was written")
    assert "\\x" in result.stderr.decode()  # the bad bytes are named
    assert result.stdout == b""
    assert snapshot(demo) == before


def test_the_check_sees_every_argument_before_anything_runs(run, demo):
    before = snapshot(demo)
    result = run("log", "call", "jane", "--outcome", "caf\udce9")
    assert_one_line_error(result, "'caf\\xe9' is not UTF-8 text")
    assert snapshot(demo) == before


@needs_interact
def test_a_user_name_that_is_not_utf8_is_one_line(demo):
    before = snapshot(demo)
    result = interact_bytes(demo, b"log", b"call", b"jane", env={b"INTERACT_USER": b"j\xf6rg"})
    assert_one_line_error(result, "$INTERACT_USER", "is not UTF-8 text")
    assert snapshot(demo) == before


# --- stdin and the editor --------------------------------------------------------------

@needs_interact
@pytest.mark.parametrize("args", [(b"log", b"call", b"jane", b"-"), (b"comment", OPEN_CALL[:4].encode(), b"-"),
                                  (b"assign", b"call", b"jane", b"-")], ids=lambda a: a[0].decode())
def test_stdin_that_is_not_utf8_is_one_line_and_nothing_written(demo, args):
    before = snapshot(demo)
    result = interact_bytes(demo, *args, stdin=b"Caf\xe9 cr\xe8me")
    assert_one_line_error(result, "stdin is not UTF-8 text (byte 0xe9 at offset 3)", "iconv")
    assert snapshot(demo) == before


def test_stdin_line_ends_are_read_as_text_mode_reads_them(run, demo):
    rid = run.ok("log", "call", "jane", "-", input="\ufefffirst\r\nsecond\rthird\n".encode()).stdout.strip()
    assert json.loads(run.ok("show", rid, "--format", "json").stdout)["note"] == "first\nsecond\nthird"


def test_an_editor_that_writes_latin1_is_one_line(run, demo, tmp_path):
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nprintf 'Caf\\351\\n' > \"$1\"\n")
    editor.chmod(0o755)
    before = snapshot(demo)
    result = run("log", "call", "jane", "--edit", env={"EDITOR": str(editor), "VISUAL": str(editor)})
    assert_one_line_error(result, "the note from the editor is not UTF-8 text")
    assert snapshot(demo) == before


# --- empty dates and durations ---------------------------------------------------------

# the arguments each command needs besides the option under test
NEEDS = {
    "log": ["call", "jane"], "assign": ["call", "jane"], "complete": [OPEN_CALL[:4], "--outcome", "Done"],
    "edit": [OPEN_CALL[:4]], "generate": ["--for", "prospects"], "search": ["renewal"], "history": ["jane"],
    "contact add": ["Zed Zeta"], "contact edit": ["jane"], "account add": ["Zed Ltd"], "account edit": ["acme"],
    "report": [], "list": [], "today": [], "calendar": [], "digest": [], "stale": [], "export": [],
}
TIME_METAVARS = {"WHEN", "DATE", "DURATION", "TIME"}


def time_options():
    """(command path, option) for every option of every command that takes a date, a time or a duration."""
    found = []

    def visit(command, path):
        if isinstance(command, click.Group):
            for name in command.list_commands(None):
                visit(command.get_command(click.Context(command), name), [*path, name])
            return
        for param in command.params:
            if isinstance(param, click.Option) and param.metavar in TIME_METAVARS:
                found.append((" ".join(path), param.opts[0]))

    ctx = click.Context(cli)
    for name in COMMANDS:
        visit(cli.get_command(ctx, name), [name])
    return found


def test_every_date_and_duration_option_is_tested():
    assert {path for path, _ in time_options()} <= set(NEEDS)
    assert len(time_options()) >= 20


@pytest.mark.parametrize("path, option", time_options(), ids=lambda v: v)
@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_date_or_duration_is_one_line_and_nothing_written(run, demo, path, option, empty):
    before = snapshot(demo)
    result = run(*path.split(), *NEEDS[path], option, empty)
    assert_one_line_error(result, "could not read the")
    assert snapshot(demo) == before


# --- imports: deeply nested, huge ------------------------------------------------------

@needs_interact
def test_json_nested_100000_deep_is_one_line(demo, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    before = snapshot(demo)
    result = interact_bytes(demo, b"import", bytes(deep))
    assert_one_line_error(result, "cannot import", "more than 32 deep")
    assert snapshot(demo) == before


def test_json_nested_past_the_limit_is_refused_and_at_it_read(run, demo, tmp_path):
    record = json.loads(run.ok("show", OPEN_CALL[:4], "--format", "json").stdout)
    record.update(id="zzzz000000", status=None)

    def nested(depth):  # the file's list and the record are 2 levels
        value = "x"
        for _ in range(depth - 2):
            value = [value]
        return value

    path = tmp_path / "nested.json"
    path.write_text(json.dumps([{**record, "extra": nested(interop.MAX_DEPTH + 1)}]))
    assert_one_line_error(run("import", str(path)), "more than 32 deep")
    path.write_text(json.dumps([{**record, "extra": nested(interop.MAX_DEPTH)}]))
    result = run("import", str(path))  # read: what it holds is judged as a record (SPEC §7's own depth)
    assert "more than 32 deep" not in result.stderr and "'extra' nests" in result.stderr


def test_a_huge_import_is_refused_before_it_is_read(run, demo, tmp_path, monkeypatch):
    monkeypatch.setattr(interop, "MAX_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"note": "x" * 2000}]))
    before = snapshot(demo)
    assert_one_line_error(run("import", str(path)), "is over 0 MiB: import it in parts")
    assert_one_line_error(run("import", "-", "--format", "json", input=path.read_bytes()), "cannot import stdin")
    assert snapshot(demo) == before


def test_an_import_that_does_not_fit_in_memory_is_one_line(run, demo, tmp_path, monkeypatch):
    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(interop.json, "loads", exhausted)
    path = tmp_path / "any.json"
    path.write_text("[]")
    assert_one_line_error(run("import", str(path)), "does not fit in memory")


