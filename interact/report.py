"""Reports: interactions counted by one or two fields, per week, month, quarter or year.

Pure functions of records, dates and the store's time zone: no click, no clock. An
interaction falls in the period of its `when`, else its `due` day (`query.day_of`, the
day `list --from` reads), taken in the store's time zone; one with neither is in no
period. It is counted once under each of its values of a field (two accounts: once
under each), and under "(none)" when it has none. Values are ids (for csv and json);
what people read (the table, the chart, the HTML page) names contacts and accounts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo
from itertools import product

from . import messages as msg
from .periods import month_bounds
from .query import day_of

FIELDS = ("type", "category", "assignee", "account", "contact", "outcome", "purpose")
PERIODS = ("week", "month", "quarter", "year")
NONE = "(none)"
TOTAL = "Total"

_RECORD_KEYS = {"account": "accounts", "contact": "contacts"}  # a report field -> the record's key, where they differ


def values_of(record: dict, name: str) -> list[str]:
    """The record's distinct values of a report field, or ["(none)"]."""
    value = record.get(_RECORD_KEYS.get(name, name))
    values = value if isinstance(value, list) else [value]
    found = list(dict.fromkeys(str(v) for v in values if v not in (None, "")))
    return found or [NONE]


# --- periods ---------------------------------------------------------------------------

def period_start(day: date, per: str) -> date:
    if per == "week":
        return day - timedelta(days=day.weekday())
    if per == "month":
        return day.replace(day=1)
    if per == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def _next_start(start: date, per: str) -> date:
    if per == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[per]
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_label(day: date, per: str) -> str:
    """2026-W48 (ISO week, from Monday), 2026-11, 2026-Q4, 2026."""
    if per == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if per == "month":
        return f"{day.year}-{day.month:02d}"
    if per == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def week_monday(label: str) -> date:
    """The Monday of an ISO week label: 2026-W48 -> 2026-11-23."""
    year, _, week = label.partition("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def monday_text(label: str) -> str:
    monday = week_monday(label)
    return f"Mon {monday.day} {monday:%b}"


def period_caption(label: str, per: str) -> str:
    """A period as people read it: a week names its Monday, 2026-W48 (Mon 23 Nov)."""
    return f"{label} ({monday_text(label)})" if per == "week" else label


def periods_between(first: date, last: date, per: str) -> list[str]:
    """Every period's label from the one holding `first` to the one holding `last`, in order."""
    labels = []
    start = period_start(first, per)
    while start <= last:
        labels.append(period_label(start, per))
        start = _next_start(start, per)
    return labels


def report_range(today: date, first: date | None, last: date | None) -> tuple[date, date]:
    """The days a report covers: by default this month; `first` alone runs to the end of this
    month (or of its own month, when later), `last` alone covers its own month."""
    if last is None:
        this_month_end = month_bounds(today)[1]
        last = this_month_end if first is None or first <= this_month_end else month_bounds(first)[1]
    if first is None:
        first = month_bounds(last)[0]
    if first > last:
        raise msg.range_reversed(first, last)
    return first, last


# --- counting --------------------------------------------------------------------------

def labels(names: dict[str, str]) -> dict[str, str]:
    """id -> the name people read; a name that two ids share gets its id too: 'Acme (acme-2)'."""
    seen: dict[str, int] = {}
    for name in names.values():
        seen[name] = seen.get(name, 0) + 1
    return {rid: f"{name} ({rid})" if seen[name] > 1 else name for rid, name in names.items()}


@dataclass
class Report:
    """Counts by row (a tuple of one value per field) and period, over first..last."""

    fields: tuple[str, ...]
    per: str
    first: date
    last: date
    periods: list[str]
    counts: dict[tuple[str, ...], dict[str, int]] = field(default_factory=dict)
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> value -> label (see `labels`)

    def label(self, name: str, value: str) -> str:
        return self.names.get(name, {}).get(value, value)

    def row_label(self, row: tuple[str, ...]) -> str:
        return " / ".join(self.label(name, value) for name, value in zip(self.fields, row))

    @property
    def rows(self) -> list[tuple[str, ...]]:
        """Row keys in order: by label, case-insensitive, "(none)" last."""
        def order(row):
            return [(value == NONE, self.label(name, value).lower(), value) for name, value in zip(self.fields, row)]

        return sorted(self.counts, key=order)

    def count(self, row: tuple[str, ...], period: str) -> int:
        return self.counts.get(row, {}).get(period, 0)

    def row_total(self, row: tuple[str, ...]) -> int:
        return sum(self.counts.get(row, {}).values())

    def period_total(self, period: str) -> int:
        return sum(by_period.get(period, 0) for by_period in self.counts.values())

    @property
    def total(self) -> int:
        return sum(self.row_total(row) for row in self.counts)

    def as_rows(self) -> list[dict]:
        """One {period, FIELD: value, ..., count} mapping per period and row, zeros included."""
        return [
            {"period": period, **dict(zip(self.fields, row)), "count": self.count(row, period)}
            for period in self.periods for row in self.rows
        ]


def count(records, fields, per: str, first: date, last: date, tz: tzinfo, names=None) -> Report:
    """Count the records whose day is within first..last (inclusive) by `fields` and period;
    `names` (a query.Names) gives contacts and accounts the names people read."""
    report = Report(tuple(fields), per, first, last, periods_between(first, last, per))
    if names is not None:
        report.names = {"contact": labels(names.contacts), "account": labels(names.accounts)}
    for record in records:
        day = day_of(record, tz)
        if day is None or not first <= day <= last:
            continue
        period = period_label(day, per)
        for row in product(*(values_of(record, name) for name in report.fields)):
            by_period = report.counts.setdefault(row, {})
            by_period[period] = by_period.get(period, 0) + 1
    return report


def groupings(fields) -> list[tuple[str, ...]]:
    """The groupings a report shows: the fields together, then each alone when there are two."""
    fields = tuple(fields)
    return [fields, *((name,) for name in fields)] if len(fields) > 1 else [fields]


# --- terminal chart --------------------------------------------------------------------

def bars_per_period(report: Report) -> bool:
    """A chart shows each row's total, or each period's count when there is only one row."""
    return len(report.counts) == 1 and len(report.periods) > 1


def chart_bars(report: Report) -> list[tuple[str, int]]:
    """(label, count) per bar."""
    if bars_per_period(report):
        row = report.rows[0]
        return [(period_caption(period, report.per), report.count(row, period)) for period in report.periods]
    return [(report.row_label(row), report.row_total(row)) for row in report.rows]


def chart_caption(report: Report) -> str:
    if bars_per_period(report):
        return f"{report.row_label(report.rows[0])}, per {report.per}, {report.first} to {report.last}"
    return f"Total per {' / '.join(report.fields)}, {report.first} to {report.last}"


def _fit(text: str, width: int, ellipsis: str) -> str:
    if len(text) <= width:
        return text.ljust(width)
    return text[: max(width - len(ellipsis), 0)] + ellipsis


def chart_lines(bars: list[tuple[str, int]], width: int, mark: str = "█", ellipsis: str = "…") -> list[str]:
    """Horizontal bars that fit in `width` columns: label, bar scaled to the largest count, count.

    Readable without colour; a count above zero always gets at least one mark.
    """
    if not bars:
        return []
    biggest = max(number for _, number in bars)
    count_width = len(str(biggest))
    label_width = min(max(len(label) for label, _ in bars), max(width // 3, 1))
    room = max(width - label_width - count_width - 2, 1)
    lines = []
    for label, number in bars:
        length = round(number * room / biggest) if biggest else 0
        bar = mark * (max(length, 1) if number else 0)
        lines.append(" ".join(part for part in (_fit(label, label_width, ellipsis), bar, str(number)) if part))
    return lines
