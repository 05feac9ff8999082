"""Durations as people write them (`30`, `1h30m`, `2d`, `90 minutes`) and as interact shows them
(`1h30m`), in minutes, and the longest a duration or a cadence may be (SPEC §7)."""

from __future__ import annotations

import re

from . import messages as msg
from .times import DateError

DAY_MINUTES = 24 * 60

UNIT_MINUTES = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 1),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 60),
    **dict.fromkeys(("d", "day", "days"), DAY_MINUTES),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), 7 * DAY_MINUTES),
}

# Every term but the last needs a unit, so digits cannot be split ambiguously
# (which would make a failing match backtrack exponentially).
_DURATION = re.compile(r"(?:\d+\s*[a-z]+\s*)*\d*")
_DURATION_TERM = re.compile(r"(\d+)\s*([a-z]*)")
_DURATION_DISPLAY_UNITS = (("w", 7 * DAY_MINUTES), ("d", DAY_MINUTES), ("h", 60), ("m", 1))

MAX_DURATION = 366 * DAY_MINUTES  # an interaction's duration, a slot, a gap
MAX_CADENCE = 3653 * DAY_MINUTES  # ten years: how often to stay in touch
_LONGEST = {MAX_DURATION: "366 days", MAX_CADENCE: "10 years"}


def _duration_error(text: str) -> DateError:
    return DateError(msg.bad_duration(text))


def parse_duration(text: str, longest: int = MAX_DURATION, positive: bool = False) -> int:
    """Minutes in '30', '30m', '1h30m', '1h30', '2d', '1w', '90 minutes', '2 hours'...: at most
    `longest` minutes, and more than 0 when `positive` (an interaction's duration, a cadence)."""
    normalized = text.strip().lower()
    if not normalized or not _DURATION.fullmatch(normalized):
        raise _duration_error(text)
    terms = _DURATION_TERM.findall(normalized)
    total = 0
    previous_unit = None
    for count, unit in terms:
        if not unit:
            # Only the last term can be bare; it is minutes alone ('30') or after hours ('1h30').
            if len(terms) > 1 and previous_unit != 60:
                raise _duration_error(text)
            unit = "m"
        unit_minutes = UNIT_MINUTES.get(unit)
        # Units must get strictly smaller: '1h30m' is fine, '30m1h' or '1h1h' is not.
        if unit_minutes is None or (previous_unit is not None and unit_minutes >= previous_unit):
            raise _duration_error(text)
        total += int(count) * unit_minutes
        previous_unit = unit_minutes
    if total > longest or (positive and total == 0):
        raise DateError(msg.out_of_range_duration(text, _LONGEST.get(longest) or format_duration(longest), positive))
    return total


def format_duration(minutes: int) -> str:
    """Compact display form that parse_duration reads back: 90 -> '1h30m'."""
    if minutes < 0:
        return "-" + format_duration(-minutes)
    parts = []
    for suffix, size in _DURATION_DISPLAY_UNITS:
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count}{suffix}")
    return "".join(parts) or "0m"
