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

from . import messages as msg
from . import people
from .dates import isoformat
from .errors import UserError
from .model import Record, derived_id, new_id
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


def _relates(refs: list[str]) -> list[str]:
    for ref in refs:
        kind, sep, rest = ref.partition(":")
        if not (sep and kind and rest):
            raise msg.bad_relates(ref)
    return list(refs)


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
            found.created = found.primary = people.unsaved(store, "contact", fields)
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
    relates = _relates(draft.relates)
    found = _gather_people(store, draft)
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
        "tags": _add_unique([], draft.tags),
        "ratings": ratings,
        "notify": [user] if draft.notify else [],
        "personal": draft.personal,
    })
    check_rules(store, record)
    return record, found


def _finish(store: Store, record: Record, found: _People, draft: Draft) -> Record:
    """Write a new interaction and what it changes, under the lock: its rules checked again
    against interact.yaml as it is now (a type renamed meanwhile is refused, never written),
    an existing person's --set fields first, the interaction next, and the person --new
    made last (SPEC §7): killed before that, the interaction names someone `interact check`
    reports missing and `interact contact add NAME` makes."""
    with store.lock():
        store.reload_config()
        check_rules(store, record)
        if found.created is None and found.primary is not None:
            people.set_fields(store, found.primary, draft.sets)
        store.save_interaction(record, new=True)
        if found.created is not None:
            _save_created(store, record, found, draft.sets)
    return record


def _save_created(store: Store, record: Record, found: _People, sets: dict) -> None:
    """Write the person --new made for `record` (with its --set fields). When another writer
    took its slug meanwhile, under a fresh one, the interaction following; when it cannot be
    written, the interaction is taken back, so that nothing has changed."""
    created = found.created
    people.change_fields(created, sets)
    try:
        made = people.save_new(store, "contact", created)
    except OSError:
        with contextlib.suppress(OSError):  # if even that fails, the error says what was written
            store.take_back(record.path)
        raise
    if made["id"] != created["id"]:
        record["contacts"] = [made["id"] if c == created["id"] else c for c in record["contacts"]]
        store.save_interaction(record)
    found.created = found.primary = made


def log(store: Store, now: datetime, user: str, draft: Draft) -> tuple[Record, Record | None]:
    """Record an interaction that took place: completed at its `when` (default now)."""
    record, found = _new_record(store, now, user, draft, assignee=user)
    when = record.get("when") or isoformat(now)
    record.update(when=when, outcome=draft.outcome, completed_at=when, completed_by=user)
    return _finish(store, record, found, draft), found.created


def assign(store: Store, now: datetime, user: str, draft: Draft) -> tuple[Record, Record | None]:
    """Plan or hand out an interaction: open, assigned to draft.assignee or the user."""
    record, found = _new_record(store, now, user, draft, assignee=draft.assignee or user)
    return _finish(store, record, found, draft), found.created


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


def follow_up_id(rid: str) -> str:
    """The id of the follow-up `complete --follow-up` plans for interaction `rid`: the same on
    every run, so that running it again after a crash finds the follow-up it made."""
    return derived_id(f"follow-up:{rid}")


def complete(store: Store, now: datetime, user: str, prefix: str, *, outcome: str, note=None,
             next_action=None, type=None, when: datetime | None = None, ratings=None, sets=None,
             follow_up: datetime | None = None, follow_up_type=None, follow_up_to=None
             ) -> tuple[Record, Record | None]:
    """Complete an open or missed interaction; optionally plan its follow-up.

    The writes: the --set fields, the follow-up (id from follow_up_id), the completion. Run
    again after a crash, the command finds the follow-up it made and completes; finding the
    interaction completed already by the same user with the same outcome, it makes the
    follow-up if that is what is missing, and otherwise changes nothing (the same output as
    the first run). Any other completion of a completed interaction is refused.
    """
    with store.lock():
        store.reload_config()
        record = store.find_interaction(prefix)
        if type:
            store.config.check_type(type)
        new_ratings = _ratings(store, ratings or {})
        if follow_up_type:
            store.config.check_type(follow_up_type)
        if follow_up_to:
            store.config.check_user(follow_up_to)
        if record.get("completed_at"):
            if follow_up is None or (record.get("outcome"), record.get("completed_by")) != (outcome, user):
                raise msg.already_completed(record)
            return record, _follow_up_once(store, _follow_up(record, now, user, follow_up, follow_up_type,
                                                             follow_up_to))
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
        if to_set is not None:
            people.set_fields(store, to_set, sets)
        follow = None
        if follow_up is not None:
            follow = _follow_up_once(store, _follow_up(record, now, user, follow_up, follow_up_type, follow_up_to))
        store.save_interaction(record)
    return record, follow


def _follow_up(record: dict, now: datetime, user: str, when: datetime, type=None, assignee=None) -> Record:
    """The open interaction that follows `record` up, with the same people."""
    return Record({
        "id": follow_up_id(record["id"]),
        "type": type or record["type"],
        "purpose": record.get("purpose"),
        "category": record.get("category"),
        "when": isoformat(when),
        "contacts": list(record.get("contacts") or []),
        "accounts": list(record.get("accounts") or []),
        "assignee": assignee or user,
        "created_by": user,
        "created_at": isoformat(now),
        "follow_up_of": record["id"],
        "personal": record.get("personal", False),
    })


def _follow_up_once(store: Store, follow: Record) -> Record:
    """Write the follow-up, unless an interrupted run of the same command wrote it: that one is
    kept as it is (wherever its `when` put it: one id, one file)."""
    try:
        return store.find_interaction(follow["id"])
    except UserError:  # none yet
        store.save_interaction(follow, new=True)
        return follow


EDITABLE_WHEN_COMPLETED = {"tags", "untag"}


def edit(store: Store, now: datetime, user: str, prefix: str, draft: Draft,
         untag: list[str] = (), changed: set[str] = frozenset()) -> Record:
    """Change the fields named in `changed` (plus list additions) of an interaction.

    Scalars are replaced; --with, --account, --tag and --relates add to their lists.
    A completed interaction only takes tag changes.
    """
    with store.lock():
        store.reload_config()
        record = store.find_interaction(prefix)
        if not changed:
            raise msg.nothing_to_edit()
        if record.get("completed_at") and changed - EDITABLE_WHEN_COMPLETED:
            raise msg.edit_completed(record)
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
        if "relates" in changed:
            record["relates_to"] = _add_unique(list(record.get("relates_to") or []), _relates(draft.relates))
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
