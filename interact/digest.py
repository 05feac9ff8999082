"""digest: a user's outstanding work, and the completions they asked to be told of.

A pure function of the interactions, the user, `now` and the time zone. The
interactions are the store's valid ones, whose times all carry an offset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from .model import Record
from .periods import week_bounds
from .query import sort_key, status
from .times import parse_iso

NOTIFY_WINDOW = timedelta(days=7)  # default look-back for completions


@dataclass
class Digest:
    user: str
    day: date
    missed: list[Record] = field(default_factory=list)
    today: list[Record] = field(default_factory=list)
    week: list[Record] = field(default_factory=list)        # after today, through Sunday
    completed: list[Record] = field(default_factory=list)   # `notify` holds the user
    later: int = 0                                           # open, planned after this week
    undated: int = 0                                         # open, with neither `when` nor `due`

    @property
    def empty(self) -> bool:
        return not (self.missed or self.today or self.week or self.completed)


def _first_day(record: dict, today: date, tz: tzinfo) -> date | None:
    """The first of its planned day and its due day that is not past; None when it has neither."""
    days = []
    when = parse_iso(record.get("when"))
    if when is not None:
        days.append(when.astimezone(tz).date())
    if record.get("due"):
        days.append(date.fromisoformat(str(record["due"])))
    if not days:
        return None
    return min((d for d in days if d >= today), default=today)


def digest(interactions: list[Record], user: str, now: datetime, tz: tzinfo,
           since: datetime | None = None) -> Digest:
    """Sort the user's outstanding interactions into missed, today and this week; pick the
    completions since `since` (default: the last 7 days) whose `notify` holds the user."""
    today = now.astimezone(tz).date()
    sunday = week_bounds(today)[1]
    since = since if since is not None else now - NOTIFY_WINDOW
    result = Digest(user, today)
    for record in interactions:
        completed = parse_iso(record.get("completed_at"))
        if completed is not None:
            if user in (record.get("notify") or []) and completed >= since:
                result.completed.append(record)
            continue
        if record.get("assignee") != user:
            continue
        if status(record, now, tz) == "missed":
            result.missed.append(record)
            continue
        day = _first_day(record, today, tz)
        if day is None:
            result.undated += 1
        elif day == today:
            result.today.append(record)
        elif day <= sunday:
            result.week.append(record)
        else:
            result.later += 1
    for section in (result.missed, result.today, result.week):
        section.sort(key=lambda r: sort_key(r, tz))
    result.completed.sort(key=lambda r: (parse_iso(r["completed_at"]), r["id"]))
    return result
