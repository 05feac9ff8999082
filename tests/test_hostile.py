"""Hostile input: YAML tags, names that look like paths, broken and odd files."""

from __future__ import annotations

from pathlib import Path

import pytest

from interact.model import load, slugify
from interact.store import Store

from conftest import check_problems

OPEN_CALL = "w6f5qnbw9x"  # an open call with Jane Doe in the demo store


@pytest.mark.parametrize("payload", [
    '!!python/object/apply:os.system ["touch {marker}"]\n',
    'id: x\nnote: !!python/object/apply:os.system ["touch {marker}"]\n',
    'id: x\nnote: !!python/name:os.system\n',
    'id: x\nnote: !!python/object/new:subprocess.Popen [["touch", "{marker}"]]\n',
])
def test_python_yaml_tags_are_refused_by_the_loader(run, demo, tmp_path, payload):
    marker = tmp_path / "pwned"
    bad = demo / "interactions/2026/11/evil0evil0.yaml"
    bad.write_text(payload.format(marker=marker))
    with pytest.raises(ValueError, match=r"YAML tags \(!!python/.*\) are refused"):
        load(bad.read_bytes())
    store = Store(demo)
    assert len(store.interactions()) == 14
    assert store.warnings == [
        f"warning: skipped interactions/2026/11/evil0evil0.yaml: {check_problems(demo)[0].split(': ', 1)[1]} "
        "(run `interact check` for every problem)"]
    assert len(run.ok("search", "call").stdout.splitlines()) > 2  # a listing goes on around it
    assert check_problems(demo)[0].startswith("interactions/2026/11/evil0evil0.yaml: does not parse at line ")
    result = run("show", OPEN_CALL[:4])
    assert result.exit_code == 0 and "evil0evil0.yaml" in result.stderr
    assert not marker.exists()


HOSTILE_NAMES = {
    "../../etc/passwd": "etc-passwd",
    "/etc/shadow": "etc-shadow",
    "a/b\\c": "a-b-c",
    "..": "x",
    "Nul\x00Byte": "nul-byte",
    "\x1b[31mRed\x1b[0m \x07Bell": "31mred-0m-bell",
    "!!!": "x",
    "???": "x",  # the second punctuation-only name: x-2
    "Zoë Ångström": "zoe-angstrom",
    "-leading-dash": "leading-dash",
    "CON": "con",
    "x" * 300: "x" * 60,
}


def test_hostile_contact_names_get_safe_slugs_inside_the_store(run, demo):
    contacts = (demo / "contacts").resolve()
    everything = demo.parent  # the test's own folder, around the store
    before = set(everything.rglob("*"))
    made = []
    for name, slug in HOSTILE_NAMES.items():
        assert slugify(name) == slug
        rid = run.ok("contact", "add", "--", name).stdout.strip()
        made.append(rid)
        path = (contacts / f"{rid}.yaml").resolve()
        assert path.parent == contacts and path.is_file()
        assert Store(demo).contacts()[rid]["name"] == name.strip()  # the name itself is kept exactly
    assert made[6:8] == ["x-2", "x-3"]  # after '..' took x: still unique, still working
    cache = demo / ".cache"  # the derived index, never committed
    added = {p for p in set(everything.rglob("*")) - before if cache not in (p, *p.parents)}
    assert added == {demo / "contacts" / f"{rid}.yaml" for rid in made}
    assert not Path("/etc/passwd.yaml").exists()
    assert check_problems(demo) == []


def test_punctuation_only_names_work_end_to_end(run, demo):
    rid = run.ok("log", "call", "!!!", "--new", "Odd", "name").stdout.strip()
    record = load(next((demo / "interactions").rglob(f"{rid}.yaml")).read_bytes())
    assert record["contacts"] == ["x"]
    assert run.ok("contact", "show", "x", "--format", "json").stdout.count('"name": "!!!"') == 1
    assert check_problems(demo) == []


def test_a_path_like_name_with_log_new_stays_inside(run, demo):
    rid = run.ok("log", "call", "../../../tmp/owned", "--new").stdout.strip()
    assert (demo / "contacts/tmp-owned.yaml").is_file()
    assert load(next((demo / "interactions").rglob(f"{rid}.yaml")).read_bytes())["contacts"] == ["tmp-owned"]
    assert check_problems(demo) == []


BROKEN = {
    "latin1.yaml": (b"id: latin1\nname: Caf\xe9\n", "is not UTF-8 text (byte 0xe9 at offset 20)"),
    "empty.yaml": (b"", "holds nothing, not a mapping of fields"),
    "list.yaml": (b"- id: list\n- name: List\n", "holds list, not a mapping of fields"),
    "scalar.yaml": (b"just some words\n", "holds str, not a mapping of fields"),
}


def test_broken_contact_files_are_listed_around_with_a_warning(run, demo):
    for name, (data, _) in BROKEN.items():
        (demo / "contacts" / name).write_bytes(data)
    result = run.ok("contact", "list", "--format", "ids")
    assert len(result.stdout.split()) == 8  # every good contact is still listed
    warnings = result.stderr.splitlines()
    for name, (_, problem) in BROKEN.items():
        assert f"warning: skipped contacts/{name}: {problem} (run `interact check` for every problem)" in warnings
    assert sorted(check_problems(demo)) == sorted(f"contacts/{name}: {problem}" for name, (_, problem) in BROKEN.items())


def test_broken_interaction_files_are_listed_around_with_a_warning(run, demo):
    folder = demo / "interactions/2026/11"
    for name, (data, _) in BROKEN.items():
        (folder / name).write_bytes(data)
    store = Store(demo)
    assert len(store.interactions()) == 14
    assert len(store.warnings) == len(BROKEN)
    listed = run.ok("list", "--everyone", "--status", "all", "--format", "ids")
    assert len(listed.stdout.split()) == 14
    assert sorted(line.split(": ")[1] for line in listed.stderr.splitlines()) == sorted(
        f"skipped interactions/2026/11/{name}" for name in BROKEN)
    result = run.ok("show", OPEN_CALL[:4])  # show reads every interaction for follow-ups
    assert "w6f5qnbw9x" in result.stdout
    assert sum("warning: skipped interactions/2026/11/" in line for line in result.stderr.splitlines()) == len(BROKEN)
    expected = {f"interactions/2026/11/{name}: {problem}" for name, (_, problem) in BROKEN.items()}
    assert set(check_problems(demo)) == expected


def test_a_one_megabyte_note_is_an_ordinary_record(run, demo):
    note = ("A long transcript line. " * 44_000)[:1_000_000]
    rid = run.ok("log", "call", "jane", "-", input=note).stdout.strip()
    path = next((demo / "interactions").rglob(f"{rid}.yaml"))
    assert path.stat().st_size > 1_000_000
    assert load(path.read_bytes())["note"] == note.strip()
    shown = run.ok("show", rid[:6], "--format", "json").stdout
    assert shown.count("A long transcript line.") == note.count("A long transcript line.")
    assert check_problems(demo) == []


def test_control_characters_in_names_do_not_reach_the_terminal(run):
    run.ok("contact", "add", "Evil\x1b]0;pwned\x07\x1b[2J Name")
    listing = run.ok("contact", "list").stdout
    assert "\x1b" not in listing and "\x07" not in listing
    assert "Evil\\x1b]0;pwned\\x07\\x1b[2J Name" in listing


def test_conflict_markers_in_a_file_that_still_parses_make_it_invalid_everywhere(run, demo):
    from interact.store import Store

    path = demo / "interactions" / "2026" / "11" / "pppppppppp.yaml"
    path.write_text('id: pppppppppp\ntype: call\nwhen: 2026-11-20T10:00:00+00:00\nnote: "a\n<<<<<<< HEAD\nmine\n'
                    '=======\ntheirs\n>>>>>>> other\n"\n')
    store = Store(demo)
    assert "pppppppppp" not in {r["id"] for r in store.interactions()}
    assert any("conflict" in w for w in store.warnings)
    result = run("check")
    assert result.exit_code == 1 and "pppppppppp.yaml" in result.stdout and "conflict" in result.stdout
