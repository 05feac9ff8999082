"""SPEC §7, Crashes across files: a command that writes several files, killed before any one
of its changes to the file system, leaves a consistent store, and running it again finishes
the job with the state of a run that was never interrupted.

Each command is run in a forked child that dies (os._exit, as a kill would leave it) just
before its first, second, third... rename, link or unlink, until one run finishes: every
moment between two changes is visited once."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from interact.actions import follow_up_id
from interact.cli import cli
from interact.model import load
from interact.store import Store

from conftest import DEMO, Run, check_problems, snapshot

OPEN_CALL = "w6f5qnbw9x"  # an open call with Maria Garcia in the demo store, in 2026/11
CHANGES = ("replace", "rename", "link", "unlink")


def crashing_run(store: Path, args: list[str], at: int) -> bool:
    """Run `interact args` in a child that dies just before its `at`-th change to the file
    system; whether it finished first."""
    pid = os.fork()
    if pid == 0:  # the child: never back into pytest
        code = 3
        try:
            seen = [0]

            def dying(change):
                def call(*args, **kwargs):
                    seen[0] += 1
                    if seen[0] == at:
                        os._exit(137)
                    return change(*args, **kwargs)
                return call

            for name in CHANGES:
                setattr(os, name, dying(getattr(os, name)))
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            cli.main(["--dir", str(store), *args], prog_name="interact", standalone_mode=False)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code in (0, 137), f"{args} at change {at}: exit {code}"
    return code == 0


def interactions(store: Path) -> dict[str, list[dict]]:
    """Every interaction file's record, by id (a list: one id in two files would show)."""
    found: dict[str, list[dict]] = {}
    for path in sorted((store / "interactions").rglob("*.yaml")):
        record = load(path.read_bytes(), path)  # a torn file would not parse
        found.setdefault(record["id"], []).append(record)
    return found


def fields(store: Path, contact: str = "maria-garcia") -> dict:
    return load((store / "contacts" / f"{contact}.yaml").read_bytes()).get("fields") or {}


def every_crash(tmp_path: Path, args: list[str], prepare=None):
    """For each moment the command can be killed at: (a fresh copy of the demo store after the
    kill, whether the command had finished)."""
    for at in range(1, 60):
        store = tmp_path / f"at-{at}"
        shutil.copytree(DEMO, store, ignore=shutil.ignore_patterns(".cache"))
        if prepare is not None:
            prepare(store)
        finished = crashing_run(store, args, at)
        ids = interactions(store)
        assert all(len(files) == 1 for files in ids.values()), f"one id in two files, killed at change {at}"
        yield store, finished, ids
        if finished:
            assert at > 1
            return
    pytest.fail("the command never finished")


def test_complete_with_a_follow_up_killed_anywhere_is_finished_by_running_it_again(tmp_path):
    args = ["complete", OPEN_CALL[:4], "--outcome", "Booked", "--follow-up", "2026-12-02T10:00", "--set", "met=yes"]
    follow = follow_up_id(OPEN_CALL)
    states = set()
    for store, finished, ids in every_crash(tmp_path, args):
        completed = bool(ids[OPEN_CALL][0].get("completed_at"))
        states.add((completed, follow in ids))
        assert not completed or follow in ids  # never a completion without the follow-up it asked for
        assert follow not in ids or fields(store).get("met") == "yes"  # --set before anything else
        assert check_problems(store) == []
        if not finished:  # the same command again, as a user would run it
            result = Run(store).ok(*args)
            assert result.stdout.strip() == follow
        ids = interactions(store)
        assert ids[OPEN_CALL][0]["outcome"] == "Booked" and ids[follow][0]["follow_up_of"] == OPEN_CALL
        assert [rid for rid, [r] in ids.items() if r.get("follow_up_of") == OPEN_CALL] == [follow]
        assert fields(store)["met"] == "yes" and check_problems(store) == []
    assert states == {(False, False), (False, True), (True, True)}  # every moment between the writes was met


def test_a_completed_interaction_is_still_refused_unless_the_same_completion_asks_for_its_follow_up(run, demo):
    rid = run.ok("assign", "call", "jane").stdout.strip()
    run.ok("complete", rid, "--outcome", "Booked")
    for other in (["--outcome", "Booked"], ["--outcome", "Other", "--follow-up", "mon"]):
        result = run("complete", rid, *other)
        assert result.exit_code == 1 and "completing is final" in result.stderr
    result = run("complete", rid, "--outcome", "Other", "--follow-up", "mon", env={"INTERACT_USER": "bob"})
    assert result.exit_code == 1 and "completing is final" in result.stderr
    # the same completion with its follow-up (a run of an older version killed between its
    # writes left this): the follow-up is made, once
    made = run.ok("complete", rid, "--outcome", "Booked", "--follow-up", "mon").stdout.strip()
    assert made == follow_up_id(rid)
    assert run.ok("complete", rid, "--outcome", "Booked", "--follow-up", "tue").stdout.strip() == made
    assert [r for r, [x] in interactions(demo).items() if x.get("follow_up_of") == rid] == [made]


def test_an_edit_that_moves_months_killed_anywhere_never_leaves_two_files(tmp_path):
    args = ["edit", OPEN_CALL[:4], "--when", "2027-01-05T10:00", "--set", "moved=yes"]
    for store, finished, ids in every_crash(tmp_path, args):
        [record] = ids[OPEN_CALL]
        edited = record.get("when", "").startswith("2027-01-05")
        assert not edited or fields(store)["moved"] == "yes"  # --set first
        if not finished:
            # killed between the rename and the rewrite: its old text, in its new folder
            assert check_problems(store) in ([], [f"interactions/2027/01/{OPEN_CALL}.yaml: belongs in interactions/2026/11/ "
                                            "(by its due)"])
            Run(store).ok(*args)
        [record] = interactions(store)[OPEN_CALL]
        assert record["when"].startswith("2027-01-05T10:00") and fields(store)["moved"] == "yes"
        assert (store / "interactions/2027/01" / f"{OPEN_CALL}.yaml").exists()
        assert check_problems(store) == []


def test_log_with_set_killed_anywhere_never_logs_without_the_field(tmp_path):
    args = ["log", "call", "jane", "Crash test call", "--set", "called=yes"]
    for store, finished, ids in every_crash(tmp_path, args):
        logged = [rid for rid, [r] in ids.items() if r.get("note") == "Crash test call"]
        assert len(logged) <= 1
        assert not logged or fields(store, "jane-doe").get("called") == "yes"
        assert check_problems(store) == []
        if not logged:
            Run(store).ok(*args)
            assert len([r for r, [x] in interactions(store).items() if x.get("note") == "Crash test call"]) == 1


def test_log_new_killed_anywhere_writes_the_contact_last(tmp_path):
    args = ["log", "call", "Newton Person", "--new", "--email", "newton@example.com", "--set", "met=yes"]
    for store, finished, ids in every_crash(tmp_path, args):
        logged = [r for [r] in ids.values() if r.get("contacts") == ["newton-person"]]
        contact = store / "contacts" / "newton-person.yaml"
        assert not contact.exists() or logged  # never the person without the interaction
        if logged and not contact.exists():
            # killed between the two: `check` names the missing person, and adding them mends it
            found = check_problems(store)
            assert found and all("contacts names 'newton-person', which is not in contacts/" in p for p in found)
            Run(store).ok("contact", "add", "Newton Person", "--email", "newton@example.com")
        elif not logged:
            Run(store).ok(*args)
        assert check_problems(store) == []
        assert load(contact.read_bytes())["email"] == "newton@example.com"


def test_delete_killed_anywhere_leaves_no_attachment_without_its_interaction(tmp_path):
    def attach(store):
        (store / "attachments" / OPEN_CALL).mkdir(parents=True)
        for name in ("a.txt", "b.txt"):
            (store / "attachments" / OPEN_CALL / name).write_text(name)

    args = ["delete", OPEN_CALL[:4], "--yes"]
    for store, finished, ids in every_crash(tmp_path, args, prepare=attach):
        if OPEN_CALL not in ids:
            assert not any((store / "attachments").rglob("*.txt"))
        else:
            Run(store).ok(*args)
        assert OPEN_CALL not in interactions(store) and not (store / "attachments" / OPEN_CALL).exists()


def test_types_rename_killed_anywhere_leaves_every_record_of_a_configured_type(tmp_path):
    args = ["types", "rename", "call", "phone"]
    for store, finished, ids in every_crash(tmp_path, args):
        assert check_problems(store) == []  # every record's type configured at every moment
        if not finished:
            Run(store).ok(*args)
        assert "call" not in Store(store).config.types and "phone" in Store(store).config.types
        assert not [r for [r] in interactions(store).values() if r["type"] == "call"]
        assert check_problems(store) == []


def test_generate_killed_anywhere_tops_its_batch_up_when_run_again(tmp_path):
    args = ["generate", "--for", "prospects", "--date", "2026-11-30", "--no-opportunities", "--count", "3"]
    for store, finished, ids in every_crash(tmp_path, args):
        assert check_problems(store) == []
        if not finished:
            Run(store).ok(*args)
        batch = [r for [r] in interactions(store).values() if r.get("generated") == "2026-11-30/prospects"]
        assert len(batch) == 3 and check_problems(store) == []


# --- a write that fails part-way: messages that say what was written ---------------------

def failing_under(monkeypatch, store: Path, folder: str, code: int = errno.EROFS):
    """Make every write of a file under `folder` (of the store) fail as a read-only one would."""
    from interact import store as store_module

    real = store_module.atomic_write

    def write(path, data, exclusive=False):
        if Path(path).resolve().is_relative_to((store / folder).resolve()):
            raise OSError(code, os.strerror(code), str(path))
        return real(path, data, exclusive)

    monkeypatch.setattr(store_module, "atomic_write", write)


@pytest.mark.parametrize("command", [
    ("log", "call", "jane", "Talked", "--set", "k=v"),
    ("assign", "call", "jane", "--set", "k=v"),
    ("complete", OPEN_CALL[:4], "--outcome", "Done", "--follow-up", "mon", "--set", "k=v"),
    ("edit", OPEN_CALL[:4], "--when", "2027-01-05T10:00", "--set", "k=v"),
    ("log", "call", "Newton Person", "--new"),
], ids=lambda c: " ".join(c[:2]))
def test_with_contacts_read_only_nothing_is_written_and_the_message_says_so(run, demo, monkeypatch, command):
    failing_under(monkeypatch, demo, "contacts")
    before = snapshot(demo)
    result = run(*command)
    assert result.exit_code == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "/contacts/" in line and "Read-only file system. Nothing was changed;" in line
    assert snapshot(demo) == before  # so running it again once writable writes it once


def test_a_failure_after_a_first_write_names_what_was_written_and_running_again_finishes(run, demo, monkeypatch):
    args = ("complete", OPEN_CALL[:4], "--outcome", "Done", "--follow-up", "2026-12-02T10:00")
    failing_under(monkeypatch, demo, "interactions/2026/11")  # the follow-up (December) goes in; the completion does not
    result = run(*args)
    assert result.exit_code == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    follow = follow_up_id(OPEN_CALL)
    assert f"Already changed before it: interactions/2026/12/{follow}.yaml; the rest was not written" in line
    assert "Nothing was changed" not in line and "run the same command again" in line
    monkeypatch.undo()
    assert run.ok(*args).stdout.strip() == follow
    ids = interactions(demo)
    assert ids[OPEN_CALL][0]["outcome"] == "Done" and ids[follow][0]["follow_up_of"] == OPEN_CALL
    assert check_problems(demo) == []


@pytest.mark.parametrize("command", [("log", "call", "jane", "Talked", "--set", "k=v"),
                                     ("log", "call", "Newton Person", "--new")], ids=["set", "new"])
def test_a_really_read_only_contacts_folder(demo, command):
    """contacts/ bind-mounted read-only (in a private mount namespace): the interaction is not
    logged either, so running the command again once it is writable logs it once."""
    import subprocess
    import sys

    from test_faults import _read_only_mount_works

    interact = Path(sys.executable).with_name("interact")
    contacts = demo / "contacts"
    if not interact.exists() or not _read_only_mount_works(contacts):
        pytest.skip("a read-only bind mount needs root and mount namespaces (unshare -m)")
    before = snapshot(demo)
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    result = subprocess.run(["unshare", "-m", "sh", "-c", script, str(contacts), str(interact), "--dir", str(demo),
                             *command], capture_output=True, text=True)
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "/contacts/" in line and "Read-only file system. Nothing was changed;" in line
    assert snapshot(demo) == before
