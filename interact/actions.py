"""Creating interactions: log and assign.

Every function of the modules that write interactions (this one, completing.py and editing.py)
takes the store, `now` and the current user; nothing there reads the clock, the environment or
the working directory. Validation happens before anything is written, so a refused command
leaves the store as it was.

Writes happen under the store's lock, reading again under it what they change (SPEC §7,
No lost update). A command that writes several files writes them in an order that leaves
the store consistent whatever moment it is killed, and that running it again finishes:
what is harmless to do twice first (a person's --set fields), what makes it count last.

The commands reach all of them through this module: what a command line says (drafts.py:
Draft, FollowUp, and the checks every writer shares), complete and its follow-ups
(completing.py), edit, comment and delete (editing.py).
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import NamedTuple

from . import messages as msg
from . import people
from .completing import complete, follow_up, follow_up_id
from .drafts import Draft, FollowUp, People, add_unique, check_rules, read_ratings, relates_refs, stored_relates
from .drafts import gather_people as _gather_people  # called by this name: a test runs a rename meanwhile
from .editing import EDITABLE_WHEN_COMPLETED, FACT_OPTIONS, comment, delete, edit
from .ids import new_id
from .model import Record
from .store import Store
from .times import isoformat


class Logged(NamedTuple):
    """What `log` and `assign` wrote."""

    record: Record
    created: Record | None           # the contact --new made
    follow_up: Record | None = None  # the follow-up --follow-up planned


def _new_record(store: Store, now: datetime, user: str, draft: Draft, assignee: str) -> tuple[Record, People]:
    """A new interaction from a draft, validated; people are resolved but not yet saved."""
    if draft.personal and (draft.who or draft.with_refs):
        raise msg.personal_with_people()
    if not draft.personal and not draft.who:
        raise msg.who_missing()
    if draft.sets and draft.personal:
        raise msg.set_without_contact()
    store.config.check_type(draft.type)  # before the people: the commonest mistake, said first
    ratings = read_ratings(store, draft.ratings)
    relates_refs(draft.relates)  # the form first; known opportunities once the accounts are known
    found = _gather_people(store, draft)
    relates = stored_relates(store, draft.relates, found.accounts)
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
        "tags": add_unique([], draft.tags),
        "ratings": ratings,
        "notify": [user] if draft.notify else [],
        "personal": draft.personal,
    })
    check_rules(store, record)
    return record, found


def _finish(store: Store, record: Record, found: People, draft: Draft, follow: Record | None = None) -> Record:
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


def _save_created(store: Store, record: Record, follow: Record | None, found: People, sets: dict) -> None:
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
        raise msg.future_log(draft.when)
    record, found = _new_record(store, now, user, draft, assignee=user)
    when = record.get("when") or isoformat(now)
    record.update(when=when, outcome=draft.outcome, completed_at=when, completed_by=user)
    follow = follow_up(store, now, user, record, draft.follow_up) if draft.follow_up else None
    return Logged(_finish(store, record, found, draft, follow), found.created, follow)


def assign(store: Store, now: datetime, user: str, draft: Draft) -> Logged:
    """Plan or hand out an interaction: open, assigned to draft.assignee or the user."""
    record, found = _new_record(store, now, user, draft, assignee=draft.assignee or user)
    return Logged(_finish(store, record, found, draft), found.created)


__all__ = [  # this module's own, and what the commands reach through it
    "EDITABLE_WHEN_COMPLETED", "FACT_OPTIONS", "Draft", "FollowUp", "Logged", "assign", "check_rules", "comment",
    "complete", "delete", "edit", "follow_up", "follow_up_id", "log", "relates_refs",
]
