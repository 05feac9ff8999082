"""Notes from stdin ('-') and from $EDITOR (--edit)."""

import json


def _editor(tmp_path, text):
    script = tmp_path / "editor.sh"
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' '# a comment line' {json.dumps(text)} > \"$1\"\n")
    script.chmod(0o755)
    return str(script)


def _note(run, rid):
    return json.loads(run.ok("show", rid, "--format", "json").stdout).get("note")


def test_note_from_stdin(run):
    rid = run.ok("log", "call", "jane", "-", input="First line\nSecond line\n").stdout.strip()
    assert _note(run, rid) == "First line\nSecond line"


def test_note_from_the_editor(run, tmp_path):
    rid = run.ok("log", "call", "jane", "--edit", env={"EDITOR": _editor(tmp_path, "Written in the editor")}
                 ).stdout.strip()
    assert _note(run, rid) == "Written in the editor"


def test_an_empty_editor_note_writes_nothing(run, demo, tmp_path):
    before = sorted((demo / "interactions").rglob("*.yaml"))
    result = run("log", "call", "jane", "--edit", env={"EDITOR": _editor(tmp_path, "")})
    assert result.exit_code == 1 and "empty" in result.stderr
    assert sorted((demo / "interactions").rglob("*.yaml")) == before
