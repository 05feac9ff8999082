import subprocess
import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from interact.dates import (
    MAX_CADENCE,
    DateError,
    end_of_day,
    format_duration,
    in_range,
    isoformat,
    local_tz,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_iso,
    resolve_now,
    start_of_day,
    week_bounds,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
# A Wednesday, in winter time (UTC+0).
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)
# The Saturday before New York leaves daylight saving time (Sunday 2026-11-01, 02:00 -> 01:00).
NY_NOW = datetime(2026, 10, 31, 10, 0, tzinfo=NEW_YORK)


def london(text: str, **kwargs) -> str:
    return parse_datetime(text, NOW, LONDON, **kwargs).isoformat()


def new_york(text: str, now: datetime = NY_NOW) -> str:
    return parse_datetime(text, now, NEW_YORK).isoformat()


# --- parse_datetime: every form, Wednesday 2026-11-25 10:00 in London -----


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-28", "2026-11-28T09:00:00+00:00"),
        ("2026-11-28T14:30", "2026-11-28T14:30:00+00:00"),
        ("2026-11-28 14:30", "2026-11-28T14:30:00+00:00"),
        ("2026-11-28 9am", "2026-11-28T09:00:00+00:00"),
        ("2026-11-28T14:30Z", "2026-11-28T14:30:00+00:00"),
        ("2026-11-28t14:30z", "2026-11-28T14:30:00+00:00"),
        ("2026-07-01T14:30", "2026-07-01T14:30:00+01:00"),  # summer time in London
    ],
)
def test_iso_forms(text, expected):
    assert london(text) == expected


def test_iso_explicit_offset_is_kept():
    result = parse_datetime("2026-11-28T14:30:00+01:00", NOW, LONDON)
    assert result.isoformat() == "2026-11-28T14:30:00+01:00"
    assert result.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", "2026-11-25T10:00:00+00:00"),
        ("today", "2026-11-25T09:00:00+00:00"),
        ("tomorrow", "2026-11-26T09:00:00+00:00"),
        ("yesterday", "2026-11-24T09:00:00+00:00"),
        ("tomorrow 9am", "2026-11-26T09:00:00+00:00"),
        ("tomorrow at 9am", "2026-11-26T09:00:00+00:00"),
        ("today 14:30", "2026-11-25T14:30:00+00:00"),
        ("yesterday 3:15pm", "2026-11-24T15:15:00+00:00"),
        ("today at noon", "2026-11-25T12:00:00+00:00"),
        ("  TOMORROW   9AM  ", "2026-11-26T09:00:00+00:00"),
    ],
)
def test_day_words(text, expected):
    assert london(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:30", "2026-11-25T14:30:00+00:00"),
        ("9am", "2026-11-25T09:00:00+00:00"),
        ("9 am", "2026-11-25T09:00:00+00:00"),
        ("9:30pm", "2026-11-25T21:30:00+00:00"),
        ("12am", "2026-11-25T00:00:00+00:00"),
        ("12pm", "2026-11-25T12:00:00+00:00"),
        ("0:05", "2026-11-25T00:05:00+00:00"),
        ("noon", "2026-11-25T12:00:00+00:00"),
        ("midnight", "2026-11-25T00:00:00+00:00"),
        ("at 8:15", "2026-11-25T08:15:00+00:00"),
    ],
)
def test_time_alone_means_today(text, expected):
    assert london(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fri", "2026-11-27T09:00:00+00:00"),
        ("friday", "2026-11-27T09:00:00+00:00"),
        ("next fri", "2026-11-27T09:00:00+00:00"),
        ("last fri", "2026-11-20T09:00:00+00:00"),
        ("thu", "2026-11-26T09:00:00+00:00"),  # tomorrow: one day ahead
        ("last tue", "2026-11-24T09:00:00+00:00"),  # yesterday: one day back
        ("wed", "2026-12-02T09:00:00+00:00"),  # today is Wednesday: next week's
        ("next wednesday", "2026-12-02T09:00:00+00:00"),
        ("last wed", "2026-11-18T09:00:00+00:00"),  # and last week's
        ("mon", "2026-11-30T09:00:00+00:00"),
        ("tues", "2026-12-01T09:00:00+00:00"),
        ("thur", "2026-11-26T09:00:00+00:00"),
        ("thurs", "2026-11-26T09:00:00+00:00"),
        ("sat", "2026-11-28T09:00:00+00:00"),
        ("Sunday", "2026-11-29T09:00:00+00:00"),
        ("fri 10am", "2026-11-27T10:00:00+00:00"),
        ("fri at 10am", "2026-11-27T10:00:00+00:00"),
        ("last mon 14:00", "2026-11-23T14:00:00+00:00"),
    ],
)
def test_weekdays(text, expected):
    assert london(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+3d", "2026-11-28T10:00:00+00:00"),
        ("-2h", "2026-11-25T08:00:00+00:00"),
        ("+30m", "2026-11-25T10:30:00+00:00"),
        ("+1w", "2026-12-02T10:00:00+00:00"),
        ("+90min", "2026-11-25T11:30:00+00:00"),
        ("+2 hrs", "2026-11-25T12:00:00+00:00"),
        ("-1wk", "2026-11-18T10:00:00+00:00"),
        ("in 3 days", "2026-11-28T10:00:00+00:00"),
        ("in 2 hours", "2026-11-25T12:00:00+00:00"),
        ("in 30 minutes", "2026-11-25T10:30:00+00:00"),
        ("in 1 week", "2026-12-02T10:00:00+00:00"),
        ("in 1 minute", "2026-11-25T10:01:00+00:00"),
        ("3 days ago", "2026-11-22T10:00:00+00:00"),
        ("2 hours ago", "2026-11-25T08:00:00+00:00"),
        ("1 week ago", "2026-11-18T10:00:00+00:00"),
        ("1 day ago", "2026-11-24T10:00:00+00:00"),
        ("45 mins ago", "2026-11-25T09:15:00+00:00"),
    ],
)
def test_relative_offsets(text, expected):
    assert london(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nov 28 3pm", "2026-11-28T15:00:00+00:00"),
        ("28 November 2026", "2026-11-28T09:00:00+00:00"),
        ("2 July 2026 14:00", "2026-07-02T14:00:00+01:00"),
    ],
)
def test_free_form_falls_back_to_dateutil(text, expected):
    assert london(text) == expected


def test_default_time_applies_to_date_only_forms():
    five_pm = time(17, 0)
    assert london("tomorrow", default_time=five_pm) == "2026-11-26T17:00:00+00:00"
    assert london("2026-11-28", default_time=five_pm) == "2026-11-28T17:00:00+00:00"
    assert london("fri", default_time=five_pm) == "2026-11-27T17:00:00+00:00"
    assert london("28 November 2026", default_time=five_pm) == "2026-11-28T17:00:00+00:00"
    assert london("tomorrow 9am", default_time=five_pm) == "2026-11-26T09:00:00+00:00"


def test_now_in_another_zone_is_read_in_tz():
    # 23:30 in New York on the 25th is already the 26th in London.
    late_in_new_york = datetime(2026, 11, 25, 23, 30, tzinfo=NEW_YORK)
    assert parse_datetime("today", late_in_new_york, LONDON).isoformat() == "2026-11-26T09:00:00+00:00"
    assert parse_datetime("now", late_in_new_york, LONDON).isoformat() == "2026-11-26T04:30:00+00:00"


# --- DST: New York leaves daylight saving time on 2026-11-01 ----------------


def test_day_offsets_keep_wall_clock_across_dst():
    assert new_york("tomorrow 9am") == "2026-11-01T09:00:00-05:00"
    assert new_york("+1d") == "2026-11-01T10:00:00-05:00"
    assert new_york("in 1 week") == "2026-11-07T10:00:00-05:00"
    assert new_york("sun 9am") == "2026-11-01T09:00:00-05:00"


def test_hour_offsets_are_elapsed_time_across_dst():
    # 24 hours later is 09:00 on the wall clock, because the night is 25 hours long.
    assert new_york("+24h") == "2026-11-01T09:00:00-05:00"
    after_change = datetime(2026, 11, 1, 2, 30, tzinfo=NEW_YORK)  # EST, -05:00
    assert new_york("2 hours ago", now=after_change) == "2026-11-01T01:30:00-04:00"


def test_ambiguous_time_is_the_first_occurrence():
    assert new_york("tomorrow 1:30am") == "2026-11-01T01:30:00-04:00"


def test_nonexistent_time_moves_past_the_gap():
    # 2027-03-14 02:30 does not exist in New York: clocks jump from 02:00 to 03:00.
    before_spring = datetime(2027, 3, 13, 10, 0, tzinfo=NEW_YORK)
    assert new_york("tomorrow 2:30am", now=before_spring) == "2027-03-14T03:30:00-04:00"


# --- errors --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "frobday",
        "123",  # dateutil would read this as the year 123
        "2026",
        "",
        "   ",
        "25:00",
        "14:75",
        "13pm",
        "tomorrow 14",
        "today at",
        "2026-02-30",
        "2026-11-28 foo",
        "+3x",
        "3 days",
    ],
)
def test_bad_dates_raise_a_one_line_date_error(text):
    with pytest.raises(DateError) as info:
        parse_datetime(text, NOW, LONDON)
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert f"could not read the date {text!r}: try 2026-11-28, " in message
    assert "'3 days ago'" in message
    assert "\n" not in message


def test_error_message_matches_the_documented_wording():
    with pytest.raises(DateError) as info:
        parse_datetime("frobday", NOW, LONDON)
    assert str(info.value) == (
        "could not read the date 'frobday': try 2026-11-28, 2026-11-28T14:30, today, "
        "tomorrow 9am, fri, last fri, 'fri at 10', 14:30, eod, 'next week', +3d, -2h, 'in 3 days', '3 days ago'"
    )


def test_parse_date_errors_too():
    with pytest.raises(DateError, match="'frobday'"):
        parse_date("frobday", NOW, LONDON)


def test_dateutil_is_only_imported_for_free_form_text():
    script = (
        "import sys\n"
        "from datetime import datetime\n"
        "from zoneinfo import ZoneInfo\n"
        "from interact.dates import parse_datetime\n"
        "tz = ZoneInfo('Europe/London')\n"
        "now = datetime(2026, 11, 25, 10, tzinfo=tz)\n"
        "for text in ['2026-11-28T14:30Z', 'tomorrow 9am', 'last fri', '14:30', '+3d', '3 days ago']:\n"
        "    parse_datetime(text, now, tz)\n"
        "print('dateutil' in sys.modules)\n"
        "parse_datetime('Nov 28 3pm', now, tz)\n"
        "print('dateutil' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "True"]


# --- parse_date --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+3d", date(2026, 11, 28)),
        ("14:30", date(2026, 11, 25)),
        ("tomorrow", date(2026, 11, 26)),
        ("last wed", date(2026, 11, 18)),
        ("2026-12-31", date(2026, 12, 31)),
        ("-12h", date(2026, 11, 24)),
        # 23:30 in New York is already the next day in London.
        ("2026-11-28T23:30:00-05:00", date(2026, 11, 29)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text, NOW, LONDON) == expected


# --- durations -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30", 30),
        ("0", 0),
        ("0m", 0),
        ("30m", 30),
        ("45min", 45),
        ("1h", 60),
        ("1h30m", 90),
        ("1h30", 90),
        ("1h 30m", 90),
        ("2d", 2880),
        ("1w", 10080),
        ("1d2h", 1560),
        ("90 minutes", 90),
        ("2 hours", 120),
        ("3 days", 4320),
        ("1 week", 10080),
        (" 2 HRS ", 120),
    ],
)
def test_parse_duration(text, minutes):
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    "text",
    ["3x", "-30", "-1h", "", "h", "1.5h", "1h1h", "30m1h", "2d30", "1 2", "1 fortnight"],
)
def test_bad_durations_raise(text):
    with pytest.raises(DateError) as info:
        parse_duration(text)
    assert str(info.value) == f"could not read the duration {text!r}: try 30, 30m, 1h, 1h30m, 2d, 1w"


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0m"),
        (30, "30m"),
        (60, "1h"),
        (90, "1h30m"),
        (1440, "1d"),
        (2880, "2d"),
        (10080, "1w"),
        (10080 + 1440 + 61, "1w1d1h1m"),
        (-90, "-1h30m"),
    ],
)
def test_format_duration(minutes, text):
    assert format_duration(minutes) == text


def test_format_duration_round_trips():
    for minutes in [*range(0, 200), *range(200, 30000, 37)]:
        assert parse_duration(format_duration(minutes)) == minutes


# --- stored values -------------------------------------------------------


def test_isoformat_drops_microseconds():
    dt = datetime(2026, 11, 24, 14, 30, 5, 123456, tzinfo=timezone.utc)
    assert isoformat(dt) == "2026-11-24T14:30:05+00:00"


def test_parse_iso():
    aware = parse_iso("2026-11-24T14:30:00+00:00")
    assert aware == datetime(2026, 11, 24, 14, 30, tzinfo=timezone.utc)
    assert aware.utcoffset() == timedelta(0)
    assert parse_iso("2026-11-24T14:30:00Z") == aware
    naive = parse_iso("2026-11-24T14:30:00")
    assert naive == datetime(2026, 11, 24, 14, 30)
    assert naive.tzinfo is None
    assert parse_iso(NOW) is NOW
    assert parse_iso(None) is None
    assert parse_iso("") is None
    assert parse_iso(isoformat(NOW)) == NOW


def test_parse_iso_rejects_garbage():
    with pytest.raises(DateError, match="'yesterday-ish'"):
        parse_iso("yesterday-ish")


# --- time zones and "now" ------------------------------------------------


def system_zone():
    return datetime.now().astimezone().tzinfo


def test_local_tz_prefers_env():
    assert local_tz("Europe/London", "America/New_York") == LONDON
    assert local_tz(":Europe/London", None) == LONDON


def test_local_tz_accepts_utc():
    zone = local_tz("UTC", None)
    assert datetime(2026, 7, 1, tzinfo=zone).utcoffset() == timedelta(0)


@pytest.mark.parametrize("bad_env", [None, "", ":", "Not/AZone", "../etc/passwd", "/etc/localtime"])
def test_local_tz_falls_through_to_config(bad_env):
    assert local_tz(bad_env, "America/New_York") == NEW_YORK


@pytest.mark.parametrize(("env", "config"), [(None, None), ("Nope/Zone", "Also/Not"), ("", "")])
def test_local_tz_falls_through_to_system(env, config):
    assert local_tz(env, config) == system_zone()


def test_resolve_now_date_only_is_midnight_in_tz():
    assert resolve_now("2026-11-25", LONDON).isoformat() == "2026-11-25T00:00:00+00:00"


def test_resolve_now_naive_is_in_tz():
    assert resolve_now("2026-07-01T10:00", LONDON).isoformat() == "2026-07-01T10:00:00+01:00"
    assert resolve_now("2026-11-25 10:00", NEW_YORK).isoformat() == "2026-11-25T10:00:00-05:00"


def test_resolve_now_keeps_an_explicit_offset():
    assert resolve_now("2026-11-25T10:00:00+02:00", LONDON).isoformat() == "2026-11-25T10:00:00+02:00"


@pytest.mark.parametrize("unset", [None, ""])
def test_resolve_now_unset_is_the_current_time(unset):
    before = datetime.now(timezone.utc)
    result = resolve_now(unset, LONDON)
    after = datetime.now(timezone.utc)
    assert result.tzinfo is LONDON
    assert before <= result <= after


def test_resolve_now_bad_value_names_the_variable():
    with pytest.raises(DateError) as info:
        resolve_now("next tuesday", LONDON)
    assert "INTERACT_NOW" in str(info.value)
    assert "'next tuesday'" in str(info.value)


# --- day and week boundaries ------------------------------------------------


def test_start_and_end_of_day():
    assert start_of_day(date(2026, 11, 25), LONDON).isoformat() == "2026-11-25T00:00:00+00:00"
    assert end_of_day(date(2026, 11, 25), LONDON).isoformat() == "2026-11-26T00:00:00+00:00"


def test_day_bounds_across_dst_change():
    day = date(2026, 11, 1)
    assert start_of_day(day, NEW_YORK).isoformat() == "2026-11-01T00:00:00-04:00"
    assert end_of_day(day, NEW_YORK).isoformat() == "2026-11-02T00:00:00-05:00"
    # Same-zone subtraction is wall-clock in Python, so measure the elapsed time in UTC.
    elapsed = end_of_day(day, NEW_YORK).astimezone(timezone.utc) - start_of_day(day, NEW_YORK)
    assert elapsed == timedelta(hours=25)


@pytest.mark.parametrize(
    ("day", "bounds"),
    [
        (date(2026, 11, 25), (date(2026, 11, 23), date(2026, 11, 29))),
        (date(2026, 11, 23), (date(2026, 11, 23), date(2026, 11, 29))),
        (date(2026, 11, 29), (date(2026, 11, 23), date(2026, 11, 29))),
        (date(2026, 12, 31), (date(2026, 12, 28), date(2027, 1, 3))),
    ],
)
def test_week_bounds(day, bounds):
    assert week_bounds(day) == bounds


def test_slashed_dates_are_read_in_the_stated_order_and_never_guessed():
    from interact.dates import slashed_date

    assert slashed_date("3/12/2026", "dmy") == date(2026, 12, 3)
    assert slashed_date("3/12/2026", "mdy") == date(2026, 3, 12)
    assert slashed_date("2026/12/03", "ymd") == date(2026, 12, 3)
    assert slashed_date("next week", "dmy") is None
    for text, order in (("3/12/2026", None), ("13/13/2026", "dmy"), ("3/12/26", "dmy")):
        with pytest.raises(DateError):
            slashed_date(text, order)


# --- ranges (SPEC §7): times in the years 1900-2999 in every zone, durations up to 366 days --

@pytest.mark.parametrize("text", ["9999-12-31T23:59-12:00", "0001-01-01T00:00:00+14:00", "9999-12-31",
                                  "+99999999w", "1899-12-31", "3000-01-01", "2999-12-31T23:00-12:00",
                                  "1900-01-01T00:30+01:00"])
def test_times_outside_the_years_1900_to_2999_are_refused(text):
    with pytest.raises(DateError) as info:
        parse_datetime(text, NOW, LONDON)
    assert str(info.value) == f"{text!r} is outside the years 1900-2999: give a date in them, e.g. 2026-11-28"


@pytest.mark.parametrize("text", ["1900-01-02T00:00+00:00", "2999-12-30T23:59+00:00", "1900-06-01",
                                  "2999-12-30T11:00-12:00"])
def test_times_at_the_edges_of_the_range_are_read(text):
    assert in_range(parse_datetime(text, NOW, LONDON))


def test_in_range_holds_in_every_zone():
    for moment in (datetime(1900, 1, 2, tzinfo=timezone.utc), datetime(2999, 12, 30, 23, 59, tzinfo=timezone.utc)):
        assert in_range(moment)
        for hours in range(-23, 24):
            assert 1900 <= moment.astimezone(timezone(timedelta(hours=hours))).year <= 2999
    assert not in_range(datetime(1900, 1, 1, 23, 59, tzinfo=timezone.utc))
    assert not in_range(datetime(2999, 12, 31, tzinfo=timezone.utc))
    assert in_range(date(2999, 12, 31)) and in_range(date(1900, 1, 1)) and not in_range(date(3000, 1, 1))


@pytest.mark.parametrize("text, positive, message", [
    ("600000w", False, "the duration '600000w' should be at most 366 days"),
    ("367d", False, "the duration '367d' should be at most 366 days"),
    ("0", True, "the duration '0' should be more than 0 and at most 366 days"),
])
def test_durations_outside_their_range_are_refused(text, positive, message):
    with pytest.raises(DateError) as info:
        parse_duration(text, positive=positive)
    assert str(info.value) == f"{message}: try 30, 30m, 1h, 1h30m, 2d, 1w"


def test_duration_limits():
    assert parse_duration("366d") == 366 * 24 * 60
    assert parse_duration("0") == 0  # a gap between slots may be nothing
    assert parse_duration("520w", longest=MAX_CADENCE) == 520 * 7 * 24 * 60
    with pytest.raises(DateError, match="at most 10 years"):
        parse_duration("600w", longest=MAX_CADENCE)


def test_interact_now_outside_the_range_is_refused():
    with pytest.raises(DateError, match="could not read INTERACT_NOW='9999-12-31T23:00'"):
        resolve_now("9999-12-31T23:00", LONDON)
