"""report: interactions counted by person, type, category... per week, month, quarter or year."""

from __future__ import annotations

import shutil
import sys

import click

from .. import messages as msg
from ..cli import pass_env, user_errors
from ..report import FIELDS, PERIODS, TOTAL
from .common import filter_from_options, filter_options, format_option


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

    rows = [[*(report.label(name, value) for name, value in zip(report.fields, row)),
             *(report.count(row, p) for p in report.periods), report.row_total(row)] for row in report.rows]
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

    from ..text import printable

    mark, ellipsis = _bar_mark()
    width = shutil.get_terminal_size((80, 24)).columns
    # labels escaped before they are fitted to the width, so that escapes are counted too
    bars = [(printable(label), number) for label, number in chart_bars(report)]
    lines = chart_lines(bars, width, mark, ellipsis)
    return "\n".join([printable(chart_caption(report)), *lines]) + "\n"


def _write_html(path: str, text: str) -> None:
    from pathlib import Path

    from ..atomic import atomic_write

    try:
        atomic_write(Path(path), text.encode("utf-8"))
    except OSError as error:
        raise msg.cannot_write_report(path, error) from None


@click.command()
@click.option("--by", "fields", multiple=True, type=click.Choice(FIELDS), metavar="FIELD",
              help=f"Group by {', '.join(FIELDS[:-1])} or {FIELDS[-1]}; once or twice (default: type).")
@click.option("--per", type=click.Choice(PERIODS), default="month", show_default=True,
              help="A column per week (from Monday), month, quarter or year.")
@filter_options(status="completed", everyone=True)
@click.option("--chart", is_flag=True, help="Draw bars in the terminal instead of the table.")
@click.option("--html", "html_path", metavar="FILE",
              help="Also write one self-contained HTML page with the tables and charts ('-' for stdout).")
@format_option("table", "csv", "json")
@pass_env
@user_errors
def report(env, fields, per, chart, html_path, fmt, **filters):
    """Count interactions by one or two fields, per week, month, quarter or year.

    Counts the completed interactions of everyone this month unless told otherwise;
    the filters of `list` narrow it, and its range (--from/--until, --on, --week)
    sets the columns. An interaction falls in the period of its `when` (else its
    `due` day) in the store's time zone, and is counted once under each of its
    values: two accounts, once under each; none, under "(none)". Every period in
    the range is shown, empty ones as 0.

    \b
    Examples:
      interact report --by assignee --by type --per week
      interact report --by category --per quarter --from 2026-01-01 --until 2026-12-31
      interact report --by outcome --purpose enquiry --status all --chart
      interact report --by assignee --format csv > november.csv
      interact report --by assignee --by type --html report.html
    """
    from dataclasses import replace

    from .. import report as counting
    from ..query import Names, select
    from ..render.report_html import page
    from .common import emit

    fields = _check_fields(fields)
    if chart and fmt != "table":
        raise msg.chart_with_format(fmt)
    flt = filter_from_options(env, **filters)
    first, last = counting.report_range(env.now.astimezone(env.tz).date(), flt.start, flt.end)
    records = select(env.store, replace(flt, start=first, end=last), env.now, env.tz)
    groupings = counting.groupings(fields) if html_path else [fields]
    names = Names.of(env.store) if {"account", "contact"} & set(fields) else None
    reports = [counting.count(records, grouping, per, first, last, env.tz, names) for grouping in groupings]
    main = reports[0]
    if html_path:
        who = f"assigned to {flt.assignee}" if flt.assignee else "of everyone"
        text = page(reports, about=f"{flt.status.capitalize()} interactions {who}; periods in {env.tz}.")
        if html_path == "-":
            click.echo(text, nl=False)
            return
        _write_html(html_path, text)
        click.echo(msg.wrote_report(html_path), err=True)
    if chart:
        click.echo(_chart(main), nl=False)
    else:
        emit(fmt, _table_view(main))
