"""log, assign, complete, edit, comment, delete, show through the CLI, with their bad inputs."""

import json
import subprocess
import sys

import pytest

from conftest import REPO, interaction_files
from interact.model import load
from interact.store import Store


def record(store, rid):
    return Store(store).find_interaction(rid)


# --- log -----------------------------------------------------------------------------

def test_log_options_are_stored(run, demo):
    rid = run.ok(
        "log", "visit", "priya", "Site", "visit", "--when", "yesterday 3pm", "--duration", "1h30m",
        "--purpose", "renewal", "--category", "sales", "--rating", "interest=4", "--tag", "vip", "--tag", "q4",
        "--relates", "case:4711", "--with", "Tom Baker", "--outcome", "Good",
    ).stdout.strip()
    r = record(demo, rid)
    assert r["when"] == "2026-11-24T15:00:00+00:00" == r["completed_at"]
    assert r["duration"] == 90
    assert r["contacts"] == ["priya-shah", "tom-baker"]
    assert r["accounts"] == ["northwind-traders", "acme-ltd"]
    assert r["ratings"] == {"interest": 4}
    assert r["tags"] == ["vip", "q4"] and r["relates_to"] == ["case:4711"]
    assert r["purpose"] == "renewal" and r["category"] == "sales" and r["outcome"] == "Good"


def test_log_with_account_as_who_uses_its_default_contact(run, demo):
    rid = run.ok("log", "call", "Acme Ltd", "Hello").stdout.strip()
    r = record(demo, rid)
    assert r["contacts"] == ["jane-doe"] and r["accounts"] == ["acme-ltd"]


def test_with_account_adds_the_account_itself(run, demo):
    rid = run.ok("log", "call", "raj", "--with", "Harbour Foods").stdout.strip()
    r = record(demo, rid)
    assert r["contacts"] == ["raj-patel"] and r["accounts"] == ["harbour-foods"]


def test_explicit_account_replaces_derived_ones(run, demo):
    rid = run.ok("log", "call", "jane", "--account", "kestrel").stdout.strip()
    assert record(demo, rid)["accounts"] == ["kestrel-housing"]


@pytest.mark.parametrize("ref", ["jane-doe", "JANE DOE", "jane@acme.example", "+44 (113) 496-0000", "ane D"])
def test_reference_matching_rules(run, demo, ref):
    rid = run.ok("log", "call", ref).stdout.strip()
    assert record(demo, rid)["contacts"] == ["jane-doe"]


def test_ambiguous_reference_lists_candidates(run, demo):
    before = interaction_files(demo)
    result = run("log", "call", "a")  # a substring of many names
    assert result.exit_code == 1
    assert "matches" in result.stderr and "jane-doe" in result.stderr
    assert interaction_files(demo) == before


def test_unknown_reference_suggests_close_names(run):
    result = run("log", "call", "Jane Do")
    assert result.exit_code == 0  # a unique substring still matches
    result = run("log", "call", "Jnae Doe")
    assert result.exit_code == 1
    assert "--new" in result.stderr and "Jane Doe" in result.stderr


def test_log_new_creates_contact_and_reports_it_on_stderr(run, demo):
    result = run.ok("log", "call", "Ada Lovelace", "--new", "--email", "ada@example.com", "--account", "acme",
                    "--set", "country=UK", "First", "call")
    rid = result.stdout.strip()
    assert "created contact ada-lovelace" in result.stderr
    contact = load((demo / "contacts" / "ada-lovelace.yaml").read_bytes())
    assert contact["email"] == "ada@example.com" and contact["accounts"] == ["acme-ltd"]
    assert contact["fields"] == {"country": "UK"}
    r = record(demo, rid)
    assert r["contacts"] == ["ada-lovelace"] and r["accounts"] == ["acme-ltd"] and r["note"] == "First call"


def test_new_contact_slug_is_made_unique(run, demo):
    run.ok("log", "call", "Jane Doe", "--new", "--duplicate")
    assert (demo / "contacts" / "jane-doe-2.yaml").is_file()


def test_refused_log_with_new_leaves_no_contact(run, demo):
    result = run("log", "fax", "Ada Lovelace", "--new")
    assert result.exit_code == 1
    assert not (demo / "contacts" / "ada-lovelace.yaml").exists()


def test_a_refused_log_with_new_never_writes_the_contact(run, demo, monkeypatch):
    from interact.store import Store

    written = []
    monkeypatch.setattr(Store, "save", lambda self, record, kind, new=False: written.append(record))
    config = demo / "interact.yaml"
    config.write_text(config.read_text().replace("require_account: false", "require_account: true"))
    result = run("log", "call", "Ada Lovelace", "--new")  # refused by a rule checked after the people
    assert result.exit_code == 1 and "account" in result.stderr
    assert written == []


def test_a_new_contact_whose_slug_is_taken_meanwhile_gets_another_and_the_interaction_follows(demo, monkeypatch):
    from datetime import datetime, timezone

    from interact import actions, people

    original = people.unsaved

    def raced(store, kind, fields, duplicate=False):
        made = original(store, kind, fields, duplicate)
        store.save(made.__class__({"id": made["id"], "name": "Someone Else"}), kind, new=True)  # another writer
        return made

    monkeypatch.setattr(people, "unsaved", raced)
    draft = actions.Draft(type="call", who="Ada Lovelace", new_contact={})
    record, created, _ = actions.log(Store(demo), datetime(2026, 11, 25, 10, tzinfo=timezone.utc), "alice", draft)
    assert created["id"] == "ada-lovelace-2" and record["contacts"] == ["ada-lovelace-2"]
    assert Store(demo).contacts()["ada-lovelace"]["name"] == "Someone Else"


def test_log_personal_note(run, demo):
    rid = run.ok("log", "note", "--personal", "Remember", "the", "milk").stdout.strip()
    r = record(demo, rid)
    assert r["personal"] is True and r["note"] == "Remember the milk" and "contacts" not in r


def test_log_note_from_stdin(run, demo):
    rid = run.ok("log", "call", "jane", "-", input="Line one\nLine two\n").stdout.strip()
    assert record(demo, rid)["note"] == "Line one\nLine two"


def test_log_note_from_editor(run, demo, tmp_path):
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "Written in the editor\\n# a comment\\n" > "$1"\n')
    editor.chmod(0o755)
    rid = run.ok("log", "call", "jane", "--edit", env={"EDITOR": str(editor)}).stdout.strip()
    assert record(demo, rid)["note"] == "Written in the editor"


def test_set_stores_fields_on_the_contact(run, demo):
    run.ok("log", "call", "raj", "--set", "country=Kenya", "--set", "term=")
    contact = load((demo / "contacts" / "raj-patel.yaml").read_bytes())
    assert contact["fields"] == {"country": "Kenya"}


@pytest.mark.parametrize("args, fragment", [
    (["log", "fax", "jane"], "call, visit, email"),
    (["log", "call", "jane", "--when", "someday soon"], "'someday soon'"),
    (["log", "call", "jane", "--duration", "3x"], "'3x'"),
    (["log", "call", "jane", "--rating", "interest=9"], "1 to 5"),
    (["log", "call", "jane", "--rating", "mood=3"], "interest, likelihood"),
    (["log", "call", "jane", "--rating", "interest"], "NAME=VALUE"),
    (["log", "call", "jane", "--category", "golf"], "sales, admissions, volunteering"),
    (["log", "call", "jane", "--relates", "4711"], "case:4711"),
    (["log", "call"], "--personal"),
    (["log", "note", "--personal", "--with", "jane"], "--personal"),
    (["assign", "call", "jane", "--to", "mallory"], "alice, bob, carol"),
    (["assign", "call", "jane", "--due", "the twelfth of never"], "'the twelfth of never'"),
])
def test_bad_input_is_one_line_exit_1_nothing_written(run, demo, args, fragment):
    before = interaction_files(demo)
    contacts_before = sorted(p.read_bytes() for p in (demo / "contacts").iterdir())
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert fragment in result.stderr
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert interaction_files(demo) == before
    assert sorted(p.read_bytes() for p in (demo / "contacts").iterdir()) == contacts_before


def test_require_account_and_category(run, demo):
    config = demo / "interact.yaml"
    config.write_text(config.read_text().replace("require_account: false", "require_account: true")
                      .replace("require_category: false", "require_category: true"))
    result = run("log", "call", "raj", "--category", "admissions")
    assert result.exit_code == 1 and "requires an account" in result.stderr
    result = run("log", "call", "jane")
    assert result.exit_code == 1 and "requires a category" in result.stderr
    run.ok("log", "call", "jane", "--category", "sales")


def test_bad_interact_now_is_refused(run):
    result = run("log", "call", "jane", env={"INTERACT_NOW": "not-a-time"})
    assert result.exit_code == 1 and "INTERACT_NOW" in result.stderr


# --- assign and complete -------------------------------------------------------------

def test_assign_is_open_and_assigned(run, demo):
    rid = run.ok("assign", "call", "jane", "Ask", "about", "it", "--to", "bob", "--when", "fri 10am",
                 "--due", "fri", "--notify").stdout.strip()
    r = record(demo, rid)
    assert r["assignee"] == "bob" and r["created_by"] == "alice" and r["notify"] == ["alice"]
    assert r["when"] == "2026-11-27T10:00:00+00:00" and r["due"] == "2026-11-27"
    assert r["instructions"] == "Ask about it" and "completed_at" not in r


def test_complete_with_follow_up(run, demo):
    rid = run.ok("assign", "call", "jane", "--when", "2026-11-25 09:00", "--purpose", "renewal").stdout.strip()
    result = run.ok("complete", rid[:5], "--outcome", "Left voicemail", "--note", "No answer",
                    "--next-action", "Try again", "--follow-up", "tomorrow 10am", "--follow-up-to", "bob",
                    "--rating", "interest=2")
    follow_id = result.stdout.strip()
    r = record(demo, rid)
    assert r["outcome"] == "Left voicemail" and r["note"] == "No answer" and r["next_action"] == "Try again"
    assert r["completed_at"] == "2026-11-25T10:00:00+00:00" and r["when"] == "2026-11-25T09:00:00+00:00"
    assert r["completed_by"] == "alice" and r["ratings"] == {"interest": 2}
    follow = record(demo, follow_id)
    assert follow["follow_up_of"] == rid and follow["when"] == "2026-11-26T10:00:00+00:00"
    assert follow["assignee"] == "bob" and follow["contacts"] == ["jane-doe"] and follow["accounts"] == ["acme-ltd"]
    assert "completed_at" not in follow and follow["purpose"] == "renewal"
    shown = json.loads(run.ok("show", rid, "--format", "json").stdout)
    assert shown["follow_ups"] == [follow_id] and shown["status"] == "completed"


def test_complete_when_sets_both_times_and_type_change(run, demo):
    rid = run.ok("assign", "call", "jane").stdout.strip()
    run.ok("complete", rid, "--outcome", "Met", "--when", "today 09:15", "--type", "visit")
    r = record(demo, rid)
    assert r["when"] == r["completed_at"] == "2026-11-25T09:15:00+00:00" and r["type"] == "visit"


def test_complete_is_final(run, demo):
    rid = run.ok("log", "call", "jane").stdout.strip()
    before = interaction_files(demo)
    result = run("complete", rid, "--outcome", "Again")
    assert result.exit_code == 1 and "completing is final" in result.stderr
    assert interaction_files(demo) == before


def test_complete_without_outcome_is_a_usage_error(run):
    rid = run.ok("assign", "call", "jane").stdout.strip()
    assert run("complete", rid).exit_code == 2


def test_complete_unknown_type_lists_types(run):
    rid = run.ok("assign", "call", "jane").stdout.strip()
    result = run("complete", rid, "--outcome", "x", "--type", "fax")
    assert result.exit_code == 1 and "call, visit" in result.stderr


@pytest.mark.parametrize("prefix, fragment", [("abc", "at least 4"), ("zzzzzz", "no interaction")])
def test_bad_id_prefixes(run, prefix, fragment):
    result = run("show", prefix)
    assert result.exit_code == 1 and fragment in result.stderr


def test_ambiguous_prefix_lists_ids(run, demo):
    folder = demo / "interactions" / "2026" / "11"
    for rid in ("qqqq000000", "qqqq111111"):
        (folder / f"{rid}.yaml").write_text(f"id: {rid}\ntype: call\nwhen: 2026-11-20T10:00:00+00:00\n")
    result = run("show", "qqqq")
    assert result.exit_code == 1 and "qqqq000000" in result.stderr and "qqqq111111" in result.stderr


# --- edit, comment, delete, show -------------------------------------------------------

def test_edit_changes_fields_and_adds_to_lists(run, demo):
    rid = run.ok("assign", "call", "jane", "--tag", "a").stdout.strip()
    run.ok("edit", rid, "--to", "carol", "--when", "mon 14:00", "--tag", "b", "--with", "tom", "--type", "visit",
           "--note", "Prepared", "--due", "2026-12-04")
    r = record(demo, rid)
    assert r["assignee"] == "carol" and r["type"] == "visit" and r["note"] == "Prepared"
    assert r["tags"] == ["a", "b"] and r["contacts"] == ["jane-doe", "tom-baker"]
    assert r["when"] == "2026-11-30T14:00:00+00:00" and r["due"] == "2026-12-04"


def test_edit_completed_is_refused_except_tags(run, demo):
    rid = run.ok("log", "call", "jane", "--tag", "x").stdout.strip()
    before = interaction_files(demo)
    result = run("edit", rid, "--note", "rewrite history")
    assert result.exit_code == 1 and "completed" in result.stderr
    assert interaction_files(demo) == before
    run.ok("edit", rid, "--tag", "y", "--untag", "x")
    assert record(demo, rid)["tags"] == ["y"]


def test_edit_with_nothing_to_change(run):
    rid = run.ok("assign", "call", "jane").stdout.strip()
    result = run("edit", rid)
    assert result.exit_code == 1 and "nothing to change" in result.stderr


def test_comment_on_completed(run, demo):
    rid = run.ok("log", "call", "jane").stdout.strip()
    run.ok("comment", rid, "Customer", "called", "back", env={"INTERACT_USER": "bob"})
    assert record(demo, rid)["posts"] == [{"at": "2026-11-25T10:00:00+00:00", "by": "bob",
                                          "text": "Customer called back"}]


def test_delete_asks_and_yes_skips(run, demo):
    rid = run.ok("assign", "call", "jane").stdout.strip()
    assert run("delete", rid, input="n\n").exit_code == 1
    assert rid in interaction_files(demo)
    run.ok("delete", rid, input="y\n")
    assert rid not in interaction_files(demo)
    rid = run.ok("assign", "call", "jane").stdout.strip()
    run.ok("delete", rid, "--yes")
    assert rid not in interaction_files(demo)


def test_show_formats(run):
    rid = run.ok("log", "call", "jane", "Hello", "--outcome", "Fine").stdout.strip()
    table = run.ok("show", rid[:4]).stdout
    assert "Jane Doe (jane-doe)" in table and "completed" in table
    data = json.loads(run.ok("show", rid, "--format", "json").stdout)
    assert data["id"] == rid and data["status"] == "completed" and data["note"] == "Hello"
    assert run.ok("show", rid, "--format", "ids").stdout == rid + "\n"
    assert "status: completed" in run.ok("show", rid, "--format", "yaml").stdout


# --- user ------------------------------------------------------------------------------

def test_user_resolution_order(run, demo, monkeypatch):
    monkeypatch.delenv("INTERACT_USER")
    config = demo / "interact.yaml"
    config.write_text(config.read_text() + "user: carol\n")
    assert record(demo, run.ok("log", "call", "jane").stdout.strip())["created_by"] == "carol"
    assert record(demo, run.ok("log", "call", "jane", env={"INTERACT_USER": "bob"}).stdout.strip())[
        "created_by"] == "bob"
    assert record(demo, run.ok("--as", "alice", "log", "call", "jane", env={"INTERACT_USER": "bob"})
                  .stdout.strip())["created_by"] == "alice"


# --- real processes ----------------------------------------------------------------------

def test_installed_console_script_and_module(demo):
    script = REPO / ".venv" / "bin" / "interact"
    commands = [[sys.executable, "-m", "interact"]] + ([[str(script)]] if script.exists() else [])
    for command in commands:
        done = subprocess.run([*command, "--dir", str(demo), "log", "call", "jane", "From", "a", "process"],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert record(demo, done.stdout.strip())["note"] == "From a process"
        bad = subprocess.run([*command, "--dir", str(demo), "log", "fax", "jane"], capture_output=True, text=True)
        assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_complete_unplanned_takes_place_when_completed(run, demo):
    rid = run.ok("assign", "call", "jane").stdout.strip()
    assert "when" not in record(demo, rid)
    run.ok("complete", rid, "--outcome", "Done")
    r = record(demo, rid)
    assert r["when"] == r["completed_at"] == "2026-11-25T10:00:00+00:00"


def test_show_csv_is_one_row_with_status(run):
    import csv
    import io

    rid = run.ok("log", "call", "jane", "Hello").stdout.strip()
    rows = list(csv.DictReader(io.StringIO(run.ok("show", rid, "--format", "csv").stdout)))
    assert len(rows) == 1 and rows[0]["id"] == rid and rows[0]["status"] == "completed"
