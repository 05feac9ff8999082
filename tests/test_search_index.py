"""The full-text index (SPEC §11): `search` through SQLite FTS5 finds what reading every record
finds, in the same order, the first N of a common word without reading the others; and the
first read of a store streams (bounded memory) and says how far it has got."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from interact import index
from interact.dates import local_tz
from interact.index import found
from interact.model import ID_ALPHABET, Record, shortest_prefixes
from interact.fulltext import first_in_order, sort_code
from interact.query import Filter, filter_records
from interact.store import Store

from conftest import NOW, Run
from packstore import Recorded, make
from test_index import settle

SEARCHES = [
    ("renewal",), ("newal",), ("zoe",), ("ZOË",), ("jane",), ("acme",), ("pricing", "quote"), ("pricing quote",),
    ("re",), ("a", "renewal"), ("okonkwo",), ("okonkwo", "--limit", "2"), ("case:4711",), ("4711",), ("left voicemail",), ("kestrel",), ("nothing-like-it",),
    ("renewal", "--limit", "3"), ("quote", "--limit", "1", "--status", "outstanding"), ("call", "--limit", "5"),
    ("renewal", "--status", "completed", "--limit", "2"), ("brochure", "--mine"), ("visit", "--to", "bob"),
]


@pytest.fixture
def store(tmp_path) -> Path:
    root = make(tmp_path / "records")
    run = Run(root)
    run.ok("pack")
    rid = run.ok("log", "call", "Jane Doe", "About the case", "--relates", "case:4711").stdout.strip()
    run.ok("comment", rid, "Left voicemail about Zoë's renewal")
    run.ok("contact", "edit", "raj-patel", "--name", "Rajesh Okonkwo")  # a name its id no longer tells
    return root


def searched(root: Path, *options) -> list:
    run = Run(root)
    return [run.ok(*options, "search", *args, "--format", "ids") for args in SEARCHES]


def test_search_through_the_full_text_index_finds_what_reading_every_record_finds(store):
    expected = [(r.stdout, r.stderr) for r in searched(store, "--no-cache")]
    assert [(r.stdout, r.stderr) for r in searched(store)] == expected  # built
    assert [(r.stdout, r.stderr) for r in searched(store)] == expected  # read back
    assert sum(1 for out, _ in expected if out) >= 14  # the queries find things


def test_without_fts5_search_reads_the_facets_and_finds_the_same(store, monkeypatch):
    expected = [r.stdout for r in searched(store, "--no-cache")]
    monkeypatch.setattr(index, "FULL_TEXT", False)  # as where SQLite has no FTS5
    for name in ("", "-wal", "-shm"):
        (store / ".cache" / f"{index.INDEX_NAME}{name}").unlink(missing_ok=True)
    assert [r.stdout for r in searched(store)] == expected
    with __import__("sqlite3").connect(store / ".cache" / index.INDEX_NAME) as connection:
        assert not connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'found_text'").fetchall()


def test_the_full_text_index_follows_edits_packs_and_deletions(store):
    run = Run(store)
    run.ok("search", "renewal")  # built
    victim = run.ok("search", "renewal", "--format", "ids").stdout.split()[0]
    run.ok("edit", victim, "--tag", "albatross")  # loose now, over its packed copy
    assert run.ok("search", "albatross", "--format", "ids").stdout.split() == [victim]
    run.ok("pack")  # folded back: its pack is read again
    assert run.ok("search", "albatross", "--format", "ids").stdout.split() == [victim]
    run.ok("delete", victim, "--yes")
    assert run.ok("search", "albatross", "--format", "ids").stdout == ""
    path = next(store.glob("interactions/2026/09/*.yaml"))
    path.write_text(path.read_text().replace("note: ", "note: Cormorant "))
    assert run.ok("search", "cormorant", "--format", "ids").stdout.split() == [path.stem]
    assert run.ok("search", "cormorant", "--format", "ids").stdout == \
        run.ok("--no-cache", "search", "cormorant", "--format", "ids").stdout


def _records(count: int, rng: random.Random) -> list[Record]:
    """Interactions with deadlines of every kind: `when` (+ duration), a due day, or neither."""
    start = datetime(2026, 11, 20, tzinfo=timezone.utc)
    records = []
    for n in range(count):
        record = Record({"id": "".join(rng.choice(ID_ALPHABET) for _ in range(10)), "type": "call",
                         "note": "renewal"})
        roll = rng.random()
        if roll < 0.45:
            when = start + timedelta(minutes=rng.randrange(0, 10 * 24 * 60, 30))
            record["when"] = when.isoformat()
            if rng.random() < 0.5:
                record["duration"] = rng.choice([15, 30, 60, 600])
        if 0.3 < roll < 0.9:
            record["due"] = (start + timedelta(days=rng.randrange(0, 10))).date().isoformat()
        records.append(record)
    return records


@pytest.mark.parametrize("zone", ["Europe/London", "Pacific/Kiritimati", "Etc/GMT+12", "America/St_Johns"])
def test_the_first_n_in_listing_order_are_found_without_reading_the_rest(zone):
    """Candidates come in sort-code order (a due day ends at midnight UTC there); the first N
    by deadline in the user's zone are still exactly those of the full sort."""
    tz = local_tz(zone, None)
    now = datetime(2026, 11, 25, 10, tzinfo=timezone.utc)
    rng = random.Random(zone)
    for _ in range(20):
        records = _records(rng.randrange(5, 120), rng)
        candidates = sorted(((sort_code(r), n, r) for n, r in enumerate(records)), key=lambda c: c[:2])
        for limit in (1, 3, 10, 200):
            flt = Filter(words=("renewal",), limit=limit)
            read = []
            stream = ((code, read.append(r) or r) for code, _, r in candidates)
            assert first_in_order(stream, flt, now, tz, None) == filter_records(records, flt, now, tz)
            if limit <= 3 and len(records) > 60:
                assert len(read) < len(records)  # it stopped early


def test_a_word_in_most_records_with_a_limit_reads_a_few_of_them(store, monkeypatch):
    run = Run(store)
    run.ok("search", "call")  # built
    settle(store, monkeypatch)  # nothing to look at again (the packs were written a moment ago)
    unpickled = []
    original = found._unpickled
    monkeypatch.setattr(found, "_unpickled", lambda blob: unpickled.append(1) or original(blob))
    every = run.ok("search", "renewal", "--format", "ids").stdout.split()
    assert len(unpickled) >= len(every) > 6
    unpickled.clear()
    first = run.ok("search", "renewal", "--limit", "2", "--format", "ids").stdout.split()
    assert first == every[:2] and len(unpickled) < len(every)


def test_id_prefixes_are_unique_among_every_id_packed_and_loose(store):
    reader = Store(store)
    reader.interactions()
    every = Store(store, cache=False).interaction_ids()
    wanted = every[::3]
    assert reader.id_prefixes(wanted) == shortest_prefixes(every, wanted=wanted)



def test_a_listing_that_finds_nothing_looks_at_no_id(store, monkeypatch):
    """An empty search or listing needs no prefixes: it must not read every id of the store."""
    def every_id(self):
        raise AssertionError("read every id for an empty listing")

    monkeypatch.setattr(Store, "interaction_ids", every_id)
    reader = Store(store)
    assert reader.id_prefixes([]) == {}
    reader.interactions()
    assert reader.id_prefixes(iter(())) == {}

def test_the_first_read_holds_a_few_folders_at_once_not_the_store(tmp_path, monkeypatch):
    root = make(tmp_path / "records", per_month=40)
    Run(root).ok("pack", "--before", "2026-06")  # packs and folders both
    from interact.index import folders

    most = [0]
    original = folders._Folder.narrow

    def narrow(self, tree, narrowing):
        held = [f for f in loads[-1].leaves.values() if f.items]  # holding parsed records
        most[0] = max(most[0], len(held))
        return original(self, tree, narrowing)

    loads = []
    original_init = index.load._Load.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        loads.append(self)

    monkeypatch.setattr(folders._Folder, "narrow", narrow)
    monkeypatch.setattr(index.load._Load, "__init__", init)
    for forked in (False, True):
        if forked:
            monkeypatch.setattr(index, "PARSE_APART_FROM", 0)
        (root / ".cache" / index.INDEX_NAME).unlink(missing_ok=True)
        reader = Store(root)
        records = reader.interactions(index.Narrowing(owner="alice", done=False))
        leaves = len(loads[-1].leaves)
        assert leaves >= 8 and most[0] <= 3, (leaves, most[0])  # parsed and stored a folder at a time
        assert {r["id"] for r in records} >= {r["id"] for r in Store(root, cache=False).interactions()
                                              if r.get("assignee") == "alice" and not r.get("completed_at")}


def test_a_big_first_read_and_pack_say_how_far_they_have_got(tmp_path, monkeypatch):
    root = make(tmp_path / "records", per_month=10)
    monkeypatch.setattr(index, "PROGRESS_FROM", 1)
    Recorded.shown = []
    reader = Store(root)
    reader.progress = Recorded
    reader.interactions()
    [bar] = [bar for bar in Recorded.shown if bar.label.startswith("Reading")]
    assert bar.total >= 60 and bar.done == bar.total
    from interact.packing import first_kept, pack

    Recorded.shown = []
    pack(reader, first_kept(reader, datetime(2026, 11, 25).date()))
    [bar] = Recorded.shown
    assert bar.label == "Packing closed months" and bar.done == bar.total == 40


def _stderr_of_pack(root: Path, terminal: bool) -> str:
    env = {**os.environ, "INTERACT_NOW": NOW, "INTERACT_USER": "alice", "TZ": "Europe/London"}
    command = [str(Path(sys.executable).with_name("interact")), "--dir", str(root), "pack"]
    if not terminal:
        return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stderr
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        out += chunk
    process.wait()
    os.close(leader)
    return out.decode()


def test_the_progress_bar_is_on_a_terminal_only(tmp_path):
    piped = _stderr_of_pack(make(tmp_path / "piped"), terminal=False)
    assert piped.splitlines() == ["packed 20 interactions into 4 month packs (months before 2026-08)"]
    shown = _stderr_of_pack(make(tmp_path / "terminal"), terminal=True)
    assert "Packing closed months" in shown and "100%" in shown and "packed 20 interactions" in shown
