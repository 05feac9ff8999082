"""contact add|list|show|edit and account add|list|show|edit."""

from __future__ import annotations

from pathlib import Path

import click

from .. import messages as msg
from .. import people
from ..cli import pass_env, user_errors
from ..model import ACCOUNT_KEYS, ACCOUNT_KINDS, CONTACT_KEYS
from .common import emit, format_option, import_flags, input_name, read_input
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
    """Manage people: add, list, show, edit, import (from a vCard file)."""


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


@contact.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--create-missing", is_flag=True, help="Create the accounts of organisations the store does not "
              "have (otherwise the contact is imported without the link, and that is said).")
@import_flags("cards")
@commit_option(batch=True)
@pass_env
@user_errors
def contact_import(env, file, create_missing, skip_bad, dry_run):
    """Import people from an address book's vCard file (.vcf: iPhone, Google, Outlook).

    Each card gives a name, the preferred email and phone (else the first; the others go in
    fields, as email-work, phone-cell...), the title, and the organisation as an account.
    The card's UID is kept in fields.vcard_uid, so importing the file again updates those
    contacts instead of adding them twice; a card without a UID is matched by email, then
    name. Prints the id of each contact created or changed.

    \b
    Examples:
      interact contact import ~/Downloads/contacts.vcf --dry-run
      interact contact import contacts.vcf --create-missing
    """
    from ..contact_import import apply_contacts, plan_contacts
    from ..vcard import VCardError, read_cards

    name = input_name(file)
    try:
        cards = read_cards(read_input(file))
    except VCardError as error:
        raise msg.import_unreadable(name, str(error)) from None
    store = env.store
    with store.lock():
        plan = plan_contacts(store, cards, create_missing)
        if plan.bad and not skip_bad:
            raise msg.import_bad_rows(plan.bad, "card")
        written = plan.new + plan.changed if dry_run else apply_contacts(store, plan)
    for where, why in plan.bad:
        click.echo(msg.contact_skipped_card(where, why), err=True)
    for account in plan.new_accounts:
        click.echo(msg.import_created("account", account, dry_run), err=True)
    for contact_id, org in plan.unlinked:
        click.echo(msg.contact_without_account(contact_id, org, dry_run), err=True)
    for record in written:
        click.echo(record["id"])
    click.echo(msg.contacts_summary(len(plan.new), len(plan.changed), len(plan.same), len(plan.new_accounts),
                                    dry_run), err=True)


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
