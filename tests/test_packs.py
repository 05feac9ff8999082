"""Month packs (SPEC §11): `interact pack`, loose wins, every command reading packs as files,
one bad record costing one warning, crashes, check, delete, types rename, import/export."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from interact import packing
from interact.check import check
from interact.model import dump, load
from interact.packs import documents
from interact.store import Store

from conftest import Run, snapshot
from packstore import MONTHS, Recorded, loose, make, packs
from test_crashes import crashing_run

# every command that reads interactions, as a user types them; their output must not tell a
# packed record from a loose one
READS = [
    ("list", "--everyone", "--status", "all"),
    ("list", "--everyone", "--status", "all", "--format", "json"),
    ("list", "--status", "completed", "--limit", "4"),
    ("list", "--count", "--everyone"),
    ("search", "renewal"),
    ("search", "renewal", "--limit", "3"),
    ("search", "zoe"),                           # accents folded: Zoë
    ("search", "newal", "--format", "ids"),      # any part of a word
    ("search", "jane", "--status", "completed"),  # a contact's name
    ("search", "pricing quote", "--limit", "2"),
    ("history", "jane-doe"),
    ("today", "--everyone"),
    ("calendar", "2026-05", "--everyone"),
    ("report", "--by", "type", "--from", "2026-04-01", "--until", "2026-11-30"),
    ("export", "--format", "csv"),
    ("stale", "--older-than", "30d"),
    ("digest", "--to", "bob", "--since", "2026-04-01"),
]


@pytest.fixture
def store(tmp_path) -> Path:
    return make(tmp_path / "records")


def outputs(root: Path, *options) -> list:
    run = Run(root)
    return [(args, run.ok(*options, *args).stdout, run.ok(*options, *args).stderr) for args in READS]


def test_pack_folds_each_closed_month_s_completed_interactions_into_one_canonical_file(store):
    before = Store(store, cache=False).interactions()
    result = Run(store).ok("pack")
    assert "packed 20 interactions into 4 month packs (months before 2026-08)" in result.stderr
    assert list(packs(store)) == [f"interactions/{month}.pack.yaml" for month in MONTHS[:4]]
    for name, data in packs(store).items():
        records = [load(document) for _, document in documents(data)]
        assert [r["id"] for r in records] == sorted(r["id"] for r in records)  # sorted by id
        assert all(r.get("completed_at") for r in records)  # only completed ones
        assert data == "".join(f"---\n{dump(r, 'interaction')}" for r in records).encode()  # canonical
    # outstanding work stays loose, and so do the months not due yet
    assert all(not load(Path(store, p).read_bytes()).get("completed_at") or p.startswith(("interactions/2026/08",
               "interactions/2026/09", "interactions/2026/11")) for p in loose(store))
    after = Store(store, cache=False).interactions()
    assert sorted(map(dict, after), key=lambda r: r["id"]) == sorted(map(dict, before), key=lambda r: r["id"])


def test_the_same_records_give_the_same_pack_bytes_whoever_packs_them_and_however(tmp_path, monkeypatch):
    one, two = make(tmp_path / "one"), make(tmp_path / "two")
    # the same records, written otherwise: keys in another order, quoted, a comment
    for path in sorted(two.glob("interactions/2026/0[4-7]/*.yaml"))[::3]:
        record = load(path.read_bytes())
        text = "".join(f"{key}: {json.dumps(value)}\n" for key, value in reversed(list(record.items())))
        path.write_text("# written by hand\n" + text)
    Run(one).ok("pack")
    monkeypatch.setattr(packing, "WORKERS_FROM", 0)  # forked workers share the months
    Run(two).ok("pack")
    assert packs(one) == packs(two) and len(packs(one)) == 4


def test_packing_again_changes_nothing_and_then_adds_the_newly_completed(store):
    run = Run(store)
    run.ok("pack")
    before = snapshot(store)
    assert "nothing to pack" in run.ok("pack").stderr
    assert snapshot(store) == before
    missed = next(p for p in loose(store) if p.startswith("interactions/2026/05/"))
    rid = Path(missed).stem
    run.ok("complete", rid[:6], "--outcome", "Reached her at last")
    assert "packed 1 interaction into 1 month pack" in run.ok("pack").stderr
    assert rid in packs(store)["interactions/2026/05.pack.yaml"].decode()
    assert not (store / missed).exists()


def test_before_a_month_and_pack_after(store):
    run = Run(store)
    assert "months before 2026-06" in run.ok("pack", "--before", "2026-06").stderr
    assert list(packs(store)) == ["interactions/2026/04.pack.yaml", "interactions/2026/05.pack.yaml"]
    result = run("pack", "--before", "2026-12")
    assert result.exit_code == 1 and "months that have not ended" in result.stderr
    config = store / "interact.yaml"
    config.write_text(config.read_text() + "pack_after: 1 month\n")
    run.ok("pack")
    assert "interactions/2026/09.pack.yaml" in packs(store)
    config.write_text(config.read_text().replace("pack_after: 1 month", "pack_after: soon"))
    result = run("pack")
    assert result.exit_code == 1 and "pack_after" in result.stderr and "a number of months" in result.stderr


def test_every_command_reads_packs_as_files_with_and_without_the_index(store, tmp_path):
    unpacked = tmp_path / "unpacked"
    shutil.copytree(store, unpacked)
    expected = outputs(unpacked, "--no-cache")
    Run(store).ok("pack")
    assert outputs(store) == expected  # through the index: built
    assert outputs(store) == expected  # read back
    assert outputs(store, "--no-cache") == expected


def test_a_changed_packed_record_is_written_loose_and_wins_in_every_command(store, tmp_path):
    run = Run(store)
    run.ok("pack")
    rid = next(d for _, d in documents(packs(store)["interactions/2026/06.pack.yaml"]))
    rid = load(rid)["id"]
    pack_before = packs(store)
    run.ok("comment", rid[:6], "Called again about the Zoë renewal")
    run.ok("edit", rid[:6], "--tag", "vip")
    assert packs(store) == pack_before  # the pack is left alone
    assert f"interactions/2026/06/{rid}.yaml" in loose(store)
    # the same record changed in a store that was never packed: every listing is the same
    unpacked = make(tmp_path / "unpacked")
    other = Run(unpacked)
    other.ok("comment", rid[:6], "Called again about the Zoë renewal")
    other.ok("edit", rid[:6], "--tag", "vip")
    expected = outputs(unpacked, "--no-cache")
    assert outputs(store) == expected
    assert outputs(store, "--no-cache") == expected
    assert json.loads(run.ok("show", rid[:6], "--format", "json").stdout)["tags"] == ["vip"]
    # the next pack folds it back in, and it is one record again
    run.ok("pack")
    assert f"interactions/2026/06/{rid}.yaml" not in loose(store)
    assert "vip" in packs(store)["interactions/2026/06.pack.yaml"].decode()
    assert outputs(store) == expected


def test_loose_wins_even_where_the_packed_copy_alone_would_match_a_filter(store):
    """A hand edit reassigned a packed record in its loose copy: bob's listing must not show
    the packed copy that still names him (the narrowed read leaves the loose one out)."""
    run = Run(store)
    run.ok("pack")
    data = packs(store)["interactions/2026/05.pack.yaml"]
    record = next(r for r in (load(d) for _, d in documents(data)) if r["assignee"] == "bob")
    record["assignee"] = "carol"
    (store / "interactions/2026/05" / f"{record['id']}.yaml").write_text(dump(record, "interaction"))
    for options in ((), ("--no-cache",)):
        bobs = run.ok(*options, "list", "--to", "bob", "--status", "completed", "--format", "ids").stdout.split()
        carols = run.ok(*options, "list", "--to", "carol", "--status", "completed", "--format", "ids").stdout.split()
        assert record["id"] not in bobs and record["id"] in carols
        assert run.ok(*options, "list", "--everyone", "--status", "all").stderr == ""  # silently: no duplicate warning


def test_one_bad_record_in_a_pack_costs_one_warning_and_never_the_others(store):
    run = Run(store)
    run.ok("pack")
    path = store / "interactions/2026/05.pack.yaml"
    parts = path.read_bytes().split(b"---\n")
    good = [load(part)["id"] for part in parts[1:]]
    parts[2] = parts[2].replace(b"type: ", b"type: carrier-pigeon\nold_type: ")         # not a configured type
    parts[3] = parts[3].replace(b"note: ", b"note: &anchor\nlink: *anchor\nx: ")       # a YAML alias
    parts[4] = parts[4] + b"broken: [not, closed\n"                                    # does not parse
    path.write_bytes(b"---\n".join(parts))
    for options in ((), ("--no-cache",)):
        result = run.ok(*options, "list", "--everyone", "--status", "all", "--format", "ids")
        listed = set(result.stdout.split())
        assert listed >= {good[0], *good[4:]} and not listed & {good[1], good[2]}
        warnings = result.stderr.splitlines()
        assert len(warnings) == 3 and all("interactions/2026/05.pack.yaml: " in w for w in warnings)
        assert f"record {good[1]}: type 'carrier-pigeon'" in warnings[0] and f"record {good[2]}" in warnings[1]
    problems = run("check")
    assert problems.exit_code == 1
    lines = [line for line in problems.stdout.splitlines() if "05.pack.yaml" in line]
    assert len(lines) == 3 and f"record {good[1]}:" in lines[0] and "line" in lines[2]
    # a pack with a bad record is left alone by `pack` (a rewrite would lose it)
    missed = next(p for p in loose(store) if p.startswith("interactions/2026/05/"))
    run.ok("complete", Path(missed).stem[:6], "--outcome", "Done")
    result = run.ok("pack")
    assert "left interactions/2026/05.pack.yaml as it is" in result.stderr and (store / missed).exists()


def test_a_linked_pack_is_never_followed(store, tmp_path):
    run = Run(store)
    run.ok("pack")
    outside = tmp_path / "elsewhere.yaml"
    shutil.move(store / "interactions/2026/06.pack.yaml", outside)
    (store / "interactions/2026/06.pack.yaml").symlink_to(outside)
    held = outside.read_bytes()
    for options in ((), ("--no-cache",)):
        result = run.ok(*options, "list", "--everyone", "--status", "all", "--format", "ids")
        assert load(documents(held)[0][1])["id"] not in result.stdout
    assert "interactions/2026/06.pack.yaml: is a symbolic link" in run("check").stdout
    run.ok("pack")
    assert outside.read_bytes() == held and (store / "interactions/2026/06.pack.yaml").is_symlink()


def test_pack_killed_anywhere_leaves_every_record_readable_once_and_a_retry_finishes(tmp_path):
    template = make(tmp_path / "template", per_month=3)
    expected = sorted(json.dumps(dict(r), sort_keys=True) for r in Store(template, cache=False).interactions())
    finished_once = False
    for at in range(1, 40):
        store = tmp_path / f"at-{at}"
        shutil.copytree(template, store)
        finished = crashing_run(store, ["pack"], at)
        for cache in (False, True):
            reader = Store(store, cache=cache)
            records = sorted(json.dumps(dict(r), sort_keys=True) for r in reader.interactions())
            assert records == expected and reader.warnings == [], f"killed at change {at}"
        assert [str(p) for p in check(store, time.time())] == []
        if not finished:
            Run(store).ok("pack")
        assert len(packs(store)) == 4 and not [p for p in loose(store) if p < "interactions/2026/08"
                                               and load((store / p).read_bytes()).get("completed_at")]
        if finished:
            finished_once = True
            break
    assert finished_once and at > 5  # it was killed between the pack and each removal


def test_a_record_changed_while_pack_reads_its_month_stays_loose(store, monkeypatch):
    """pack reads a month outside the lock; a file changed since it was read is not removed."""
    original = packing._chosen
    changed = []

    def then_a_comment(store_, month, folder):
        chosen = original(store_, month, folder)
        if not changed and chosen:
            name = chosen[0][0]
            path = month / name
            record = load(path.read_bytes())
            record["posts"] = [{"at": "2026-11-25T09:00:00+00:00", "by": "bob", "text": "Meanwhile"}]
            time.sleep(0.01)
            path.write_text(dump(record, "interaction"))
            changed.append(path)
        return chosen

    monkeypatch.setattr(packing, "_chosen", then_a_comment)
    Run(store).ok("pack")
    assert changed[0].exists()  # the comment is kept
    shown = Run(store).ok("show", changed[0].stem[:6], "--format", "json").stdout
    assert "Meanwhile" in shown


def test_delete_removes_a_packed_record_from_its_pack_and_its_loose_copy_too(store):
    run = Run(store)
    run.ok("pack")
    records = [load(d) for _, d in documents(packs(store)["interactions/2026/07.pack.yaml"])]
    first, second = records[0]["id"], records[1]["id"]
    run.ok("delete", first[:6], "--yes")
    run.ok("comment", second[:6], "A loose copy")
    run.ok("delete", second[:6], "--yes")
    for options in ((), ("--no-cache",)):
        listed = run.ok(*options, "list", "--everyone", "--status", "all", "--format", "ids").stdout.split()
        assert first not in listed and second not in listed
    assert f"interactions/2026/07/{second}.yaml" not in loose(store)
    assert [load(d)["id"] for _, d in documents(packs(store)["interactions/2026/07.pack.yaml"])] == \
        [r["id"] for r in records[2:]]
    assert run("show", first[:6]).exit_code == 1


def test_types_rename_rewrites_packed_records_in_place(store):
    run = Run(store)
    run.ok("pack")
    before = packs(store)
    calls = sum(data.count(b"type: call\n") for data in before.values())
    result = run.ok("types", "rename", "call", "phone")
    assert calls and "phone" in result.stdout + result.stderr
    after = packs(store)
    assert sum(data.count(b"type: phone\n") for data in after.values()) == calls
    assert all(b"type: call\n" not in data for data in after.values())
    assert run.ok("check").stdout == ""
    assert not any(p.startswith(tuple(f"interactions/{m}/" for m in MONTHS[:4])) and
                   load((store / p).read_bytes()).get("completed_at") for p in loose(store))


def test_export_and_import_round_trip_through_packs(store, tmp_path):
    run = Run(store)
    run.ok("pack")
    exported = tmp_path / "all.json"
    exported.write_bytes(run.ok("export").stdout_bytes)
    before = snapshot(store)
    again = run.ok("import", str(exported))
    assert again.stdout == "" and "warning" not in again.stderr
    assert snapshot(store) == before  # importing what it holds adds nothing
    fresh = tmp_path / "fresh"
    shutil.copytree(store, fresh, ignore=shutil.ignore_patterns("interactions", ".cache"))
    (fresh / "interactions").mkdir()
    Run(fresh).ok("import", str(exported))
    assert Run(fresh).ok("export").stdout == exported.read_text()
    Run(fresh).ok("pack")
    assert packs(fresh) == packs(store)


def test_show_complete_edit_and_ids_find_packed_records(store):
    run = Run(store)
    run.ok("pack")
    record = load(documents(packs(store)["interactions/2026/04.pack.yaml"])[0][1])
    rid = record["id"]
    for options in ((), ("--no-cache",)):
        assert json.loads(run.ok(*options, "show", rid[:5], "--format", "json").stdout)["id"] == rid
    assert run("complete", rid[:6], "--outcome", "Again").exit_code == 1  # completed already
    assert rid in Store(store).interaction_ids() and rid in Store(store, cache=False).interaction_ids()
    table = run.ok("list", "--everyone", "--status", "all").stdout
    every = Store(store, cache=False).interaction_ids()
    for line in table.splitlines()[2:]:
        prefix = line.split()[0]
        assert [i for i in every if i.startswith(prefix)] == [next(i for i in every if i.startswith(prefix))]


def test_log_reads_no_pack(store, monkeypatch):
    Run(store).ok("pack")
    read = []
    original = Store.parse_pack
    monkeypatch.setattr(Store, "parse_pack", lambda self, data, path: read.append(path) or original(self, data, path))
    Run(store).ok("log", "call", "jane-doe", "Quick call")
    assert read == []


def test_generate_and_import_never_write_a_loose_copy_of_a_packed_record(store):
    run = Run(store)
    run.ok("pack")
    data = packs(store)["interactions/2026/04.pack.yaml"]
    record = load(documents(data)[0][1])
    (store / "interactions/2026/04").mkdir(exist_ok=True)
    written = Store(store).add_interactions([load(dump(record, "interaction").encode())])
    assert written == [] and f"interactions/2026/04/{record['id']}.yaml" not in loose(store)


@pytest.mark.parametrize("records", [30])
def test_many_months_in_forked_workers_give_what_one_process_gives(tmp_path, monkeypatch, records):
    one, two = make(tmp_path / "one", per_month=records), make(tmp_path / "two", per_month=records)
    Run(one).ok("pack")
    monkeypatch.setattr(packing, "WORKERS_FROM", 0)
    result = Run(two).ok("pack")
    assert packs(one) == packs(two) and loose(one) == loose(two)
    assert f"packed {4 * (records - 1)} interactions" in result.stderr


def test_a_month_whose_worker_fails_is_packed_by_the_main_process(tmp_path, monkeypatch):
    """Months are handed to the workers one at a time; a worker that dies (killed, out of
    memory) costs nothing: its month, and any not handed out, are packed by `pack` itself."""
    import os
    from datetime import date

    one, two = make(tmp_path / "one"), make(tmp_path / "two")
    Run(one).ok("pack")
    main, real = os.getpid(), packing.pack_month

    def dies_on_may(store, month):
        if os.getpid() != main and month.name == "05":
            os._exit(9)
        return real(store, month)

    monkeypatch.setattr(packing, "WORKERS_FROM", 0)
    monkeypatch.setattr(packing, "pack_month", dies_on_may)
    done = packing.pack(Store(two), date(2026, 8, 1))
    assert sorted(done.months) == sorted(packs(one)) and not done.left
    assert packs(one) == packs(two) and loose(one) == loose(two)



def test_canonical_text_is_model_dump_for_any_record(store):
    """pack writes records with canonical.canonical_text, model.dump's text made quicker for
    the common ones: the two never differ (real records, and text YAML would quote)."""
    import random

    from interact.canonical import canonical_text

    records = Store(store, cache=False).interactions()
    assert records and all(canonical_text(r) == dump(r, "interaction") for r in records)
    rng = random.Random(4)
    tricky = ["yes", "No", "null", "~", "true", "1e3", "0x1F", "0o7", "1_000", "12:30", ".5", "- a", "a: b",
              "a #b", "#a", " a", "a ", "---", "...", "<<", "1:20:30", ".inf", "NaN", "0001", "+1", "2026-11-24",
              "Zoë", "a\tb", "line\nbreak", "[x]", "{x}", "a,b", "what?", "x:y", "!tag", "&anchor", "*alias", "%"]
    characters = "ab Z09-_.:,#?[]{}&*!|>'\"%@`~=+/\\()é\t\n"
    for _ in range(3000):
        text = rng.choice(tricky) if rng.random() < 0.5 else "".join(rng.choice(characters)
                                                                       for _ in range(rng.randint(1, 10)))
        field = rng.choice(["note", "tags", "ratings", "zz_unknown", "duration"])
        value = {"tags": [text, "vip"], "ratings": {text: 3}, "duration": rng.choice([5, -5, 10**20, True])}.get(
            field, text)
        record = {"id": "abcdefghjk", "type": "call", field: value}
        assert canonical_text(record) == dump(record, "interaction"), record


def test_check_names_a_packed_record_that_is_outstanding_or_of_another_month(store):
    run = Run(store)
    run.ok("pack")
    path = store / "interactions/2026/05.pack.yaml"
    documents_ = [load(d) for _, d in documents(path.read_bytes())]
    documents_[0].pop("completed_at")
    documents_[0].pop("completed_by", None)
    documents_[1]["when"] = documents_[1]["when"].replace("2026-05-", "2026-06-")
    path.write_text("".join(f"---\n{dump(r, 'interaction')}" for r in documents_))
    lines = [line for line in run("check").stdout.splitlines() if "05.pack.yaml" in line]
    assert f"record {documents_[0]['id']}: is not completed" in lines[0]
    assert f"record {documents_[1]['id']}: belongs in interactions/2026/06.pack.yaml (by its when)" in lines[1]


def test_a_month_that_does_not_read_is_refused_with_examples(store):
    result = Run(store)("pack", "--before", "soon")
    assert result.exit_code == 1 and "could not read the month 'soon'" in result.stderr and result.stdout == ""


def test_a_big_import_says_how_far_it_has_got(store, tmp_path, monkeypatch):
    from interact import interaction_files

    exported = tmp_path / "all.json"
    exported.write_bytes(Run(store).ok("export").stdout_bytes)
    fresh = tmp_path / "fresh"
    shutil.copytree(store, fresh, ignore=shutil.ignore_patterns("interactions", ".cache"))
    monkeypatch.setattr(interaction_files, "ADD_PROGRESS_FROM", 10)
    Recorded.shown = []
    from interact import interop

    reader = Store(fresh)
    reader.progress = Recorded
    plan = interop.plan_import(reader, interop.read_rows(exported.read_bytes(), "json", "all.json").rows,
                               from_csv=False)
    written = interop.apply(reader, plan)
    [bar] = [bar for bar in Recorded.shown if bar.label == "Writing interactions"]
    assert bar.total == bar.done == len(written) > 10


def test_show_lists_follow_ups_packed_or_loose(store):
    run = Run(store)
    later = {"INTERACT_NOW": "2027-06-01T10:00:00"}
    run.ok("complete", "cdm0", "--outcome", "Reached her")  # the demo's follow-up of jpbqnw99gr
    run.ok("pack", env=later)
    assert "interactions/2026/11.pack.yaml" in packs(store)
    follow = run.ok("complete", "w6f5", "--outcome", "Done", "--follow-up", "2027-07-01T10:00", env=later)
    for options in ((), ("--no-cache",)):
        shown = json.loads(run.ok(*options, "show", "jpbq", "--format", "json").stdout)
        assert shown["follow_ups"] == ["cdm0acevsh"]
        shown = json.loads(run.ok(*options, "show", "w6f5", "--format", "json").stdout)
        assert shown["follow_ups"] == [follow.stdout.strip()]
