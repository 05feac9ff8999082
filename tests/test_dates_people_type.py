"""The dates people type (SPEC §9): eod, noon, tonight, next week, next month, this fri, fri at 10,
numeric dates read by the store's date_order, and `log`/`complete --when` never in the future."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from interact.dates import DateError, parse_datetime
from interact.periods import month_named, week_named

from conftest import interaction_files

LONDON = ZoneInfo("Europe/London")
WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)  # the clock of conftest


def london(text, order=None, now=WEDNESDAY) -> str:
    return parse_datetime(text, now, LONDON, date_order=order).isoformat()


@pytest.mark.parametrize(("text", "expected"), [
    ("eod", "2026-11-25T17:00:00+00:00"),
    ("noon", "2026-11-25T12:00:00+00:00"),
    ("tonight", "2026-11-25T19:00:00+00:00"),
    ("next week", "2026-11-30T09:00:00+00:00"),          # Monday of next week
    ("next week at 10", "2026-11-30T10:00:00+00:00"),
    ("next month", "2026-12-01T09:00:00+00:00"),         # the 1st of next month
    ("this fri", "2026-11-27T09:00:00+00:00"),
    ("this mon", "2026-11-23T09:00:00+00:00"),           # this week's, even though it is past
    ("this friday 3pm", "2026-11-27T15:00:00+00:00"),
    ("fri at 10", "2026-11-27T10:00:00+00:00"),
    ("friday 10:30", "2026-11-27T10:30:00+00:00"),
    ("tomorrow at 9", "2026-11-26T09:00:00+00:00"),
    ("at 16", "2026-11-25T16:00:00+00:00"),
    ("  Next   Week ", "2026-11-30T09:00:00+00:00"),
])
def test_the_forms_people_type(text, expected):
    assert london(text) == expected


def test_next_month_in_december_is_january_and_this_sunday_ends_the_week():
    december = datetime(2026, 12, 20, 10, 0, tzinfo=LONDON)
    assert london("next month", now=december) == "2027-01-01T09:00:00+00:00"
    assert london("this sun", now=december) == "2026-12-20T09:00:00+00:00"


@pytest.mark.parametrize(("order", "expected"), [
    ("dmy", "2026-12-03T09:00:00+00:00"), ("mdy", "2026-03-12T09:00:00+00:00"),
])
def test_numeric_dates_are_read_in_the_stores_order(order, expected):
    assert london("3/12/2026", order) == expected
    assert london("3/12/2026 14:30", order) == expected.replace("09:00", "14:30")
    assert london("2026/12/03", "ymd") == "2026-12-03T09:00:00+00:00"


@pytest.mark.parametrize("text", ["3/12/2026", "3.12.2026", "3/12", "12/3 9am", "3/12/26", "11/28/2026"])
def test_numeric_dates_are_never_guessed(text):
    """Without an order (and for any shape but a full date), dateutil never gets to guess."""
    with pytest.raises(DateError) as info:
        london(text)
    assert "2026-12-03" in str(info.value) and "date_order" in str(info.value)


def test_a_bad_hour_after_at_is_refused():
    with pytest.raises(DateError):
        london("fri at 25")


@pytest.mark.parametrize(("text", "first", "last"), [
    ("this", date(2026, 11, 23), date(2026, 11, 29)),
    ("next", date(2026, 11, 30), date(2026, 12, 6)),
    ("last", date(2026, 11, 16), date(2026, 11, 22)),
    ("2026-W49", date(2026, 11, 30), date(2026, 12, 6)),
    ("2027-w01", date(2027, 1, 4), date(2027, 1, 10)),
])
def test_weeks_by_name(text, first, last):
    assert week_named(text, WEDNESDAY.date()) == (first, last)


@pytest.mark.parametrize(("text", "first", "last"), [
    ("this", date(2026, 11, 1), date(2026, 11, 30)),
    ("next", date(2026, 12, 1), date(2026, 12, 31)),
    ("last", date(2026, 10, 1), date(2026, 10, 31)),
    ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
])
def test_months_by_name(text, first, last):
    assert month_named(text, WEDNESDAY.date()) == (first, last)


@pytest.mark.parametrize("text", ["2026-W54", "soon", "2026-13", "2026", "+2"])
def test_weeks_and_months_that_do_not_read(text):
    with pytest.raises(DateError):
        week_named(text, WEDNESDAY.date())
    with pytest.raises(DateError):
        month_named(text, WEDNESDAY.date())


# --- through the command line ----------------------------------------------------------

def set_date_order(store, order):
    config = store / "interact.yaml"
    config.write_text(config.read_text() + f"date_order: {order}\n")


def test_a_london_store_reads_3_12_as_the_3rd_of_december(run, demo):
    set_date_order(demo, "dmy")
    rid = run.ok("assign", "call", "jane", "--due", "3/12/2026", "--when", "3/12/2026 14:30").stdout.strip()
    record = run.ok("show", rid, "--format", "json").stdout
    assert '"due": "2026-12-03"' in record and '"when": "2026-12-03T14:30:00+00:00"' in record
    assert run.ok("list", "--on", "3/12/2026", "--format", "ids").stdout.split() == [rid]


def test_without_a_date_order_a_numeric_date_is_refused_and_nothing_written(run, demo):
    before = interaction_files(demo)
    result = run("assign", "call", "jane", "--due", "3/12/2026")
    assert result.exit_code == 1 and "date_order" in result.stderr and len(result.stderr.splitlines()) == 1
    assert interaction_files(demo) == before


def test_log_refuses_a_time_in_the_future(run, demo):
    before = interaction_files(demo)
    for when in ("fri", "tonight", "in 2 hours"):
        result = run("log", "call", "jane", "Talked", "--when", when)
        assert result.exit_code == 1 and "use `interact assign` to plan" in result.stderr, when
        assert result.stdout == ""
    assert interaction_files(demo) == before
    rid = run.ok("log", "call", "jane", "--when", "this mon").stdout.strip()  # this week's Monday: past
    assert '"when": "2026-11-23T09:00:00+00:00"' in run.ok("show", rid, "--format", "json").stdout


def test_complete_when_refuses_the_future(run, demo):
    before = interaction_files(demo)
    result = run("complete", "0ac7", "--outcome", "Done", "--when", "fri at 10")
    assert result.exit_code == 1 and "future" in result.stderr and "interact edit" in result.stderr
    assert interaction_files(demo) == before
    run.ok("complete", "0ac7", "--outcome", "Done", "--when", "yesterday 16:00")
