"""A CRM's activity export read through a column mapping, guessing nothing.

Which column is which field comes from `--map COLUMN=FIELD` or a preset (Salesforce's Task
columns). Every cell is read by a stated rule or the row is refused: a numeric date by the
date order the user gave (`--date-order`, else `date_order` in interact.yaml); a duration
in the unit given with its column (`CallDurationInSeconds=duration:s`); a time of day from
its own column (`--map Time=when:time`); an owner through the store's `users`; a type by
name, else by Salesforce's TaskSubtype; a Salesforce `What` by its type (an opportunity is
related to, never made into an account).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from . import messages as msg
from .dates import parse_time, slashed_date
from .durations import parse_duration
from .model import Record, slugify
from .people import names_opportunity, opportunity_id
from .store import Store
from .text import one_kind_of_line_break
from .times import DateError, at_time

# Salesforce's Task export (Data Loader, reports, the REST API): matched case-insensitively,
# and only the columns a file has are used.
SALESFORCE = {
    "Id": "id", "Subject": "note", "Description": "note", "ActivityDate": "when", "Status": "status",
    "Type": "type", "TaskSubtype": "subtype", "Who.Name": "contact", "WhoName": "contact",
    "What.Name": "what", "WhatName": "what", "What.Type": "what_type", "WhatType": "what_type",
    "WhatId": "what_id", "Account.Name": "account", "CallDisposition": "outcome",
    "CallDurationInSeconds": "duration:s", "Owner.Name": "assignee", "OwnerName": "assignee", "OwnerId": "assignee",
}
PRESETS = {"salesforce": SALESFORCE}
TARGETS = ("id", "type", "subtype", "when", "due", "duration", "status", "contact", "account", "what", "what_type",
           "what_id", "assignee", "note", "instructions", "outcome", "next_action", "purpose", "category", "tags")
UNITS = {"duration": ("s", "m", "h"), "when": ("time",)}  # FIELD:UNIT, e.g. duration:s, when:time
COMPLETED_STATUSES = ("completed", "complete", "done", "closed")
SUBTYPES = {"email": "email", "listemail": "email", "call": "call"}  # Salesforce's TaskSubtype -> our type
WHAT_PREFIXES = {"001": "account", "006": "opportunity", "500": "case"}  # Salesforce id prefixes
_SECONDS = {"s": 1, "m": 60, "h": 3600}


def column_mapping(columns: list[str], preset: str | None, maps: dict[str, str]) -> list[tuple[str, str]]:
    """(column, target) pairs for the file's columns, in the file's order; --map wins over the preset.

    Column names match case-insensitively; an empty target leaves a column out. A target
    may carry a unit: `duration:s` (seconds; or m, h), `when:time` (the time of day of `when`).
    """
    by_name = {column.casefold(): column for column in columns}
    chosen = {}
    for column, target in PRESETS[preset].items() if preset else ():
        if column.casefold() in by_name:
            chosen[by_name[column.casefold()]] = target
    for column, target in maps.items():
        if column.casefold() not in by_name:
            raise msg.no_such_column(column, columns)
        field_name, _, unit = target.partition(":")
        if target and field_name not in TARGETS:
            raise msg.bad_map_target(target, TARGETS)
        if unit and unit not in UNITS.get(field_name, ()):
            raise msg.bad_map_unit(target, UNITS)
        chosen[by_name[column.casefold()]] = target
    return [(column, chosen[column]) for column in columns if chosen.get(column)]


@dataclass
class Reading:
    """How the rows of one export are read."""

    mapping: list[tuple[str, str]]
    tz: tzinfo
    date_order: str | None       # dmy, mdy or ymd: how 03/11/2026 is read; None refuses it
    assignee: str                # who gets a row that names no owner
    default_assignee: str | None  # who gets a row whose owner is no user of the store (else a row error)
    all_completed: bool = False  # every row took place (--completed), whatever its status says


def mapped_values(data: dict, mapping: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The row's non-empty cells by target (with its unit), in column order; line breaks as \\n
    (a JSON export's strings too)."""
    values: dict[str, list[str]] = {}
    for column, target in mapping:
        cell = data.get(column)
        text = "" if cell is None else one_kind_of_line_break(str(cell)).strip()
        if text:
            values.setdefault(target, []).append(text)
    return values


def first(values: dict[str, list[str]], target: str) -> str | None:
    return (values.get(target) or [None])[0]


# --- dates and times --------------------------------------------------------------------

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOCK = re.compile(r"(\d{1,2}:\d{2})(?::\d{2}(?:\.\d+)?)?\s*([ap]\.?m\.?)?", re.IGNORECASE)
_DAY_AND_CLOCK = re.compile(r"(\S+)(?:[ T]+(.+))?")


def clock(text: str) -> time:
    """A time of day as exports write it: 14:30, 14:30:00, 2:30 PM, 9am (seconds dropped)."""
    match = _CLOCK.fullmatch(text.strip())
    if match:
        text = match[1] + (match[2] or "").replace(".", "")
    return parse_time(text)


def moment(day_text: str, time_text: str | None, order: str | None, tz: tzinfo) -> tuple[datetime, bool]:
    """The time a date cell (and a time-of-day cell, when the time has its own column) names,
    and whether it names a time of day: ISO 8601 (2026-11-03, 2026-11-03T09:00:00.000+0000), or a
    numeric date read in `order` (03/11/2026 14:30). Anything else is refused, never guessed."""
    day_text = day_text.strip()
    if _ISO_DAY.match(day_text):
        try:
            parsed = datetime.fromisoformat(day_text.upper())
        except ValueError:
            raise msg.row_bad_date(day_text) from None
        day, at, has_time = parsed.date(), parsed, len(day_text) > 10
    else:
        match = _DAY_AND_CLOCK.fullmatch(day_text)
        try:
            day = slashed_date(match[1], order) if match else None
        except DateError as error:
            raise (msg.row_needs_date_order(day_text) if order is None else error) from None
        if day is None:
            raise msg.row_bad_date(day_text)
        at, has_time = (datetime.combine(day, clock(match[2])), True) if match[2] else (None, False)
    if time_text:
        if has_time and at.time() != time():  # a date cell's midnight is no time of day
            raise msg.row_two_times(day_text, time_text)
        at, has_time = datetime.combine(day, clock(time_text)), True
    if not has_time:
        return at_time(day, time(9), tz), False
    return (at if at.tzinfo else at_time(at.date(), at.time(), tz)), True


def due_day(text: str, order: str | None, tz: tzinfo) -> date:
    return moment(text, None, order, tz)[0].astimezone(tz).date()


def minutes(text: str, unit: str) -> int | None:
    """A duration cell in minutes: in `unit` (s, m, h) a plain number, rounded to the nearest
    minute (at least 1 when above 0); without one, as `--duration` reads it. 0: none."""
    if not unit:
        return parse_duration(text) or None
    try:
        seconds = float(text.replace(",", "")) * _SECONDS[unit]
    except ValueError:
        raise msg.row_bad_duration(unit, text) from None
    if seconds < 0 or seconds != seconds or seconds == float("inf"):
        raise msg.row_negative_duration(unit, text)
    return max(round(seconds / 60), 1) if seconds else None


# --- types, owners and what a row is about ------------------------------------------------

def row_type(values: dict[str, list[str]], types: list[str]) -> str:
    """The configured type the row's type names ('Call' -> call); else the one its Salesforce
    TaskSubtype names (Email, ListEmail -> email; Call -> call); neither given: the first type."""
    named, subtype = first(values, "type"), first(values, "subtype")
    if named and slugify(named) in types:
        return slugify(named)
    by_subtype = SUBTYPES.get(slugify(subtype or "").replace("-", ""))
    if by_subtype in types:
        return by_subtype
    if named:
        raise msg.row_unknown_type(named, slugify(named), types)
    return types[0]


def owner(values: dict[str, list[str]], store: Store, reading: Reading) -> str:
    """The user the row's owner cells name (Owner.Name, OwnerId...: the first that is one of the
    store's `users`, by id, name, email or alias); no owner given: `reading.assignee`."""
    owners = values.get("assignee") or []
    for text in owners:
        user = store.config.user_for(text)
        if user is not None:
            return user
    if not owners:
        return reading.assignee
    if reading.default_assignee:
        return reading.default_assignee
    raise msg.row_unknown_owner(owners, store.config.users)


def what_kind(values: dict[str, list[str]]) -> str:
    """What a Salesforce `What` is: its What.Type, else its WhatId's prefix, else an account."""
    stated = first(values, "what_type")
    if stated:
        return slugify(stated)
    return WHAT_PREFIXES.get((first(values, "what_id") or "")[:3], "account")


def opportunity(store: Store, name: str) -> tuple[str, str]:
    """(account id, opportunity id) of the one opportunity of the store with this id or name
    (ignoring case and accents, as everywhere: people.names_opportunity)."""
    hits = [(account["id"], opportunity_id(opp)) for account in store.accounts().values()
            for opp in account.get("opportunities") or [] if names_opportunity(opp, name)]
    if len(hits) != 1:
        raise msg.row_unknown_opportunity(name, len(hits))
    return hits[0]


def completed(values: dict[str, list[str]], reading: Reading) -> bool:
    return reading.all_completed or (first(values, "status") or "").casefold() in COMPLETED_STATUSES


def fill_dates(record: Record, values: dict[str, list[str]], reading: Reading, is_completed: bool) -> None:
    """`when` (and `due`) from the row's date cells: an open row's date alone is the day it is due."""
    if first(values, "when"):
        at, has_time = moment(first(values, "when"), first(values, "when:time"), reading.date_order, reading.tz)
        if is_completed or has_time:
            record["when"] = at.isoformat(timespec="seconds")
        else:
            record["due"] = at.date().isoformat()
    elif first(values, "when:time"):
        raise msg.row_time_without_date(first(values, "when:time"))
    if first(values, "due"):
        record["due"] = due_day(first(values, "due"), reading.date_order, reading.tz).isoformat()
    for target in ("duration", "duration:s", "duration:m", "duration:h"):
        if first(values, target):
            duration = minutes(first(values, target), target.partition(":")[2])
            if duration:
                record["duration"] = duration

