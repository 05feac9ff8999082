"""Listings as people use them (SPEC §9 and the changed lines of §4): weeks and months by name,
reversed ranges, completed newest first, `today` in every format, `complete` of several ids,
mistyped commands, references found by `search` and `list --relates`, links of completed
interactions, and `check` with require_category."""

import csv
import io
import json
import os
import subprocess

import pytest
import yaml

from conftest import REPO, interaction_files


def listed(run, *args, **kwargs) -> list[str]:
    return run.ok("list", "--everyone", "--status", "all", *args, "--format", "ids", **kwargs).stdout.split()


# --- weeks and months ------------------------------------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    (["--week"], ["nttgr8dv2k"]),
    (["--week", "next"], ["qxg33pan4s"]),
    (["--week", "last"], ["cdm0acevsh", "w6f5qnbw9x", "2ht50csedc", "rtcbtfr45r"]),
    (["--week", "2026-W46"], ["s5zg79vyq8", "jpbqnw99gr"]),
    (["--month", "next"], []),
    (["--month", "2026-11", "--type", "visit"], ["abw0xgqwfy", "rtcbtfr45r"]),
    (["--month", "--type", "visit"], ["abw0xgqwfy", "rtcbtfr45r"]),
    (["--month", "last", "--everyone"], []),
])
def test_weeks_and_months_by_name(run, args, expected):
    assert sorted(listed(run, *args)) == sorted(expected)


@pytest.mark.parametrize("args", [
    ["--from", "2026-12-01", "--until", "2026-11-01"],
    ["--from", "fri", "--until", "today"],
    ["--week", "next", "--today"],
    ["--month", "last", "--week", "next"],
])
def test_a_reversed_range_is_an_error_not_an_empty_list(run, args):
    for command in (["list"], ["search", "call"], ["export"]):
        result = run(*command, *args)
        assert result.exit_code == 1 and result.stdout == "", (command, args)
        assert result.stderr.startswith("Error: the range is empty: it starts on ")


def test_a_week_that_does_not_read_says_what_would(run):
    result = run("list", "--week", "soon")
    assert result.exit_code == 1 and "try this, next, last, 2026-W49" in result.stderr


def test_the_calendar_takes_next_and_last_months(run):
    assert run.ok("calendar", "next", "--everyone").stdout.split("\n", 1)[0].strip() == "December 2026, everyone"


# --- completed ones, newest first ---------------------------------------------------------

def test_completed_ones_are_newest_first_and_limit_takes_the_newest(run, demo):
    rid = run.ok("log", "call", "jane", "Just now").stdout.strip()
    assert listed(run, "--status", "completed", "--limit", "1") == [rid]
    assert listed(run, "--status", "completed", "--limit", "2") == [rid, "nttgr8dv2k"]
    assert run.ok("search", "call", "--status", "completed", "--limit", "1", "--format", "ids").stdout.split() == [rid]
    assert listed(run, "--status", "outstanding", "--limit", "1") == ["cdm0acevsh"]  # the rest by deadline


# --- today in every format -------------------------------------------------------------

MONDAY_16 = {"INTERACT_NOW": "2026-11-16T11:00"}


@pytest.mark.parametrize("fmt", ["table", "json", "yaml", "csv", "ids"])
def test_today_takes_every_format(run, fmt):
    out = run.ok("today", "--everyone", "--format", fmt, env=MONDAY_16).stdout
    if fmt == "table":
        assert out.startswith("Monday 16 November 2026, everyone")
    elif fmt in ("json", "yaml"):
        day = json.loads(out) if fmt == "json" else yaml.safe_load(out)
        assert [r["id"] for r in day["today"]] == ["cdm0acevsh"] and day["next"]["id"] == "rtcbtfr45r"
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert [(r["section"], r["id"], r["status"]) for r in rows] == [("today", "cdm0acevsh", "missed")]
    else:
        assert out == "cdm0acevsh\n"


def test_today_ids_lists_the_days_work_today_then_missed(run, demo):
    rid = run.ok("assign", "call", "jane", "--when", "today 15:00").stdout.strip()
    out = run.ok("today", "--format", "ids").stdout.split()
    assert out == [rid, "cdm0acevsh"]  # alice's: today's, then the one missed on the 16th
    rows = list(csv.DictReader(io.StringIO(run.ok("today", "--format", "csv").stdout)))
    assert [r["section"] for r in rows] == ["today", "missed"]


# --- complete, several at once -------------------------------------------------------------

def test_complete_takes_several_ids(run, demo):
    result = run.ok("complete", "0ac7", "3xdt", "--outcome", "No answer", "--follow-up", "mon 10:00")
    assert result.stderr == "completed 0ac7hfxanw\ncompleted 3xdt0tm31z\n"
    follow_ups = result.stdout.split()
    assert len(follow_ups) == 2
    for rid in ("0ac7", "3xdt"):
        assert json.loads(run.ok("show", rid, "--format", "json").stdout)["outcome"] == "No answer"


def test_each_id_is_completed_or_reported_and_any_failure_is_exit_1(run, demo):
    result = run("complete", "0ac7", "jpbq", "zzzz", "3xdt", "--outcome", "Done")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "completed 0ac7hfxanw",
        "Error: jpbq: jpbqnw99gr was completed at 2026-11-12T10:30:00+00:00; completing is final. "
        "Add to it with `interact comment jpbq TEXT`.",
        "Error: zzzz: no interaction has an id starting with 'zzzz'. Find it with `interact list --everyone "
        "--status all` or `interact search WORDS`.",
        "completed 3xdt0tm31z",
        "Error: 2 of the 4 interactions were not completed (see the lines above).",
    ]


def test_one_bad_id_alone_is_the_usual_one_line(run, demo):
    result = run("complete", "zzzz", "--outcome", "Done")
    assert result.exit_code == 1 and result.stderr.startswith("Error: no interaction") and \
        len(result.stderr.splitlines()) == 1


def test_a_listing_piped_to_xargs_completes_each(demo):
    env = {**os.environ, "PATH": f"{REPO / '.venv' / 'bin'}:{os.environ['PATH']}", "INTERACT_DIR": str(demo)}
    done = subprocess.run("interact list --format ids | xargs interact complete --outcome 'Called back'", shell=True,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("completed ") == 3
    assert subprocess.run(["interact", "list", "--format", "ids"], env=env, capture_output=True, text=True).stdout == ""


# --- mistyped commands ---------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "meant"), [("lst", "'list'"), ("serach", "'search'"), ("contacts", "'contact'")])
def test_a_mistyped_command_suggests_the_closest(run, typed, meant):
    result = run(typed)
    assert result.exit_code == 2 and f"No such command '{typed}'. Did you mean {meant}?" in result.stderr


# --- references: search and list --relates ---------------------------------------------------

@pytest.mark.parametrize("env", [{}, {"INTERACT_NO_CACHE": "1"}])
def test_a_case_number_is_found_by_search_and_list_relates(run, demo, env):
    rid = run.ok("log", "call", "jane", "Printer jammed", "--relates", "case:4711").stdout.strip()
    run.ok("log", "call", "jane", "Ticket 47110", "--relates", "case:47110")
    for words in (["4711"], ["case:4711"], ["CASE:4711", "printer"]):
        assert rid in run.ok("search", *words, "--format", "ids", env=env).stdout.split(), words
    assert listed(run, "--relates", "case:4711", env=env) == [rid]  # the whole reference, not a part
    assert listed(run, "--relates", "Case:4711", "--relates", "case:4711", env=env) == [rid]
    result = run("list", "--relates", "4711")
    assert result.exit_code == 1 and "is not KIND:REF" in result.stderr


# --- a completed interaction: its links change, never its facts ------------------------------

def test_a_finished_call_can_be_related_to_a_case_afterwards(run, demo):
    rid = run.ok("log", "call", "jane", "Printer jammed", "--relates", "case:4700", "--tag", "hw").stdout.strip()
    run.ok("edit", rid, "--relates", "case:4711", "--unrelate", "case:4700", "--account", "northwind",
           "--category", "sales", "--tag", "urgent", "--untag", "hw")
    record = json.loads(run.ok("show", rid, "--format", "json").stdout)
    assert record["relates_to"] == ["case:4711"] and record["accounts"] == ["acme-ltd", "northwind-traders"]
    assert record["category"] == "sales" and record["tags"] == ["urgent"] and record["status"] == "completed"


@pytest.mark.parametrize("args", [
    ["--note", "rewrite history"], ["--when", "yesterday"], ["--with", "tom"], ["--type", "visit"],
    ["--duration", "1h"], ["--to", "bob"], ["--relates", "case:1", "--note", "and a fact"],
])
def test_the_facts_of_a_completed_interaction_stay(run, demo, args):
    rid = run.ok("log", "call", "jane", "Talked").stdout.strip()
    before = interaction_files(demo)
    result = run("edit", rid, *args)
    assert result.exit_code == 1 and "is completed, so its facts stay as they were" in result.stderr
    assert [a for a in args if a.startswith("--") and a != "--relates"][0] in result.stderr
    assert interaction_files(demo) == before


# --- check: require_category -------------------------------------------------------------------

def test_check_names_interactions_without_a_category_when_one_is_required(run, demo):
    assert run("check").exit_code == 0
    config = demo / "interact.yaml"
    config.write_text(config.read_text().replace("require_category: false", "require_category: true"))
    result = run("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == ["interactions/2026/11/2ht50csedc.yaml: has no category, and interact.yaml sets "
                     "require_category: true: add one (one of: sales, admissions, volunteering) with "
                     "`interact edit ID --category NAME` (completed ones too)"]
    run.ok("edit", "2ht5", "--category", "volunteering")  # a completed note: a link, so allowed
    assert run("check").exit_code == 0
