"""A shared store is untrusted input (SPEC §7, issue 12): hostile files, as a user meets them.

Each test builds a hostile store from the demo and runs the installed `interact` as a real
process, then checks what a user relies on: nothing outside the store created or changed
(everything around it, $XDG_CONFIG_HOME included, is compared before and after), the other
records still listed with one warning naming the bad file, `check` naming it with exit 1,
never a traceback, and bad input refused with one line, exit 1, nothing written.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import DEMO, INTERACT, NOW

CRASHES = ("Traceback", "OverflowError", "MemoryError", "RecursionError")
EVERYTHING = ("list", "--everyone", "--status", "all", "--format", "ids")
RECORDS = 14  # interactions in the demo store
OPEN_CALL = "w6f5qnbw9x"  # carol's missed call with Maria Garcia
MEMORY = 768 * 1024 * 1024  # address space for a run that meets billion laughs: a regression fails, fast
BILLION_LAUGHS = "lol0: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"lol{n}: &{chr(97 + n)} [{', '.join([f'*{chr(96 + n)}'] * 9)}]\n" for n in range(1, 9))


class Hostile:
    """A copy of the demo store in `root/records`, with a folder beside it (`outside`) and the
    user's own config folder, both watched; `run` runs the installed command on the store."""

    def __init__(self, root: Path):
        self.root = root
        self.store = root / "records"
        shutil.copytree(DEMO, self.store, ignore=shutil.ignore_patterns(".cache"))
        self.outside = root / "outside"
        self.outside.mkdir()
        (self.outside / "notes.txt").write_text("the user's own file\n")
        self.config = root / "config"
        (self.config / "interact").mkdir(parents=True)
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(root / "home"), "TZ": "Europe/London",
                    "INTERACT_NOW": NOW, "INTERACT_USER": "alice", "XDG_CONFIG_HOME": str(self.config)}
        self.before = self.around()

    def run(self, *args, input=None, memory=None) -> subprocess.CompletedProcess:
        limit = (lambda: resource.setrlimit(resource.RLIMIT_AS, (memory, memory))) if memory else None
        result = subprocess.run([str(INTERACT), "--dir", str(self.store), *args], input=input, env=self.env,
                                capture_output=True, text=True, timeout=60, preexec_fn=limit, cwd=self.root)
        assert not any(crash in result.stderr for crash in CRASHES), result.stderr
        return result

    def around(self) -> dict:
        """Every file and folder beside the store (its bytes, or where a link points), by path."""
        found = {}
        for path in sorted(self.root.rglob("*")):
            if self.store in (path, *path.parents):
                continue
            found[path] = (os.readlink(path) if path.is_symlink() else path.read_bytes() if path.is_file() else "dir")
        return found

    def files(self) -> dict:
        """Every file in the store but the derived index, with its bytes."""
        cache = self.store / ".cache"
        return {path: path.read_bytes() for path in sorted(self.store.rglob("*"))
                if path.is_file() and not path.is_symlink() and cache not in path.parents}

    def nothing_outside(self) -> None:
        assert self.around() == self.before

    def listed_around(self, bad: str, *args, count=RECORDS) -> subprocess.CompletedProcess:
        """The others are listed, with one warning, naming `bad`."""
        result = self.run(*(args or EVERYTHING))
        assert result.returncode == 0, result.stderr
        if not args:
            assert len(result.stdout.split()) == count
        warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
        assert len(warnings) == 1 and bad in warnings[0], result.stderr
        return result

    def checked(self, *bad: str) -> list[str]:
        result = self.run("check")
        assert result.returncode == 1
        for name in bad:
            assert any(line.startswith(f"{name}:") for line in result.stdout.splitlines()), result.stdout
        return result.stdout.splitlines()

    def refused(self, *args, input=None, says="") -> subprocess.CompletedProcess:
        """Exit 1, one line, nothing written in the store or outside it."""
        files = self.files()
        result = self.run(*args, input=input)
        errors = [line for line in result.stderr.splitlines() if not line.startswith(("warning:", "  "))]
        assert result.returncode == 1 and len(errors) == 1 and errors[0].startswith("Error: "), result.stderr
        assert says in errors[0], errors[0]
        assert self.files() == files
        self.nothing_outside()
        return result


@pytest.fixture
def hostile(tmp_path) -> Hostile:
    return Hostile(tmp_path)


def record(rid: str, **fields) -> str:
    lines = [f"id: {rid}", "type: call", "contacts: [jane-doe]", "assignee: alice", "created_by: alice",
             "created_at: 2026-11-20T09:00:00+00:00", *(f"{key}: {value}" for key, value in fields.items())]
    return "\n".join(lines) + "\n"


# --- ids that are paths --------------------------------------------------------------

@pytest.mark.parametrize("kind", ["contact", "account"])
@pytest.mark.parametrize("rid", ["../../x", "ABSOLUTE"])
def test_an_id_that_is_a_path_never_writes_outside(hostile, kind, rid):
    """The attack that wrote the user's hooks config, whose next `log` then ran the attacker's command."""
    marker = hostile.root / "pwned"
    if rid == "ABSOLUTE":  # <id>.yaml would be the user's own hooks config
        rid = str(hostile.config / "interact" / "config")
    folder = "contacts" if kind == "contact" else "accounts"
    (hostile.store / folder / "evil.yaml").write_text(
        f"id: {rid}\nname: Evil One\nhooks: {{on_log: touch {marker}}}\n")
    hostile.before = hostile.around()
    if kind == "contact":
        hostile.refused("contact", "edit", "Evil One", "--set", "x=y", says="no contact matches 'Evil One'")
        hostile.refused("log", "call", "Evil One", "--set", "x=y", "Hello", says="no contact or account matches")
        hostile.refused("contact", "edit", rid, "--phone", "1", says="no contact matches")
    else:
        hostile.refused("account", "edit", "Evil One", "--town", "Leeds", says="no account matches 'Evil One'")
        hostile.refused("account", "edit", rid, "--town", "Leeds", says="no account matches")
    assert hostile.run("log", "call", "jane", "Called back").returncode == 0  # the next log runs no hook
    assert not marker.exists()
    hostile.nothing_outside()
    hostile.listed_around(f"{folder}/evil.yaml", kind, "list")
    assert any("slug" in line for line in hostile.checked(f"{folder}/evil.yaml"))


def test_a_record_whose_id_differs_from_its_file_name_is_invalid(hostile):
    text = (hostile.store / "interactions/2026/11/w6f5qnbw9x.yaml").read_text()
    (hostile.store / "interactions/2026/11/zzzz000000.yaml").write_text(text)
    (hostile.store / "contacts/jane.yaml").write_text("id: raj-patel\nname: Not Raj\n")
    hostile.listed_around("interactions/2026/11/zzzz000000.yaml")
    hostile.listed_around("contacts/jane.yaml", "contact", "list")
    lines = hostile.checked("interactions/2026/11/zzzz000000.yaml", "contacts/jane.yaml")
    assert "contacts/jane.yaml: id 'raj-patel' does not match the file name 'jane.yaml'" in lines
    shown = hostile.run("contact", "show", "raj-patel", "--format", "json")
    assert '"name": "Raj Patel"' in shown.stdout


# --- times, durations and dates out of range ----------------------------------------

READERS = [("list", "--everyone"), ("today", "--everyone"), ("show", OPEN_CALL[:4]),
           ("calendar", "2026-11", "--everyone"), ("export",), ("export", "--format", "ics"),
           ("report", "--status", "all"), ("digest", "--to", "alice")]


@pytest.mark.parametrize("fields", [{"when": "0001-01-01T00:00:00+14:00"}, {"when": "9999-12-31T23:59:00-12:00"},
                                    {"due": "9999-12-31"}, {"duration": 600000 * 7 * 24 * 60,
                                                            "when": "2026-11-20T09:00:00+00:00"}])
def test_a_file_holding_a_time_out_of_range_is_skipped_by_every_reader(hostile, fields):
    (hostile.store / "interactions/2026/11/r4ng3bad00.yaml").write_text(record("r4ng3bad00", **fields))
    for command in READERS:
        result = hostile.listed_around("interactions/2026/11/r4ng3bad00.yaml", *command)
        assert "r4ng3bad00" not in result.stdout
    assert any("r4ng3bad00.yaml: '" in line and ("outside the years" in line or "at most" in line)
               for line in hostile.checked("interactions/2026/11/r4ng3bad00.yaml"))
    hostile.nothing_outside()


@pytest.mark.parametrize("args, says", [
    (("assign", "call", "jane", "--duration", "600000w"), "the duration '600000w' should be more than 0 and at most"),
    (("assign", "call", "jane", "--due", "9999-12-31"), "'9999-12-31' is outside the years 1900-2999"),
    (("assign", "call", "jane", "--when", "9999-12-31T23:59-12:00"), "'9999-12-31T23:59-12:00' is outside the"),
    (("log", "call", "jane", "--when", "0001-01-01T00:00:00+14:00"), "'0001-01-01T00:00:00+14:00' is outside the"),
    (("edit", OPEN_CALL[:4], "--duration", "0"), "the duration '0' should be more than 0"),
    (("contact", "edit", "jane", "--cadence", "600w"), "should be more than 0 and at most 10 years"),
    (("list", "--from", "9999-12-31"), "'9999-12-31' is outside the years 1900-2999"),
])
def test_input_out_of_range_is_one_line_and_nothing_written(hostile, args, says):
    hostile.refused(*args, says=says)


# --- YAML: billion laughs, anchors, tags ---------------------------------------------

def test_billion_laughs_in_a_record_is_never_expanded(hostile):
    (hostile.store / "interactions/2026/11/9ha9ha9ha0.yaml").write_text(record("9ha9ha9ha0") + BILLION_LAUGHS)
    for _ in range(2):  # building the index, then reading it
        result = hostile.run(*EVERYTHING, memory=MEMORY)
        assert result.returncode == 0 and len(result.stdout.split()) == RECORDS
        assert "warning: skipped interactions/2026/11/9ha9ha9ha0.yaml: does not parse at line 7: YAML anchors and " \
               "aliases (&a) are refused" in result.stderr
    hostile.checked("interactions/2026/11/9ha9ha9ha0.yaml")


def test_billion_laughs_in_a_contacts_fields_is_never_expanded(hostile):
    laughs = "".join("  " + line for line in BILLION_LAUGHS.splitlines(keepends=True))
    (hostile.store / "contacts/laughing-man.yaml").write_text(f"id: laughing-man\nname: Laughing Man\nfields:\n{laughs}")
    result = hostile.run("contact", "list", "--format", "json", memory=MEMORY)
    assert result.returncode == 0 and result.stdout.count('"id"') == 8
    assert "contacts/laughing-man.yaml: does not parse at line 4" in result.stderr
    assert hostile.run("log", "call", "jane", "Hi", memory=MEMORY).returncode == 0
    hostile.checked("contacts/laughing-man.yaml")


def test_billion_laughs_in_interact_yaml_stops_every_command_with_one_line(hostile):
    with open(hostile.store / "interact.yaml", "a") as config:
        config.write(BILLION_LAUGHS)
    for args in (EVERYTHING, ("log", "call", "jane", "Hi")):
        files = hostile.files()
        result = hostile.run(*args, memory=MEMORY)
        assert result.returncode == 1 and hostile.files() == files
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
        assert "interact.yaml does not parse at line 12: YAML anchors and aliases (&a) are refused" in result.stderr
    assert hostile.checked("interact.yaml") == [
        "interact.yaml: does not parse at line 12: YAML anchors and aliases (&a) are refused: write the value out "
        "in full"]


def test_billion_laughs_in_the_hooks_config_runs_no_hook(hostile):
    marker = hostile.root / "hooked"
    (hostile.config / "interact/config.yaml").write_text(f"hooks: {{on_log: touch {marker}}}\n" + BILLION_LAUGHS)
    hostile.before = hostile.around()
    result = hostile.run("log", "call", "jane", "Hi", memory=MEMORY)
    assert result.returncode == 0 and len(result.stdout.split()) == 1
    assert "warning: hooks not run: cannot read" in result.stderr and "anchors and aliases" in result.stderr
    assert not marker.exists()
    hostile.nothing_outside()


def test_a_list_nested_a_thousand_deep_costs_one_warning(hostile):
    (hostile.store / "interactions/2026/11/deep000000.yaml").write_text(
        record("deep000000") + "x-deep: " + "[" * 990 + "]" * 990 + "\n")
    for _ in range(2):  # building the index, then reading it
        hostile.listed_around("interactions/2026/11/deep000000.yaml")
    hostile.checked("interactions/2026/11/deep000000.yaml")


# --- interact.yaml, key by key --------------------------------------------------------

@pytest.mark.parametrize("line, says", [
    ("users: 5", "interact.yaml has users: 5, which should be a list of user names, like [alice, bob]"),
    ("types: call", "interact.yaml has types: 'call', which should be a list of words, like [call, visit, email]"),
])
def test_a_wrong_configuration_value_is_one_line_for_every_command(hostile, line, says):
    config = hostile.store / "interact.yaml"
    key = line.split(":")[0]
    config.write_text("".join(f"{line}\n" if old.startswith(f"{key}:") else old
                              for old in config.read_text().splitlines(keepends=True)))
    for args in (EVERYTHING, ("log", "call", "jane", "Hi"), ("types",), ("contact", "list")):
        hostile.refused(*args, says=says)
    assert hostile.checked("interact.yaml") == [f"interact.yaml: {says.split('interact.yaml ', 1)[1]}"]


# --- links ----------------------------------------------------------------------------

def stranger(hostile: Hostile, rid: str) -> Path:
    """A valid record outside the store, where a link points."""
    path = hostile.outside / f"{rid}.yaml"
    path.write_text(record(rid, when="2026-12-01T10:00:00+00:00"))
    return path


def test_a_linked_month_folder_is_not_read_and_not_written(hostile):
    stranger(hostile, "5tr4ng3r00")
    (hostile.store / "interactions/2026/12").symlink_to(hostile.outside, target_is_directory=True)
    hostile.before = hostile.around()
    result = hostile.listed_around("interactions/2026/12")
    assert "5tr4ng3r00" not in result.stdout
    says = "refused to write: interactions/2026/12 in the store is a symbolic link"
    hostile.refused("assign", "call", "jane", "--when", "2026-12-02T10:00", says=says)
    hostile.refused("edit", OPEN_CALL[:4], "--when", "2026-12-03T10:00", says=says)  # a move into it
    hostile.refused("show", "5tr4", says="no interaction has an id starting with '5tr4'")
    hostile.checked("interactions/2026/12")


def test_a_linked_record_file_pointing_outside_is_not_read(hostile):
    (hostile.store / "interactions/2026/11/5tr4ng3r00.yaml").symlink_to(stranger(hostile, "5tr4ng3r00"))
    (hostile.store / "contacts/mallory.yaml").symlink_to(hostile.outside / "notes.txt")
    hostile.before = hostile.around()
    result = hostile.listed_around("interactions/2026/11/5tr4ng3r00.yaml")
    assert "5tr4ng3r00" not in result.stdout
    assert "is a symbolic link" in result.stderr
    hostile.refused("show", "5tr4", says="cannot read interactions/2026/11/5tr4ng3r00.yaml: is a symbolic link")
    hostile.refused("contact", "show", "mallory", says="no contact matches 'mallory'")
    hostile.checked("interactions/2026/11/5tr4ng3r00.yaml", "contacts/mallory.yaml")


def test_linked_attachments_are_not_read_and_not_written(hostile, tmp_path):
    (hostile.store / "attachments").symlink_to(hostile.outside, target_is_directory=True)
    (hostile.outside / OPEN_CALL).mkdir()
    (hostile.outside / OPEN_CALL / "secret.txt").write_text("not the store's\n")
    quote = tmp_path / "quote.txt"
    quote.write_text("a quote\n")
    hostile.before = hostile.around()
    says = "refused to write: attachments in the store is a symbolic link"
    hostile.refused("attach", OPEN_CALL[:4], str(quote), says=says)
    hostile.refused("delete", OPEN_CALL[:4], "--yes", says=says)
    shown = hostile.run("show", OPEN_CALL[:4])
    assert shown.returncode == 0 and "secret.txt" not in shown.stdout
    assert "warning: skipped attachments: is a symbolic link" in shown.stderr
    hostile.checked("attachments")


def test_a_linked_attachment_folder_inside_the_store_is_refused_too(hostile, tmp_path):
    (hostile.store / "attachments").mkdir()
    (hostile.store / "attachments" / OPEN_CALL).symlink_to(hostile.outside, target_is_directory=True)
    quote = tmp_path / "quote.txt"
    quote.write_text("a quote\n")
    hostile.before = hostile.around()
    hostile.refused("attach", OPEN_CALL[:4], str(quote), says=f"attachments/{OPEN_CALL} in the store is a symbolic")
    hostile.refused("delete", OPEN_CALL[:4], "--yes", says="is a symbolic link")
    hostile.checked(f"attachments/{OPEN_CALL}")


def test_a_linked_cache_is_not_used_and_writers_refuse(hostile):
    (hostile.store / ".cache").symlink_to(hostile.outside, target_is_directory=True)
    hostile.before = hostile.around()
    hostile.listed_around(".cache")
    says = "refused to write: .cache in the store is a symbolic link"
    hostile.refused("log", "call", "jane", "Hi", says=says)
    hostile.refused("comment", OPEN_CALL[:4], "Hi", says=says)
    hostile.refused("contact", "edit", "jane", "--set", "x=y", says=says)
    assert sorted(p.name for p in hostile.outside.iterdir()) == ["notes.txt"]  # no index, no lock
    hostile.checked(".cache")


def test_a_linked_index_file_is_not_used(hostile):
    (hostile.store / ".cache").mkdir()
    target = hostile.outside / "notes.txt"
    (hostile.store / ".cache/index.sqlite").symlink_to(target)
    hostile.before = hostile.around()
    hostile.listed_around(".cache/index.sqlite")
    assert hostile.run("log", "call", "jane", "Hi").returncode == 0
    hostile.nothing_outside()
    hostile.checked(".cache/index.sqlite")


def test_a_fifo_named_as_a_record_never_hangs_a_read(hostile):
    os.mkfifo(hostile.store / "interactions/2026/11/f1f0000000.yaml")
    hostile.listed_around("interactions/2026/11/f1f0000000.yaml")  # within run's time-out
    hostile.checked("interactions/2026/11/f1f0000000.yaml")


# --- one id in two files ----------------------------------------------------------------

def test_one_id_in_two_files_is_shown_once_with_a_warning(hostile):
    old = hostile.store / "interactions/2026/11/w6f5qnbw9x.yaml"
    moved = hostile.store / "interactions/2026/12/w6f5qnbw9x.yaml"  # a move killed midway, or a bad merge
    moved.parent.mkdir()
    moved.write_text(old.read_text().replace("due: 2026-11-18", "due: 2026-12-18"))
    result = hostile.listed_around("w6f5qnbw9x")
    assert "interactions/2026/11/w6f5qnbw9x.yaml, interactions/2026/12/w6f5qnbw9x.yaml" in result.stderr
    assert result.stdout.split().count(OPEN_CALL) == 1
    shown = hostile.run("show", OPEN_CALL[:4], "--format", "json")
    assert '"due": "2026-12-18"' in shown.stdout and "is in 2 files" in shown.stderr
    lines = hostile.checked("interactions/2026/11/w6f5qnbw9x.yaml", "interactions/2026/12/w6f5qnbw9x.yaml")
    assert "interactions/2026/11/w6f5qnbw9x.yaml: id 'w6f5qnbw9x' is also used by " \
           "interactions/2026/12/w6f5qnbw9x.yaml" in lines


def test_check_escapes_control_characters_in_file_names(hostile):
    (hostile.store / "interactions/2026/11/\x1b]0;pwned\x07.txt").write_text("x")
    lines = hostile.checked("interactions/2026/11/\\x1b]0;pwned\\x07.txt")
    assert not any("\x1b" in line or "\x07" in line for line in lines)
