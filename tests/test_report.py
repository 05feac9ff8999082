"""report: periods in the store's time zone, counting by one or two fields, totals, formats, chart, HTML."""

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date, timezone
from zoneinfo import ZoneInfo

import pytest

from conftest import REPO, Run
from interact import report as counting
from interact.errors import UserError
from interact.model import Record, new_id
from interact.query import day_of
from interact.layout import init_store
from interact.store import Store

LONDON = ZoneInfo("Europe/London")

CONFIG = """\
version: 1
users: [alice, bob, carol]
timezone: Europe/London
types: [call, visit, email]
categories: [funding, volunteering]
"""


def add(store: Store, *, done=True, **fields) -> Record:
    """An interaction written straight to the store: completed at its `when` unless done=False."""
    record = Record({"id": new_id(), "type": "call", "assignee": "alice", **fields})
    if done:
        record["completed_at"] = record["when"]
    store.save_interaction(record, new=True)
    return record


@pytest.fixture
def team(tmp_path):
    root = init_store(tmp_path / "team")
    (root / "interact.yaml").write_text(CONFIG)
    store = Store(root)
    # November 2026 (the test clock is 2026-11-25): weeks W45 (Mon 2 Nov) .. W49 (Mon 30 Nov)
    add(store, when="2026-11-02T09:00:00+00:00", assignee="alice", category="funding", accounts=["acme", "kestrel"],
        outcome="Quote sent")
    add(store, when="2026-11-03T14:00:00+00:00", assignee="bob", type="visit", category="funding",
        accounts=["acme"])
    add(store, when="2026-11-10T10:00:00+00:00", assignee="alice", type="email")
    add(store, when="2026-11-23T23:30:00+00:00", assignee="bob")
    # open ones: counted only with --status; one dated by `due`, one with no date at all
    add(store, done=False, due="2026-11-30", assignee="alice", type="visit")
    add(store, done=False, assignee="alice")
    # outside this month
    add(store, when="2026-10-31T23:59:00+00:00", assignee="alice")
    add(store, when="2026-12-01T00:00:00+00:00", assignee="alice")
    return root


@pytest.fixture
def run_team(team):
    return Run(team)


# --- periods -------------------------------------------------------------------------

@pytest.mark.parametrize("day, per, label", [
    (date(2026, 11, 25), "week", "2026-W48"),
    (date(2026, 11, 23), "week", "2026-W48"),    # Monday starts the week
    (date(2026, 11, 22), "week", "2026-W47"),    # Sunday ends the one before
    (date(2027, 1, 1), "week", "2026-W53"),      # ISO week year
    (date(2027, 1, 4), "week", "2027-W01"),
    (date(2026, 11, 25), "month", "2026-11"),
    (date(2026, 1, 1), "quarter", "2026-Q1"),
    (date(2026, 9, 30), "quarter", "2026-Q3"),
    (date(2026, 10, 1), "quarter", "2026-Q4"),
    (date(2026, 12, 31), "year", "2026"),
])
def test_period_labels(day, per, label):
    assert counting.period_label(day, per) == label


def test_periods_between_lists_every_period_in_order():
    assert counting.periods_between(date(2026, 11, 1), date(2026, 11, 30), "week") == [
        "2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-W49"]
    assert counting.periods_between(date(2026, 2, 15), date(2027, 1, 1), "quarter") == [
        "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
    assert counting.periods_between(date(2026, 11, 5), date(2027, 2, 1), "month") == [
        "2026-11", "2026-12", "2027-01", "2027-02"]
    assert counting.periods_between(date(2025, 12, 31), date(2027, 1, 1), "year") == ["2025", "2026", "2027"]
    assert counting.periods_between(date(2026, 12, 28), date(2027, 1, 11), "week") == [
        "2026-W53", "2027-W01", "2027-W02"]


def test_day_is_taken_in_the_store_time_zone_around_the_dst_change():
    # Clocks go forward in London at 01:00 on Sunday 2026-03-29.
    just_after_midnight = {"when": "2026-03-29T00:30:00+00:00"}       # 00:30 GMT: Sunday, week 13
    late_sunday_utc = {"when": "2026-03-29T23:30:00+00:00"}           # 00:30 BST on Monday: week 14
    assert day_of(just_after_midnight, LONDON) == date(2026, 3, 29)
    assert day_of(late_sunday_utc, LONDON) == date(2026, 3, 30)
    assert day_of(late_sunday_utc, timezone.utc) == date(2026, 3, 29)
    midsummer = {"when": "2026-06-30T23:30:00+00:00"}                 # 00:30 BST on 1 July: Q3
    assert counting.period_label(day_of(midsummer, LONDON), "quarter") == "2026-Q3"
    assert counting.period_label(day_of(midsummer, timezone.utc), "quarter") == "2026-Q2"
    assert day_of({"due": "2026-11-30"}, LONDON) == date(2026, 11, 30)
    assert day_of({"when": "2026-11-02T09:00:00+00:00", "due": "2026-12-05"}, LONDON) == date(2026, 11, 2)
    assert day_of({}, LONDON) is None


def test_counting_by_week_around_the_dst_change_through_the_cli(tmp_path):
    root = init_store(tmp_path / "dst")
    (root / "interact.yaml").write_text(CONFIG)
    store = Store(root)
    add(store, when="2026-03-22T23:59:00+00:00")   # Sunday before: week 12
    add(store, when="2026-03-29T00:30:00+00:00")   # Sunday 00:30 GMT, before the change: week 13
    add(store, when="2026-03-29T22:30:00+01:00")   # Sunday 22:30 BST: week 13
    add(store, when="2026-03-29T23:30:00+00:00")   # Monday 00:30 BST: week 14
    add(store, when="2026-03-30T00:30:00+01:00")   # Monday 00:30 BST: week 14
    result = Run(root).ok("report", "--per", "week", "--from", "2026-03-16", "--until", "2026-04-05",
                          "--format", "json")
    assert json.loads(result.stdout) == [
        {"period": "2026-W12", "type": "call", "count": 1},
        {"period": "2026-W13", "type": "call", "count": 2},
        {"period": "2026-W14", "type": "call", "count": 2},
    ]


# --- counting ------------------------------------------------------------------------

def test_values_of_dedupes_lists_and_names_the_missing():
    assert counting.values_of({"accounts": ["acme", "kestrel", "acme"]}, "account") == ["acme", "kestrel"]
    assert counting.values_of({"accounts": []}, "account") == ["(none)"]
    assert counting.values_of({"category": ""}, "category") == ["(none)"]
    assert counting.values_of({"outcome": "Left voicemail"}, "outcome") == ["Left voicemail"]


def test_count_once_per_value_with_totals_and_zero_periods(team):
    records = Store(team).interactions()
    report = counting.count(records, ["account"], "week", date(2026, 11, 1), date(2026, 11, 30), LONDON)
    assert report.periods == ["2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-W49"]
    assert report.rows == [("acme",), ("kestrel",), ("(none)",)]
    assert report.count(("acme",), "2026-W45") == 2
    assert report.count(("kestrel",), "2026-W45") == 1
    # the 23:30 UTC one on 23 Nov is in week 48; the undated open one is in no period
    assert report.count(("(none)",), "2026-W48") == 1
    assert report.row_total(("(none)",)) == 3  # the email, the late call, the open visit due 30 Nov
    assert report.period_total("2026-W44") == 0
    assert report.period_total("2026-W49") == 1  # the visit due on Monday 30 Nov
    assert report.total == sum(report.row_total(row) for row in report.rows) == 6


def test_two_fields_count_every_pair(team):
    records = [r for r in Store(team).interactions() if r.get("completed_at")]
    report = counting.count(records, ["assignee", "account"], "month", date(2026, 11, 1), date(2026, 11, 30),
                            LONDON)
    assert {row: report.row_total(row) for row in report.rows} == {
        ("alice", "acme"): 1, ("alice", "kestrel"): 1, ("alice", "(none)"): 1,
        ("bob", "acme"): 1, ("bob", "(none)"): 1,
    }
    assert report.as_rows()[0] == {"period": "2026-11", "assignee": "alice", "account": "acme", "count": 1}


# --- the command ---------------------------------------------------------------------

def test_default_is_completed_interactions_of_everyone_this_month_by_type(run_team):
    out = run_team.ok("report").stdout
    assert out == (
        "type      2026-11    Total\n"
        "------  ---------  -------\n"
        "call            2        2\n"
        "email           1        1\n"
        "visit           1        1\n"
        "------  ---------  -------\n"
        "Total           4        4\n"
    )


def test_two_groupings_per_week_table(run_team):
    out = run_team.ok("report", "--by", "assignee", "--by", "type", "--per", "week").stdout
    lines = out.splitlines()
    assert lines[0].split() == ["assignee", "type", "2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48",
                                "2026-W49", "Total"]
    assert [line.split() for line in lines[2:5]] == [
        ["alice", "call", "0", "1", "0", "0", "0", "0", "1"],
        ["alice", "email", "0", "0", "1", "0", "0", "0", "1"],
        ["bob", "call", "0", "0", "0", "0", "1", "0", "1"],
    ]
    assert lines[-1].split() == ["Total", "0", "2", "1", "0", "1", "0", "4"]


def test_status_and_assignee_filters_narrow_the_count(run_team):
    rows = json.loads(run_team.ok("report", "--status", "all", "--to", "alice", "--format", "json").stdout)
    # the undated open call is in no period, so it is not counted
    assert rows == [
        {"period": "2026-11", "type": "call", "count": 1},
        {"period": "2026-11", "type": "email", "count": 1},
        {"period": "2026-11", "type": "visit", "count": 1},
    ]
    mine = json.loads(run_team.ok("report", "--mine", "--format", "json", env={"INTERACT_USER": "bob"}).stdout)
    assert mine == [{"period": "2026-11", "type": "call", "count": 1}, {"period": "2026-11", "type": "visit",
                                                                          "count": 1}]


def test_range_options(run_team):
    rows = json.loads(run_team.ok("report", "--from", "2026-10-01", "--until", "2026-12-31", "--format",
                                  "json").stdout)
    assert [(r["period"], r["type"], r["count"]) for r in rows] == [
        ("2026-10", "call", 1), ("2026-10", "email", 0), ("2026-10", "visit", 0),
        ("2026-11", "call", 2), ("2026-11", "email", 1), ("2026-11", "visit", 1),
        ("2026-12", "call", 1), ("2026-12", "email", 0), ("2026-12", "visit", 0),
    ]
    # --from alone runs to the end of this month; --until alone covers its own month
    since = json.loads(run_team.ok("report", "--from", "2026-10-01", "--format", "json").stdout)
    assert sorted({r["period"] for r in since}) == ["2026-10", "2026-11"]
    december = json.loads(run_team.ok("report", "--until", "2026-12-31", "--format", "json").stdout)
    assert december == [{"period": "2026-12", "type": "call", "count": 1}]


def test_report_range_defaults_to_this_month():
    today = date(2026, 11, 25)
    assert counting.report_range(today, None, None) == (date(2026, 11, 1), date(2026, 11, 30))
    assert counting.report_range(today, date(2026, 1, 15), None) == (date(2026, 1, 15), date(2026, 11, 30))
    assert counting.report_range(today, date(2027, 2, 3), None) == (date(2027, 2, 3), date(2027, 2, 28))
    assert counting.report_range(today, None, date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 10))
    with pytest.raises(UserError, match="range is empty"):
        counting.report_range(today, date(2026, 11, 2), date(2026, 11, 1))


def test_the_filters_of_list_narrow_the_report(run):
    def rows(*args):
        return [(r["period"], r[key], r["count"]) for r in json.loads(run.ok("report", *args, "--format",
                                                                                "json").stdout)
                for key in r if key not in ("period", "count")]

    # the demo store's completed acme calls this month: the renewal call and the voicemail
    assert rows("--account", "acme") == [("2026-11", "call", 2)]
    assert rows("--type", "call", "--type", "visit") == [("2026-11", "call", 3), ("2026-11", "visit", 1)]
    assert rows("--purpose", "follow-up", "--status", "all", "--by", "assignee") == [("2026-11", "alice", 2)]
    assert rows("--contact", "raj", "--by", "outcome") == [("2026-11", "Sent the prospectus", 1)]
    # --week, --on and --today set the range, and so the columns
    assert rows("--week", "--per", "week", "--status", "all") == [("2026-W48", "chat", 1)]
    assert rows("--on", "2026-11-05", "--by", "assignee", "--per", "week") == [("2026-W45", "carol", 1)]
    assert run.ok("report", "--today", "--per", "week", "--format", "csv").stdout == "period,type,count\n"


def test_csv_has_the_json_columns(run_team):
    out = run_team.ok("report", "--by", "category", "--by", "account", "--format", "csv").stdout
    assert list(csv.reader(io.StringIO(out))) == [
        ["period", "category", "account", "count"],
        ["2026-11", "funding", "acme", "2"],
        ["2026-11", "funding", "kestrel", "1"],
        ["2026-11", "(none)", "(none)", "2"],
    ]


def test_an_empty_range_shows_zero_totals(run_team):
    out = run_team.ok("report", "--per", "quarter", "--from", "2025-01-01", "--until", "2025-06-30").stdout
    assert out.splitlines()[0].split() == ["type", "2025-Q1", "2025-Q2", "Total"]
    assert out.splitlines()[-1].split() == ["Total", "0", "0", "0"]
    assert run_team.ok("report", "--from", "2025-01-01", "--until", "2025-01-31", "--format", "json").stdout == "[]\n"


@pytest.mark.parametrize("args, code, fragment", [
    (["--by", "type", "--by", "assignee", "--by", "account"], 1, "one or two"),
    (["--by", "type", "--by", "type"], 1, "twice"),
    (["--from", "2026-11-20", "--until", "2026-11-10"], 1, "the range is empty"),
    (["--week", "--from", "2026-12-01"], 1, "the range is empty"),
    (["--to", "mallory"], 1, "alice, bob"),
    (["--type", "fax"], 1, "call, visit, email"),
    (["--chart", "--format", "json"], 1, "--chart"),
    (["--from", "the other day"], 1, "'the other day'"),
    (["--by", "mood"], 2, "mood"),
    (["--per", "fortnight"], 2, "fortnight"),
])
def test_bad_options(run_team, team, args, code, fragment):
    result = run_team("report", *args)
    assert result.exit_code == code
    assert fragment in result.stderr and result.stdout == ""
    assert "Traceback" not in result.stderr


# --- the terminal chart --------------------------------------------------------------

def test_chart_lines_scale_to_the_width():
    lines = counting.chart_lines([("alice", 10), ("bob", 5), ("carol", 1), ("dave", 0)], 40, "#")
    assert lines == [
        "alice " + "#" * 31 + " 10",
        "bob   " + "#" * 16 + " 5",   # 15.5 rounds to 16
        "carol " + "#" * 3 + " 1",
        "dave  0",
    ]
    assert max(len(line) for line in lines) == 40


def test_chart_keeps_at_least_one_mark_and_truncates_long_labels():
    lines = counting.chart_lines([("a very long account name indeed", 1000), ("b", 1)], 30, "#", "...")
    assert lines[0] == "a very ... " + "#" * 14 + " 1000"
    assert lines[1] == "b          # 1"
    assert all(len(line) <= 30 for line in lines)


def test_chart_through_the_cli_uses_columns(run_team):
    out = run_team.ok("report", "--by", "assignee", "--status", "all", "--chart", env={"COLUMNS": "50"}).stdout
    assert out.splitlines() == [
        "Total per assignee, 2026-11-01 to 2026-11-30",
        "alice " + "█" * 42 + " 3",   # the largest count fills the 50 columns
        "bob   " + "█" * 28 + " 2",
    ]


def test_chart_of_one_row_shows_each_period(run_team):
    out = run_team.ok("report", "--to", "bob", "--by", "assignee", "--per", "week", "--chart",
                      env={"COLUMNS": "66"}).stdout
    assert out.splitlines() == [  # each week names its Monday
        "bob, per week, 2026-11-01 to 2026-11-30",
        "2026-W44 (Mon 26 Oct) 0",
        "2026-W45 (Mon 2 Nov)  " + "█" * 42 + " 1",
        "2026-W46 (Mon 9 Nov)  0",
        "2026-W47 (Mon 16 Nov) 0",
        "2026-W48 (Mon 23 Nov) " + "█" * 42 + " 1",
        "2026-W49 (Mon 30 Nov) 0",
    ]


def test_chart_falls_back_to_ascii_when_stdout_cannot_encode_blocks(team):
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "COLUMNS": "40"}
    result = subprocess.run([sys.executable, "-m", "interact", "--dir", str(team), "report", "--by", "type",
                             "--chart"], capture_output=True, text=True, env=env, cwd=REPO, check=True)
    assert result.stdout.splitlines()[1:] == [
        "call  " + "#" * 32 + " 2",
        "email " + "#" * 16 + " 1",
        "visit " + "#" * 16 + " 1",
    ]


# --- the HTML page (the rendered page is checked in a real browser in test_report_browser.py) ------------

def test_html_page_is_self_contained_escaped_and_written_atomically(run_team, team, tmp_path):
    store = Store(team)
    add(store, when="2026-11-04T10:00:00+00:00", outcome='<script>alert("x")</script> & "quotes"')
    target = tmp_path / "out" / "report.html"
    result = run_team.ok("report", "--by", "outcome", "--html", str(target))
    assert result.stderr == f"wrote the report to {target}\n"
    assert result.stdout.splitlines()[0].split() == ["outcome", "2026-11", "Total"]  # the table still prints
    text = target.read_text()
    assert os.listdir(target.parent) == ["report.html"]  # no temporary file left behind
    assert "<script" not in text and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in text
    for fetched in ("http://", "https://", "<link", "<img", "url(", "@import"):
        assert fetched not in text
    assert "<title>Interactions by outcome, per month, 2026-11-01 to 2026-11-30</title>" in text
    assert text.count('class="bar"') == 3
    assert 'data-label="Quote sent" data-count="1"' in text
    assert 'data-label="(none)" data-count="3"' in text


def test_html_to_stdout_and_a_chart_per_grouping(run_team):
    text = run_team.ok("report", "--by", "assignee", "--by", "type", "--html", "-").stdout
    assert text.startswith("<!DOCTYPE html>")
    assert text.count('<section class="grouping"') == 3
    assert text.count("<svg") == 3
    # 4 pairs, then 2 assignees, then 3 types
    assert text.count('class="bar"') == 9


def test_html_that_cannot_be_written_is_a_clear_error(run_team, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run_team("report", "--html", str(blocker / "report.html"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: could not write the report to {blocker / 'report.html'}")


# --- reports for people: names, not ids; weeks name their Monday ----------------------------------

def test_people_read_names_and_machines_read_ids(run):
    table = run.ok("report", "--by", "account", "--status", "all").stdout
    assert "Acme Ltd" in table and "Northwind Traders" in table and "acme-ltd" not in table
    chart = run.ok("report", "--by", "contact", "--status", "all", "--chart", env={"COLUMNS": "80"}).stdout
    assert "Jane Doe " in chart and "jane-doe" not in chart
    rows = list(csv.DictReader(io.StringIO(run.ok("report", "--by", "account", "--format", "csv").stdout)))
    assert {"acme-ltd", "(none)"} <= {row["account"] for row in rows}  # csv and json keep ids
    page = run.ok("report", "--by", "account", "--by", "contact", "--per", "week", "--html", "-").stdout
    assert 'data-label="Acme Ltd / Jane Doe"' in page and "acme-ltd" not in page
    assert '2026-W47<span class="monday">Mon 16 Nov</span>' in page


def test_two_accounts_of_one_name_are_told_apart_and_rows_sort_by_name():
    records = [{"when": "2026-11-02T09:00:00+00:00", "accounts": ["b-1", "b-2", "a-1"]}]
    names = counting.labels({"b-1": "Zeta", "b-2": "Zeta", "a-1": "Alpha"})
    assert names == {"b-1": "Zeta (b-1)", "b-2": "Zeta (b-2)", "a-1": "Alpha"}
    report = counting.count(records, ["account"], "month", date(2026, 11, 1), date(2026, 11, 30), LONDON)
    report.names = {"account": names}
    assert [report.row_label(row) for row in report.rows] == ["Alpha", "Zeta (b-1)", "Zeta (b-2)"]


def test_week_captions_name_their_monday():
    assert counting.period_caption("2026-W48", "week") == "2026-W48 (Mon 23 Nov)"
    assert counting.period_caption("2027-W01", "week") == "2027-W01 (Mon 4 Jan)"
    assert counting.period_caption("2026-W01", "week") == "2026-W01 (Mon 29 Dec)"  # the year before
    assert counting.period_caption("2026-11", "month") == "2026-11"
