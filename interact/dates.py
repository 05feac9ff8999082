"""Dates and times as people type them (SPEC §4 and §9): `tomorrow 9am`, `fri at 10`, `+3d`,
`next week`, `3/12/2026` in a stated order, and free text such as "Nov 28 3pm".

Of the libraries, the standard one is used here, and dateutil only for free-form text such
as "Nov 28 3pm" that none of the built-in forms match (loaded lazily: it is slow to import).

What the parsing stands on has its own modules, whose names are importable from here too
(as most callers do): times.py (stored ISO values, zones, the clock, day boundaries, the years a
time may lie in, DateError), durations.py (durations and their longest) and periods.py (the
weeks and months a day is in).
"""

import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from . import messages as msg
from .durations import DAY_MINUTES, MAX_CADENCE, MAX_DURATION, UNIT_MINUTES, format_duration, parse_duration
from .periods import month_bounds, week_bounds
from .times import (
    FIRST_YEAR, LAST_YEAR, DateError, at_time, end_of_day, in_range, isoformat, local_tz, localize, named_zone,
    parse_iso, resolve_now, start_of_day,
)

_WEEKDAY_NAMES = (
    ("mon", "monday"),
    ("tue", "tues", "tuesday"),
    ("wed", "weds", "wednesday"),
    ("thu", "thur", "thurs", "thursday"),
    ("fri", "friday"),
    ("sat", "saturday"),
    ("sun", "sunday"),
)
_WEEKDAYS = {name: number for number, names in enumerate(_WEEKDAY_NAMES) for name in names}

_DAY_WORD_OFFSETS = {"now": 0, "today": 0, "tomorrow": 1, "yesterday": -1}


def _alternation(words) -> str:
    # Longest first, so that "friday" is preferred over "fri".
    return "|".join(sorted(words, key=len, reverse=True))


_DAY = (
    r"(?P<iso>\d{4}-\d{2}-\d{2})"
    rf"|(?P<word>{_alternation(_DAY_WORD_OFFSETS)})"
    rf"|(?:(?P<direction>next|last)\s+)?(?P<weekday>{_alternation(_WEEKDAYS)})"
)
_TIME = r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<ampm>am|pm)?|(?P<named>noon|midnight)"
# An optional day, then an optional "[at] time"; the caller rejects the empty match.
_DAY_TIME = re.compile(rf"(?:(?:{_DAY})(?:\s+|$))?(?:(?:at\s+)?(?:{_TIME}))?")

_OFFSET = r"(?P<count>\d+)\s*(?P<unit>[a-z]+)"
_SIGNED_OFFSET = re.compile(rf"(?P<sign>[+-])\s*{_OFFSET}")
_IN_OFFSET = re.compile(rf"in\s+{_OFFSET}")
_AGO_OFFSET = re.compile(rf"{_OFFSET}\s+ago")

_ISO_DATE_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}")
# dateutil turns almost any run of digits into some date, so it only sees text
# that looks like words or a d/m/y or d.m.y date.
_FREE_FORM_HINT = re.compile(r"[a-z/.]", re.IGNORECASE)


def _date_error(text: str) -> DateError:
    return DateError(msg.bad_date(text))


# --- datetimes -------------------------------------------------------------


def parse_datetime(
    text: str, now: datetime, tz: tzinfo, default_time: time = time(9, 0), date_order: str | None = None
) -> datetime:
    """A tz-aware datetime for `text`, relative to the tz-aware `now`.

    Date-only forms get `default_time`; naive results are interpreted in `tz`.
    An explicit offset in ISO input is kept as given. Numeric dates with slashes
    (3/12/2026) are read in `date_order` (dmy, mdy or ymd), and refused without one.
    """
    local_now = now.astimezone(tz)
    normalized = " ".join(text.lower().split())
    try:
        # the forms of §9 first: to the built-in ones 'fri at 10' is a bare number, not a time
        result = _parse_spoken_form(normalized, local_now, tz, default_time, date_order)
        if result is None:
            result = _parse_known_form(normalized, local_now, tz, default_time)
        if result is None:
            _refuse_guessed_numeric_date(normalized)
            result = _parse_free_form(text, local_now, tz, default_time)
    except OverflowError:  # +99999999w, 9999-12-31T23:59 in a zone behind UTC
        raise _range_error(text) from None
    except DateError:
        raise
    except ValueError as exc:  # e.g. 2026-02-30, 25:00
        raise _date_error(text) from exc
    if not in_range(result):
        raise _range_error(text)
    return result


def _range_error(text: str) -> DateError:
    return DateError(msg.out_of_range_time(text, FIRST_YEAR, LAST_YEAR))


def parse_date(text: str, now: datetime, tz: tzinfo, date_order: str | None = None) -> date:
    """The calendar date (in tz) of anything parse_datetime accepts."""
    return parse_datetime(text, now, tz, date_order=date_order).astimezone(tz).date()


def _parse_known_form(
    text: str, local_now: datetime, tz: tzinfo, default_time: time
) -> datetime | None:
    """The built-in forms; None when `text` is none of them."""
    if text == "now":
        return local_now
    offset = _match_offset(text)
    if offset is not None:
        return _apply_offset(local_now, tz, *offset)
    match = _DAY_TIME.fullmatch(text) if text else None
    if match is not None:
        day = _resolve_day(match, local_now.date())
        has_time = match["hour"] or match["named"]
        clock = _clock_time(match) if has_time else default_time
        return localize(datetime.combine(day, clock), tz)
    if _ISO_DATE_PREFIX.match(text):
        parsed = datetime.fromisoformat(text.upper())  # 'T' and 'Z' must be upper case
        return parsed if parsed.tzinfo else localize(parsed, tz)
    return None


def _match_offset(text: str) -> tuple[int, int] | None:
    """(count, unit minutes) for '+3d', 'in 3 days', '3 days ago'; count is signed."""
    if match := _SIGNED_OFFSET.fullmatch(text):
        sign = -1 if match["sign"] == "-" else 1
    elif match := _IN_OFFSET.fullmatch(text):
        sign = 1
    elif match := _AGO_OFFSET.fullmatch(text):
        sign = -1
    else:
        return None
    unit_minutes = UNIT_MINUTES.get(match["unit"])
    if unit_minutes is None:
        return None
    return sign * int(match["count"]), unit_minutes


def _apply_offset(local_now: datetime, tz: tzinfo, count: int, unit_minutes: int) -> datetime:
    if unit_minutes % DAY_MINUTES == 0:
        # Days and weeks move the calendar and keep the wall-clock time, even
        # across a DST change.
        days = count * unit_minutes // DAY_MINUTES
        return localize(local_now.replace(tzinfo=None) + timedelta(days=days), tz)
    # Hours and minutes are elapsed time.
    elapsed = timedelta(minutes=count * unit_minutes)
    return (local_now.astimezone(timezone.utc) + elapsed).astimezone(tz)


def _resolve_day(match: re.Match, today: date) -> date:
    if match["iso"]:
        return date.fromisoformat(match["iso"])
    if match["word"]:
        return today + timedelta(days=_DAY_WORD_OFFSETS[match["word"]])
    if match["weekday"]:
        weekday = _WEEKDAYS[match["weekday"]]
        if match["direction"] == "last":
            return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    return today  # a time alone means today


def _clock_time(match: re.Match) -> time:
    if match["named"]:
        return time(12) if match["named"] == "noon" else time(0)
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise ValueError(f"hour {hour} is not on a 12-hour clock")
        hour = hour % 12 + (12 if match["ampm"] == "pm" else 0)
    elif match["minute"] is None:
        raise ValueError("a bare number is not a time")
    return time(hour, minute)


def _parse_free_form(
    text: str, local_now: datetime, tz: tzinfo, default_time: time
) -> datetime:
    if not _FREE_FORM_HINT.search(text):
        raise _date_error(text)
    from dateutil import parser  # lazy: heavy, and only needed here

    default = datetime.combine(local_now.date(), default_time)
    try:
        parsed = parser.parse(text, default=default)
    except (ValueError, OverflowError) as exc:  # dateutil's ParserError is a ValueError
        raise _date_error(text) from exc
    return parsed if parsed.tzinfo else localize(parsed, tz)


# --- the forms people type (SPEC §9): eod, tonight, next week, this fri, fri at 10, 3/12/2026 ---

_NAMED_TIMES = {"eod": time(17, 0), "tonight": time(19, 0)}
_THIS_WEEKDAY = re.compile(rf"this\s+(?P<weekday>{_alternation(_WEEKDAYS)})(?:\s+(?:at\s+)?(?P<time>.+))?")
_NEXT_PERIOD = re.compile(r"next\s+(?P<period>week|month)(?:\s+(?:at\s+)?(?P<time>.+))?")
_AT_HOUR = re.compile(r"(?:(?P<day>.+?)\s+)?at\s+(?P<hour>\d{1,2})")
_SLASHED_DAY_TIME = re.compile(r"(?P<day>\d{1,4}[/.]\d{1,2}[/.]\d{1,4})(?:\s+(?:at\s+)?(?P<time>.+))?")
# a day and a month written with a slash or a dot, in any other shape (3/12, 3/12/26 9am...)
_NUMERIC_DATE_HINT = re.compile(r"\d\s*[/.]\s*\d")


def _parse_spoken_form(
    text: str, local_now: datetime, tz: tzinfo, default_time: time, date_order: str | None
) -> datetime | None:
    """The forms of SPEC §9 that the built-in ones do not cover; None when `text` is none of them.
    A numeric date with slashes is never left to dateutil, which would guess its order."""
    today = local_now.date()
    if match := _AT_HOUR.fullmatch(text):  # 'fri at 10': a bare hour, said with 'at'
        day = local_now
        if match["day"]:
            day = (_parse_spoken_form(match["day"], local_now, tz, default_time, date_order)
                   or _parse_known_form(match["day"], local_now, tz, default_time))
        if day is None:
            return None
        return localize(datetime.combine(day.date(), time(int(match["hour"]))), tz)
    if text in _NAMED_TIMES:
        return localize(datetime.combine(today, _NAMED_TIMES[text]), tz)
    if match := _THIS_WEEKDAY.fullmatch(text):  # this week's (Monday to Sunday), even if past
        day = week_bounds(today)[0] + timedelta(days=_WEEKDAYS[match["weekday"]])
        return localize(datetime.combine(day, _time_or(match["time"], default_time)), tz)
    if match := _NEXT_PERIOD.fullmatch(text):
        if match["period"] == "week":
            day = week_bounds(today)[0] + timedelta(days=7)
        else:
            day = month_bounds(today)[1] + timedelta(days=1)
        return localize(datetime.combine(day, _time_or(match["time"], default_time)), tz)
    if match := _SLASHED_DAY_TIME.fullmatch(text):
        day = slashed_date(match["day"], date_order)
        return localize(datetime.combine(day, _time_or(match["time"], default_time)), tz)
    return None


def _refuse_guessed_numeric_date(text: str) -> None:
    """Text none of our forms read that holds a day and month with a slash or a dot (3/12,
    3.12.26 9am) is refused: dateutil would guess which number is the month."""
    if _NUMERIC_DATE_HINT.search(text):
        raise DateError(msg.numeric_date_not_guessed(text))


def _time_or(text: str | None, default_time: time) -> time:
    return parse_time(text) if text else default_time


_TIME_OF_DAY = re.compile(_TIME)


def parse_time(text: str) -> time:
    """A wall-clock time of day: '09:00', '9am', '2:30pm', 'noon'."""
    match = _TIME_OF_DAY.fullmatch(" ".join(text.lower().split()))
    try:
        if match is not None:
            return _clock_time(match)
    except ValueError:  # 25:00, 13pm, a bare number
        pass
    raise DateError(msg.bad_time(text))


# --- numeric dates with slashes (3/12/2026): read by a stated order, never guessed ---

DATE_ORDERS = ("dmy", "mdy", "ymd")
_SLASHED = re.compile(r"(\d{1,4})[/.](\d{1,2})[/.](\d{1,4})")


def slashed_date(text: str, order: str | None) -> date | None:
    """The date of a numeric date with slashes or dots ('3/12/2026', '2026/12/03') read in
    `order` (one of DATE_ORDERS); None when `text` is no such date. Without an order it is
    refused, never guessed: 3/12 is 3 December in London and March 12 in New York."""
    match = _SLASHED.fullmatch(text.strip())
    if match is None:
        return None
    if order not in DATE_ORDERS:
        raise DateError(msg.date_order_needed(text.strip()))
    parts = dict(zip(order, map(int, match.groups())))
    try:
        if len(match[order.index("y") + 1]) != 4:
            raise ValueError(msg.year_not_four_digits())
        return date(parts["y"], parts["m"], parts["d"])
    except ValueError as error:
        raise DateError(msg.bad_ordered_date(text.strip(), order, error)) from None


__all__ = [  # this module's own, and what it passes on from times.py, durations.py and periods.py
    "DATE_ORDERS", "FIRST_YEAR", "LAST_YEAR", "MAX_CADENCE", "MAX_DURATION", "DateError", "at_time", "end_of_day",
    "format_duration", "in_range", "isoformat", "local_tz", "month_bounds", "named_zone", "parse_date",
    "parse_datetime", "parse_duration", "parse_iso", "parse_time", "resolve_now", "slashed_date", "start_of_day",
    "week_bounds",
]
