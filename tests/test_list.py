"""list and search through the CLI: defaults, every filter, every format, bad input, bad files."""

import csv
import io
import json
import subprocess
from pathlib import Path

import yaml

from interact.model import Record
from interact.store import Store

from conftest import REPO

DEMO_OUTSTANDING = ["cdm0acevsh", "w6f5qnbw9x", "rtcbtfr45r", "qxg33pan4s", "0ac7hfxanw", "3xdt0tm31z", "xbg987zqv0"]


def listed(run, *args, **kwargs) -> list[str]:
    return run.ok("list", *args, "--format", "ids", **kwargs).stdout.split()


def save(store_path: Path, rid: str, **fields) -> None:
    Store(store_path).save_interaction(Record({"id": rid, "type": "call", "assignee": "alice", **fields}))


# --- defaults and sorting ----------------------------------------------------------

def test_default_is_my_outstanding_sorted_by_deadline(run):
    assert listed(run) == ["cdm0acevsh", "0ac7hfxanw", "3xdt0tm31z"]


def test_everyone_outstanding_sorted_by_deadline_then_undated_by_id(run):
    assert listed(run, "--everyone") == DEMO_OUTSTANDING


def test_mine_to_and_everyone(run):
    assert listed(run, "--to", "bob") == ["rtcbtfr45r", "qxg33pan4s"]
    assert run.ok("--as", "bob", "list", "--format", "ids").stdout.split() == ["rtcbtfr45r", "qxg33pan4s"]
    assert listed(run, "--everyone", "--mine") == ["cdm0acevsh", "0ac7hfxanw", "3xdt0tm31z"]
    assert listed(run, "--everyone", "--to", "carol") == ["w6f5qnbw9x", "xbg987zqv0"]


def test_status_filters(run):
    assert listed(run, "--everyone", "--status", "missed") == ["cdm0acevsh", "w6f5qnbw9x", "rtcbtfr45r"]
    assert listed(run, "--everyone", "--status", "open") == ["qxg33pan4s", "0ac7hfxanw", "3xdt0tm31z", "xbg987zqv0"]
    completed = listed(run, "--everyone", "--status", "completed")  # newest first, as history is (SPEC §9)
    assert completed == ["nttgr8dv2k", "2ht50csedc", "jpbqnw99gr", "s5zg79vyq8", "3nhm9ma2qr", "abw0xgqwfy",
                         "h8v86t18wf"]
    assert len(listed(run, "--everyone", "--status", "all")) == 14


def test_interact_now_moves_the_clock(run):
    # On the 15th, the call planned for the 16th and the visit of the 20th are still open
    early = {"INTERACT_NOW": "2026-11-15T12:00:00"}
    assert listed(run, "--everyone", "--status", "missed", env=early) == []
    # w6f5 is due on the 18th: open all that day, missed from midnight
    assert "w6f5qnbw9x" not in listed(run, "--everyone", "--status", "missed", env={"INTERACT_NOW": "2026-11-18T23:59"})
    assert "w6f5qnbw9x" in listed(run, "--everyone", "--status", "missed", env={"INTERACT_NOW": "2026-11-19T00:00"})


def test_when_plus_duration_edges_through_the_cli(run_empty, empty):
    save(empty, "k000000001", when="2026-11-25T09:00:00+00:00", duration=60)
    before = {"INTERACT_NOW": "2026-11-25T09:59"}
    after = {"INTERACT_NOW": "2026-11-25T10:01"}
    assert listed(run_empty, "--status", "open", env=before) == ["k000000001"]
    assert listed(run_empty, "--status", "missed", env=after) == ["k000000001"]


# --- filters -----------------------------------------------------------------------

def test_people_filters_resolve_references(run):
    assert listed(run, "--everyone", "--status", "all", "--contact", "Jane Doe") == [
        "h8v86t18wf", "jpbqnw99gr", "cdm0acevsh"]
    # an account where a person is expected means its default contact (SPEC §2)
    assert listed(run, "--everyone", "--status", "all", "--contact", "acme") == [
        "h8v86t18wf", "jpbqnw99gr", "cdm0acevsh"]
    assert listed(run, "--everyone", "--status", "all", "--account", "acme") == [
        "h8v86t18wf", "jpbqnw99gr", "cdm0acevsh", "qxg33pan4s"]


def test_type_tag_purpose_generated_filters(run, demo):
    assert listed(run, "--everyone", "--status", "all", "--type", "visit") == ["abw0xgqwfy", "rtcbtfr45r"]
    assert listed(run, "--everyone", "--status", "all", "--type", "visit", "--type", "chat") == [
        "abw0xgqwfy", "rtcbtfr45r", "nttgr8dv2k"]
    assert listed(run, "--everyone", "--status", "all", "--tag", "demo") == ["rtcbtfr45r"]
    assert listed(run, "--everyone", "--status", "all", "--purpose", "Follow-Up") == ["jpbqnw99gr", "cdm0acevsh"]
    assert listed(run, "--everyone", "--status", "all", "--generated") == []
    save(demo, "m000000001", due="2026-11-26", generated="2026-11-26/prospects")
    assert listed(run, "--everyone", "--generated") == ["m000000001"]


def test_date_filters(run):
    every = ("--everyone", "--status", "all")
    assert listed(run, *every, "--on", "2026-11-18") == ["2ht50csedc", "w6f5qnbw9x"]   # by when, and by due
    assert listed(run, *every, "--from", "2026-11-20", "--until", "2026-11-23") == ["rtcbtfr45r", "nttgr8dv2k"]
    assert listed(run, *every, "--from", "2026-11-23") == ["nttgr8dv2k", "qxg33pan4s"]
    assert listed(run, *every, "--until", "2026-11-02") == ["h8v86t18wf"]
    assert listed(run, *every, "--week") == ["nttgr8dv2k"]                 # Mon 23 to Sun 29
    assert listed(run, *every, "--week", env={"INTERACT_NOW": "2026-11-30T10:00"}) == ["qxg33pan4s"]
    assert listed(run, *every, "--today", env={"INTERACT_NOW": "2026-11-23T08:00"}) == ["nttgr8dv2k"]
    assert listed(run, *every, "--on", "last mon") == ["nttgr8dv2k"]
    # several date options narrow together
    assert listed(run, *every, "--week", "--from", "2026-11-24") == []


def test_limit(run):
    assert listed(run, "--everyone", "--limit", "2") == DEMO_OUTSTANDING[:2]
    assert run("list", "--limit", "0").exit_code == 2


# --- formats -----------------------------------------------------------------------

def test_table_shows_shortest_prefixes_and_people(run):
    out = run.ok("list", "--everyone").stdout
    lines = out.splitlines()
    assert lines[0].split() == ["id", "status", "when", "type", "with", "assignee", "about"]
    assert lines[2].split()[:3] == ["cdm0", "missed", "2026-11-16"]
    assert "Sam Okafor, Brightside School" in out
    assert "due 2026-11-30" in out


def test_prefixes_are_unique_over_the_whole_store(run_empty, empty):
    save(empty, "p0000abcde", completed_at="2026-11-20T10:00:00+00:00", when="2026-11-20T10:00:00+00:00")
    save(empty, "p0000abxyz")
    (empty / "interactions" / "2026" / "11" / "q1234aaaaa.yaml").write_text("id: [broken\n")
    save(empty, "q1234bbbbb")
    out = run_empty.ok("list").stdout
    first_column = [line.split()[0] for line in out.splitlines()[2:]]
    assert first_column == ["p0000abx", "q1234b"]
    for prefix in first_column:
        assert run_empty.ok("show", prefix, "--format", "ids").stdout.strip().startswith(prefix)


def test_json_has_every_field_and_status(run):
    data = json.loads(run.ok("list", "--everyone", "--format", "json").stdout)
    assert [d["id"] for d in data] == DEMO_OUTSTANDING
    first = data[0]
    assert first["status"] == "missed"
    assert first["follow_up_of"] == "jpbqnw99gr"
    assert first["when"] == "2026-11-16T10:00:00+00:00"


def test_csv_and_yaml(run):
    rows = list(csv.DictReader(io.StringIO(run.ok("list", "--to", "bob", "--format", "csv").stdout)))
    assert [(r["id"], r["status"], r["contacts"]) for r in rows] == [
        ("rtcbtfr45r", "missed", "owen-price"), ("qxg33pan4s", "open", "tom-baker")]
    assert rows[1]["due"] == "2026-11-30"
    data = yaml.safe_load(run.ok("list", "--to", "bob", "--format", "yaml").stdout)
    assert [(d["id"], d["status"]) for d in data] == [("rtcbtfr45r", "missed"), ("qxg33pan4s", "open")]


def test_nothing_found_is_success_with_a_hint_on_stderr(run):
    result = run.ok("list", "--to", "bob", "--status", "completed", "--type", "note")
    assert result.stdout == ""
    assert "no interaction matches" in result.stderr
    assert run.ok("list", "--to", "bob", "--type", "note", "--format", "json").stdout.strip() == "[]"


def test_count(run):
    # every status of mine, like a CRM's status tabs, unless --status narrows it
    assert run.ok("list", "--count", "--format", "json").stdout.strip() == '{\n  "open": 2,\n  "missed": 1,\n  ' \
                                                                           '"completed": 4\n}'
    assert json.loads(run.ok("list", "--count", "--status", "outstanding", "--format", "json").stdout) == {
        "open": 2, "missed": 1, "completed": 0}
    counts = json.loads(run.ok("list", "--everyone", "--status", "all", "--count", "--format", "json").stdout)
    assert counts == {"open": 4, "missed": 3, "completed": 7}
    table = run.ok("list", "--everyone", "--status", "all", "--count").stdout
    assert [line.split() for line in table.splitlines()[2:]] == [["open", "4"], ["missed", "3"], ["completed", "7"]]
    assert run.ok("list", "--everyone", "--count", "--format", "csv").stdout == "open,missed,completed\n4,3,7\n"
    result = run("list", "--count", "--format", "ids")
    assert result.exit_code == 1 and "--count" in result.stderr


# --- bad input and bad files -------------------------------------------------------

def test_bad_filters_are_refused_with_one_line(run):
    for args, expected in [
        (("--from", "someday"), "could not read the date 'someday'"),
        (("--on", "2026-02-30"), "could not read the date '2026-02-30'"),
        (("--contact", "Nobody Atall"), "no contact or account matches 'Nobody Atall'"),
        (("--account", "Nowhere Ltd"), "no account matches 'Nowhere Ltd'"),
        (("--type", "fax"), "'fax' is not a configured type"),
        (("--to", "dave"), "'dave' is not a user of this store"),
    ]:
        result = run("list", *args)
        assert result.exit_code == 1, args
        assert result.stdout == ""
        assert result.stderr.startswith(f"Error: {expected}"), result.stderr
        assert "Traceback" not in result.stderr
    assert run("list", "--status", "late").exit_code == 2


def test_a_corrupt_file_is_skipped_with_one_warning(run, demo):
    bad = demo / "interactions" / "2026" / "11" / "zzzzzzzzzz.yaml"
    bad.write_text("id: zzzzzzzzzz\ntype: [call\n")
    result = run("list", "--everyone")
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if line]
    assert len(warnings) == 1
    assert "interactions/2026/11/zzzzzzzzzz.yaml" in warnings[0]
    assert [line.split()[0] for line in result.stdout.splitlines()[2:]] == [
        "cdm0", "w6f5", "rtcb", "qxg3", "0ac7", "3xdt", "xbg9"]


def test_a_record_that_breaks_the_schema_is_skipped_too(run, demo):
    bad = demo / "interactions" / "2026" / "11" / "yyyyyyyyyy.yaml"
    bad.write_text("id: yyyyyyyyyy\ntype: call\ndue: next tuesday\n")
    result = run("list", "--everyone", "--format", "ids")
    assert result.exit_code == 0
    assert result.stdout.split() == DEMO_OUTSTANDING
    assert "yyyyyyyyyy.yaml" in result.stderr


# --- search ------------------------------------------------------------------------

def searched(run, *args) -> list[str]:
    return run.ok("search", *args, "--format", "ids").stdout.split()


def test_search_defaults_to_every_status_and_everyone(run):
    assert searched(run, "renewal") == ["h8v86t18wf"]
    assert searched(run, "ACME") == ["h8v86t18wf", "jpbqnw99gr", "cdm0acevsh", "qxg33pan4s"]  # account name
    assert searched(run, "brochure") == ["s5zg79vyq8", "0ac7hfxanw"]


def test_search_words_and_phrases(run):
    assert searched(run, "quote", "voicemail") == ["jpbqnw99gr"]  # both words, different fields
    assert searched(run, "voicemail", "quote") == ["jpbqnw99gr"]
    assert searched(run, "left voicemail") == ["jpbqnw99gr"]        # the outcome 'Left voicemail'
    assert searched(run, "voicemail left") == []                    # a phrase keeps its order
    assert searched(run, "voicemail", "left") == ["jpbqnw99gr"]     # two words do not
    assert searched(run, "trade-fair") == ["nttgr8dv2k"]            # a tag
    assert searched(run, "raj") == ["3nhm9ma2qr", "xbg987zqv0"]     # a contact's name


def test_search_takes_the_filters_of_list(run):
    assert searched(run, "brochure", "--mine", "--status", "outstanding") == ["0ac7hfxanw"]
    assert searched(run, "acme", "--to", "bob") == ["qxg33pan4s"]
    assert searched(run, "acme", "--from", "2026-11-12", "--until", "2026-11-16") == ["jpbqnw99gr", "cdm0acevsh"]
    out = run.ok("search", "renewal").stdout
    assert out.splitlines()[2].split()[:2] == ["h8v8", "completed"]


def test_search_finds_comments(run):
    run.ok("comment", "qxg3", "Customer asked for a Welsh translation")
    assert searched(run, "welsh") == ["qxg33pan4s"]


def test_search_with_nothing_to_search_for(run):
    assert run("search").exit_code == 2
    result = run("search", "  ")
    assert result.exit_code == 1 and "give a word" in result.stderr


def test_real_process_lists_with_data_on_stdout_only(demo):
    """The installed command, run for real: data on stdout, no colour when not on a terminal."""
    env = {"PATH": "/usr/bin:/bin", "INTERACT_NOW": "2026-11-25T10:00", "INTERACT_USER": "alice", "TZ": "Europe/London"}
    result = subprocess.run([str(REPO / ".venv" / "bin" / "interact"), "--dir", str(demo), "list", "--everyone"],
                            capture_output=True, text=True, env=env, check=True)
    assert result.stderr == ""
    assert "\x1b[" not in result.stdout
    assert len(result.stdout.splitlines()) == 2 + len(DEMO_OUTSTANDING)


def test_readme_first_command_shows_something_on_any_date(run):
    for now in ("2020-01-01T00:00", "2026-11-25T10:00", "2040-06-30T23:00"):
        result = run.ok("list", "--everyone", env={"INTERACT_NOW": now, "INTERACT_USER": "nobody"})
        assert len(result.stdout.splitlines()) >= 2 + 3, now
