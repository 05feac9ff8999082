"""The index in .cache/: an accelerator only. Every read gives what parsing every file gives."""

import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Run
from interact import index
from interact.store import Store

LISTINGS = [
    ("list", "--everyone", "--status", "all", "--format", "json"),
    ("list", "--everyone", "--status", "missed"),
    ("list", "--count", "--everyone"),
    ("search", "renewal"),
    ("search", "jane"),                                   # a contact's name
    ("search", "acme", "--status", "outstanding", "--format", "ids"),
    ("search", "multi-year price", "--mine"),             # a phrase
    ("today", "--everyone"),
    ("show", "abw0", "--format", "json"),
    ("contact", "list", "--format", "json"),
    ("account", "list", "--format", "json"),
]


@pytest.fixture(params=["python", "find", "no-find", "forked"])
def walker(request, monkeypatch):
    """How changes are found: a Python walk (small stores), `find`, or the walk where there is
    no `find`; and how files are parsed: here, or shared with forked processes (big stores)."""
    if request.param != "python":
        monkeypatch.setattr(index, "FIND_FROM", 0)
    if request.param == "no-find":
        monkeypatch.setattr(index, "FIND", "/nonexistent/find")
    if request.param == "forked":
        monkeypatch.setattr(index, "PARSE_APART_FROM", 0)
    return request.param


@pytest.fixture
def store(demo) -> Path:
    """The demo store with a second month, a file that does not parse, one that is no valid
    interaction, and a folder where a file should be."""
    month = demo / "interactions" / "2026" / "11"
    october = demo / "interactions" / "2026" / "10"
    october.mkdir()
    text = (month / "abw0xgqwfy.yaml").read_text()
    (october / "ab00000001.yaml").write_text(text.replace("abw0xgqwfy", "ab00000001").replace("2026-11-03", "2026-10-03"))
    (month / "zz00000001.yaml").write_text("id: zz00000001\ntype: [not, closed\n")
    (month / "zz00000002.yaml").write_text("id: zz00000002\ntype: carrier-pigeon\n")
    (month / "zz00000003.yaml").mkdir()
    (demo / "contacts" / "broken.yaml").write_text("name: No Id\n")
    return demo


def view(root: Path, cache: bool = True):
    """Everything read from the store: records with their paths, and the warnings."""
    store = Store(root, cache=cache)
    interactions = [(str(r.path), dict(r)) for r in store.interactions()]
    contacts = {k: (str(r.path), dict(r)) for k, r in store.contacts().items()}
    accounts = {k: (str(r.path), dict(r)) for k, r in store.accounts().items()}
    return interactions, contacts, accounts, store.warnings, sorted(store.interaction_ids())


def index_file(root: Path) -> Path:
    return root / ".cache" / index.INDEX_NAME


def last_checked_before(root: Path, path: Path) -> None:
    """Make the index's last check look as if it happened just before `path` last changed."""
    with sqlite3.connect(index_file(root)) as connection:
        connection.execute("UPDATE trees SET clock = ?", (os.stat(path).st_ctime_ns - 1,))


def settle(root: Path, monkeypatch) -> None:
    """Make the index's last check look as if it happened after every change so far (and
    without the margin): a read then has nothing to look at again."""
    monkeypatch.setattr(index, "MARGIN_NS", 0)
    newest = max((p for p in root.rglob("*") if ".cache" not in p.parts), key=lambda p: os.stat(p).st_ctime_ns)
    with sqlite3.connect(index_file(root)) as connection:
        connection.execute("UPDATE trees SET clock = ?", (os.stat(newest).st_ctime_ns,))


def count_parses(monkeypatch) -> list:
    parsed = []
    original = Store.parse_data

    def counting(self, data, path, kind):
        parsed.append(os.path.basename(path))
        return original(self, data, path, kind)

    monkeypatch.setattr(Store, "parse_data", counting)
    return parsed


def test_same_records_and_warnings_with_and_without_the_index(store, walker):
    expected = view(store, cache=False)
    assert len(expected[0]) == 15 and len(expected[3]) == 4
    assert not index_file(store).exists()
    assert view(store) == expected  # built
    assert index_file(store).exists()
    assert view(store) == expected  # read back
    assert not list((store / ".cache").glob("clock-*"))  # the scratch files are gone


def test_listings_are_identical_with_and_without_the_index(store, walker):
    run = Run(store)
    for args in LISTINGS:
        uncached = run.ok("--no-cache", *args)
        for _ in range(2):  # building the index, then reading it
            cached = run.ok(*args)
            assert (cached.stdout, cached.stderr) == (uncached.stdout, uncached.stderr), args
        if args[0] == "list":
            assert "skipped interactions/2026/11/zz00000001.yaml: does not parse" in cached.stderr


def test_warnings_are_repeated_from_the_index_without_parsing_again(store, monkeypatch):
    expected = view(store, cache=False)
    view(store)
    settle(store, monkeypatch)
    parsed = count_parses(monkeypatch)
    assert view(store) == expected
    assert [w for w in expected[3] if "does not parse" in w] and parsed == []


def test_edit_in_place_with_the_same_size_and_the_old_mtime_is_seen(store, walker, monkeypatch):
    view(store)
    path = store / "interactions" / "2026" / "11" / "abw0xgqwfy.yaml"
    before = os.stat(path)
    text = path.read_text()
    with open(path, "r+") as handle:  # in place: the folder does not change
        handle.write(text.replace("Quarterly review", "Quarterly REVIEW"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size and os.stat(path).st_mtime_ns == before.st_mtime_ns
    monkeypatch.setattr(index, "MARGIN_NS", 0)
    last_checked_before(store, path)
    interactions = view(store)[0]
    assert [r["note"] for _, r in interactions if r["id"] == "abw0xgqwfy"] == ["Quarterly REVIEW on site"]
    assert view(store) == view(store, cache=False)


def test_search_finds_what_an_edit_wrote_and_not_what_it_removed(store, walker):
    run = Run(store)
    assert run.ok("search", "quarterly", "--format", "ids").stdout.split() == ["ab00000001", "abw0xgqwfy"]
    path = store / "interactions" / "2026" / "11" / "abw0xgqwfy.yaml"
    path.write_text(path.read_text().replace("Quarterly review", "Yearly audit"))
    assert run.ok("search", "quarterly", "--format", "ids").stdout.split() == ["ab00000001"]
    assert run.ok("search", "yearly audit", "--format", "ids").stdout.split() == ["abw0xgqwfy"]
    assert run.ok("--no-cache", "search", "yearly audit", "--format", "ids").stdout.split() == ["abw0xgqwfy"]


def test_records_a_search_reads_carry_their_facets_and_others_none(store):
    from interact.query import Filter, facets, narrowing

    view(store)  # built
    searched = Store(store).interactions(narrowing(Filter(words=("renewal",))))
    assert searched and all(r.facets == facets(r) for r in searched)
    assert all(getattr(r, "facets", None) is None for r in Store(store).interactions())


def _ids(records) -> set:
    return {r["id"] for r in records}


@pytest.mark.parametrize("flt", [
    dict(assignee="alice", status="outstanding"),
    dict(assignee="bob", status="completed"),
    dict(status="missed"),
    dict(words=("renewal",)),
    dict(words=("jane",)),      # a contact's name, not in any record's own text
    dict(contact="jane-doe"),
    dict(account="acme-ltd", status="all"),
])
def test_a_narrowed_read_gives_every_match_and_leaves_others_out(store, walker, flt, monkeypatch):
    from interact.query import Filter, Names, filter_records, narrowing

    now, tz = _clock()
    full = Store(store, cache=False)
    flt = Filter(**flt)
    names = Names.of(full)
    expected = _ids(filter_records(full.interactions(), flt, now, tz, names))
    assert expected
    assert expected <= _ids(Store(store).interactions(narrowing(flt, names)))  # building the index
    settle(store, monkeypatch)
    narrowed = Store(store).interactions(narrowing(flt, names))
    assert expected <= _ids(narrowed) and len(narrowed) < len(full.interactions())
    # a folder that changed comes in full, and still holds every match
    path = next(store.glob("interactions/2026/11/*.yaml"))
    path.write_text(path.read_text() + "# touched\n")
    assert expected <= _ids(Store(store).interactions(narrowing(flt, names)))


def _clock():
    from interact.dates import local_tz, resolve_now

    tz = local_tz("Europe/London", None)
    return resolve_now("2026-11-25T10:00:00", tz), tz


def test_a_file_that_turns_invalid_and_back_is_seen(store, walker):
    path = store / "interactions" / "2026" / "11" / "abw0xgqwfy.yaml"
    good = path.read_text()
    view(store)
    path.write_text(good.replace("type: visit", "type: nope"))
    interactions, _, _, warnings, _ = view(store)
    assert "abw0xgqwfy" not in {r["id"] for _, r in interactions}
    assert any("abw0xgqwfy.yaml: type 'nope'" in w for w in warnings)
    path.write_text(good)
    assert view(store) == view(store, cache=False)


def test_deleted_file_and_folder_are_seen(store, walker):
    view(store)
    os.unlink(store / "interactions" / "2026" / "11" / "abw0xgqwfy.yaml")
    shutil.rmtree(store / "interactions" / "2026" / "10")
    os.unlink(store / "contacts" / "broken.yaml")
    interactions, _, _, warnings, _ = view(store)
    assert {"abw0xgqwfy", "ab00000001"}.isdisjoint(r["id"] for _, r in interactions)
    assert not any("broken.yaml" in w for w in warnings)
    assert view(store) == view(store, cache=False)


def test_files_and_folders_that_appear_as_from_a_pull_are_seen(store, walker, tmp_path):
    view(store)
    source = store / "interactions" / "2026" / "11" / "abw0xgqwfy.yaml"
    elsewhere = tmp_path / "pulled" / "2025" / "01"
    elsewhere.mkdir(parents=True)
    (elsewhere / "ab00000002.yaml").write_text(source.read_text().replace("abw0xgqwfy", "ab00000002"))
    os.utime(elsewhere / "ab00000002.yaml", ns=(0, 0))  # an old mtime, kept by the copies below
    shutil.copytree(tmp_path / "pulled" / "2025", store / "interactions" / "2025")
    third = tmp_path / "ab00000003.yaml"
    third.write_text(source.read_text().replace("abw0xgqwfy", "ab00000003"))
    os.utime(third, ns=(0, 0))
    shutil.copy2(third, store / "interactions" / "2026" / "10" / "ab00000003.yaml")
    interactions = view(store)[0]
    assert {"ab00000002", "ab00000003"} <= {r["id"] for _, r in interactions}
    assert [p for p, r in interactions if r["id"] == "ab00000003"][-1].endswith("2026/10/ab00000003.yaml")
    assert view(store) == view(store, cache=False)


def test_a_folder_replaced_by_another_is_read_again(store, walker, tmp_path):
    view(store)
    october = store / "interactions" / "2026" / "10"
    replacement = tmp_path / "10"
    shutil.copytree(october, replacement)
    text = (replacement / "ab00000001.yaml").read_text()
    (replacement / "ab00000001.yaml").write_text(text.replace("Quarterly review", "Replaced review"))
    shutil.rmtree(october)
    os.rename(replacement, october)
    interactions = view(store)[0]
    assert [r["note"] for _, r in interactions if r["id"] == "ab00000001"] == ["Replaced review on site"]


def test_writes_by_our_commands_are_seen(store, walker):
    run = Run(store)
    run.ok("list", "--everyone")
    new = run.ok("log", "call", "jane-doe", "Agreed the renewal", "--when", "2026-11-24T15:00").stdout.strip()
    run.ok("edit", "3xdt", "--note", "Changed by edit")
    run.ok("delete", "0ac7", "--yes")
    listed = run.ok("list", "--everyone", "--status", "all", "--format", "ids").stdout.split()
    assert new in listed and "0ac7hfxanw" not in listed
    assert listed == run.ok("--no-cache", "list", "--everyone", "--status", "all", "--format", "ids").stdout.split()
    assert "Changed by edit" in run.ok("show", "3xdt").stdout


def test_a_configuration_change_is_applied_to_what_the_index_holds(store):
    view(store)
    config = store / "interact.yaml"
    config.write_text(config.read_text().replace("types: [call,", "types: [carrier-pigeon, call,"))
    interactions, _, _, warnings, _ = view(store)
    assert "zz00000002" in {r["id"] for _, r in interactions}
    assert (interactions, warnings) == view(store, cache=False)[0:4:3]



def older_index(store: Path) -> Path:
    """An index file as interact wrote it before FORMAT 10: 64 KiB pages, an older FORMAT."""
    from interact.index.storage import FORMAT

    path = store / ".cache" / index.INDEX_NAME
    path.parent.mkdir(exist_ok=True)
    with sqlite3.connect(path) as old:
        old.execute("PRAGMA page_size = 65536")
        old.execute("CREATE TABLE parts (tree TEXT, folder TEXT, records BLOB)")
        old.execute(f"PRAGMA user_version = {FORMAT - 1}")
    return path


def test_an_index_of_an_older_format_with_large_pages_is_made_anew_with_small_ones(store):
    """Indexes before FORMAT 10 had 64 KiB pages; SQLite changes a page size only in a new file."""
    from interact.index.storage import FORMAT, PAGE_SIZE

    run = Run(store)
    expected = run.ok("--no-cache", "list", "--everyone", "--status", "all").stdout
    path = older_index(store)
    assert run.ok("list", "--everyone", "--status", "all").stdout == expected
    with sqlite3.connect(path) as new:
        assert new.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE
        assert new.execute("PRAGMA user_version").fetchone()[0] == FORMAT


def test_an_older_index_that_cannot_be_removed_is_left_and_the_files_are_read(store, monkeypatch):
    from interact.index import storage

    run = Run(store)
    expected = run.ok("--no-cache", "list", "--everyone", "--status", "all").stdout
    path = older_index(store)

    def refused(name):
        raise PermissionError(13, "Permission denied", str(name))

    monkeypatch.setattr(storage, "_unlink_index", refused)  # as in a read-only .cache (the tests run as root)
    assert run.ok("list", "--everyone", "--status", "all").stdout == expected
    assert path.exists()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "rows", "planted"])
def test_a_damaged_index_is_rebuilt_silently(store, damage, tmp_path, monkeypatch):
    run = Run(store)
    expected = run.ok("--no-cache", "list", "--everyone", "--status", "all")
    run.ok("list", "--everyone")
    settle(store, monkeypatch)
    path = index_file(store)
    marker = tmp_path / "ran"
    if damage in ("garbage", "truncated"):
        with sqlite3.connect(path) as connection:  # everything into the main file
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        path.write_bytes(b"not an index" * 1000 if damage == "garbage" else path.read_bytes()[:70000])
    else:
        class Planted:  # what a stranger's .cache could hold: it must never run
            def __reduce__(self):
                return os.system, (f"touch {marker}",)

        blob = pickle.dumps(Planted()) if damage == "planted" else b"\x80\x05garbage"
        with sqlite3.connect(path) as connection:
            connection.execute("UPDATE parts SET records = ?, facets = ?", (blob, blob))
    parsed = count_parses(monkeypatch)
    result = run.ok("list", "--everyone", "--status", "all")
    assert (result.stdout, result.stderr) == (expected.stdout, expected.stderr)
    assert not marker.exists()
    assert "abw0xgqwfy.yaml" in parsed  # read from the files again
    with sqlite3.connect(path) as connection:  # rebuilt
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM trees").fetchone()[0] >= 1


def test_clock_going_back_rebuilds(store, monkeypatch):
    view(store)
    with sqlite3.connect(index_file(store)) as connection:
        connection.execute("UPDATE trees SET clock = clock + 3600 * 1000000000")
    path = store / "interactions" / "2026" / "11" / "abw0xgqwfy.yaml"
    path.write_text(path.read_text().replace("Quarterly review", "Later review"))
    parsed = count_parses(monkeypatch)
    assert view(store) == view(store, cache=False)
    assert "abw0xgqwfy.yaml" in parsed


def test_no_cache_option_and_variable_leave_no_index(store):
    run = Run(store)
    run.ok("--no-cache", "list", "--everyone")
    run.ok("list", "--everyone", env={"INTERACT_NO_CACHE": "1"})
    assert not index_file(store).exists()
    run.ok("list", "--everyone")
    assert index_file(store).exists()


def test_a_store_where_the_index_cannot_be_written_is_read_without_it(store):
    (store / ".cache").write_text("a file where the folder should be")
    assert view(store) == view(store, cache=False)


def test_log_reads_neither_the_index_nor_every_contact(store, monkeypatch):
    run = Run(store)
    parsed = count_parses(monkeypatch)
    run.ok("log", "call", "jane-doe", "Quick call")
    assert parsed == ["jane-doe.yaml"]
    assert not index_file(store).exists()
    run.ok("log", "call", "Jane Doe", "By name: every contact is looked at, through the index")
    assert index_file(store).exists()


def test_processes_updating_the_index_at_once_do_not_damage_it(store):
    view(store)
    month = store / "interactions" / "2026" / "11"
    text = (month / "abw0xgqwfy.yaml").read_text()
    for n in range(30):
        (month / f"cc{n:08d}.yaml").write_text(text.replace("abw0xgqwfy", f"cc{n:08d}"))
    probe = f"from interact.store import Store; print(len(Store({str(store)!r}).interactions()))"
    processes = [subprocess.Popen([sys.executable, "-c", probe], stdout=subprocess.PIPE, text=True) for _ in range(6)]
    counts = [process.communicate()[0].strip() for process in processes]
    assert counts == ["45"] * 6
    assert view(store) == view(store, cache=False)
    with sqlite3.connect(index_file(store)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_ids_known_from_the_index_follow_the_store_s_own_writes(store):
    reader = Store(store)
    records = reader.interactions()
    assert sorted(reader.interaction_ids()) == sorted(Store(store, cache=False).interaction_ids())
    copy = records[0].__class__({**records[0], "id": "ab00000009"})
    reader.save_interaction(copy, new=True)
    assert "ab00000009" in reader.interaction_ids()
    reader.delete_interaction(records[1])
    assert records[1]["id"] not in reader.interaction_ids()


def test_shortest_prefixes_of_the_rows_shown_are_those_among_all_ids():
    import random

    from interact.model import ID_ALPHABET, shortest_prefixes

    def by_definition(rid, ids):  # the shortest prefix, of 4 or more, that no other id starts with
        return next((rid[:n] for n in range(4, len(rid)) if not any(o != rid and o.startswith(rid[:n]) for o in ids)),
                    rid)

    rng = random.Random(3)
    ids = ["".join(rng.choice(ID_ALPHABET[:6]) for _ in range(10)) for _ in range(400)]
    ids += ["abcd000000", "abcd000001", "abce000000", "abc", "abcd"]
    every = shortest_prefixes(ids)
    assert every == {rid: by_definition(rid, ids) for rid in ids}
    assert every["abcd000000"] == "abcd000000" and every["abce000000"] == "abce" and every["abcd"] == "abcd"
    shown = ids[::7] + ["abcd"]
    assert shortest_prefixes(ids, wanted=shown) == {rid: every[rid] for rid in shown}


def test_a_file_name_that_is_not_utf8_is_read_without_the_index_and_no_traceback(store):
    month = store / "interactions" / "2026" / "11"
    text = (month / "abw0xgqwfy.yaml").read_text()
    with open(os.path.join(os.fsencode(month), b"ab\xff00000001.yaml"), "w") as handle:
        handle.write(text.replace("abw0xgqwfy", "ab00000077"))
    assert view(store) == view(store, cache=False)
    run = Run(store)
    assert run.ok("list", "--everyone", "--status", "all").stdout == \
        run.ok("--no-cache", "list", "--everyone", "--status", "all").stdout


def _scans_started(monkeypatch) -> list:
    started = []
    original = index._ChangeScan.__init__

    def recording(self, *args, **kwargs):
        started.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(index._ChangeScan, "__init__", recording)
    return started


def test_a_scan_begun_ahead_is_taken_over_by_the_read(store, walker, monkeypatch):
    expected = view(store, cache=False)
    view(store)  # built
    settle(store, monkeypatch)
    started = _scans_started(monkeypatch)
    reader = Store(store)
    reader.read_ahead()
    assert len(started) == 3  # interactions, contacts, accounts
    path = store / "interactions" / "2026" / "11" / "abw0xgqwfy.yaml"
    interactions = [(str(r.path), dict(r)) for r in reader.interactions()]
    assert len(started) == 3 and interactions == expected[0]  # no second scan
    assert list((store / ".cache").glob("clock-*"))  # the contacts' and accounts' scans wait
    reader.close()
    assert not list((store / ".cache").glob("clock-*"))
    # a write by the store itself drops what was begun ahead: the next read looks again
    reader = Store(store)
    reader.read_ahead()
    record = reader.interactions()[0]
    reader.read_ahead()
    reader.save_interaction(record.__class__({**record, "note": "Written after the scan"}))
    assert "Written after the scan" in str(reader.interactions())
    reader.close()
    assert not list((store / ".cache").glob("clock-*"))
    assert path.exists()


def test_a_scan_begun_ahead_is_not_used_when_the_index_changed_meanwhile(store, monkeypatch):
    view(store)
    settle(store, monkeypatch)
    reader = Store(store)
    reader.read_ahead()
    path = store / "interactions" / "2026" / "11" / "abw0xgqwfy.yaml"
    path.write_text(path.read_text().replace("Quarterly review", "Seen by another process"))
    assert "Seen by another process" in str(Store(store).interactions())  # it updates the index
    assert "Seen by another process" in str(reader.interactions())
    reader.close()


def test_commands_leave_no_scan_behind(store):
    run = Run(store)
    for args in (("list",), ("list", "--help"), ("--help",), ("show", "zzzz"), ("nosuch",)):
        run(*args)
    assert not list((store / ".cache").glob("clock-*"))


def test_a_listing_command_scans_each_tree_once_begun_before_its_module_loads(store, monkeypatch):
    run = Run(store)
    expected = run.ok("--no-cache", "list", "--everyone").stdout
    run.ok("list", "--everyone")  # built
    settle(store, monkeypatch)
    started = _scans_started(monkeypatch)
    assert run.ok("list", "--everyone").stdout == expected
    assert len(started) == 3  # interactions, contacts, accounts: begun ahead, then taken over
    assert not list((store / ".cache").glob("clock-*"))


def test_the_numbers_set_on_the_package_reach_the_modules_that_use_them(store, tmp_path, monkeypatch):
    """The index is tuned through `interact.index` (as the `walker` fixture does): its modules
    read FIND, FIND_FROM, FIND_PROCESSES and PARSE_APART_FROM there when they use them."""
    runs = tmp_path / "find-runs"
    fake_find = tmp_path / "find"
    fake_find.write_text(f'#!/bin/sh\necho run >> "{runs}"\nexec find "$@"\n')
    fake_find.chmod(0o755)
    forks = []
    real_fork = os.fork

    def counting_fork():
        forks.append(os.getpid())
        return real_fork()

    expected = view(store, cache=False)
    monkeypatch.setattr(index, "FIND", str(fake_find))
    monkeypatch.setattr(os, "fork", counting_fork)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert view(store) == expected  # built: a few files, parsed here
    assert view(store) == expected  # checked with a walk in Python: below FIND_FROM
    assert not runs.exists() and forks == []
    monkeypatch.setattr(index, "FIND_FROM", 0)
    monkeypatch.setattr(index, "FIND_PROCESSES", 1)
    assert view(store) == expected
    assert runs.read_text().count("run") == 3  # one `find` for each tree: interactions, contacts, accounts
    monkeypatch.setattr(index, "PARSE_APART_FROM", 0)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{index_file(store)}{suffix}").unlink(missing_ok=True)
    assert view(store) == expected  # built again: shared with a forked helper
    assert forks
