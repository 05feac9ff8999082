"""No lost or torn record under any fault: parallel writers, SIGKILL, a full disk, a read-only store."""

from __future__ import annotations

import errno
import itertools
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from interact import store as store_module
from interact.check import check
from interact.model import Record, dump
from interact.atomic import atomic_write
from interact.layout import init_store
from interact.store import Store

from conftest import INTERACT, snapshot

OPEN_CALL = "w6f5qnbw9x"  # an open call with Jane Doe in the demo store

needs_interact = pytest.mark.skipif(not INTERACT.exists(), reason=f"{INTERACT} is not installed")


@pytest.fixture
def jane_store(tmp_path) -> Path:
    root = init_store(tmp_path / "store")
    Store(root).save(Record({"id": "jane-doe", "name": "Jane Doe"}), "contact", new=True)
    return root


def assert_clean(root: Path, records: int) -> list[Record]:
    store = Store(root)
    found = store.interactions()
    assert store.warnings == []
    assert len(found) == records
    assert check(root, time.time()) == []
    return found


# --- parallel writers ------------------------------------------------------------------

DRIVER = """
import sys
from interact.cli import cli
root, worker, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(count):
    cli.main(["--dir", root, "log", "call", "jane", f"worker {worker} call {i}"], prog_name="interact",
             standalone_mode=False)
"""


def test_8_processes_logging_25_times_each_make_200_distinct_records(jane_store):
    workers = [subprocess.Popen([sys.executable, "-c", DRIVER, str(jane_store), str(w), "25"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for w in range(8)]
    printed = []
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        printed += out.split()
    records = assert_clean(jane_store, 200)
    assert len({r["id"] for r in records}) == 200
    assert sorted(printed) == sorted(r["id"] for r in records)
    assert {r["note"] for r in records} == {f"worker {w} call {i}" for w in range(8) for i in range(25)}


@needs_interact
def test_parallel_real_interact_processes_lose_nothing(jane_store):
    loop = 'for i in 1 2; do "$0" --dir "$1" log call jane "worker $2 call $i" || exit 1; done'
    workers = [subprocess.Popen(["sh", "-c", loop, str(INTERACT), str(jane_store), str(w)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for w in range(8)]
    for worker in workers:
        _, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
    records = assert_clean(jane_store, 16)
    assert {r["note"] for r in records} == {f"worker {w} call {i}" for w in range(8) for i in (1, 2)}


@needs_interact
def test_parallel_new_contacts_of_one_name_get_distinct_ids(jane_store):
    workers = [subprocess.Popen([str(INTERACT), "--dir", str(jane_store), "log", "call", "Sam Lee", "--new",
                                 "--duplicate"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(6)]
    for worker in workers:
        _, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
    contacts = sorted(p.stem for p in (jane_store / "contacts").glob("sam-lee*.yaml"))
    assert contacts == ["sam-lee", "sam-lee-2", "sam-lee-3", "sam-lee-4", "sam-lee-5", "sam-lee-6"]
    records = assert_clean(jane_store, 6)
    assert sorted(r["contacts"][0] for r in records) == contacts


# --- killed writers --------------------------------------------------------------------

def test_a_writer_killed_at_random_moments_leaves_the_old_file_or_the_new_never_a_torn_one(jane_store):
    """A child rewrites one record in a loop; the parent SIGKILLs it after a random short delay."""
    rid = "k1118ed0ne"
    base = {"id": rid, "type": "call", "when": "2026-11-24T14:30:00+00:00", "contacts": ["jane-doe"],
            "created_at": "2026-11-24T14:30:00+00:00"}
    versions = [dump({**base, "note": letter * size}, "interaction").encode()
                for letter, size in (("a", 50_000), ("b", 100_000))]
    path = jane_store / "interactions/2026/11" / f"{rid}.yaml"
    atomic_write(path, versions[0])
    rng = random.Random(20261125)
    seen = set()
    for n in range(250):
        pid = os.fork()
        if pid == 0:  # the child: rewrite until killed
            try:
                for i in itertools.count(1):
                    atomic_write(path, versions[i % 2])
            finally:
                os._exit(1)
        time.sleep(rng.uniform(0, 0.03 if n % 5 == 0 else 0.003))  # now and then, long enough for a rename
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        data = path.read_bytes()
        assert data in versions, f"torn file: {len(data)} bytes"
        seen.add(data)
    assert len(seen) == 2  # the kills landed on both sides of a rename
    leftovers = sorted(p.name for p in path.parent.iterdir() if p.name != path.name)
    assert leftovers and all(n.startswith(f".{rid}.yaml.") and n.endswith(".tmp") for n in leftovers)
    # readers skip the leftovers; check ignores fresh ones and reports stale ones
    [record] = assert_clean(jane_store, 1)
    assert record["note"][0] in "ab"
    stale = [str(p) for p in check(jane_store, time.time() + 3600)]
    assert len(stale) == len(leftovers)
    assert all("left over from an interrupted write" in line for line in stale)


@needs_interact
def test_killed_interact_processes_leave_only_whole_records(jane_store):
    rid = subprocess.run([str(INTERACT), "--dir", str(jane_store), "assign", "call", "jane"],
                         capture_output=True, text=True, check=True).stdout.strip()
    rng = random.Random(7)
    comment = "x" * 400_000
    posts = []
    for _ in range(8):
        writer = subprocess.Popen([str(INTERACT), "--dir", str(jane_store), "comment", rid, "-"],
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        writer.stdin.write(comment.encode())
        writer.stdin.close()
        time.sleep(rng.uniform(0.02, 0.15))
        writer.kill()
        finished = writer.wait() == 0
        [record] = assert_clean(jane_store, 1)
        before, posts = posts, record.get("posts") or []
        assert all(post["text"] == comment for post in posts)
        # one more whole comment, or none if it was killed before its rename
        assert len(posts) - len(before) in ((1,) if finished else (0, 1))


# --- a full disk, a read-only store ----------------------------------------------------

def _failing(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return fail


WRITES = [
    ("log", "call", "jane", "Talked"),
    ("assign", "call", "raj", "--due", "fri"),
    ("complete", OPEN_CALL[:4], "--outcome", "Done", "--follow-up", "mon 10am"),
    ("edit", OPEN_CALL[:4], "--when", "2026-12-03T10:00"),
    ("comment", OPEN_CALL[:4], "Noted"),
    ("contact", "add", "New Person"),
    ("account", "edit", "acme", "--town", "York"),
    ("log", "call", "Newcomer", "--new"),
]


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
@pytest.mark.parametrize("stage", ["create", "write", "rename"])
@pytest.mark.parametrize("command", WRITES, ids=lambda c: " ".join(c[:2]))
def test_a_failed_write_exits_1_clearly_and_changes_nothing(run, demo, monkeypatch, code, stage, command):
    before = snapshot(demo)
    if stage == "create":
        monkeypatch.setattr(tempfile, "mkstemp", _failing(code))
    elif stage == "write":
        monkeypatch.setattr(store_module.os, "fsync", _failing(code))
    else:
        monkeypatch.setattr(store_module.os, "replace", _failing(code))
        monkeypatch.setattr(store_module.os, "link", _failing(code))
    result = run(*command)
    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: could not write {demo}/")  # the record, not a temporary file
    assert f".yaml: {os.strerror(code)}. Nothing was changed;" in line
    assert snapshot(demo) == before


def test_log_new_is_taken_back_whole_when_its_contact_cannot_be_written(run, demo, monkeypatch):
    """The interaction goes in first, the contact --new made last (SPEC §7); when the contact
    cannot be written, the interaction is taken back, so that "Nothing was changed" is true."""
    before = snapshot(demo)
    real_link = os.link
    calls = []

    def link_once(*args, **kwargs):  # the interaction's file goes in; the contact's does not
        calls.append(args)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), args[1])
        return real_link(*args, **kwargs)

    monkeypatch.setattr(store_module.os, "link", link_once)
    result = run("log", "call", "Newcomer", "--new")
    assert result.exit_code == 1 and "No space left on device. Nothing was changed" in result.stderr
    assert len(calls) == 2 and "/interactions/" in str(calls[0][1]) and "/contacts/" in str(calls[1][1])
    assert snapshot(demo) == before


def _read_only_mount_works(folder: Path) -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && ! touch "$0/probe" 2>/dev/null'
    return subprocess.run(["unshare", "-m", "sh", "-c", probe, str(folder)], capture_output=True).returncode == 0


@needs_interact
@pytest.mark.parametrize("command", [WRITES[0], WRITES[2], WRITES[5]], ids=lambda c: " ".join(c[:2]))
def test_a_really_read_only_store(demo, command):
    """A read-only bind mount of the store (in a private mount namespace)."""
    if not _read_only_mount_works(demo):
        pytest.skip("a read-only bind mount needs root and mount namespaces (unshare -m)")
    before = snapshot(demo)
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    result = subprocess.run(["unshare", "-m", "sh", "-c", script, str(demo), str(INTERACT), "--dir", str(demo),
                             *command], capture_output=True, text=True)
    assert result.returncode == 1
    assert "Read-only file system. Nothing was changed;" in result.stderr
    assert snapshot(demo) == before


def _unprivileged():
    """Run a child as `nobody` when we are root: chmod does not stop root."""
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)


@needs_interact
@pytest.mark.parametrize("command", [WRITES[0], WRITES[2], WRITES[5]], ids=lambda c: " ".join(c[:2]))
def test_a_store_without_write_permission(demo, command):
    folder = Path(tempfile.mkdtemp(prefix="interact-ro-"))
    try:
        folder.chmod(0o755)
        root = folder / "records"
        shutil.copytree(demo, root)
        try:
            runs = subprocess.run([str(INTERACT), "--version"], capture_output=True,
                                  preexec_fn=_unprivileged).returncode == 0
        except OSError:
            runs = False
        if not runs:
            pytest.skip(f"{INTERACT} cannot run as an unprivileged user here (its Python is not readable by "
                        "nobody), and chmod does not stop root")
        for path in [root, *root.rglob("*")]:
            if path.is_dir():
                path.chmod(0o555)
        before = snapshot(root)
        result = subprocess.run([str(INTERACT), "--dir", str(root), *command], capture_output=True, text=True,
                                preexec_fn=_unprivileged)
        assert result.returncode == 1
        assert "Permission denied. Nothing was changed;" in result.stderr
        assert snapshot(root) == before
    finally:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(folder)
