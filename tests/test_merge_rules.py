"""The merge driver, rule by rule (SPEC §8): three versions of a record written by the test,
`interact merge-file BASE OURS THEIRS PATH` run as git runs it (a subprocess of the installed
script), the result read back from OURS."""

from __future__ import annotations

import copy
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from interact.merge import merge_record
from interact.merge_file import merge_texts, with_markers
from interact.model import conflict_markers, dump, load

from conftest import DEMO, INTERACT
from gitteam import conflict_sides

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

RID = "7kq2m9xd4t"
RECORD_PATH = f"interactions/2026/11/{RID}.yaml"
BASE = {
    "id": RID, "type": "call", "purpose": "renewal", "when": "2026-11-27T10:00:00+00:00", "duration": 30,
    "contacts": ["jane-doe"], "accounts": ["acme-ltd"], "assignee": "alice", "created_by": "alice",
    "created_at": "2026-11-20T09:00:00+00:00", "instructions": "Call about the renewal",
}
KIND_OF = {"interactions": "interaction", "contacts": "contact", "accounts": "account"}


def version(**changes) -> dict:
    record = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = value
    return record


def post(at: str, by: str, text: str) -> dict:
    return {"at": f"2026-11-{at}+00:00", "by": by, "text": text}


def drive(tmp_path: Path, base, ours, theirs, path: str = RECORD_PATH):
    """Run the driver on three versions (dicts are written canonically, text as it is);
    (exit code, OURS' text afterwards, stderr)."""
    kind = "config" if path.endswith("interact.yaml") else KIND_OF.get(path.split("/")[0])
    files = []
    for name, content in (("base", base), ("ours", ours), ("theirs", theirs)):
        file = tmp_path / f".merge_file_{name}"
        file.write_text(content if isinstance(content, str) else dump(content, kind) if content else "")
        files.append(str(file))
    result = subprocess.run([str(INTERACT), "merge-file", *files, path], capture_output=True, text=True, timeout=60)
    return result.returncode, Path(files[1]).read_text(), result.stderr


def merged(tmp_path, base, ours, theirs, path=RECORD_PATH) -> dict:
    code, text, stderr = drive(tmp_path, base, ours, theirs, path)
    assert (code, stderr) == (0, ""), text
    return load(text)


# --- one field, one side ------------------------------------------------------------------

def test_a_field_changed_on_one_side_takes_that_sides_value(tmp_path):
    result = merged(tmp_path, BASE, version(note="Spoke to Jane"), version(instructions="Ask about the budget",
                                                                             duration=None))
    assert result["note"] == "Spoke to Jane"
    assert result["instructions"] == "Ask about the budget"
    assert "duration" not in result  # a removal on one side is a change like any other
    assert result["purpose"] == "renewal"  # untouched


def test_a_field_changed_to_the_same_value_on_both_sides_is_no_conflict(tmp_path):
    result = merged(tmp_path, BASE, version(when="2026-11-28T10:00:00+00:00", note="same"),
                    version(when="2026-11-28T10:00:00+00:00", note="same"))
    assert (result["when"], result["note"]) == ("2026-11-28T10:00:00+00:00", "same")


def test_the_result_is_canonical(tmp_path):
    ours = version(tags=["vip"], posts=[post("25T10:00:00", "alice", "a")], note="one\ntwo")
    theirs = version(relates_to=["case:4711"], ratings={"interest": 4})
    code, text, _ = drive(tmp_path, BASE, ours, theirs)
    assert code == 0
    assert text == dump(load(text), "interaction")
    assert text.splitlines()[:2] == [f"id: {RID}", "type: call"]


# --- posts --------------------------------------------------------------------------------

def test_posts_are_the_union_of_both_sides_ordered_by_time(tmp_path):
    shared = post("24T09:00:00", "carol", "before both")
    ours = version(posts=[shared, post("25T11:00:00", "alice", "late"), post("25T09:00:00", "alice", "early")])
    theirs = version(posts=[shared, post("25T10:00:00", "bob", "middle")])
    result = merged(tmp_path, version(posts=[shared]), ours, theirs)
    assert [p["text"] for p in result["posts"]] == ["before both", "early", "middle", "late"]


def test_two_first_posts_and_the_same_post_on_both_sides_count_once(tmp_path):
    same = post("25T10:00:00", "alice", "Called back")
    result = merged(tmp_path, BASE, version(posts=[same, post("25T12:00:00", "alice", "mine")]),
                    version(posts=[same]))
    assert result["posts"] == [same, post("25T12:00:00", "alice", "mine")]


def test_posts_compare_by_the_instant_whatever_the_offset(tmp_path):
    paris = {"at": "2026-11-25T10:30:00+01:00", "by": "bob", "text": "09:30 UTC"}
    london = {"at": "2026-11-25T10:00:00+00:00", "by": "alice", "text": "10:00 UTC"}
    result = merged(tmp_path, BASE, version(posts=[london]), version(posts=[paris]))
    assert [p["text"] for p in result["posts"]] == ["09:30 UTC", "10:00 UTC"]


# --- sets ---------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["tags", "contacts", "accounts", "relates_to", "notify"])
def test_lists_of_names_merge_as_three_way_sets(tmp_path, key):
    base = version(**{key: ["a", "b", "c"]})
    ours = version(**{key: ["a", "c", "d"]})  # removed b, added d
    theirs = version(**{key: ["e", "a", "b", "c", "b"]})  # added e (at the front)
    result = merged(tmp_path, base, ours, theirs)
    assert result[key] == ["a", "c", "d", "e"]  # OURS' order, then THEIRS' additions; b stays removed


def test_a_set_emptied_on_one_side_and_grown_on_the_other(tmp_path):
    result = merged(tmp_path, version(tags=["old"]), version(tags=None), version(tags=["old", "new"]))
    assert result["tags"] == ["new"]


def test_a_contacts_accounts_merge_as_a_set_and_its_fields_key_by_key(tmp_path):
    path = "contacts/jane-doe.yaml"
    base = {"id": "jane-doe", "name": "Jane Doe", "accounts": ["acme-ltd"], "fields": {"term": "Fall 2027"}}
    ours = {**base, "accounts": ["acme-ltd", "kestrel"], "fields": {"term": "Spring 2028", "country": "India"}}
    theirs = {**base, "accounts": [], "email": "jane@example.com", "fields": {"term": "Fall 2027", "visa": "yes"}}
    result = merged(tmp_path, base, ours, theirs, path)
    assert result["accounts"] == ["kestrel"]  # THEIRS removed acme-ltd, OURS added kestrel
    assert result["fields"] == {"term": "Spring 2028", "country": "India", "visa": "yes"}
    assert result["email"] == "jane@example.com"


def test_ratings_merge_key_by_key(tmp_path):
    result = merged(tmp_path, version(ratings={"interest": 2}), version(ratings={"interest": 4}),
                    version(ratings={"interest": 2, "likelihood": 3}))
    assert result["ratings"] == {"interest": 4, "likelihood": 3}


def test_opportunities_merge_by_their_id_and_then_key_by_key(tmp_path):
    path = "accounts/acme-ltd.yaml"
    renewal = {"id": "renewal-2027", "name": "Renewal 2027", "value": 12000, "stage": "open"}
    pilot = {"id": "pilot", "name": "Pilot", "value": 500, "stage": "open"}
    base = {"id": "acme-ltd", "name": "Acme Ltd", "kind": "customer", "opportunities": [renewal, pilot]}
    ours = {**base, "opportunities": [{**renewal, "stage": "won"}, pilot]}
    theirs = {**base, "opportunities": [{**renewal, "value": 15000}, {"id": "support", "name": "Support",
                                                                      "value": 900, "stage": "open"}]}
    result = merged(tmp_path, base, ours, theirs, path)
    assert result["opportunities"] == [  # THEIRS removed the pilot OURS left alone
        {"id": "renewal-2027", "name": "Renewal 2027", "value": 15000, "stage": "won"},
        {"id": "support", "name": "Support", "value": 900, "stage": "open"},
    ]


def test_an_opportunity_valued_differently_on_both_sides_is_a_conflict_on_that_line(tmp_path):
    path = "accounts/acme-ltd.yaml"
    base = {"id": "acme-ltd", "name": "Acme Ltd", "opportunities": [{"id": "r", "name": "R", "value": 1}]}
    ours = {**base, "opportunities": [{"id": "r", "name": "R", "value": 2}]}
    theirs = {**base, "opportunities": [{"id": "r", "name": "R", "value": 3}], "town": "Leeds"}
    code, text, stderr = drive(tmp_path, base, ours, theirs, path)
    assert code == 1
    assert "both sides changed opportunities.r.value" in stderr
    assert "town: Leeds" in text  # what merged is in, outside the markers
    assert text.count("<<<<<<< ours") == 1


# --- completion -----------------------------------------------------------------------------

DONE_BY_ALICE = dict(outcome="Renewed", completed_at="2026-11-25T10:00:00+00:00", completed_by="alice",
                     next_action="Send the invoice")
DONE_BY_BOB = dict(outcome="Renewed", completed_at="2026-11-25T09:00:00+00:00", completed_by="bob")


def test_complete_on_one_side_and_a_first_comment_on_the_other(tmp_path):
    comment = post("25T11:00:00", "bob", "She asked for a discount")
    result = merged(tmp_path, BASE, version(**DONE_BY_ALICE), version(posts=[comment]))
    assert {k: result.get(k) for k in DONE_BY_ALICE} == DONE_BY_ALICE
    assert result["posts"] == [comment]


def test_two_completions_with_the_same_outcome_keep_the_earlier_whole(tmp_path):
    result = merged(tmp_path, BASE, version(**DONE_BY_ALICE), version(**DONE_BY_BOB))
    # bob's is earlier: his time and name, and no next action (alice's belongs to her completion)
    assert {k: result.get(k) for k in DONE_BY_ALICE} == {**DONE_BY_BOB, "next_action": None}
    reverse = merged(tmp_path, BASE, version(**DONE_BY_BOB), version(**DONE_BY_ALICE))
    assert reverse == result


def test_two_completions_of_an_unplanned_task_take_the_earlier_when_too(tmp_path):
    base = version(when=None, due="2026-11-28")
    ours = version(when=DONE_BY_ALICE["completed_at"], due="2026-11-28", **DONE_BY_ALICE)
    theirs = version(when=DONE_BY_BOB["completed_at"], due="2026-11-28", **DONE_BY_BOB)
    result = merged(tmp_path, base, ours, theirs, "interactions/2026/11/" + RID + ".yaml")
    assert (result["when"], result["completed_by"]) == (DONE_BY_BOB["completed_at"], "bob")


def test_two_different_outcomes_are_a_conflict_around_the_completion_lines_only(tmp_path):
    ours = version(tags=["vip"], **DONE_BY_ALICE)
    theirs = version(relates_to=["case:9"], **{**DONE_BY_BOB, "outcome": "Lost"})
    code, text, stderr = drive(tmp_path, BASE, ours, theirs)
    assert code == 1
    assert stderr.startswith(f"interact: {RECORD_PATH}: both sides changed ")
    for name in ("outcome", "completed_at", "completed_by", "next_action"):
        assert name in stderr
    lines = text.splitlines()
    start, middle, end = lines.index("<<<<<<< ours"), lines.index("======="), lines.index(">>>>>>> theirs")
    assert lines[start + 1:middle] == ["outcome: Renewed", "next_action: Send the invoice",
                                       "completed_at: 2026-11-25T10:00:00+00:00", "completed_by: alice"]
    assert lines[middle + 1:end] == ["outcome: Lost", "completed_at: 2026-11-25T09:00:00+00:00", "completed_by: bob"]
    assert "tags: [vip]" in lines and "relates_to: ['case:9']" in lines  # merged, outside the markers
    assert conflict_markers(text) == [start + 1, middle + 1, end + 1]
    with pytest.raises(ValueError, match="git conflict markers"):
        load(text)


def test_two_different_notes_conflict_and_each_side_reads_back_whole(tmp_path):
    code, text, _ = drive(tmp_path, BASE, version(note="Offer 10% off"), version(note="Offer a free month",
                                                                               tags=["x"]))
    assert code == 1
    ours, theirs = (load(side) for side in conflict_sides(text))
    assert (ours["note"], theirs["note"]) == ("Offer 10% off", "Offer a free month")
    assert ours["tags"] == theirs["tags"] == ["x"]


# --- files that are not (readable) records ---------------------------------------------------

def test_a_side_that_does_not_parse_falls_back_to_gits_line_merge(tmp_path):
    base = dump(BASE, "interaction")
    broken = base.replace("type: call", "type: [call")  # does not parse
    theirs = base.replace("Call about the renewal", "Call about the upsell")
    code, text, stderr = drive(tmp_path, base, broken, theirs)
    assert (code, stderr.strip()) == (0, "")  # lines apart: git merges them
    assert "type: [call" in text and "Call about the upsell" in text
    code, text, stderr = drive(tmp_path, base, broken, base.replace("type: call", "type: visit"))
    assert code == 1 and "merged line by line" in stderr
    assert "<<<<<<< ours\ntype: [call\n=======\ntype: visit\n>>>>>>> theirs\n" in text


def test_a_side_nested_too_deep_is_merged_line_by_line_without_a_traceback(tmp_path):
    deep = "id: jane-doe\nname: " + "[" * 5000 + "]" * 5000 + "\n"
    code, text, stderr = drive(tmp_path, "id: jane-doe\nname: Jane\n", deep, "id: jane-doe\nname: J\n",
                               "contacts/jane-doe.yaml")
    assert code == 1 and "Traceback" not in stderr and "merged line by line" in stderr
    assert text.startswith("id: jane-doe\n<<<<<<< ours\n")


def test_files_outside_the_stores_layout_are_merged_line_by_line(tmp_path):
    base = "jobs:\n  test:\n    runs-on: ubuntu\n"
    code, text, _ = drive(tmp_path, base, base + "  lint: {}\n", "on: push\n" + base, ".github/workflows/ci.yaml")
    assert code == 0 and text == "on: push\njobs:\n  test:\n    runs-on: ubuntu\n  lint: {}\n"


def test_unknown_keys_are_kept_and_merged_like_the_others(tmp_path):
    result = merged(tmp_path, version(x_custom={"a": 1}), version(x_custom={"a": 1, "b": 2}, x_new="ours"),
                    version(x_custom={"a": 5}))
    assert (result["x_custom"], result["x_new"]) == ({"a": 5, "b": 2}, "ours")


def test_both_sides_added_the_file_counts_against_an_empty_base(tmp_path):
    path = "contacts/sam-okafor.yaml"
    ours = {"id": "sam-okafor", "name": "Sam Okafor", "fields": {"term": "Fall 2027"}}
    theirs = {"id": "sam-okafor", "name": "Sam Okafor", "email": "sam@example.com", "fields": {"country": "Nigeria"}}
    result = merged(tmp_path, None, ours, theirs, path)
    assert result == {"id": "sam-okafor", "name": "Sam Okafor", "email": "sam@example.com",
                      "fields": {"term": "Fall 2027", "country": "Nigeria"}}
    code, _, stderr = drive(tmp_path, None, ours, {**theirs, "name": "Samuel Okafor"}, path)
    assert code == 1 and "both sides changed name" in stderr


def test_without_a_path_the_kind_is_read_from_the_fields(tmp_path):
    files = []
    for name, record in (("b", BASE), ("o", version(tags=["a"])), ("t", version(tags=["b"]))):
        (tmp_path / name).write_text(dump(record, "interaction"))
        files.append(str(tmp_path / name))
    result = subprocess.run([str(INTERACT), "merge-file", *files], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert load((tmp_path / "o").read_bytes())["tags"] == ["a", "b"]


# --- interact.yaml ------------------------------------------------------------------------

def test_configuration_lists_merge_as_ordered_sets_and_comments_stay(tmp_path):
    base = (DEMO / "interact.yaml").read_text()
    ours = base.replace("chat, note]", "chat, note, fax]").replace("ratings: [interest, likelihood]",
                                                                   "ratings: [interest]")
    theirs = (base.replace("chat, note]", "chat, note, letter]").replace("admissions, volunteering]",
                                                                         "admissions, volunteering, funding]")
              .replace("users: [alice, bob, carol]", "users: [alice, bob, carol, dan]")
              .replace("purposes: [renewal, follow-up, enquiry]", "purposes: [renewal, enquiry]"))
    code, text, _ = drive(tmp_path, base, ours, theirs, "interact.yaml")
    assert code == 0
    result = load(text)
    assert result["types"] == ["call", "visit", "email", "meeting", "chat", "note", "fax", "letter"]
    assert result["categories"] == ["sales", "admissions", "volunteering", "funding"]
    assert result["users"] == ["alice", "bob", "carol", "dan"]
    assert result["ratings"] == ["interest"]
    assert result["purposes"] == ["renewal", "enquiry"]
    assert "types: [call, visit, email, meeting, chat, note, fax, letter]   # ordered; add your own\n" in text
    assert text.startswith("# interact store configuration.")


def test_users_given_as_mappings_merge_by_id(tmp_path):
    base = "users:\n- id: alice\n  name: Alice\n"
    ours = "users:\n- id: alice\n  name: Alice Smith\n"
    theirs = "users:\n- id: alice\n  name: Alice\n  email: alice@example.com\n- bob\n"
    code, text, _ = drive(tmp_path, base, ours, theirs, "interact.yaml")
    assert code == 0
    assert load(text)["users"] == [{"id": "alice", "name": "Alice Smith", "email": "alice@example.com"}, "bob"]


def test_a_setting_changed_on_both_sides_is_a_conflict_on_its_line(tmp_path):
    base = (DEMO / "interact.yaml").read_text()
    ours = base.replace("Europe/London", "Europe/Paris")
    theirs = base.replace("Europe/London", "Europe/Berlin").replace("chat, note]", "chat, note, fax]")
    code, text, stderr = drive(tmp_path, base, ours, theirs, "interact.yaml")
    assert code == 1 and "both sides changed timezone" in stderr
    assert "<<<<<<< ours\ntimezone: Europe/Paris " in text and "=======\ntimezone: Europe/Berlin " in text
    assert "chat, note, fax]" in text


# --- the record merge as a function of three dicts (what month packs will call) ------------

def test_merge_record_is_a_function_of_three_dicts_and_leaves_them_alone():
    base, ours, theirs = BASE, version(tags=["a"]), version(note="n")
    frozen = copy.deepcopy((base, ours, theirs))
    result = merge_record(base, ours, theirs, "interaction")
    assert result.clean and result.record == {**BASE, "tags": ["a"], "note": "n"}
    assert (base, ours, theirs) == frozen


def test_clean_merges_do_not_depend_on_which_side_is_ours():
    """Changes that never conflict (posts, tags, relates_to, one side's scalars), drawn at random:
    OURS and THEIRS swapped give the same record, up to the order of set members."""
    rng = random.Random(7)
    for _ in range(200):
        sides = []
        for side in ("alice", "bob"):
            record = copy.deepcopy(BASE)
            record["tags"] = sorted(set(rng.sample(["a", "b", "c", "d"], rng.randint(0, 4))))
            record["posts"] = [post(f"2{rng.randint(1, 8)}T10:00:00", side, f"{side} {n}") for n in range(rng.randint(0, 2))]
            if rng.random() < 0.5:
                record["note" if side == "alice" else "outcome"] = f"by {side}"
            sides.append(record)
        one, other = merge_record(BASE, *sides, "interaction"), merge_record(BASE, *reversed(sides), "interaction")
        assert one.clean and other.clean
        for key in set(one.record) | set(other.record):
            a, b = one.record.get(key), other.record.get(key)
            if key == "tags":
                a, b = sorted(a or []), sorted(b or [])
            if key == "posts":
                a, b = sorted(map(str, a)), sorted(map(str, b))
            assert a == b, key


def test_conflict_markers_surround_only_the_lines_that_differ():
    text = with_markers("a\nb\nc\nd\n", "a\nB\nc\nd\nE\n")
    assert text == ("a\n<<<<<<< ours\nb\n=======\nB\n>>>>>>> theirs\nc\nd\n"
                    "<<<<<<< ours\n=======\nE\n>>>>>>> theirs\n")


def test_merge_texts_in_process_matches_the_driver(tmp_path):
    base, ours, theirs = BASE, version(tags=["a"]), version(posts=[post("25T10:00:00", "b", "x")])
    code, text, _ = drive(tmp_path, base, ours, theirs)
    in_process = merge_texts(*(dump(r, "interaction").encode() for r in (base, ours, theirs)), RECORD_PATH)
    assert (code == 0, text.encode()) == (in_process.clean, in_process.text)
