"""generate (plan a day of calls) and digest (a user's outstanding work, for cron to mail)."""

from __future__ import annotations

import click

from .. import messages as msg
from ..cli import pass_env, quiet_option, say, user_errors
from ..query import Names
from .common import emit, format_option, interaction_view, people_names
from .team import commit_option


@click.command()
@click.option("--for", "kind", type=click.Choice(["prospects", "customers"]), required=True,
              help="Which accounts to plan calls to.")
@click.option("--date", "day", metavar="DATE", help="The day to plan (default: tomorrow).")
@click.option("--start", default="09:00", show_default=True, metavar="TIME", help="The first slot.")
@click.option("--count", default=8, show_default=True, type=click.IntRange(min=1),
              help="How many in the day's batch (a second run tops it up to this).")
@click.option("--duration", default="30m", show_default=True, metavar="DURATION", help="Each slot's length.")
@click.option("--gap", default="0", show_default=True, metavar="DURATION", help="Time between slots.")
@click.option("--type", "type_", default="call", show_default=True, help="The interactions' type.")
@click.option("--to", "assignee", metavar="USER", help="Who makes them (default: you).")
@click.option("--note", help="Instructions for every one of them.")
@click.option("--category", help="One of the store's categories (for reports).")
@click.option("--exclude-contacted-within", "within", metavar="DURATION",
              help="Leave out accounts with a completed interaction this recently before DATE, e.g. 90d.")
@click.option("--town", help="Only accounts in this town (case-insensitive).")
@click.option("--postcode", metavar="PREFIX", help="Only postcodes starting with PREFIX (case and spaces ignored).")
@click.option("--min-value", type=float, metavar="N", help="Only accounts with an open opportunity worth N or more.")
@click.option("--max-value", type=float, metavar="N", help="Only accounts with an open opportunity worth N or less.")
@click.option("--no-opportunities", is_flag=True, help="Also accounts without an open opportunity.")
@click.option("--dry-run", is_flag=True, help="List what would be planned; write nothing.")
@quiet_option("when nothing was planned (for cron)")
@format_option()
@commit_option(batch=True)
@pass_env
@user_errors
def generate(env, kind, day, start, count, duration, gap, type_, assignee, note, category, within, town,
             postcode, min_value, max_value, no_opportunities, dry_run, quiet, fmt):
    """Plan a day of calls to prospects or customers, for cron.

    Never-contacted accounts come first, then the least recently contacted, then
    the largest open opportunity. Each is reached through its default contact and
    gets the next free slot from --start. Running it again for the same day and
    --for tops the batch up to --count; ids are derived from the day, the kind and
    the account, so two clones planning the same day write the same files.

    \b
    Examples:
      interact generate --for prospects --to alice --date tomorrow --town Leeds --count 8
      interact generate --for customers --exclude-contacted-within 90d --min-value 5000 --dry-run
      interact generate --for prospects --postcode LS1 --start 14:00 --duration 20m --gap 5m --format ids
      interact generate -q --for prospects --to alice --date tomorrow --commit    # a cron line
    """
    from .. import generate as planner
    from ..dates import parse_time
    from ..durations import MAX_CADENCE, parse_duration

    request = planner.Request(
        kind=kind, day=env.date("tomorrow" if day is None else day), assignee=assignee or env.user, start=parse_time(start),
        count=count, duration=parse_duration(duration), gap=parse_duration(gap), type=type_, note=note,
        category=category, exclude_within=parse_duration(within, longest=MAX_CADENCE) if within is not None else None, town=town,
        postcode=postcode, min_value=min_value, max_value=max_value, opportunities=not no_opportunities,
    )
    plan = planner.plan(env.store, request, env.tz)
    # a file already there is the same record (same batch, same account): it is skipped
    created = plan.records if dry_run else env.store.add_interactions(plan.records)
    if quiet and not created:
        return
    _report(plan, created, dry_run)
    # prefixes unique among every interaction, as `show` matches them (the shown ones are always counted)
    emit(fmt, interaction_view(created, env, table=fmt == "table"))


def _report(plan, created, dry_run) -> None:
    request = plan.request
    if plan.no_contact:
        say(msg.accounts_without_contact(plan.no_contact))
    if created:
        click.echo(msg.planned(len(created), request.type, request.assignee, request.day, request.kind, dry_run,
                               plan.in_batch), err=True)
        wanted = request.count - plan.in_batch
        if len(plan.records) < wanted:
            click.echo(msg.fewer_planned(len(plan.records), wanted, plan.out_of_slots), err=True)
    elif plan.in_batch >= request.count:
        click.echo(msg.batch_full(plan.in_batch, request.type, request.assignee, request.day, request.kind), err=True)
    elif plan.out_of_slots:
        click.echo(msg.no_free_slot(request.assignee, request.day, request.start), err=True)
    else:
        click.echo(msg.all_planned(plan.qualifying, request.kind, request.day), err=True)


@click.command()
@click.option("--to", "user", metavar="USER", help="Whose work (default: you).")
@click.option("--since", metavar="DATE", help="Completions to report since DATE (default: the last 7 days).")
@quiet_option("when there is nothing outstanding (for cron)")
@pass_env
@user_errors
def digest(env, user, since, quiet):
    """A plain-text summary of outstanding work, for cron to mail.

    Missed interactions, today's, those due later this week (through Sunday), and
    the completions you asked to be told of (--notify on assign).

    \b
    Examples:
      interact digest
      interact --dir ~/team-log digest --to alice | mail -s "Today" alice@example.com
      interact digest -q --to alice | mail -E -s "Today" alice@example.com   # -E: no empty mail
    """
    from ..times import start_of_day
    from ..digest import digest as summarise
    from ..text import printable

    user = env.store.config.check_user(user) if user else env.user
    found = summarise(env.store.interactions(), user, env.now, env.tz,
                      since=start_of_day(env.date(since), env.tz) if since is not None else None)
    if quiet and found.empty:
        return
    # plain text for mail: control characters from the records must not reach a terminal
    click.echo(printable(_digest_text(found, env)), nl=False)


def _digest_text(found, env) -> str:
    shown = [r for records in (found.missed, found.today, found.week, found.completed) for r in records]
    prefixes = env.store.id_prefixes(r["id"] for r in shown)
    day = found.day
    if found.empty:
        lines = [msg.nothing_outstanding(found.user, day)]
    else:
        lines = [f"Digest for {found.user}, {day:%A} {day.day} {day:%B %Y}"]
        sections = [
            ("Missed", found.missed, lambda r: _planned_at(r, env, day)),
            ("Today", found.today, lambda r: _planned_at(r, env, day, in_today=True)),
            ("This week", found.week, lambda r: _planned_at(r, env, day)),
            ("Completed, as you asked to be told", found.completed, lambda r: _day_time(r["completed_at"], env)),
        ]
        for title, records, time_of in sections:
            if records:
                lines += ["", f"{title} ({len(records)})"]
                lines += _section_lines(records, time_of, env, prefixes)
    later = [f"{n} {what}" for n, what in ((found.undated, "with no date"), (found.later, "after this week")) if n]
    if later:
        lines += ["", f"Also open: {', '.join(later)} (interact list --to {found.user})."]
    return "\n".join(lines) + "\n"


def _section_lines(records, time_of, env, prefixes) -> list[str]:
    """One line each: time, type, people, what to do (or how it ended), short id; columns aligned."""
    names = Names.of(env.store)
    cells = [(time_of(r), r.get("type", ""), people_names(r, env, names), _about(r), prefixes.get(r["id"], r["id"]))
             for r in records]
    time_width = max(len(c[0]) for c in cells)
    type_width = max(len(c[1]) for c in cells)
    return [f"  {when:<{time_width}}  {type_:<{type_width}}  {who}{': ' + about if about else ''}  [{rid}]"
            for when, type_, who, about, rid in cells]


def _about(record) -> str:
    if record.get("completed_at"):
        text = f"{record.get('outcome') or 'completed'} (by {record.get('completed_by', '?')})"
    else:
        text = record.get("instructions") or record.get("note") or record.get("purpose") or ""
    return " ".join(str(text).split())


def _day_time(value, env) -> str:
    from ..times import parse_iso

    moment = parse_iso(value).astimezone(env.tz)
    return f"{moment:%a} {moment.day} {moment:%b %H:%M}"


def _planned_at(record, env, today, in_today=False) -> str:
    """Its planned time if that is not past (a missed one: if it has no due day), else its due day.

    In the Today section, just the time ('10:00') or 'due today'.
    """
    from datetime import date

    from ..times import parse_iso

    when = parse_iso(record.get("when"))
    local = when.astimezone(env.tz).date() if when is not None else None
    if in_today:
        return _day_time(record["when"], env).rsplit(" ", 1)[1] if local == today else "due today"
    if local is not None and (local >= today or not record.get("due")):
        return _day_time(record["when"], env)
    due = date.fromisoformat(str(record["due"]))
    return f"due {due:%a} {due.day} {due:%b}"
