"""interact check: one line per problem, `path: problem`; exit 1 when anything is wrong."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from interact.check import STALE_TEMP_SECONDS, check
from interact.model import dump, load
from interact.layout import init_store
from interact.store import Store

from conftest import DEMO

JANE_CALL = "interactions/2026/11/cdm0acevsh.yaml"  # a call with Jane Doe (acme-ltd) in the demo store


def lines(store: Path, clock: float | None = None) -> list[str]:
    return [str(p) for p in check(store, time.time() if clock is None else clock)]


def rewrite(store: Path, relative: str, **changes) -> Path:
    """Change fields of a record file in place, as a person with an editor would."""
    path = store / relative
    record = load(path.read_bytes())
    record.update(changes)
    kind = {"interactions": "interaction", "contacts": "contact", "accounts": "account"}[relative.split("/")[0]]
    path.write_text(dump(record, kind))
    return path


def test_the_demo_store_checks_clean(run):
    result = run("check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_the_shipped_demo_store_itself_checks_clean():
    assert lines(DEMO) == []


def test_new_stores_check_clean(tmp_path, run_empty):
    assert run_empty("check").exit_code == 0
    assert lines(init_store(tmp_path / "other")) == []


def test_problems_are_one_line_each_with_the_path_and_exit_1(run, demo):
    (demo / "interactions/2026/11/xbg987zqv0.yaml").write_text("id: [unclosed\n")
    rewrite(demo, JANE_CALL, type="telegram")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "interactions/2026/11/cdm0acevsh.yaml: type 'telegram' is not one of the configured types "
        "(call, visit, email, meeting, chat, note)",
        "interactions/2026/11/xbg987zqv0.yaml: does not parse at line 2: did not find expected ',' or ']'",
    ]
    assert result.stderr == "2 problems in the store\n"


def test_schema_errors_all_reported_for_one_file(demo):
    rewrite(demo, JANE_CALL, duration="half an hour", when="last tuesday", tags="vip")
    assert lines(demo) == [
        f"{JANE_CALL}: 'when' should be a time with its offset like 2026-11-24T14:30:00+00:00, not 'last tuesday'",
        f"{JANE_CALL}: 'duration' should be a number of minutes, not 'half an hour'",
        f"{JANE_CALL}: 'tags' should be a list of names",
    ]


def test_ids_that_do_not_match_their_file_names(demo):
    rewrite(demo, "contacts/raj-patel.yaml", id="rajesh-patel")
    rewrite(demo, "accounts/acme-ltd.yaml", id="acme")
    (demo / JANE_CALL).rename(demo / "interactions/2026/11/cdm0acevsd.yaml")
    assert lines(demo) == [
        "accounts/acme-ltd.yaml: id 'acme' does not match the file name 'acme-ltd.yaml'",
        "contacts/raj-patel.yaml: id 'rajesh-patel' does not match the file name 'raj-patel.yaml'",
        "interactions/2026/11/cdm0acevsd.yaml: id 'cdm0acevsh' does not match the file name 'cdm0acevsd.yaml'",
    ]


def test_unknown_references(demo):
    rewrite(demo, JANE_CALL, contacts=["jane-doe", "nobody"], accounts=["acme-ltd", "gone-ltd"],
            follow_up_of="zzzzzzzzzz")
    rewrite(demo, "contacts/jane-doe.yaml", accounts=["acme-ltd", "old-co"])
    rewrite(demo, "accounts/acme-ltd.yaml", default_contact="left-the-company")
    assert lines(demo) == [
        "accounts/acme-ltd.yaml: default_contact names 'left-the-company', which is not in contacts/",
        "contacts/jane-doe.yaml: accounts names 'old-co', which is not in accounts/",
        f"{JANE_CALL}: contacts names 'nobody', which is not in contacts/",
        f"{JANE_CALL}: accounts names 'gone-ltd', which is not in accounts/",
        f"{JANE_CALL}: follow_up_of names 'zzzzzzzzzz', which is not in interactions/",
    ]


def test_a_deleted_contact_is_an_unknown_reference_for_each_record_naming_it(demo):
    os.unlink(demo / "contacts/tom-baker.yaml")
    problems = lines(demo)
    assert problems and all(p.endswith("contacts names 'tom-baker', which is not in contacts/") or
                            p.endswith("default_contact names 'tom-baker', which is not in contacts/")
                            for p in problems)


def test_an_invalid_contact_is_not_also_an_unknown_reference(demo):
    (demo / "contacts/jane-doe.yaml").write_text("- not\n- a mapping\n")
    assert lines(demo) == ["contacts/jane-doe.yaml: holds list, not a mapping of fields"]


def test_duplicate_ids_name_both_files(demo):
    moved = demo / "interactions/2026/10/cdm0acevsh.yaml"
    moved.parent.mkdir()
    shutil.copy(demo / JANE_CALL, moved)
    assert lines(demo) == [
        "interactions/2026/10/cdm0acevsh.yaml: id 'cdm0acevsh' is also used by interactions/2026/11/cdm0acevsh.yaml",
        "interactions/2026/10/cdm0acevsh.yaml: belongs in interactions/2026/11/ (by its when)",
        "interactions/2026/11/cdm0acevsh.yaml: id 'cdm0acevsh' is also used by interactions/2026/10/cdm0acevsh.yaml",
    ]


def test_git_conflict_markers_are_named_as_such_not_as_a_parse_error(demo):
    path = demo / JANE_CALL
    head, note, tail = path.read_text().partition("note: ")
    mine, _, rest = tail.partition("\n")
    path.write_text(f"{head}<<<<<<< HEAD\nnote: {mine}\n=======\nnote: theirs\n>>>>>>> origin/main\n{rest}")
    first = head.count("\n") + 1
    assert lines(demo) == [
        f"{JANE_CALL}: git conflict markers (lines {first}, {first + 2}, {first + 4}): keep the right lines, "
        "delete the markers, then `git add` the file"
    ]


def test_conflict_markers_that_would_parse_are_still_reported(demo):
    # inside a quoted scalar the markers are valid YAML: only a raw check finds them
    path = demo / JANE_CALL
    path.write_text(path.read_text() + 'outcome: "a\n<<<<<<< HEAD\n=======\n>>>>>>> theirs\n  b"\n')
    import yaml

    from interact.model import RecordLoader

    yaml.load(path.read_bytes(), Loader=RecordLoader)  # valid YAML, yet no record: load refuses it
    with pytest.raises(ValueError, match="git conflict markers"):
        load(path.read_bytes())
    assert lines(demo)[0].startswith(f"{JANE_CALL}: git conflict markers (lines ")


def test_conflict_markers_in_the_configuration(run, demo):
    config = demo / "interact.yaml"
    config.write_text("<<<<<<< HEAD\ntypes: [call, visit]\n=======\ntypes: [call, email]\n>>>>>>> theirs\n")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout == ("interact.yaml: git conflict markers (lines 1, 3, 5): keep the right lines, delete "
                             "the markers, then `git add` the file\n")


def test_an_interaction_in_the_wrong_month_folder(demo):
    target = demo / "interactions/2025/01"
    target.mkdir(parents=True)
    (demo / JANE_CALL).rename(target / "cdm0acevsh.yaml")
    assert lines(demo) == ["interactions/2025/01/cdm0acevsh.yaml: belongs in interactions/2026/11/ (by its when)"]


def test_the_folder_follows_due_then_created_at_when_there_is_no_when(demo):
    store = Store(demo)
    record = next(r for r in store.interactions() if r.get("due") and not r.get("when"))
    record["due"] = "2027-02-01"
    record.path.write_text(dump(record, "interaction"))
    relative = record.path.relative_to(demo).as_posix()
    assert lines(demo) == [f"{relative}: belongs in interactions/2027/02/ (by its due)"]


def test_stray_files_outside_the_layout(demo):
    (demo / "notes.txt").write_text("remember\n")
    (demo / "backup").mkdir()
    (demo / "contacts/jane-doe.yaml.orig").write_text("x")
    (demo / "contacts/old").mkdir()
    (demo / "interactions/2026/11/export.csv").write_text("x")
    (demo / "interactions/2026/loose.yaml").write_text("x")
    (demo / "interactions/2026/11/deeper").mkdir()
    assert lines(demo) == [
        "backup: not part of the store's layout (interact.yaml, contacts/, accounts/, interactions/): move or delete it",
        "contacts/jane-doe.yaml.orig: not part of the store's layout (contacts/<id>.yaml): move or delete it",
        "contacts/old: not part of the store's layout (contacts/<id>.yaml): move or delete it",
        "interactions/2026/11/deeper: not part of the store's layout (interactions/YYYY/MM/<id>.yaml): move or delete it",
        "interactions/2026/11/export.csv: not part of the store's layout (interactions/YYYY/MM/<id>.yaml): move or "
        "delete it",
        "interactions/2026/loose.yaml: not part of the store's layout (interactions/YYYY/MM/<id>.yaml): move or "
        "delete it",
        "notes.txt: not part of the store's layout (interact.yaml, contacts/, accounts/, interactions/): move or "
        "delete it",
    ]


def test_git_files_and_hidden_tool_folders_at_the_root_are_fine(demo):
    (demo / ".gitignore").write_text("/.cache/\n")
    (demo / ".gitattributes").write_text("*.yaml text eol=lf\n")
    (demo / ".git").mkdir()
    (demo / ".github/workflows").mkdir(parents=True)
    (demo / ".cache").mkdir()
    (demo / ".cache/index").write_text("derived")
    (demo / "attachments/cdm0acevsh").mkdir(parents=True)
    assert lines(demo) == []


def test_a_symlink_is_not_a_record(demo):
    (demo / "contacts/passwd.yaml").symlink_to("/etc/passwd")
    assert lines(demo) == ["contacts/passwd.yaml: is a symbolic link, which interact never follows: replace it "
                           "with the file or folder itself"]


def test_temp_files_are_problems_only_once_stale(demo):
    temp = demo / "interactions/2026/11/.cdm0acevsh.yaml.k2j4h5g6.tmp"
    temp.write_text("id: 2ht50c")  # a torn write, as a killed writer leaves it
    written = temp.stat().st_mtime
    assert lines(demo, clock=written + 5) == []  # a write may be in progress
    assert lines(demo, clock=written + STALE_TEMP_SECONDS - 1) == []
    assert lines(demo, clock=written + STALE_TEMP_SECONDS + 1) == [
        "interactions/2026/11/.cdm0acevsh.yaml.k2j4h5g6.tmp: left over from an interrupted write 1 minute ago: "
        "delete it"
    ]
    assert lines(demo, clock=written + 600)[0].endswith("10 minutes ago: delete it")
    assert len(Store(demo).interactions()) == 14  # readers never see it


def test_temp_files_are_dated_by_the_real_clock_not_interact_now(run, demo):
    (demo / "contacts/.jane-doe.yaml.abcdefgh.tmp").write_text("name: Ja")
    assert run("check", env={"INTERACT_NOW": "2030-01-01T00:00:00"}).exit_code == 0
