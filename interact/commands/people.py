"""contact add|list|show|edit and account add|list|show|edit."""

from __future__ import annotations

import click

from .. import messages as msg
from .. import people
from ..cli import pass_env, user_errors
from ..model import ACCOUNT_KEYS, ACCOUNT_KINDS, CONTACT_KEYS
from .common import emit, format_option
from .team import commit_option


def _cell(value) -> str:
    if isinstance(value, list):
        return ", ".join(o.get("name", "") if isinstance(o, dict) else str(o) for o in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return "" if value is None else str(value)


def _open_value(account) -> str:
    total = sum(o.get("value") or 0 for o in account.get("opportunities") or [] if o.get("stage", "open") == "open")
    return f"{total:,}" if total else ""


def _list_view(records, kind):
    from ..render import View

    if kind == "contact":
        headers = ["id", "name", "email", "phone", "accounts"]
        rows = [[_cell(r.get(h)) for h in headers] for r in records]
    else:
        headers = ["id", "name", "kind", "town", "postcode", "open value"]
        rows = [[_cell(r.get(h)) for h in headers[:-1]] + [_open_value(r)] for r in records]
    keys = CONTACT_KEYS if kind == "contact" else ACCOUNT_KEYS
    return View(records=[dict(r) for r in records], headers=headers, rows=rows, columns=list(keys))


def _show_view(record):
    from ..render import View

    rows = []
    for key, value in record.items():
        if value in (None, "", [], {}):
            continue
        if key == "opportunities" and isinstance(value, list):  # one a line, with its value and stage
            rows += [[key if n == 0 else "", line] for n, line in enumerate(people.opportunity_lines([record]))]
        else:
            rows.append([key, _cell(value)])
    return View(records=[dict(record)], headers=["field", "value"], rows=rows, one=True)


_duplicate_option = click.option("--duplicate", is_flag=True,
                                 help="Add it even if one with that name (or email) is already in the store.")


@click.group()
def contact():
    """Manage people: add, list, show, edit."""


@contact.command("add")
@click.argument("name")
@click.option("--email")
@click.option("--phone")
@click.option("--account", "account_refs", multiple=True, metavar="REF", help="The account they belong to.")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE", help="Extra information, e.g. country=India.")
@click.option("--cadence", metavar="DURATION", help="How often to stay in touch, e.g. 30d (kept as written).")
@_duplicate_option
@commit_option
@pass_env
@user_errors
def contact_add(env, name, email, phone, account_refs, sets, cadence, duplicate):
    """Add a person; prints the new id.

    One with the same name (ignoring case and accents) or email is refused,
    naming it, unless --duplicate.

    \b
    Examples:
      interact contact add "Jane Doe" --email jane@example.com --account acme --set country=India
      interact contact add "Jane Doe" --duplicate --email jane.doe@other.example --cadence 30d
    """
    record = people.add_contact(env.store, name, email=email, phone=phone, account_refs=account_refs,
                                sets=people.parse_pairs(sets, "--set"), cadence=cadence, duplicate=duplicate)
    click.echo(record["id"])


@contact.command("list")
@format_option()
@pass_env
@user_errors
def contact_list(env, fmt):
    """List people.

    \b
    Example:
      interact contact list --format csv > contacts.csv
    """
    records = sorted(env.store.contacts().values(), key=lambda r: str(r.get("name", "")).casefold())
    emit(fmt, _list_view(records, "contact"))


@contact.command("show")
@click.argument("ref")
@format_option()
@pass_env
@user_errors
def contact_show(env, ref, fmt):
    """Show one person.

    \b
    Example:
      interact contact show jane
    """
    emit(fmt, _show_view(people.resolve(env.store, ref, ("contact",))[1]))


@contact.command("edit")
@click.argument("ref")
@click.option("--name")
@click.option("--email")
@click.option("--phone")
@click.option("--account", "account_refs", multiple=True, metavar="REF", help="Add an account.")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE", help="Set (or with no value, remove) a field.")
@click.option("--cadence", metavar="DURATION")
@commit_option
@pass_env
@user_errors
def contact_edit(env, ref, name, email, phone, account_refs, sets, cadence):
    """Change a person's details.

    \b
    Example:
      interact contact edit jane --phone "+44 113 496 0001" --set term="Fall 2027"
    """
    record = people.edit_contact(env.store, ref, name=name, email=email, phone=phone, account_refs=account_refs,
                                 sets=people.parse_pairs(sets, "--set"), cadence=cadence)
    click.echo(msg.updated(record), err=True)


@click.group()
def account():
    """Manage organisations (customers and prospects): add, list, show, edit."""


_kind_option = click.option("--kind", type=click.Choice(ACCOUNT_KINDS), help="customer or prospect.")


@account.command("add")
@click.argument("name")
@_kind_option
@click.option("--town")
@click.option("--postcode")
@click.option("--default-contact", metavar="REF", help="The person to call at this account.")
@click.option("--opportunity", "opportunities", multiple=True, metavar="NAME=VALUE",
              help="An open opportunity, e.g. 'Renewal 2027=12000'; repeatable.")
@click.option("--cadence", metavar="DURATION", help="How often to stay in touch, e.g. 90d (kept as written).")
@_duplicate_option
@commit_option
@pass_env
@user_errors
def account_add(env, name, kind, town, postcode, default_contact, opportunities, cadence, duplicate):
    """Add an organisation; prints the new id.

    One with the same name (ignoring case and accents) is refused, naming it,
    unless --duplicate.

    \b
    Examples:
      interact account add "Acme Ltd" --kind customer --town Leeds --postcode "LS1 4AP" \\
        --opportunity "Renewal 2027=12000"
      interact account add "Acme Ltd" --duplicate --town York   # another Acme Ltd
    """
    record = people.add_account(env.store, name, kind=kind, town=town, postcode=postcode,
                                default_contact=default_contact,
                                opportunity_pairs=people.parse_pairs(opportunities, "--opportunity"), cadence=cadence,
                                duplicate=duplicate)
    click.echo(record["id"])


@account.command("list")
@format_option()
@pass_env
@user_errors
def account_list(env, fmt):
    """List organisations.

    \b
    Example:
      interact account list --format json
    """
    records = sorted(env.store.accounts().values(), key=lambda r: str(r.get("name", "")).casefold())
    emit(fmt, _list_view(records, "account"))


@account.command("show")
@click.argument("ref")
@format_option()
@pass_env
@user_errors
def account_show(env, ref, fmt):
    """Show one organisation with its opportunities, each with its value and stage.

    \b
    Examples:
      interact account show acme
      interact account show acme --format json | jq '.opportunities'
    """
    emit(fmt, _show_view(people.account(env.store, ref)))


@account.command("edit")
@click.argument("ref")
@click.option("--name")
@_kind_option
@click.option("--town")
@click.option("--postcode")
@click.option("--default-contact", metavar="REF")
@click.option("--opportunity", "opportunities", multiple=True, metavar="NAME=VALUE",
              help="Add an open opportunity, or give one (by name) a new value; repeatable.")
@click.option("--won", multiple=True, metavar="NAME", help="Close an opportunity (its id or name) as won.")
@click.option("--lost", multiple=True, metavar="NAME", help="Close an opportunity (its id or name) as lost.")
@click.option("--cadence", metavar="DURATION")
@commit_option
@pass_env
@user_errors
def account_edit(env, ref, name, kind, town, postcode, default_contact, opportunities, won, lost, cadence):
    """Change an organisation's details and its opportunities.

    A closed (won or lost) opportunity no longer counts for `generate`.

    \b
    Examples:
      interact account edit acme --kind customer --opportunity "Upsell=3000"
      interact account edit acme --won "Renewal 2027" --lost upsell
    """
    record = people.edit_account(env.store, ref, name=name, kind=kind, town=town, postcode=postcode,
                                 default_contact=default_contact,
                                 opportunity_pairs=people.parse_pairs(opportunities, "--opportunity"),
                                 cadence=cadence, won=won, lost=lost, now=env.now)
    click.echo(msg.updated(record), err=True)
