"""Weeks and months as the first and last day of each: the week or month a day is in, and the
ones that listings name (`--week next`, `--month 2026-12`, `calendar last`; SPEC §9)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from . import messages as msg
from .times import FIRST_YEAR, LAST_YEAR, DateError

_RELATIVE_PERIOD = {"": 0, "this": 0, "next": 1, "last": -1}
_ISO_WEEK = re.compile(r"(?P<year>\d{4})-?w(?P<week>\d{1,2})")
_YEAR_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})")


def week_bounds(d: date) -> tuple[date, date]:
    """Monday and Sunday of the week containing d."""
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6)


def month_bounds(d: date) -> tuple[date, date]:
    """The first and last day of the month containing d."""
    first = d.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def _within_range(bounds: tuple[date, date], text: str) -> tuple[date, date]:
    """The bounds of a period, once both lie in the years every date must (SPEC §7, Ranges)."""
    if not (FIRST_YEAR <= bounds[0].year and bounds[1].year <= LAST_YEAR):
        raise DateError(msg.out_of_range_time(text, FIRST_YEAR, LAST_YEAR))
    return bounds


def week_named(text: str, today: date) -> tuple[date, date]:
    """Monday and Sunday of the week `text` names, from the week of `today`: this (or
    nothing), next, last, or an ISO week such as 2026-W49."""
    normalized = text.strip().lower()
    offset = _RELATIVE_PERIOD.get(normalized)
    try:
        if offset is not None:
            return week_bounds(today + timedelta(weeks=offset))
        if match := _ISO_WEEK.fullmatch(normalized):
            return _within_range(week_bounds(date.fromisocalendar(int(match["year"]), int(match["week"]), 1)), text)
    except (ValueError, OverflowError):
        pass
    raise DateError(msg.bad_week(text))


def month_named(text: str, today: date) -> tuple[date, date]:
    """The first and last day of the month `text` names, from the month of `today`: this (or
    nothing), next, last, or a month such as 2026-12."""
    normalized = text.strip().lower()
    offset = _RELATIVE_PERIOD.get(normalized)
    try:
        if offset is not None:
            return month_bounds(months_before(today, -offset))
        if match := _YEAR_MONTH.fullmatch(normalized):
            return _within_range(month_bounds(date(int(match["year"]), int(match["month"]), 1)), text)
    except (ValueError, OverflowError):
        pass
    raise DateError(msg.bad_month(text))


PACK_AFTER_DEFAULT = 3  # months: interact.yaml's `pack_after` when it has none (SPEC §11)
_MONTHS = re.compile(r"(?P<count>\d{1,3})(?:\s*months?)?")


def months_in(value) -> int | None:
    """A number of months as interact.yaml's `pack_after` gives it: 3, or '3 months'; None
    when it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= 999 else None
    match = _MONTHS.fullmatch(value.strip().lower()) if isinstance(value, str) else None
    return int(match["count"]) if match else None


def months_before(today: date, count: int) -> date:
    """The first day of the month `count` months before the month of `today`."""
    index = today.year * 12 + today.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)
