"""Status, filters and search over interactions: pure functions of records and `now`."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from .dates import end_of_day, parse_iso

STATUSES = ("open", "missed", "completed")
STATUS_FILTERS = (*STATUSES, "outstanding", "all")


def _aware(value, tz: tzinfo) -> datetime | None:
    moment = parse_iso(value)
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


def deadline(record: dict, tz: tzinfo) -> datetime | None:
    """The end of the `due` day if set, otherwise `when` + `duration`, otherwise None."""
    due = record.get("due")
    if due:
        return end_of_day(datetime.fromisoformat(str(due)).date(), tz)
    when = _aware(record.get("when"), tz)
    if when is None:
        return None
    return when + timedelta(minutes=record.get("duration") or 0)


def status(record: dict, now: datetime, tz: tzinfo) -> str:
    """completed, missed (its deadline has passed) or open (SPEC §3)."""
    if record.get("completed_at"):
        return "completed"
    limit = deadline(record, tz)
    if limit is None:
        return "open"
    # a due day ends at the first instant of the next; `when + duration` is still in time
    passed = now >= limit if record.get("due") else now > limit
    return "missed" if passed else "open"


def matches_status(state: str, wanted: str) -> bool:
    if wanted == "all":
        return True
    if wanted == "outstanding":
        return state != "completed"
    return state == wanted
