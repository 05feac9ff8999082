"""Creating and changing interactions: log, assign, complete, edit, comment, delete.

Every function takes the store, `now` and the current user; nothing here reads the
clock, the environment or the working directory. Validation happens before anything
is written, so a refused command leaves the store as it was.

Writes happen under the store's lock, reading again under it what they change (SPEC §7,
No lost update). A command that writes several files writes them in an order that leaves
the store consistent whatever moment it is killed, and that running it again finishes:
what is harmless to do twice first (a person's --set fields), what makes it count last.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from . import messages as msg
from . import people
from .dates import isoformat
from .errors import UserError
from .model import Record, derived_id, fold, new_id
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


class Logged(NamedTuple):
    """What `log` and `assign` wrote."""

    record: Record
    created: Record | None           # the contact --new made
    follow_up: Record | None = None  # the follow-up --follow-up planned


def _ratings(store: Store, pairs: dict[str, str]) -> dict[str, int]:
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


def _relates(store: Store, refs: list[str], account_ids) -> list[str]:
    """The references to store: `opportunity:` must name a known opportunity (by its id or
    name; stored by its id), looked for first in the interaction's accounts (SPEC §9)."""
    result = []
    for ref in relates_refs(refs):
        kind, _, rest = ref.partition(":")
        if kind.strip().lower() == "opportunity":
            ref = f"opportunity:{people.known_opportunity(store, rest.strip(), account_ids)}"
        result.append(ref)
    return result


def _add_unique(items: list, new) -> list:
    for item in new:
        if item not in items:
            items.append(item)
    return items


@dataclass
class _People:
    contacts: list = field(default_factory=list)   # Records
    accounts: list = field(default_factory=list)   # ids
    primary: Record | None = None
    created: Record | None = None


def _gather_people(store: Store, draft: Draft) -> _People:
    """Resolve WHO, --with and --account (SPEC §2); --new makes WHO (written by _finish)."""
    found = _People()
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
                _add_unique(found.accounts, [via_account["id"]])
        found.contacts.append(found.primary)
    for kind, record in others:
        if kind == "account":
            _add_unique(found.accounts, [record["id"]])
        elif all(c["id"] != record["id"] for c in found.contacts):
            found.contacts.append(record)
    if explicit_accounts:
        _add_unique(found.accounts, explicit_accounts)
    else:
        _add_unique(found.accounts, people.sole_accounts(found.contacts))
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


def _new_record(store: Store, now: datetime, user: str, draft: Draft, assignee: str) -> tuple[Record, _People]:
    """A new interaction from a draft, validated; people are resolved but not yet saved."""
    if draft.personal and (draft.who or draft.with_refs):
        raise msg.personal_with_people()
    if not draft.personal and not draft.who:
        raise msg.who_missing()
    if draft.sets and draft.personal:
        raise msg.set_without_contact()
    store.config.check_type(draft.type)  # before the people: the commonest mistake, said first
    ratings = _ratings(store, draft.ratings)
    relates_refs(draft.relates)  # the form first; known opportunities once the accounts are known
    found = _gather_people(store, draft)
    relates = _relates(store, draft.relates, found.accounts)
    follow_up_of = store.find_interaction(draft.follow_up_of)["id"] if draft.follow_up_of else None
    record = Record({
        "id": new_id(),
        "type": draft.type,
        "purpose": draft.purpose,
        "category": draft.category,
        "when": isoformat(draft.when) if draft.when else None,
        "duration": draft.duration,
        "due": draft.due,
        "contacts": [c["id"] for c in found.contacts],
        "accounts": found.accounts,
        "relates_to": relates,
        "assignee": assignee,
        "created_by": user,
        "created_at": isoformat(now),
        "instructions": draft.instructions,
        "note": draft.note,
        "follow_up_of": follow_up_of,
        "tags": _add_unique([], draft.tags),
        "ratings": ratings,
        "notify": [user] if draft.notify else [],
        "personal": draft.personal,
    })
    check_rules(store, record)
    return record, found


def _finish(store: Store, record: Record, found: _People, draft: Draft, follow: Record | None = None) -> Record:
    """Write a new interaction and what it changes, under the lock: its rules checked again
    against interact.yaml as it is now (a type renamed meanwhile is refused, never written),
    an existing person's --set fields first, the interaction next, then its follow-up, and
    the person --new made last (SPEC §7): killed before that, the interaction names someone
    `interact check` reports missing and `interact contact add NAME` makes."""
    with store.lock():
        store.reload_config()
        check_rules(store, record)
        if follow is not None:
            check_rules(store, follow)
        if found.created is None and found.primary is not None:
            people.set_fields(store, found.primary, draft.sets)
        store.save_interaction(record, new=True)
        if follow is not None:
            store.save_interaction(follow, new=True)
        if found.created is not None:
            _save_created(store, record, follow, found, draft.sets)
    return record


def _save_created(store: Store, record: Record, follow: Record | None, found: _People, sets: dict) -> None:
    """Write the person --new made for `record` (with its --set fields). When another writer
    took its slug meanwhile, under a fresh one, the interaction (and its follow-up) following;
    when it cannot be written, they are taken back, so that nothing has changed."""
    created = found.created
    people.change_fields(created, sets)
    written = [r for r in (record, follow) if r is not None]
    try:
        made = people.save_new(store, "contact", created)
    except OSError:
        with contextlib.suppress(OSError):  # if even that fails, the error says what was written
            for each in written:
                store.take_back(each.path)
        raise
    if made["id"] != created["id"]:
        for each in written:
            each["contacts"] = [made["id"] if c == created["id"] else c for c in each["contacts"]]
            store.save_interaction(each)
    found.created = found.primary = made


def log(store: Store, now: datetime, user: str, draft: Draft) -> Logged:
    """Record an interaction that took place: completed at its `when` (default now, never
    later: a plan is for `assign`); with `draft.follow_up`, plan its follow-up too."""
    if draft.when is not None and draft.when > now:
        raise msg.future_log(_shown(draft.when))
    record, found = _new_record(store, now, user, draft, assignee=user)
    when = record.get("when") or isoformat(now)
    record.update(when=when, outcome=draft.outcome, completed_at=when, completed_by=user)
    follow = follow_up(store, now, user, record, draft.follow_up) if draft.follow_up else None
    return Logged(_finish(store, record, found, draft, follow), found.created, follow)


def assign(store: Store, now: datetime, user: str, draft: Draft) -> Logged:
    """Plan or hand out an interaction: open, assigned to draft.assignee or the user."""
    record, found = _new_record(store, now, user, draft, assignee=draft.assignee or user)
    return Logged(_finish(store, record, found, draft), found.created)


def _shown(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def follow_up_id(rid: str) -> str:
    """The id of the follow-up planned for interaction `rid` (log or complete --follow-up): the
    same on every run, so that running the command again after a crash finds the one it made."""
    return derived_id(f"follow-up:{rid}")


def follow_up(store: Store, now: datetime, user: str, record: dict, plan: FollowUp) -> Record:
    """The follow-up of `record` that `plan` asks for (not written), checked against the store's rules:
    open, with the same people, accounts, purpose and category, assigned to `plan.to` or the user."""
    follow = Record({
        "id": follow_up_id(record["id"]),
        "type": plan.type or record["type"],
        "purpose": record.get("purpose"),
        "category": record.get("category"),
        "when": isoformat(plan.when),
        "contacts": list(record.get("contacts") or []),
        "accounts": list(record.get("accounts") or []),
        "assignee": plan.to or user,
        "created_by": user,
        "created_at": isoformat(now),
        "instructions": plan.note,
        "follow_up_of": record["id"],
        "personal": record.get("personal", False),
    })
    check_rules(store, follow)
    return follow


def _contact_to_set(store: Store, record: dict, sets: dict) -> Record | None:
    """The contact that `--set` writes to (the first person), or None when nothing is set."""
    if not sets:
        return None
    first = (record.get("contacts") or [None])[0]
    contact = store.contacts().get(first) if first else None
    if contact is None:
        raise msg.set_without_contact()
    return contact


def _append(text: str | None, more: str | None) -> str | None:
    if not more:
        return text
    return f"{text}\n{more}" if text else more


def complete(store: Store, now: datetime, user: str, prefix: str, *, outcome: str, note=None,
             next_action=None, type=None, when: datetime | None = None, ratings=None, sets=None,
             plan: FollowUp | None = None) -> tuple[Record, Record | None]:
    """Complete an open or missed interaction (at `when`, never later than now); optionally
    plan its follow-up.

    The writes: the --set fields, the follow-up (id from follow_up_id), the completion. Run
    again after a crash, the command finds the follow-up it made and completes; finding the
    interaction completed already by the same user with the same outcome, it makes the
    follow-up if that is what is missing, and otherwise changes nothing (the same output as
    the first run). Any other completion of a completed interaction is refused.
    """
    if when is not None and when > now:
        raise msg.future_completion(_shown(when))
    with store.lock():
        store.reload_config()
        record = store.find_interaction(prefix)
        if type:
            store.config.check_type(type)
        new_ratings = _ratings(store, ratings or {})
        if record.get("completed_at"):
            if plan is None or (record.get("outcome"), record.get("completed_by")) != (outcome, user):
                raise msg.already_completed(record)
            return record, _follow_up_once(store, follow_up(store, now, user, record, plan))
        if type:
            record["type"] = type
        completed_at = isoformat(when if when is not None else now)
        # `when` stays as planned; one never planned took place when it was completed
        if when is not None or not record.get("when"):
            record["when"] = completed_at
        record["ratings"] = {**(record.get("ratings") or {}), **new_ratings}
        record.update(
            outcome=outcome,
            note=_append(record.get("note"), note),
            next_action=next_action or record.get("next_action"),
            completed_at=completed_at,
            completed_by=user,
        )
        to_set = _contact_to_set(store, record, sets)
        follow = follow_up(store, now, user, record, plan) if plan is not None else None
        if to_set is not None:
            people.set_fields(store, to_set, sets)
        if follow is not None:
            follow = _follow_up_once(store, follow)
        store.save_interaction(record)
    return record, follow


def _follow_up_once(store: Store, follow: Record) -> Record:
    """Write the follow-up, unless an interrupted run of the same command wrote it: that one is
    kept as it is (wherever its `when` put it: one id, one file)."""
    try:
        return store.find_interaction(follow["id"])
    except UserError:  # none yet
        store.save_interaction(follow, new=True)
        return follow


# what `edit` may change of a completed interaction: its links, never its facts (SPEC §4)
EDITABLE_WHEN_COMPLETED = {"tags", "untag", "relates", "unrelate", "accounts", "category"}
# the option that changes each of the others, for the message that refuses them
FACT_OPTIONS = {"type": "--type", "note": "--note", "instructions": "--instructions", "assignee": "--to",
                "when": "--when", "due": "--due", "notify": "--notify", "duration": "--duration",
                "purpose": "--purpose", "ratings": "--rating", "with": "--with", "sets": "--set"}


def edit(store: Store, now: datetime, user: str, prefix: str, draft: Draft,
         untag: list[str] = (), changed: set[str] = frozenset(), unrelate: list[str] = ()) -> Record:
    """Change the fields named in `changed` (plus list additions) of an interaction.

    Scalars are replaced; --with, --account, --tag and --relates add to their lists, --untag
    and --unrelate remove from them. A completed interaction keeps its facts: only the
    changes in EDITABLE_WHEN_COMPLETED (its links) are taken.
    """
    with store.lock():
        store.reload_config()
        record = store.find_interaction(prefix)
        if not changed:
            raise msg.nothing_to_edit()
        facts = sorted(changed - EDITABLE_WHEN_COMPLETED)
        if record.get("completed_at") and facts:
            raise msg.edit_completed(record, [FACT_OPTIONS.get(name, name) for name in facts])
        if "type" in changed:
            store.config.check_type(draft.type)
            record["type"] = draft.type
        for name in ("purpose", "category", "instructions", "note", "due", "duration"):
            if name in changed:
                record[name] = getattr(draft, name)
        if "when" in changed:
            record["when"] = isoformat(draft.when)
        if "assignee" in changed:
            record["assignee"] = draft.assignee
        if "notify" in changed and user not in (record.get("notify") or []):
            record["notify"] = [*(record.get("notify") or []), user]
        if "ratings" in changed:
            record["ratings"] = {**(record.get("ratings") or {}), **_ratings(store, draft.ratings)}
        if "tags" in changed:
            record["tags"] = _add_unique(list(record.get("tags") or []), draft.tags)
        if "untag" in changed:
            record["tags"] = [t for t in record.get("tags") or [] if t not in untag]
        if draft.with_refs or draft.account_refs:
            found = _gather_people(store, Draft(with_refs=draft.with_refs, account_refs=draft.account_refs))
            record["contacts"] = _add_unique(list(record.get("contacts") or []), [c["id"] for c in found.contacts])
            record["accounts"] = _add_unique(list(record.get("accounts") or []), found.accounts)
            if found.contacts or found.accounts:
                record.pop("personal", None)
        if "relates" in changed:  # after the accounts: an opportunity is looked for in them first
            record["relates_to"] = _add_unique(list(record.get("relates_to") or []),
                                               _relates(store, draft.relates, record.get("accounts") or []))
        if "unrelate" in changed:
            gone = {fold(ref) for ref in relates_refs(unrelate)}
            record["relates_to"] = [ref for ref in record.get("relates_to") or [] if fold(ref) not in gone]
        check_rules(store, record)
        to_set = _contact_to_set(store, record, draft.sets)
        if to_set is not None:  # first: harmless to do twice, so a retry after a crash loses nothing
            people.set_fields(store, to_set, draft.sets)
        store.save_interaction(record)
    return record


def comment(store: Store, now: datetime, user: str, prefix: str, text: str) -> Record:
    if not text.strip():
        raise msg.empty_comment()
    with store.lock():
        record = store.find_interaction(prefix)
        record["posts"] = [*(record.get("posts") or []), {"at": isoformat(now), "by": user, "text": text}]
        store.save_interaction(record)
    return record


def delete(store: Store, record: Record) -> list:
    """Delete an interaction and the files attached to it; returns the attachments removed.
    The attachments go first: killed between, the interaction is still there to delete again."""
    from .attachments import folder, remove_all

    with store.lock():
        record = store.find_interaction(record["id"])  # where it is now: an edit may have moved it
        store.inside(folder(store, record["id"]))  # a linked attachments folder: refused before anything goes
        removed = remove_all(store, record["id"])
        store.delete_interaction(record)
        return removed
