"""Changing an interaction already written: `edit` (a completed one only in its links),
`comment` and `delete`. The ground rules of every writing module are in actions.py's docstring."""

from __future__ import annotations

from datetime import datetime

from . import messages as msg
from . import people
from .drafts import (
    Draft, add_unique, check_rules, contact_to_set, gather_people, read_ratings, relates_refs, stored_relates,
)
from .model import Record, fold
from .store import Store
from .times import isoformat

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
            record["ratings"] = {**(record.get("ratings") or {}), **read_ratings(store, draft.ratings)}
        if "tags" in changed:
            record["tags"] = add_unique(list(record.get("tags") or []), draft.tags)
        if "untag" in changed:
            record["tags"] = [t for t in record.get("tags") or [] if t not in untag]
        if draft.with_refs or draft.account_refs:
            found = gather_people(store, Draft(with_refs=draft.with_refs, account_refs=draft.account_refs))
            record["contacts"] = add_unique(list(record.get("contacts") or []), [c["id"] for c in found.contacts])
            record["accounts"] = add_unique(list(record.get("accounts") or []), found.accounts)
            if found.contacts or found.accounts:
                record.pop("personal", None)
        if "relates" in changed:  # after the accounts: an opportunity is looked for in them first
            record["relates_to"] = add_unique(list(record.get("relates_to") or []),
                                              stored_relates(store, draft.relates, record.get("accounts") or []))
        if "unrelate" in changed:
            gone = {fold(ref) for ref in relates_refs(unrelate)}
            record["relates_to"] = [ref for ref in record.get("relates_to") or [] if fold(ref) not in gone]
        check_rules(store, record)
        to_set = contact_to_set(store, record, draft.sets)
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
