"""Times as interact keeps and places them: the ISO strings a store holds and the datetimes they
name, the years a time may lie in (SPEC §7), time zones (`$TZ`, then interact.yaml's), the clock
(`$INTERACT_NOW` stands in for it), and where a day begins and ends in a zone. Of the libraries,
only the standard one is used here."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import messages as msg

# The times a store may hold (SPEC §7): in these years in every zone, so that converting one to
# any zone, or adding the longest duration to it, never overflows
FIRST_YEAR, LAST_YEAR = 1900, 2999
_EARLIEST = datetime(FIRST_YEAR, 1, 2, tzinfo=timezone.utc)  # a UTC offset is less than a day
_LATEST = datetime(LAST_YEAR, 12, 31, tzinfo=timezone.utc)


class DateError(ValueError):
    """A date, time or duration that could not be read; str() is a one-line message."""


def localize(naive: datetime, tz: tzinfo) -> datetime:
    """Attach tz to a wall-clock time.

    The round trip through UTC turns a time that does not exist (inside a
    spring-forward gap) into the real instant it names, e.g. 02:30 -> 03:30.
    """
    return naive.replace(tzinfo=tz).astimezone(timezone.utc).astimezone(tz)


def in_range(moment: date) -> bool:
    """Whether a date lies in the years FIRST_YEAR..LAST_YEAR, or a time does in every zone."""
    if FIRST_YEAR < moment.year < LAST_YEAR:
        return True
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        return False
    if not isinstance(moment, datetime):
        return True
    if moment.tzinfo is None:
        return _EARLIEST.replace(tzinfo=None) <= moment < _LATEST.replace(tzinfo=None)
    return _EARLIEST <= moment < _LATEST


def isoformat(dt: datetime) -> str:
    """The stored form of a tz-aware datetime, e.g. '2026-11-24T14:30:00+00:00'."""
    return dt.isoformat(timespec="seconds")


def parse_iso(value) -> datetime | None:
    """A stored ISO 8601 str or a datetime; None or '' -> None. Naive stays naive."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise DateError(msg.bad_stored_date(value)) from exc


def local_tz(env_tz: str | None, config_tz: str | None) -> tzinfo:
    """$TZ if it names a valid zone, then the configured zone, else the system zone."""
    for name in (env_tz, config_tz):
        zone = named_zone(name)
        if zone is not None:
            return zone
    return datetime.now().astimezone().tzinfo


def named_zone(name: str | None) -> tzinfo | None:
    # POSIX allows TZ=':Europe/London', meaning "read this zone file".
    name = (name or "").strip().removeprefix(":")
    if not name:
        return None
    if name.upper() == "UTC":  # accepted even where no tz database is installed
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # unknown or malformed key
        return None


def resolve_now(env_now: str | None, tz: tzinfo) -> datetime:
    """$INTERACT_NOW (an ISO 8601 date or datetime) if set, else the current time."""
    if not env_now:
        return datetime.now(tz)
    try:
        value = datetime.fromisoformat(env_now.strip())
        value = value if value.tzinfo else localize(value, tz)
        if not in_range(value):
            raise ValueError("out of range")
    except (ValueError, OverflowError) as exc:
        raise DateError(msg.bad_interact_now(env_now)) from exc
    return value


def at_time(d: date, clock: time, tz: tzinfo) -> datetime:
    """The tz-aware instant of wall-clock time `clock` on day `d`."""
    return localize(datetime.combine(d, clock), tz)


def start_of_day(d: date, tz: tzinfo) -> datetime:
    return at_time(d, time(), tz)


def end_of_day(d: date, tz: tzinfo) -> datetime:
    """The start of the next day: the deadline instant for something due on d."""
    return start_of_day(d + timedelta(days=1), tz)
