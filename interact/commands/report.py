"""report: interactions counted by person, type, category... per week, month, quarter or year."""

from __future__ import annotations

import shutil
import sys

import click

from .. import messages as msg
from ..cli import pass_env, user_errors
from ..query import STATUS_FILTERS
from ..report import FIELDS, PERIODS, TOTAL
from .common import format_option


def _filter_options(func):
    # Until `list`'s shared filters land: the status, range and assignee filters a report needs.
    for decorator in reversed([
        click.option("--status", type=click.Choice(STATUS_FILTERS), default="completed", show_default=True,
                     help="Which interactions to count."),
        click.option("--from", "from_", metavar="DATE", help="First day (default: the first of this month)."),
        click.option("--until", metavar="DATE", help="Last day, inclusive (default: the end of --from's month "
                     "or of this month)."),
        click.option("--to", "assignee", metavar="USER", help="Only those assigned to USER."),
        click.option("--mine", is_flag=True, help="Only mine."),
        click.option("--everyone", is_flag=True, help="Everyone's (the default)."),
    ]):
        func = decorator(func)
    return func


def _selected(env, records, status, assignee, mine, everyone):
    from ..query import matches_status, status as status_of

    wanted = env.user if mine else assignee
    return [r for r in records
            if matches_status(status_of(r, env.now, env.tz), status) and (not wanted or r.get("assignee") == wanted)]


def _range(env, from_, until):
    """--from and --until as days; by default this month (or the month of the one given)."""
    from ..report import month_bounds

    first = env.date(from_) if from_ else None
    last = env.date(until) if until else None
    if last is None:
        this_month_end = month_bounds(env.now.astimezone(env.tz).date())[1]
        last = this_month_end if first is None or first <= this_month_end else month_bounds(first)[1]
    if first is None:
        first = month_bounds(last)[0]
    if first > last:
        raise msg.range_reversed(first, last)
    return first, last


def _check_fields(fields) -> tuple[str, ...]:
    fields = tuple(fields) or ("type",)
    if len(fields) > 2:
        raise msg.too_many_groupings(fields)
    if len(fields) == 2 and fields[0] == fields[1]:
        raise msg.same_grouping_twice(fields[0])
    return fields


def _table_view(report):
    from tabulate import SEPARATING_LINE

    from ..render import View

    rows = [[*row, *(report.count(row, p) for p in report.periods), report.row_total(row)] for row in report.rows]
    totals = [TOTAL, *[""] * (len(report.fields) - 1), *(report.period_total(p) for p in report.periods),
              report.total]
    return View(
        records=report.as_rows(), columns=["period", *report.fields, "count"],
        headers=[*report.fields, *report.periods, TOTAL], rows=[*rows, SEPARATING_LINE, totals],
        colalign=("left",) * len(report.fields) + ("right",) * (len(report.periods) + 1),
    )


def _bar_mark() -> tuple[str, str]:
    """█ and … where stdout can encode them, else # and ... (readable without colour either way)."""
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "█…".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return "#", "..."
    return "█", "…"


def _chart(report) -> str:
    from ..report import chart_bars, chart_caption, chart_lines

    mark, ellipsis = _bar_mark()
    width = shutil.get_terminal_size((80, 24)).columns
    lines = chart_lines(chart_bars(report), width, mark, ellipsis)
    return "\n".join([chart_caption(report), *lines]) + "\n"


def _write_html(path: str, text: str) -> None:
    from pathlib import Path

    from ..store import atomic_write

    try:
        atomic_write(Path(path), text.encode("utf-8"))
    except OSError as error:
        raise msg.cannot_write_report(path, error) from None


@click.command()
@click.option("--by", "fields", multiple=True, type=click.Choice(FIELDS), metavar="FIELD",
              help=f"Group by {', '.join(FIELDS[:-1])} or {FIELDS[-1]}; once or twice (default: type).")
@click.option("--per", type=click.Choice(PERIODS), default="month", show_default=True,
              help="A column per week (from Monday), month, quarter or year.")
@_filter_options
@click.option("--chart", is_flag=True, help="Draw bars in the terminal instead of the table.")
@click.option("--html", "html_path", metavar="FILE",
              help="Also write one self-contained HTML page with the tables and charts ('-' for stdout).")
@format_option("table", "csv", "json")
@pass_env
@user_errors
def report(env, fields, per, status, from_, until, assignee, mine, everyone, chart, html_path, fmt):
    """Count interactions by one or two fields, per week, month, quarter or year.

    Counts the completed interactions of everyone this month unless told otherwise.
    An interaction falls in the period of its `when` (else its `due` day) in the
    store's time zone, and is counted once under each of its values: two accounts,
    once under each; none, under "(none)". Every period in the range is shown.

    \b
    Examples:
      interact report --by assignee --by type --per week
      interact report --by category --per quarter --from 2026-01-01 --until 2026-12-31
      interact report --by outcome --status all --chart
      interact report --by assignee --format csv > november.csv
      interact report --by assignee --by type --html report.html
    """
    from .. import report as counting
    from ..render.report_html import page
    from .common import emit

    fields = _check_fields(fields)
    if chart and fmt != "table":
        raise msg.chart_with_format(fmt)
    first, last = _range(env, from_, until)
    records = _selected(env, env.store.interactions(), status, assignee, mine, everyone)
    groupings = counting.groupings(fields) if html_path else [fields]
    reports = [counting.count(records, grouping, per, first, last, env.tz) for grouping in groupings]
    main = reports[0]
    if html_path:
        who = f"assigned to {env.user if mine else assignee}" if mine or assignee else "of everyone"
        text = page(reports, about=f"{status.capitalize()} interactions {who}; periods in {env.tz}.")
        if html_path == "-":
            click.echo(text, nl=False)
            return
        _write_html(html_path, text)
        click.echo(msg.wrote_report(html_path), err=True)
    if chart:
        click.echo(_chart(main), nl=False)
    else:
        emit(fmt, _table_view(main))
