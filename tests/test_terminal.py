"""SPEC §7, Terminal: control characters from records and file names are shown escaped (`\\x1b`),
never obeyed, in every human-readable output; JSON, CSV and YAML escape them by their own rules."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from interact.model import Record
from interact.layout import init_store
from interact.store import Store
from interact.text import printable

from conftest import INTERACT, Run

ESC = "\x1b[2J\x1b]0;owned\x07"     # clear the screen, retitle the window, ring the bell
SHOWN = "\\x1b[2J\\x1b]0;owned\\x07"
C1 = "\x9b31m\x7f"                  # an 8-bit CSI and a DEL
C1_SHOWN = "\\x9b31m\\x7f"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what a terminal obeys; tab and newline pass
BAD_NAME = "bad\x1b[2Jname.yaml"


def assert_no_raw_control(*texts: str) -> None:
    for text in texts:
        found = RAW.search(text)
        assert found is None, f"raw {found.group()!r} in {text!r}"


@pytest.fixture
def hostile(tmp_path) -> Path:
    """A store whose names, notes, outcomes, posts and tags hold escape sequences, beside a
    file whose name holds one."""
    root = init_store(tmp_path / "hostile")
    config = root / "interact.yaml"
    config.write_text(config.read_text() + "users: [alice, bob]\n")
    store = Store(root)
    store.save(Record(id="eve", name=f"Eve {ESC}Mallory{C1}", accounts=["evil-corp"]), "contact", new=True)
    store.save(Record(id="evil-corp", name=f"Evil{ESC} Corp", kind="prospect", default_contact="eve",
                      opportunities=[{"id": "deal", "name": f"Deal{ESC}", "value": 100, "stage": "open"}]),
               "account", new=True)
    base = {"type": "call", "contacts": ["eve"], "accounts": ["evil-corp"], "assignee": "alice",
            "created_by": "alice", "created_at": "2026-11-20T09:00:00+00:00"}
    store.save_interaction(Record(base, id="aaaa000001", when="2026-11-25T14:00:00+00:00",
                                  instructions=f"Ring {ESC} her", tags=[f"t{ESC}"],
                                  posts=[{"at": "2026-11-21T09:00:00+00:00", "by": "bob", "text": f"post {ESC}"}]),
                           new=True)
    store.save_interaction(Record(base, id="aaaa000002", when="2026-11-24T10:00:00+00:00", note=f"missed {C1}"),
                           new=True)
    store.save_interaction(Record(base, id="aaaa000003", when="2026-11-23T10:00:00+00:00",
                                  completed_at="2026-11-23T10:00:00+00:00", completed_by="bob", notify=["alice"],
                                  outcome=f"Done {ESC}", purpose=f"p{C1}"), new=True)
    (root / "interactions/2026/11" / BAD_NAME).write_text("{ not: yaml\n")
    return root


# (arguments, whether stdout must show the escaped sequence)
HUMAN = [
    (["list", "--everyone", "--status", "all"], True),
    (["search", "Ring"], True),
    (["show", "aaaa000001"], True),
    (["show", "aaaa000002"], False),
    (["today"], True),
    (["calendar", "--everyone"], False),
    (["digest"], True),
    (["history", "eve"], True),
    (["stale", "--older-than", "1d"], True),
    (["report", "--by", "outcome", "--status", "all"], True),
    (["report", "--by", "purpose", "--status", "all", "--chart"], False),
    (["report", "--by", "outcome", "--chart"], "Done \\x1b[2J"),  # cut to fit the terminal
    (["contact", "list"], True),
    (["contact", "show", "eve"], True),
    (["account", "list"], True),
    (["account", "show", "evil-corp"], True),
    (["generate", "--for", "prospects", "--date", "2026-11-26", "--dry-run"], True),
]


@pytest.mark.parametrize("args, escaped", HUMAN, ids=lambda a: " ".join(a) if isinstance(a, list) else "")
def test_human_output_shows_control_characters_escaped(hostile, args, escaped):
    result = Run(hostile)(*args)
    assert result.exit_code == 0, result.stderr
    assert_no_raw_control(result.stdout, result.stderr)
    if escaped:
        assert (SHOWN if escaped is True else escaped) in result.stdout
    # the file with a hostile name is named in the warning, escaped
    assert "bad\\x1b[2Jname.yaml" in result.stderr or args[0] in ("contact", "account")


def test_c1_controls_and_del_are_shown_escaped_too(hostile):
    run = Run(hostile)
    assert C1_SHOWN in run.ok("show", "aaaa000002").stdout
    assert "p\\x9b31m\\x7f" in run.ok("report", "--by", "purpose", "--status", "all", "--chart").stdout
    assert_no_raw_control(run.ok("contact", "list").stdout)


def test_errors_and_their_candidates_are_shown_escaped(hostile):
    run = Run(hostile)
    result = run("log", "call", "Eve Mallory")  # no exact match: close names are listed
    assert result.exit_code == 1
    assert_no_raw_control(result.stderr)
    assert "Eve \\x1b[2J" in result.stderr
    result = run("log", "call", f"nobody{ESC}")  # the user's own argument is quoted back escaped too
    assert result.exit_code == 1 and f"nobody{SHOWN}" in result.stderr
    assert_no_raw_control(result.stderr)


def test_the_delete_question_is_shown_escaped(hostile):
    result = Run(hostile)("delete", "aaaa000001", input="n\n")
    assert result.exit_code == 1 and "Ring \\x1b[2J" in result.stderr
    assert_no_raw_control(result.stderr)
    assert (hostile / "interactions/2026/11/aaaa000001.yaml").exists()


def test_json_escapes_by_its_own_rules(hostile):
    run = Run(hostile)
    for args in (["list", "--everyone", "--status", "all", "--format", "json"], ["export"],
                 ["show", "aaaa000002", "--format", "json"], ["today", "--format", "json"]):
        text = run.ok(*args).stdout
        assert_no_raw_control(text)
        assert "\\u001b[2J" in text or "\\u009b" in text
    shown = json.loads(run.ok("show", "aaaa000002", "--format", "json").stdout)
    assert shown["note"] == f"missed {C1}"  # the same text to any JSON reader
    [record] = [r for r in json.loads(run.ok("export").stdout) if r["id"] == "aaaa000003"]
    assert record["outcome"] == f"Done {ESC}"


def test_yaml_escapes_by_its_own_rules(hostile):
    text = Run(hostile).ok("show", "aaaa000002", "--format", "yaml").stdout
    assert_no_raw_control(text)
    assert yaml.safe_load(text)["note"] == f"missed {C1}"


def test_csv_and_ids_show_control_characters_escaped(hostile):
    run = Run(hostile)
    text = run.ok("export", "--format", "csv").stdout
    assert_no_raw_control(text)
    assert f"Done {SHOWN}" in text
    assert_no_raw_control(run.ok("contact", "list", "--format", "ids").stdout)


def test_hook_output_is_shown_escaped(run, tmp_path, monkeypatch):
    home = tmp_path / "config"
    (home / "interact").mkdir(parents=True)
    (home / "interact" / "config.yaml").write_text("hooks:\n  on_log: printf 'hook \\033[2J said\\n'\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    result = run.ok("log", "call", "jane")
    assert "hook \\x1b[2J said" in result.stderr
    assert_no_raw_control(result.stderr)


def test_printable():
    assert printable("plain\ttext\nlines é …") == "plain\ttext\nlines é …"
    assert printable("\x00\x01\x1b\x7f\x80\x9b\x9f\r\x0b") == "\\x00\\x01\\x1b\\x7f\\x80\\x9b\\x9f\\x0d\\x0b"
    text = "nothing to escape " * 1000
    assert printable(text) is text


# --- on a real terminal: colour is ours, escapes from records are not ------------------

OUR_COLOURS = re.compile(r"\x1b\[(?:0|7|31|32|33)m")


def on_a_terminal(store: Path, *args: str) -> str:
    """What `interact` writes to a terminal (a pty): colour on."""
    import pty

    controller, terminal = pty.openpty()
    env = {**os.environ, "INTERACT_NOW": "2026-11-25T10:00:00", "TZ": "Europe/London", "INTERACT_USER": "alice",
           "COLUMNS": "200"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen([str(INTERACT), "--dir", str(store), *args], stdout=terminal,
                               stderr=subprocess.PIPE, env=env)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert_no_raw_control(err.decode())
    return b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.mark.skipif(not INTERACT.exists(), reason=f"{INTERACT} is not installed")
@pytest.mark.parametrize("args", [["list", "--everyone", "--status", "all"], ["today"], ["calendar"]],
                         ids=lambda a: a[0])
def test_on_a_terminal_only_our_colours_reach_it(hostile, args):
    text = on_a_terminal(hostile, *args)
    assert OUR_COLOURS.search(text)  # colour is on
    assert_no_raw_control(OUR_COLOURS.sub("", text))
    if args[0] != "calendar":
        assert SHOWN in text
