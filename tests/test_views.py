"""today, calendar, history and stale through the CLI."""

import json

import pytest

from interact.cli import Env, cli

MONDAY_16 = {"INTERACT_NOW": "2026-11-16T11:00"}
FRIDAY_20 = {"INTERACT_NOW": "2026-11-20T09:00"}


# --- today -------------------------------------------------------------------------

def test_today_plain_text_sections(run):
    out = run.ok("today", env=MONDAY_16).stdout
    assert out.splitlines() == [
        "Monday 16 November 2026, alice",
        "",
        "Today (1)",
        "  cdm0  missed  2026-11-16 10:00  call  Jane Doe, Acme Ltd  follow-up",
        "",
        "Missed earlier: none",
        "",
        "Next: nothing planned",
    ]


def test_today_shows_the_next_one_and_whom_it_is_with(run):
    out = run.ok("--as", "bob", "today", env=FRIDAY_20).stdout
    assert "Today (1)\n  rtcb  open  2026-11-20 14:00  visit  Owen Price, Kestrel Housing" in out
    assert out.rstrip().endswith(
        "Next: 2026-11-20 14:00 visit with Owen Price, Kestrel Housing: Demo the tenancy app to the board (rtcb)")


def test_today_for_everyone_lists_missed_ones_with_their_assignee(run):
    out = run.ok("today", "--everyone").stdout
    assert out.startswith("Wednesday 25 November 2026, everyone\n\nToday: none\n\nMissed earlier (3)\n")
    missed = out.split("Missed earlier (3)\n")[1].split("\n\n")[0].splitlines()
    assert [(line.split()[0], line.split()[-1]) for line in missed] == [
        ("cdm0", "follow-up"), ("w6f5", "complete"), ("rtcb", "board")]
    assert "  carol  " in missed[1]


def test_today_next_skips_completed_and_past_ones(run):
    run.ok("assign", "call", "raj", "--when", "tomorrow 9am")
    later = run.ok("assign", "call", "jane", "--when", "today 15:00").stdout.strip()
    run.ok("log", "call", "tom", "Quick catch-up", "--when", "today 9:30")
    data = json.loads(run.ok("today", "--format", "json").stdout)
    assert data["date"] == "2026-11-25" and data["assignee"] == "alice"
    assert [(d["status"], d["contacts"]) for d in data["today"]] == [
        ("completed", ["tom-baker"]), ("open", ["jane-doe"])]
    assert [d["id"] for d in data["missed"]] == ["cdm0acevsh"]
    assert data["next"]["id"] == later


# --- calendar ----------------------------------------------------------------------

def test_calendar_marks_missed_and_open_days(run):
    out = run.ok("calendar", "--everyone").stdout
    lines = out.splitlines()
    assert lines[0].strip() == "November 2026, everyone"
    assert lines[1] == "  Mo   Tu   We   Th   Fr   Sa   Su"
    assert lines[2] == "                                 1"
    assert lines[5] == "  16!  17   18!  19   20!  21   22"
    assert lines[7] == "  30*"
    assert lines[-1] == "! missed   * open (a day with both shows !)"


def test_calendar_default_is_mine_and_this_month(run):
    lines = run.ok("calendar", env=FRIDAY_20).stdout.splitlines()
    assert lines[0].strip() == "November 2026, alice"
    assert lines[5] == "  16!  17   18   19   20   21   22"  # carol's and bob's are not mine


def test_calendar_other_month_and_missed_wins_over_open(run):
    run.ok("assign", "call", "jane", "--due", "2026-12-03")
    run.ok("assign", "call", "raj", "--when", "2026-12-03T09:00", "--due", "2026-12-03")
    run.ok("assign", "call", "tom", "--when", "2026-12-07T09:00")
    lines = run.ok("calendar", "2026-12", env={"INTERACT_NOW": "2026-12-05T10:00"}).stdout.splitlines()
    assert lines[0].strip() == "December 2026, alice"
    assert lines[2] == "        1    2    3!   4    5    6"
    assert lines[3].startswith("   7*   8")
    data = json.loads(run.ok("calendar", "2026-12", "--format", "json", env={"INTERACT_NOW": "2026-12-05"}).stdout)
    assert data["days"] == [{"date": "2026-12-03", "missed": 2, "open": 0},
                            {"date": "2026-12-07", "missed": 0, "open": 1}]


def test_calendar_in_colour_keeps_its_marks(run, monkeypatch):
    monkeypatch.setattr(Env, "color", property(lambda self: True))  # as on a terminal
    result = run.runner.invoke(cli, ["--dir", str(run.store), "calendar", "--everyone"], color=True)
    assert "\x1b[31m  16!" in result.stdout   # red, and still marked
    assert "\x1b[33m  30*" in result.stdout   # yellow
    assert "\x1b[7m  25 " in result.stdout    # today, in reverse video


@pytest.mark.parametrize("month", ["2026-13", "nov", "2026/11", "26-11"])
def test_calendar_bad_month(run, month):
    result = run("calendar", month)
    assert result.exit_code == 1
    assert result.stderr == f"Error: could not read the month '{month}': try this, next, last, 2026-12\n"


# --- history -----------------------------------------------------------------------

def test_history_of_an_account_newest_first(run):
    out = run.ok("history", "acme").stdout
    assert [line.split()[:2] for line in out.splitlines()[2:]] == [["jpbq", "completed"], ["h8v8", "completed"]]


def test_history_of_a_contact_in_every_format(run):
    assert run.ok("history", "Owen Price", "--format", "ids").stdout == "nttgr8dv2k\n"
    assert json.loads(run.ok("history", "raj@example.com", "--format", "json").stdout)[0]["id"] == "3nhm9ma2qr"
    assert run.ok("history", "acme", "--limit", "1", "--format", "ids").stdout == "jpbqnw99gr\n"
    assert run.ok("history", "moorland").stdout == ""


def test_history_of_nobody_is_refused(run):
    result = run("history", "Nobody Atall")
    assert result.exit_code == 1 and "no contact or account matches 'Nobody Atall'" in result.stderr


# --- stale -------------------------------------------------------------------------

def test_stale_by_cadence(run):
    out = run.ok("stale").stdout
    assert out.splitlines()[0].split() == ["kind", "id", "name", "last", "contact", "cadence", "overdue", "by"]
    assert out.splitlines()[2].split() == ["contact", "raj-patel", "Raj", "Patel", "2026-11-05", "11:00", "2w", "5d"]
    assert len(out.splitlines()) == 3  # acme (every 4w2d, last on the 12th) is not due yet


def test_stale_never_contacted_first_and_older_than(run):
    ids = run.ok("stale", "--older-than", "10d", "--format", "ids").stdout.split()
    assert ids[:5] == ["harbour-foods", "lena-fischer", "maria-garcia", "moorland-trust", "tom-baker"]
    assert ids[5:] == ["northwind-traders", "priya-shah", "raj-patel", "brightside-school", "sam-okafor",
                       "acme-ltd", "jane-doe"]
    data = json.loads(run.ok("stale", "--older-than", "10d", "--format", "json").stdout)
    assert data[0] == {"kind": "account", "id": "harbour-foods", "name": "Harbour Foods", "last_contact": None,
                       "cadence": "10d", "overdue_days": None}
    assert data[-1]["last_contact"] == "2026-11-12T10:30:00+00:00" and data[-1]["overdue_days"] == 2


def test_stale_moves_with_the_clock_and_with_contact(run):
    assert run.ok("stale", "--format", "ids", env={"INTERACT_NOW": "2026-11-19T11:00"}).stdout == ""
    assert run.ok("stale", "--format", "ids", env={"INTERACT_NOW": "2026-11-19T11:01"}).stdout == "raj-patel\n"
    run.ok("log", "call", "raj", "Checked in")
    assert run.ok("stale", "--format", "ids").stdout == ""


def test_stale_bad_duration(run):
    result = run("stale", "--older-than", "a while")
    assert result.exit_code == 1 and "could not read the duration 'a while'" in result.stderr


# --- the table: a quick path for plain text, tabulate for the rest -------------------

TABLE_CELLS = ["", "a", "Jane Doe", "  padded  ", "Acme Ltd, Jane Doe", "a very long cell of text", "…é", "missed",
               "open", "completed"]
STATUS_COLORS = {"missed": "red", "open": "yellow", "completed": "green"}


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("color", [False, True])
def test_a_plain_table_is_exactly_what_tabulate_makes(seed, color):
    """With colour on, the status column is coloured and colour codes take no room: the quick
    path pads as tabulate does."""
    import random

    import click
    from tabulate import tabulate

    from interact.render import View
    from interact.render.as_table import _simple_table, _text_columns, render

    pick = random.Random(seed)
    headers = pick.sample(["id", "status", "when", "type", "with", "assignee", "about"], pick.randint(1, 7))
    rows = [[pick.choice(TABLE_CELLS) for _ in headers] for _ in range(pick.randint(1, 6))]
    shown = [[click.style(cell, fg=STATUS_COLORS[cell]) if color and header == "status" and cell in STATUS_COLORS
              else cell for header, cell in zip(headers, row)] for row in rows]
    expected = tabulate(shown, headers=headers, tablefmt="simple", disable_numparse=True) + "\n"
    view = View(records=[], headers=headers, rows=rows, color=color, colors={"status": STATUS_COLORS})
    assert _simple_table(view, _text_columns(rows, len(headers))) == expected
    assert render(view) == expected


def test_the_quick_table_knows_whether_tabulate_counts_wide_characters_without_importing_it():
    import subprocess
    import sys

    import tabulate

    from interact.render.as_table import _counts_wide_characters

    assert _counts_wide_characters() == tabulate.WIDE_CHARS_MODE
    probe = ("import sys; from interact.render.as_table import _counts_wide_characters; "
             "_counts_wide_characters(); print('tabulate' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout == "False\n"


@pytest.mark.parametrize("color", [False, True])
def test_colour_is_ours_alone_a_records_own_colour_codes_are_shown_escaped(color):
    from interact.render import View
    from interact.render.as_table import render

    rows = [["a1", "missed", "\x1b[31mred\x1b[0m note"], ["a2", "open", "a1\x1b[3"], ["a3", "\x1b[32mopen", "1mx"]]
    text = render(View(records=[], headers=["id", "status", "about"], rows=rows, color=color,
                       colors={"status": STATUS_COLORS}))
    assert "\\x1b[31mred\\x1b[0m note" in text and "a1\\x1b[3" in text and "\\x1b[32mopen" in text
    codes = text.count("\x1b")
    assert codes == (4 if color else 0)  # 'missed' and 'open' coloured: two codes each, nothing else


@pytest.mark.parametrize("cell, shown, quick", [
    ("tab\there", "tab\there", False), ("two\nlines", "two", False), ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m", True),
    ("bell\x07", "bell\\x07", True), ("c1\x9bcsi\x7fdel\rcr", "c1\\x9bcsi\\x7fdel\\x0dcr", True),
])
def test_control_characters_are_shown_escaped_line_breaks_and_tabs_go_through_tabulate(cell, shown, quick):
    import re

    from interact.render import View
    from interact.render.as_table import _simple_table, _text_columns, render

    rows = [["a1", cell], ["b2", "plain"]]
    view = View(records=[], headers=["id", "about"], rows=rows)
    assert (_simple_table(view, _text_columns(rows, 2)) is not None) == quick
    text = render(view)
    assert shown in text and not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)


def test_a_table_of_numbers_and_separators_is_escaped_cell_by_cell():
    from tabulate import SEPARATING_LINE

    from interact.render import View
    from interact.render.as_table import render

    view = View(records=[], headers=["type", "n"], rows=[["call\x1b[2J", 3], SEPARATING_LINE, ["Total", 3]])
    text = render(view)
    assert "call\\x1b[2J" in text and "\x1b" not in text and "\x01" not in text and "-----" in text


# --- the cells of an interaction table ----------------------------------------------

def test_when_cells_read_as_strftime_writes_them_in_the_local_zone():
    from datetime import datetime, timedelta, timezone
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from interact.commands.common import local_time

    london = ZoneInfo("Europe/London")
    env = SimpleNamespace(tz=london)
    moments = [datetime(2026, 3, 29, 0, 0, tzinfo=timezone.utc) + timedelta(minutes=13 * i) for i in range(20)]
    moments += [datetime(2026, 10, 25, 0, 0, tzinfo=timezone.utc) + timedelta(minutes=13 * i) for i in range(20)]
    moments += [datetime(1000, 1, 1, tzinfo=timezone.utc),
                datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=5)))]
    for moment in moments:
        expected = moment.astimezone(london).strftime("%Y-%m-%d %H:%M")
        assert local_time(moment.isoformat(), env) == expected
        assert local_time(moment, env) == expected
    assert local_time("2026-07-01T09:05:00", env) == "2026-07-01 09:05"  # naive: as it is
    assert local_time("2026-10-25T00:30:00+00:00", env) == "2026-10-25 01:30"  # BST
    assert local_time("2026-10-25T01:30:00+00:00", env) == "2026-10-25 01:30"  # GMT again
    assert local_time(None, env) == local_time("", env) == ""


@pytest.mark.parametrize("text", [
    "", "short", "x" * 50, "x" * 51, "  lead and  trail  ", "word " * 30, " " * 100 + "late start",
    "a" + " " * 99 + "b" * 60, "a\n\n\tb " * 40, "y" * 99 + " " + "z" * 10, "ünïcödé …" * 12,
])
@pytest.mark.parametrize("width", [50, 10])
def test_a_summary_is_the_folded_text_cut_to_its_width(text, width):
    """Only the start of a long note is folded: the same cell as folding all of it."""
    from interact.commands.common import summary

    folded = " ".join(text.split())
    expected = folded if len(folded) <= width else folded[: width - 1] + "…"
    assert summary({"note": text}, width) == expected
    assert summary({"outcome": text or None, "note": "not this"}, width) == (expected if text else "not this")
