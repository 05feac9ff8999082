"""iCalendar (RFC 5545), written with the `icalendar` library: a VEVENT for each interaction
with a `when`, and a VTODO for each outstanding one without (its `due` as DUE), so a
calendar subscription shows all outstanding work.

This module is the only one that imports icalendar (it is loaded only for `--format ics`).
The same records always give the same bytes: DTSTAMP comes from the record (`created_at`,
else `when`, else `due`), never from the clock, and the UID from its id. Times are written
in UTC, so no VTIMEZONE is needed. Control characters never reach the file.
"""

from datetime import date, datetime, timedelta, timezone

import icalendar

from ..query import Names
from ..text import one_kind_of_line_break, printable
from ..times import parse_iso

PRODID = "-//interact//interact//EN"
# completed: it took place; open or missed: planned, not (yet) done
EVENT_STATUS = {"completed": "CONFIRMED", "open": "TENTATIVE", "missed": "TENTATIVE"}
OUTSTANDING = ("open", "missed")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # DTSTAMP of a record with no date at all


def plain(text) -> str:
    """Text fit for a TEXT value: line breaks as \\n, control characters shown escaped (\\x1b):
    no calendar reads them, and RFC 5545 forbids them in TEXT."""
    return printable(one_kind_of_line_break(str(text)))


def summary(record: dict, names: Names) -> str:
    people = [names.contacts.get(c, c) for c in record.get("contacts") or []]
    people += [names.accounts.get(a, a) for a in record.get("accounts") or []]
    return f"{record.get('type', '')} with {', '.join(people)}" if people else str(record.get("type", ""))


def description(record: dict) -> str:
    text = record.get("note") or record.get("instructions") or ""
    if record.get("outcome"):
        text = f"{text}\nOutcome: {record['outcome']}" if text else f"Outcome: {record['outcome']}"
    return text


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def _stamp(record: dict) -> datetime:
    for key in ("created_at", "when"):
        if record.get(key):
            return _utc(parse_iso(record[key]))
    if record.get("due"):
        return datetime.combine(date.fromisoformat(record["due"]), datetime.min.time(), timezone.utc)
    return _EPOCH


def _common(component, record: dict, names: Names) -> None:
    component.add("uid", f"{record['id']}@interact")
    component.add("dtstamp", _stamp(record))
    component.add("summary", plain(summary(record, names)))
    if description(record):
        component.add("description", plain(description(record)))
    if record.get("tags"):
        component.add("categories", [plain(tag) for tag in record["tags"]])


def event(record: dict, names: Names) -> icalendar.Event:
    start = _utc(parse_iso(record["when"]))
    component = icalendar.Event()
    _common(component, record, names)
    component.add("dtstart", start)
    if record.get("duration"):
        component.add("dtend", start + timedelta(minutes=record["duration"]))
    if record.get("status") in EVENT_STATUS:
        component.add("status", EVENT_STATUS[record["status"]])
    return component


def todo(record: dict, names: Names) -> icalendar.Todo:
    component = icalendar.Todo()
    _common(component, record, names)
    if record.get("due"):
        component.add("due", date.fromisoformat(record["due"]))
    component.add("status", "NEEDS-ACTION")
    return component


def render(view) -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    names = view.names or Names()
    for record in view.records:
        if record.get("when"):
            calendar.add_component(event(record, names))
        elif record.get("status") in OUTSTANDING:
            calendar.add_component(todo(record, names))
    return calendar.to_ical().decode("utf-8")
