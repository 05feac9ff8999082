"""What many commands share: the --format option, output, filters, and interaction views."""

from __future__ import annotations

import click

from ..cli import stacked
from ..model import INTERACTION_KEYS
from ..query import STATUS_FILTERS, Names, status
from ..render import FORMATS, View, render
from ..times import parse_iso

STATUS_COLORS = {"missed": "red", "open": "yellow", "completed": "green"}


def format_option(*formats):
    return click.option("--format", "fmt", type=click.Choice(formats or FORMATS), default="table",
                        show_default=True, help="Output format.")


def emit(fmt: str, view: View) -> None:
    text = render(fmt, view)
    if text:
        click.echo(text, nl=False)


def local_time(value, env) -> str:
    moment = parse_iso(value)
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(env.tz)
    # what strftime("%Y-%m-%d %H:%M") writes (glibc does not pad a year either), in a third of the time
    return "%d-%02d-%02d %02d:%02d" % (moment.year, moment.month, moment.day, moment.hour, moment.minute)


def with_status(record: dict, env) -> dict:
    """Every field in the record's own order, plus `status`."""
    return {**record, "status": status(record, env.now, env.tz)}


def people_names(record: dict, env, names: Names | None = None) -> str:
    """The names of the record's contacts and accounts; `names` (query.Names.of the store)
    saves looking them up again for each of many records."""
    names = names or Names.of(env.store)
    contacts = record.get("contacts") or ()
    accounts = record.get("accounts") or ()
    # an id that names nobody stands for itself
    found = [*map(names.contacts.get, contacts, contacts), *map(names.accounts.get, accounts, accounts)]
    return ", ".join(found) or ("(personal)" if record.get("personal") else "")


def summary(record: dict, width: int = 50) -> str:
    text = record.get("outcome") or record.get("note") or record.get("instructions") or record.get("purpose") or ""
    text = str(text)
    # white space folded in the start of a long note only (the rest never shows), unless folding
    # leaves too little of the start to fill the cell
    start = " ".join(text[: 2 * width].split())
    if len(start) <= width and len(text) > 2 * width:
        start = " ".join(text.split())
    return start if len(start) <= width else start[: width - 1] + "…"


def when_cell(record: dict, env) -> str:
    if record.get("when"):
        return local_time(record["when"], env)
    if record.get("due"):
        return f"due {record['due']}"
    return ""


def interaction_view(records: list[dict], env, table: bool = True) -> View:
    """The records for one output format. With `table`, the table's rows, with the id prefixes
    unique among every interaction of the store (which only the table shows: `show` takes
    them), and no records (the table format never reads them); otherwise the records as data,
    each with its status."""
    headers = ["id", "status", "when", "type", "with", "assignee", "about"]
    columns = [*INTERACTION_KEYS, "status"]
    if not table:
        return View(records=[with_status(r, env) for r in records], headers=headers, columns=columns,
                    color=env.color)
    prefixes = env.store.id_prefixes(r["id"] for r in records)
    names = Names.of(env.store)
    now, tz = env.now, env.tz
    rows = []
    for record in records:
        rows.append([
            prefixes.get(record["id"], record["id"]), status(record, now, tz), when_cell(record, env),
            record.get("type", ""), people_names(record, env, names), record.get("assignee", ""), summary(record),
        ])
    return View(records=[], headers=headers, rows=rows, columns=columns, color=env.color,
                colors={"status": STATUS_COLORS})


def emit_interactions(fmt: str, records: list[dict], env, defaults_hint: bool = False) -> None:
    """A listing of interactions, with id prefixes unique in the whole store (so `show` takes them).

    An empty table says so on stderr; `defaults_hint` adds how to widen list's defaults.
    """
    from .. import messages as msg

    table = fmt == "table"
    emit(fmt, interaction_view(records, env, table=table))
    if not records and fmt == "table":
        click.echo(msg.nothing_matches(defaults_hint), err=True)


# --- the filters of `list`, shared by every command that selects interactions --------

def _whose(everyone: bool) -> list:
    whose = "everyone's" if everyone else "only yours"
    return [
        click.option("--everyone/--mine", default=everyone, help=f"Everyone's, or only yours (default: {whose})."),
        click.option("--to", "to_user", metavar="USER", help="Only USER's (wins over --everyone/--mine)."),
    ]


def whose_options(everyone: bool = False):
    """Add --everyone/--mine and --to; `assignee_from_options` reads them."""
    return stacked(*_whose(everyone))


def assignee_from_options(env, everyone: bool, to_user: str | None) -> str | None:
    """The assignee to select (None: everyone's)."""
    if to_user:
        return env.store.config.check_user(to_user)
    return None if everyone else env.user


def filter_options(status: str = "outstanding", everyone: bool = False):
    """Add the filters of `list`; `filter_from_options(env, **those)` turns them into a query.Filter."""
    return stacked(*[
        click.option("--status", type=click.Choice(STATUS_FILTERS), default=status, show_default=True,
                     help="outstanding is open or missed."),
        *_whose(everyone),
        click.option("--contact", metavar="REF", help="Only those with this person."),
        click.option("--account", metavar="REF", help="Only those with this account."),
        click.option("--type", "types", multiple=True, metavar="TYPE", help="Only this type; repeatable (any one)."),
        click.option("--tag", "tags", multiple=True, metavar="TAG", help="Only with this tag; repeatable (all)."),
        click.option("--purpose", help="Only with this purpose."),
        click.option("--from", "from_date", metavar="DATE", help="From this day (by `when`, else `due`), inclusive."),
        click.option("--until", "until_date", metavar="DATE", help="Up to this day, inclusive."),
        click.option("--on", "on_date", metavar="DATE", help="On this day only."),
        click.option("--today", is_flag=True, help="Today only."),
        click.option("--week", is_flag=False, flag_value="this", metavar="[next|last|2026-W49]",
                     help="A week, Monday to Sunday: this one, or next, last, 2026-W49."),
        click.option("--month", is_flag=False, flag_value="this", metavar="[next|last|2026-12]",
                     help="A month: this one, or next, last, 2026-12."),
        click.option("--relates", "relates", multiple=True, metavar="KIND:REF",
                     help="Only those related to it, e.g. case:4711; repeatable (all)."),
        click.option("--generated", is_flag=True, help="Only those made by `interact generate`."),
        click.option("--limit", type=click.IntRange(min=1), metavar="N",
                     help="At most N (with --status completed, the N newest)."),
    ])


def filter_from_options(env, *, status, everyone, to_user, contact, account, types, tags, purpose, from_date,
                        until_date, on_date, today, week, month, relates, generated, limit):
    """A query.Filter from the options of `filter_options`: people resolved, dates read, types checked."""
    from .. import messages as msg
    from ..periods import month_named, week_named
    from ..model import fold
    from ..query import Filter

    store = env.store
    for name in types:
        store.config.check_type(name)
    this_day = env.now.astimezone(env.tz).date()
    ranges = []  # (first, last) days, either open; the filter is their intersection
    if on_date is not None:  # an empty date is refused, never taken for none
        ranges.append((env.date(on_date),) * 2)
    if today:
        ranges.append((this_day, this_day))
    if week:
        ranges.append(week_named(week, this_day))
    if month:
        ranges.append(month_named(month, this_day))
    if from_date is not None:
        ranges.append((env.date(from_date), None))
    if until_date is not None:
        ranges.append((None, env.date(until_date)))
    start = max((r[0] for r in ranges if r[0]), default=None)
    end = min((r[1] for r in ranges if r[1]), default=None)
    if start is not None and end is not None and start > end:  # never a silent empty list (SPEC §4)
        raise msg.range_reversed(start, end)
    if contact is not None or account is not None or relates:  # the people and writing modules: only then
        from .. import people
        from ..drafts import relates_refs

        contact = people.person(store, contact)[0]["id"] if contact is not None else None  # "" names nobody
        account = people.account(store, account)["id"] if account is not None else None
        relates = relates_refs(relates)
    return Filter(
        status=status, assignee=assignee_from_options(env, everyone, to_user), contact=contact, account=account,
        types=tuple(types), tags=tuple(tags), purpose=purpose, start=start, end=end,
        relates=tuple(fold(ref) for ref in relates), generated=generated, limit=limit,
    )


def input_name(file) -> str:
    """How a file to import is named to the user: `-` is stdin."""
    return "stdin" if str(file) == "-" else str(file)


def read_input(file) -> bytes:
    """The bytes of a file to import (`-`: stdin), refused in one line when it is over
    interop.MAX_BYTES (SPEC §7: huge imports)."""
    import sys

    from ..interop import read_input as read_at_most

    if str(file) == "-":
        return read_at_most(sys.stdin.buffer, input_name(file))
    with open(file, "rb") as source:
        return read_at_most(source, input_name(file))


def import_flags(what: str):
    """--skip-bad and --dry-run, for a command that imports `what` (rows, cards)."""
    return stacked(
        click.option("--skip-bad", is_flag=True, help=f"Import the good {what} even when some are bad (each is "
                     "reported)."),
        click.option("--dry-run", is_flag=True, help="Say what would be imported, and write nothing."),
    )
