"""SPEC §7, No lost update: every read-modify-write holds the store's lock from the read to the
rename, so parallel writers lose no record, post, field or type, and a type renamed while
others log leaves no record whose type vanished."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from interact.check import check
from interact.model import load
from interact.store import Store

from conftest import DEMO, INTERACT, Run

SHARED = "w6f5qnbw9x"  # an open call in the demo store: every writer comments on it

# one worker: 25 operations in turn, each a whole `interact` command (in one Python process,
# so that 200 commands take seconds); a refused command is printed, not fatal
WORKER = """
import sys
from interact.cli import cli
root, worker, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
operations = [
    lambda i: ["log", "call", "jane", f"w{worker} log {i}"],
    lambda i: ["comment", "SHARED", f"w{worker} post {i}"],
    lambda i: ["contact", "edit", "jane", "--set", f"w{worker}f{i}=v{i}"],
    lambda i: ["types", "add", f"w{worker}t{i}"],
]
for i in range(count):
    args = operations[i % len(operations)](i)
    try:
        cli.main(["--dir", root, *args], prog_name="interact", standalone_mode=False)
    except Exception as error:
        print("FAILED", args, repr(error), file=sys.stderr)
""".replace("SHARED", SHARED)


def workers(root: Path, script: str, count: int, *extra: str) -> list[tuple[str, str]]:
    running = [subprocess.Popen([sys.executable, "-c", script, str(root), str(w), *extra], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for w in range(count)]
    return [worker.communicate(timeout=120) for worker in running]


@pytest.fixture
def store(tmp_path) -> Path:
    import shutil

    root = tmp_path / "records"
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns(".cache"))
    return root


def test_8_writers_25_operations_each_lose_nothing(store):
    before = Store(store)
    records_before, types_before = len(before.interactions()), before.config.types
    outputs = workers(store, WORKER, 8, "25")
    assert all("FAILED" not in err for _, err in outputs), [err for _, err in outputs if "FAILED" in err]
    after = Store(store)
    found = after.interactions()
    assert after.warnings == []
    logs = sorted(r["note"] for r in found if str(r.get("note", "")).startswith("w"))
    assert logs == sorted(f"w{w} log {i}" for w in range(8) for i in range(0, 25, 4))  # 56 records
    [shared] = [r for r in found if r["id"] == SHARED]
    assert sorted(p["text"] for p in shared["posts"]) == sorted(f"w{w} post {i}" for w in range(8)
                                                                 for i in range(1, 25, 4))  # 48 posts
    fields = after.contacts()["jane-doe"]["fields"]
    assert {k: v for k, v in fields.items() if k.startswith("w")} == {
        f"w{w}f{i}": f"v{i}" for w in range(8) for i in range(2, 25, 4)}  # 48 fields
    assert after.config.types == types_before + [t for t in after.config.types if t not in types_before]
    assert sorted(set(after.config.types) - set(types_before)) == sorted(
        f"w{w}t{i}" for w in range(8) for i in range(3, 25, 4))  # 48 types
    assert len(found) == records_before + 56
    assert check(store, time.time()) == []


@pytest.mark.skipif(not INTERACT.exists(), reason=f"{INTERACT} is not installed")
def test_8_parallel_contact_edits_keep_8_fields(store):
    running = [subprocess.Popen([str(INTERACT), "--dir", str(store), "contact", "edit", "jane", "--set", f"f{n}=v{n}"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(8)]
    for process in running:
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    fields = load((store / "contacts" / "jane-doe.yaml").read_bytes())["fields"]
    assert {k: v for k, v in fields.items() if k.startswith("f")} == {f"f{n}": f"v{n}" for n in range(8)}


RENAMER = """
import sys
from interact.cli import cli
root = sys.argv[1]
for i in range(int(sys.argv[3])):
    old, new = ("chat", "talk") if i % 2 == 0 else ("talk", "chat")
    cli.main(["--dir", root, "types", "rename", old, new], prog_name="interact", standalone_mode=False)
"""

LOGGER = """
import sys
import click
from interact.cli import cli
root, refused = sys.argv[1], 0
for i in range(int(sys.argv[3])):
    for type_ in ("chat", "talk"):
        try:
            cli.main(["--dir", root, "log", type_, "jane", f"logged as {type_}"], prog_name="interact",
                     standalone_mode=False)
        except click.ClickException:  # not a configured type at that moment
            refused += 1
print(refused)
"""


def test_types_rename_racing_log_leaves_no_record_whose_type_vanished(store):
    renamer = subprocess.Popen([sys.executable, "-c", RENAMER, str(store), "0", "10"], stderr=subprocess.PIPE,
                               text=True)
    loggers = workers(store, LOGGER, 2, "15")
    _, err = renamer.communicate(timeout=120)
    assert renamer.returncode == 0, err
    refused = sum(int(out.split()[-1]) for out, _ in loggers)  # after the ids it logged
    after = Store(store)
    assert after.config.types.count("chat") == 1 and "talk" not in after.config.types
    logged = [r for r in after.interactions() if str(r.get("note", "")).startswith("logged as")]
    assert len(logged) + refused == 2 * 2 * 15 and logged  # each log either written or refused
    assert {r["type"] for r in logged} == {"chat"}  # renamed back with the others, none left behind
    assert after.warnings == [] and check(store, time.time()) == []


def test_a_type_renamed_while_a_log_resolves_its_people_is_refused_not_written(store, monkeypatch):
    """The moment of the race, made certain: `types rename` runs after `log` has read the
    configuration and before it writes; the log checks the type again under the lock."""
    from interact import actions, types_config

    resolve = actions._gather_people

    def meanwhile(*args, **kwargs):
        types_config.rename(Store(store), "chat", "talk")  # another process, at that moment
        return resolve(*args, **kwargs)

    monkeypatch.setattr(actions, "_gather_people", meanwhile)
    before = {p.name for p in (store / "interactions").rglob("*.yaml")}
    result = Run(store)("log", "chat", "jane", "Racing")
    assert result.exit_code == 1 and "'chat' is not a configured type" in result.stderr
    assert {p.name for p in (store / "interactions").rglob("*.yaml")} == before
    assert check(store, time.time()) == []
