"""export, import and attach: interactions in and out of the store, and files beside them."""

from __future__ import annotations

from pathlib import Path

import click

from .. import messages as msg
from ..cli import pass_env, say, user_errors
from ..crm import PRESETS
from ..dates import DATE_ORDERS
from .common import emit, filter_from_options, filter_options, import_flags, input_name, interaction_view, read_input
from .team import commit_option


@click.command()
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "ics"]), default="json", show_default=True,
              help="json and csv carry every field plus status (and read back with `interact import`); "
                   "ics is a calendar: an event for each with a `when`, a to-do for each outstanding one without.")
@filter_options(status="all", everyone=True)
@pass_env
@user_errors
def export(env, fmt, **filters):
    """Write every interaction (all statuses, everyone) to stdout as JSON, CSV or iCalendar.

    The filters of `list` narrow it.

    \b
    Examples:
      interact export > backup.json
      interact export --format csv --from 2026-11-01 --until 2026-11-30 > november.csv
      interact export --format ics --status outstanding > ~/calendars/interact.ics
    """
    from ..query import Names, select

    store = env.store
    view = interaction_view(select(store, filter_from_options(env, **filters), env.now, env.tz), env, table=False)
    view.names = Names.of(store)
    emit(fmt, view)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), help="The file's format (default: from its name).")
@click.option("--preset", type=click.Choice(sorted(PRESETS)),
              help="Read a CRM's activity export by its column names (salesforce: a Task export).")
@click.option("--map", "maps", multiple=True, metavar="COLUMN=FIELD",
              help="Read COLUMN into FIELD (id, type, subtype, when, due, duration, status, contact, account, "
                   "what, what_type, what_id, assignee, note, instructions, outcome, next_action, purpose, "
                   "category, tags); repeatable; wins over --preset; COLUMN= leaves a column out. "
                   "duration:s (or :m, :h) gives the unit; when:time is a column holding the time of day.")
@click.option("--date-order", type=click.Choice(DATE_ORDERS),
              help="How numeric dates such as 03/11/2026 are read (default: date_order in interact.yaml; "
                   "without either they are refused, never guessed).")
@click.option("--to", "assignee", metavar="USER", help="Who mapped rows that name no owner are assigned to "
              "(default: you).")
@click.option("--default-assignee", metavar="USER", help="Who gets a row whose owner is none of the store's "
              "users (otherwise that row cannot be imported).")
@click.option("--completed", "all_completed", is_flag=True, help="Every mapped row took place (a log of past "
              "activities without a status column): each is completed at its `when`.")
@click.option("--create-missing", is_flag=True, help="Create the people and accounts the file names that the "
              "store does not have (otherwise they are listed, and nothing is imported).")
@import_flags("rows")
@commit_option(batch=True)
@pass_env
@user_errors
def import_(env, file, fmt, preset, maps, date_order, assignee, default_assignee, all_completed, create_missing,
            skip_bad, dry_run):
    """Import interactions from our own CSV or JSON, or from a CRM's activity export.

    Our own files (from `interact export`) keep their ids. Rows of a CRM export get ids
    derived from their own Id column, else from their content. Either way an id that is
    already in the store is never overwritten, so importing a file twice adds nothing.
    Nothing is written unless every row is good (or --skip-bad). Prints the new ids.

    A mapped row whose status is Completed (or Done, Closed) is completed at its `when`
    (a date alone: 09:00); an open row's date alone is its due day. Its type is the
    configured type of that name (Call -> call), the first type when it has none.
    Its owner must be one of the store's users (by id, name, email or alias).
    A row with the wrong number of cells is refused, named by its line in the file.

    \b
    Examples:
      interact import backup.json
      interact import november.csv --dry-run
      interact import tasks.csv --preset salesforce --create-missing --default-assignee alice
      interact import activities.csv --map Subject=note --map Date=when --map Contact=contact
      interact import visits.csv --date-order dmy --completed --map Date=when --map Time=when:time \\
        --map Customer=account --map Minutes=duration:m
    """
    from .. import interop
    from ..crm import Reading, column_mapping
    from ..people import parse_pairs
    from ..text import printable

    name = input_name(file)
    fmt = fmt or {".csv": "csv", ".json": "json"}.get(file.suffix.lower())
    if fmt is None:
        raise msg.import_format_unknown(name)
    data = read_input(file)
    try:
        table = interop.read_rows(data, fmt, name)
    except MemoryError:
        raise msg.import_out_of_memory(name) from None
    store = env.store
    for user in (assignee, default_assignee):
        if user:
            store.config.check_user(user)
    reading = None
    if not (preset or maps) and (date_order or default_assignee or all_completed):
        raise msg.import_option_needs_map()
    if preset or maps:
        mapping = column_mapping(table.columns, preset, parse_pairs(maps, "--map"))
        if not mapping:
            raise msg.import_nothing_mapped(table.columns)
        reading = Reading(mapping, env.tz, date_order or store.config.date_order, assignee or env.user,
                          default_assignee, all_completed)
    plan = interop.plan_import(store, table.rows, from_csv=fmt == "csv", reading=reading)
    if plan.bad and not skip_bad:
        raise msg.import_bad_rows(plan.bad)
    if plan.new_people and not create_missing:
        raise msg.import_missing_people(plan.new_people)
    for where, why in plan.bad:
        say(msg.import_skipped_row(where, why))
    for where, rid in plan.different:
        say(msg.import_kept_different(where, rid))
    written = plan.added if dry_run else interop.apply(store, plan)
    for new in plan.new_people:
        say(msg.import_created_person(new, dry_run))
    for record in written:
        click.echo(printable(record["id"]))
    click.echo(msg.import_summary(len(written), len(plan.same), len(plan.different), dry_run), err=True)


@click.command()
@click.argument("id_", metavar="ID")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace an attached file of the same name.")
@commit_option
@pass_env
@user_errors
def attach(env, id_, file, force):
    """Copy FILE into the store beside interaction ID (attachments/<id>/<name>).

    Prints where it was stored; `interact show ID` lists the attachments.

    \b
    Examples:
      interact attach 7kq2 ~/Downloads/quote-2027.pdf
      interact attach 7kq2 minutes.txt --force
    """
    from ..attachments import attach as attach_file

    store = env.store
    record = store.find_interaction(id_)
    path, copied = attach_file(store, record["id"], file, force)
    if not copied:
        click.echo(msg.already_attached(store.relative(path)), err=True)
    click.echo(store.relative(path))
