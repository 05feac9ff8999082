"""What a command line says about an interaction (a `Draft`, and the `FollowUp` it may ask for),
and the checks that every command writing one goes through: its people and accounts resolved
(SPEC §2), its ratings and references read, and the store's rules (type, category, user,
account). Nothing here writes: actions.py, completing.py and editing.py do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from . import messages as msg
from . import people
from .model import Record
from .store import Store


@dataclass
class Draft:
    """What a command line says about an interaction, already parsed."""

    type: str | None = None
    who: str | None = None
    with_refs: list[str] = field(default_factory=list)
    account_refs: list[str] = field(default_factory=list)
    when: datetime | None = None
    duration: int | None = None
    due: str | None = None  # ISO date
    purpose: str | None = None
    category: str | None = None
    outcome: str | None = None
    ratings: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    relates: list[str] = field(default_factory=list)
    sets: dict[str, str] = field(default_factory=dict)
    assignee: str | None = None
    instructions: str | None = None
    note: str | None = None
    notify: bool = False
    personal: bool = False
    new_contact: dict | None = None  # --new: {"email":..., "phone":...}
    duplicate: bool = False          # --duplicate: --new may add a namesake
    follow_up: FollowUp | None = None  # log --follow-up: plan one too
    follow_up_of: str | None = None  # assign --follow-up-of: an id (or prefix) of an earlier interaction


@dataclass
class FollowUp:
    """A follow-up to plan (log and complete --follow-up): an open interaction with the same
    people and accounts, planned at `when`, linked by `follow_up_of`."""

    when: datetime
    type: str | None = None          # default: the type of the one it follows
    to: str | None = None            # default: the current user
    note: str | None = None          # its instructions


def read_ratings(store: Store, pairs: dict[str, str]) -> dict[str, int]:
    """--rating NAME=N pairs as stored: names the store configures (when it lists any), 1 to 5."""
    result = {}
    allowed = store.config.ratings
    for name, value in pairs.items():
        if allowed and name not in allowed:
            raise msg.unknown_rating(name, allowed)
        if not (value.isdigit() and 1 <= int(value) <= 5):
            raise msg.bad_rating(name, value)
        result[name] = int(value)
    return result


def relates_refs(refs) -> list[str]:
    """KIND:REF references, checked for their form (`--relates` of the commands and filters)."""
    for ref in refs:
        kind, sep, rest = ref.partition(":")
        if not (sep and kind.strip() and rest.strip()):
            raise msg.bad_relates(ref)
    return [ref.strip() for ref in refs]


def stored_relates(store: Store, refs: list[str], account_ids) -> list[str]:
    """The references to store: `opportunity:` must name a known opportunity (by its id or
    name; stored by its id), looked for first in the interaction's accounts (SPEC §9)."""
    result = []
    for ref in relates_refs(refs):
        kind, _, rest = ref.partition(":")
        if kind.strip().lower() == "opportunity":
            ref = f"opportunity:{people.known_opportunity(store, rest.strip(), account_ids)}"
        result.append(ref)
    return result


def add_unique(items: list, new) -> list:
    for item in new:
        if item not in items:
            items.append(item)
    return items


@dataclass
class People:
    contacts: list = field(default_factory=list)   # Records
    accounts: list = field(default_factory=list)   # ids
    primary: Record | None = None
    created: Record | None = None


def gather_people(store: Store, draft: Draft) -> People:
    """Resolve WHO, --with and --account (SPEC §2); --new makes WHO (written by actions._finish)."""
    found = People()
    explicit_accounts = [people.account(store, ref)["id"] for ref in draft.account_refs]
    others = [people.resolve(store, ref, ("contact", "account")) for ref in draft.with_refs]
    if draft.who is not None:
        if draft.new_contact is not None:
            fields = {"name": draft.who, **{k: v for k, v in draft.new_contact.items() if v}}
            if explicit_accounts:
                fields["accounts"] = explicit_accounts[:1]
            found.created = found.primary = people.unsaved(store, "contact", fields, draft.duplicate)
        else:
            found.primary, via_account = people.person(store, draft.who)
            if via_account is not None:
                add_unique(found.accounts, [via_account["id"]])
        found.contacts.append(found.primary)
    for kind, record in others:
        if kind == "account":
            add_unique(found.accounts, [record["id"]])
        elif all(c["id"] != record["id"] for c in found.contacts):
            found.contacts.append(record)
    if explicit_accounts:
        add_unique(found.accounts, explicit_accounts)
    else:
        add_unique(found.accounts, people.sole_accounts(found.contacts))
    return found


def check_rules(store: Store, record: dict) -> None:
    """The store's rules for an interaction: known type and category, a user, an account."""
    config = store.config
    config.check_type(record["type"])
    record["category"] = config.check_category(record.get("category"))
    if record.get("assignee"):
        config.check_user(record["assignee"])
    if config.require_account and not record.get("accounts"):
        raise msg.account_required()


def contact_to_set(store: Store, record: dict, sets: dict) -> Record | None:
    """The contact that `--set` writes to (the first person), or None when nothing is set."""
    if not sets:
        return None
    first = (record.get("contacts") or [None])[0]
    contact = store.contacts().get(first) if first else None
    if contact is None:
        raise msg.set_without_contact()
    return contact
