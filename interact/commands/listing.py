"""list, search, today, calendar, history, stale: the commands that read many records."""

from __future__ import annotations

import dataclasses

import click

from .. import messages as msg
from .. import query
from ..cli import pass_env, user_errors
from .common import (
    assignee_from_options, emit, emit_interactions, filter_from_options, filter_options, format_option, whose_options,
)


@click.command("list")
@filter_options()
@click.option("--count", is_flag=True, help="Print the number in each status instead (every status, unless --status).")
@format_option()
@pass_env
@user_errors
def list_(env, fmt, count, **filters):
    """List interactions, by deadline then time: by default your outstanding ones.

    Outstanding means open or missed. Dates (--from, --until, --on) compare with the
    interaction's `when`, else its `due` day; several date options narrow together.

    \b
    Examples:
      interact list                                  # my open and missed ones
      interact list --status missed --type call
      interact list --everyone --week
      interact list --to bob --contact "Jane Doe" --status all --format json
      interact list --count                          # my open, missed and completed ones
    """
    flt = filter_from_options(env, **filters)
    if count and fmt == "ids":
        raise msg.count_format(fmt)
    if count and click.get_current_context().get_parameter_source("status").name == "DEFAULT":
        # like a CRM's status tabs: every status counted unless --status narrows it
        flt = dataclasses.replace(flt, status="all")
    records = query.select(env.store, flt, env.now, env.tz)
    if count:
        emit(fmt, _count_view(query.count_by_status(records, env.now, env.tz)))
    else:
        emit_interactions(fmt, records, env, defaults_hint=True)


def _count_view(counts: dict[str, int]):
    from ..render import View

    rows = [[state, str(number)] for state, number in counts.items()]
    return View(records=[counts], headers=["status", "count"], rows=rows, one=True)


@click.command()
@click.argument("words", nargs=-1, required=True, metavar="WORDS...")
@filter_options(status="all", everyone=True)
@format_option()
@pass_env
@user_errors
def search(env, fmt, words, **filters):
    """Find interactions in which every word occurs (ignoring case and accents).

    Looks in the note, instructions, outcome, next action, comments, type, purpose,
    tags, references (4711 finds case:4711) and the names of its people and accounts.
    A quoted argument holding a space is a phrase that must occur as it is. Takes
    the filters of `list`; by default every status and everyone's.

    \b
    Examples:
      interact search renewal
      interact search "left voicemail" --contact jane
      interact search brochure --mine --status outstanding --format ids
    """
    from dataclasses import replace

    terms = query.search_terms(words)
    if not terms:
        raise msg.no_search_words()
    flt = replace(filter_from_options(env, **filters), words=terms)
    emit_interactions(fmt, query.select(env.store, flt, env.now, env.tz), env)


@click.command()
@whose_options()
@format_option()
@pass_env
@user_errors
def today(env, fmt, everyone, to_user):
    """The day at a glance: today's interactions, missed ones, and the next one.

    json and yaml give the whole day as one object; csv and ids the day's work,
    today's interactions then the missed ones (csv says which in `section`).

    \b
    Examples:
      interact today
      interact today --everyone
      interact today --format json | jq '.missed | length'
      interact today --format csv > today.csv
    """
    from ..model import INTERACTION_KEYS
    from ..render import View
    from .common import with_status

    assignee = assignee_from_options(env, everyone, to_user)
    day = query.day_summary(_assigned_to(env, assignee), env.now.astimezone(env.tz).date(), env.now, env.tz, assignee)
    if fmt in ("json", "yaml"):
        data = {"date": day.day.isoformat(), "assignee": assignee,
                "today": [with_status(r, env) for r in day.today],
                "missed": [with_status(r, env) for r in day.missed],
                "next": with_status(day.next, env) if day.next else None}
        emit(fmt, View(records=[data], one=True))
    elif fmt in ("csv", "ids"):
        work = [{"section": section, **with_status(r, env)}
                for section, records in (("today", day.today), ("missed", day.missed)) for r in records]
        emit(fmt, View(records=work, columns=["section", *INTERACTION_KEYS, "status"]))
    else:
        click.echo(_day_text(env, day, assignee), nl=False)


def _assigned_to(env, assignee: str | None) -> list:
    """The interactions that may be `assignee`'s (everyone's when None): the index leaves
    out the parts that are not; the views still filter by assignee."""
    return env.store.interactions(query.narrowing(query.Filter(assignee=assignee)))


def _day_text(env, day, assignee) -> str:
    from dataclasses import replace

    from tabulate import tabulate

    from ..render.as_table import shown_rows
    from ..text import printable
    from .common import interaction_view, local_time, people_names, summary

    lines = [printable(f"{day.day.strftime('%A %d %B %Y')}, {assignee or 'everyone'}"), ""]
    for title, records in (("Today", day.today), ("Missed earlier", day.missed)):
        if not records:
            lines += [f"{title}: none", ""]
            continue
        view = interaction_view(records, env)
        if assignee is not None:  # the assignee column would say the same on every line
            column = view.headers.index("assignee")
            view = replace(view, headers=view.headers[:column] + view.headers[column + 1:],
                           rows=[row[:column] + row[column + 1:] for row in view.rows])
        table = tabulate(shown_rows(view), tablefmt="plain", disable_numparse=True)
        lines += [f"{title} ({len(records)})", *("  " + line for line in table.splitlines()), ""]
    upcoming = day.next
    if upcoming is None:
        lines.append("Next: nothing planned")
    else:
        with_whom = people_names(upcoming, env)
        about = summary(upcoming)
        lines.append(printable(f"Next: {local_time(upcoming['when'], env)} {upcoming['type']}"
                               + (f" with {with_whom}" if with_whom else "") + (f": {about}" if about else "")
                               + f" ({env.store.id_prefixes([upcoming['id']])[upcoming['id']]})"))
    return "\n".join(lines) + "\n"


MARKS = {"missed": "!", "open": "*"}


@click.command()
@click.argument("month", required=False)
@whose_options()
@format_option("table", "json")
@pass_env
@user_errors
def calendar(env, month, everyone, to_user, fmt):
    """A month grid (Monday first) marking days with missed (!) and open (*) interactions.

    MONTH is YEAR-MONTH, e.g. 2026-11, or next or last (default: this month).

    \b
    Examples:
      interact calendar
      interact calendar 2026-12 --everyone
      interact calendar next
    """
    from ..periods import month_named

    first = month_named(month or "this", env.now.astimezone(env.tz).date())[0]
    year, number = first.year, first.month
    assignee = assignee_from_options(env, everyone, to_user)
    marks = query.month_marks(_assigned_to(env, assignee), year, number, env.now, env.tz, assignee)
    if fmt == "json":
        from ..render import View

        days = [{"date": d.isoformat(), **counts} for d, counts in sorted(marks.items())]
        emit("json", View(records=[{"month": f"{year:04d}-{number:02d}", "assignee": assignee, "days": days}],
                          one=True))
    else:
        click.echo(_month_grid(env, year, number, marks, assignee), nl=False)


def _month_grid(env, year: int, month: int, marks: dict, assignee) -> str:
    import calendar as cal
    from datetime import date

    from ..text import printable

    today = env.now.astimezone(env.tz).date()
    width = 5
    title = printable(f"{date(year, month, 1).strftime('%B %Y')}, {assignee or 'everyone'}")
    lines = [title.center(7 * width).rstrip(),
             "".join(name.rjust(width - 1) + " " for name in ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")).rstrip()]
    for week in cal.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells = []
        for day in week:
            if day.month != month:
                cells.append(" " * width)
                continue
            counts = marks.get(day, {})
            state = "missed" if counts.get("missed") else "open" if counts.get("open") else None
            cell = f"{day.day:>{width - 1}}" + (MARKS[state] if state else " ")
            if env.color and (state or day == today):
                from .common import STATUS_COLORS

                cell = click.style(cell, fg=STATUS_COLORS.get(state), reverse=(day == today) or None)
            cells.append(cell)
        lines.append("".join(cells).rstrip())
    lines += ["", "! missed   * open (a day with both shows !)"]
    return "\n".join(lines) + "\n"


@click.command()
@click.argument("ref")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Only the N most recent.")
@format_option()
@pass_env
@user_errors
def history(env, ref, limit, fmt):
    """The completed interactions with a contact or an account, newest first.

    REF is an id, a name, an email, a phone number or a unique part of a name.

    \b
    Examples:
      interact history acme
      interact history "Jane Doe" --limit 5 --format json
    """
    from .. import people

    kind, record = people.resolve(env.store, ref, ("contact", "account"))
    by = {kind: record["id"]}
    records = query.history(env.store.interactions(query.narrowing(query.Filter(**by))), env.now, env.tz, **by)
    emit_interactions(fmt, records[:limit] if limit else records, env)


@click.command()
@click.option("--older-than", metavar="DURATION",
              help="Stale when not contacted for this long, for every contact and account (e.g. 60d); "
                   "without it, only those with a cadence count, by their cadence.")
@format_option()
@pass_env
@user_errors
def stale(env, older_than, fmt):
    """Contacts and accounts overdue for contact; never-contacted ones first.

    A contact or account is stale when its last completed interaction is older than
    its `cadence` (set with `contact add --cadence 30d`), or than --older-than.

    \b
    Examples:
      interact stale
      interact stale --older-than 90d --format ids
    """
    from ..render import View
    from .common import local_time

    found = query.stale(env.store, env.now, env.tz, older_than)
    records, rows = [], []
    for item in found:
        overdue_days = item.overdue.days if item.overdue is not None else None
        records.append({"kind": item.kind, "id": item.record["id"], "name": item.record.get("name", ""),
                        "last_contact": item.last.isoformat() if item.last else None, "cadence": item.cadence,
                        "overdue_days": overdue_days})
        rows.append([item.kind, item.record["id"], item.record.get("name", ""),
                     local_time(item.last, env) if item.last else "never", item.cadence,
                     _overdue(item.overdue)])
    emit(fmt, View(records=records, headers=["kind", "id", "name", "last contact", "cadence", "overdue by"],
                   rows=rows, columns=["kind", "id", "name", "last_contact", "cadence", "overdue_days"]))


def _overdue(overdue) -> str:
    if overdue is None:
        return "never contacted"
    if overdue.days:
        return f"{overdue.days}d"
    hours = overdue.seconds // 3600
    return f"{hours}h" if hours else f"{overdue.seconds // 60}m"
