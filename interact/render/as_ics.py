"""iCalendar (RFC 5545): one VEVENT per interaction that has a `when`.

Written by hand: CRLF line endings, lines folded at 75 octets, TEXT values escaped.
The same records always give the same bytes: DTSTAMP comes from the record
(`created_at`, else `when`), never from the clock, and the UID from its id.
Times are written in UTC, so no VTIMEZONE is needed.
"""

from datetime import datetime, timedelta, timezone

from ..dates import parse_iso
from ..query import Names

PRODID = "-//interact//interact//EN"
# completed: it took place; open or missed: planned, not (yet) done
EVENT_STATUS = {"completed": "CONFIRMED", "open": "TENTATIVE", "missed": "TENTATIVE"}
_LINE_OCTETS = 75


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newlines escaped (RFC 5545 3.3.11)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line, folded so that no line is longer than 75 octets (never inside a character)."""
    data = line.encode()
    parts, start, limit = [], 0, _LINE_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while end > start and (data[end] & 0xC0) == 0x80:  # a UTF-8 continuation byte
            end -= 1
        parts.append(data[start:end])
        start, limit = end, _LINE_OCTETS - 1  # continuation lines start with a space
    parts.append(data[start:])
    return "\r\n ".join(part.decode() for part in parts) + "\r\n"


def utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def summary(record: dict, names: Names) -> str:
    people = [names.contacts.get(c, c) for c in record.get("contacts") or []]
    people += [names.accounts.get(a, a) for a in record.get("accounts") or []]
    return f"{record.get('type', '')} with {', '.join(people)}" if people else str(record.get("type", ""))


def description(record: dict) -> str:
    text = record.get("note") or record.get("instructions") or ""
    if record.get("outcome"):
        text = f"{text}\nOutcome: {record['outcome']}" if text else f"Outcome: {record['outcome']}"
    return text


def event(record: dict, names: Names) -> list[str]:
    start = parse_iso(record["when"])
    lines = [
        "BEGIN:VEVENT",
        f"UID:{record['id']}@interact",
        f"DTSTAMP:{utc(parse_iso(record.get('created_at')) or start)}",
        f"DTSTART:{utc(start)}",
    ]
    if record.get("duration"):
        lines.append(f"DTEND:{utc(start + timedelta(minutes=record['duration']))}")
    lines.append(f"SUMMARY:{escape(summary(record, names))}")
    if description(record):
        lines.append(f"DESCRIPTION:{escape(description(record))}")
    if record.get("status") in EVENT_STATUS:
        lines.append(f"STATUS:{EVENT_STATUS[record['status']]}")
    if record.get("tags"):
        lines.append(f"CATEGORIES:{','.join(escape(str(t)) for t in record['tags'])}")
    lines.append("END:VEVENT")
    return lines


def render(view) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    for record in view.records:
        if record.get("when"):
            lines.extend(event(record, view.names or Names()))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)
