"""Completing an interaction (`complete`), and planning a follow-up (`complete --follow-up`, and
`log --follow-up` through actions.log). The ground rules of every writing module are in
actions.py's docstring."""

from __future__ import annotations

from datetime import datetime

from . import messages as msg
from . import people
from .drafts import FollowUp, check_rules, contact_to_set, read_ratings
from .errors import UserError
from .ids import derived_id
from .model import Record
from .store import Store
from .times import isoformat


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
        raise msg.future_completion(when)
    with store.lock():
        store.reload_config()
        record = store.find_interaction(prefix)
        if type:
            store.config.check_type(type)
        new_ratings = read_ratings(store, ratings or {})
        if record.get("completed_at"):
            if plan is None or (record.get("outcome"), record.get("completed_by")) != (outcome, user):
                raise msg.already_completed(record)
            return record, follow_up_once(store, follow_up(store, now, user, record, plan))
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
        to_set = contact_to_set(store, record, sets)
        follow = follow_up(store, now, user, record, plan) if plan is not None else None
        if to_set is not None:
            people.set_fields(store, to_set, sets)
        if follow is not None:
            follow = follow_up_once(store, follow)
        store.save_interaction(record)
    return record, follow


def follow_up_once(store: Store, follow: Record) -> Record:
    """Write the follow-up, unless an interrupted run of the same command wrote it: that one is
    kept as it is (wherever its `when` put it: one id, one file)."""
    try:
        return store.find_interaction(follow["id"])
    except UserError:  # none yet
        store.save_interaction(follow, new=True)
        return follow
