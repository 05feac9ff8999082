"""The three-way merge of one record, field by field (SPEC §8).

`merge_record(base, ours, theirs, kind)` takes three versions of a record as dicts (an
empty dict for a side that has none: both sides added the file) and gives the merged
record. It knows nothing of files, YAML or git: merge_file.py does that, and a month
pack (SPEC §11) is merged by matching its records by id and calling this for each.

Where both sides set one field to different values (a true conflict), the result holds
two versions: `ours` with OURS' value of each such field and `theirs` with THEIRS', equal
everywhere else, so the file can show just those lines between conflict markers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .schema import is_empty, left_out


class _Missing:
    """A field a version does not have (an empty value counts as missing)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()

SET = "set"      # a three-way set: what either side added is in, what either removed is out
POSTS = "posts"  # the union of both sides' posts, ordered by `at`
RULES = {  # the fields merged otherwise than value by value; mappings merge key by key anyway
    "interaction": {"tags": SET, "contacts": SET, "accounts": SET, "relates_to": SET, "notify": SET,
                    "posts": POSTS},
    "contact": {"accounts": SET},
    "account": {"opportunities": SET},  # matched by their `id`, then merged key by key
    "config": {"types": SET, "purposes": SET, "categories": SET, "users": SET, "ratings": SET},
}
COMPLETION = ("completed_at", "completed_by", "outcome", "next_action")  # one unit


@dataclass
class Merged:
    """The merged record; `ours` and `theirs` differ only in the `conflicts` (dotted field names)."""

    ours: dict
    theirs: dict
    conflicts: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts

    @property
    def record(self) -> dict:
        return self.ours


def merge_record(base: dict, ours: dict, theirs: dict, kind: str) -> Merged:
    """Merge THEIRS' changes (against BASE) into OURS by the rules of SPEC §8 for `kind`
    (interaction, contact, account or config)."""
    base, ours, theirs = (present(version, kind) for version in (base, ours, theirs))
    merged = Merged({}, {})
    rules = RULES[kind]
    keys = [*ours, *(k for k in theirs if k not in ours), *(k for k in base if k not in ours and k not in theirs)]
    done_as_unit = _merge_completion(base, ours, theirs, merged) if kind == "interaction" else set()
    for key in keys:
        if key in done_as_unit:
            continue
        pair = _merge_field(rules.get(key), base.get(key, MISSING), ours.get(key, MISSING),
                            theirs.get(key, MISSING), key, merged.conflicts)
        _put(merged, key, pair)
    return merged


def present(version: dict, kind: str) -> dict:
    """A version's fields that hold something: an empty value, or `personal: false`, is no
    value (the file leaves it out)."""
    return {key: value for key, value in (version or {}).items()
            if not (left_out(key, value) if kind == "interaction" else is_empty(value))}


def _put(merged: Merged, key, pair) -> None:
    ours, theirs = pair
    if ours is not MISSING:
        merged.ours[key] = ours
    if theirs is not MISSING:
        merged.theirs[key] = theirs


# --- one value -------------------------------------------------------------------------

def _merge_field(rule, base, ours, theirs, name: str, conflicts: list) -> tuple:
    if rule == SET and all(isinstance(v, list) or v is MISSING for v in (base, ours, theirs)):
        return _merge_set(base, ours, theirs, name, conflicts)
    if rule == POSTS and all(isinstance(v, list) or v is MISSING for v in (base, ours, theirs)):
        posts = _union_posts(ours, theirs)
        return posts, posts
    return _merge_value(base, ours, theirs, name, conflicts)


def _merge_value(base, ours, theirs, name: str, conflicts: list) -> tuple:
    """(OURS' result, THEIRS' result): one value unless both sides set it differently."""
    if ours == theirs or theirs == base:
        return ours, ours
    if ours == base:
        return theirs, theirs
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return _merge_mapping(base if isinstance(base, dict) else {}, ours, theirs, name, conflicts)
    conflicts.append(name)
    return ours, theirs


def _merge_mapping(base: dict, ours: dict, theirs: dict, name: str, conflicts: list) -> tuple:
    """Key by key (ratings, fields, an opportunity, any mapping), in OURS' order then THEIRS' new keys."""
    merged_ours, merged_theirs = {}, {}
    for key in [*ours, *(k for k in theirs if k not in ours), *(k for k in base if k not in ours and k not in theirs)]:
        one, other = _merge_value(base.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING),
                                  f"{name}.{key}", conflicts)
        if one is not MISSING:
            merged_ours[key] = one
        if other is not MISSING:
            merged_theirs[key] = other
    return merged_ours, merged_theirs


# --- lists -----------------------------------------------------------------------------

def _identity(item):
    """What makes two list items the same item: the value itself, or a mapping's `id`
    (an opportunity, a user given as {id, name, email})."""
    if isinstance(item, dict):
        if isinstance(item.get("id"), (str, int)):
            return ("id", str(item["id"]))
        return ("mapping", json.dumps(item, sort_keys=True, default=str))
    if isinstance(item, list):
        return ("list", json.dumps(item, default=str))
    return ("value", type(item).__name__, item)


def _by_identity(items) -> dict:
    found = {}
    for item in items if items is not MISSING else ():
        found.setdefault(_identity(item), item)
    return found


def _merge_set(base, ours, theirs, name: str, conflicts: list) -> tuple:
    """A three-way set merge in OURS' order, then THEIRS' additions. Items with an `id` that
    both sides kept are merged key by key; one removed on one side and changed on the other
    is a conflict (OURS' version of the list keeps OURS' choice, THEIRS' version THEIRS')."""
    base_items, our_items, their_items = _by_identity(base), _by_identity(ours), _by_identity(theirs)
    merged_ours, merged_theirs = [], []
    for key in [*our_items, *(k for k in their_items if k not in our_items)]:
        label = f"{name}.{key[1]}" if key[0] == "id" else name
        mine, yours = our_items.get(key, MISSING), their_items.get(key, MISSING)
        one, other = _merge_value(base_items.get(key, MISSING), mine, yours, label, conflicts)
        if one is not MISSING:
            merged_ours.append(one)
        if other is not MISSING:
            merged_theirs.append(other)
    return merged_ours or MISSING, merged_theirs or MISSING


def _union_posts(ours, theirs) -> list:
    """Both sides' posts (the same `at`, `by` and `text` is one post), ordered by `at`."""
    posts = {}
    for post in [*(ours if ours is not MISSING else ()), *(theirs if theirs is not MISSING else ())]:
        key = json.dumps([post.get(k) for k in ("at", "by", "text")], default=str) if isinstance(post, dict) \
            else json.dumps(post, default=str)
        posts.setdefault(key, post)
    return sorted(posts.values(), key=lambda post: _moment(post.get("at") if isinstance(post, dict) else None))


def _moment(value) -> tuple:
    """A sort key for a stored time: by the instant it names; one that does not read goes last."""
    from .times import DateError, parse_iso

    try:
        moment = parse_iso(value) if isinstance(value, str) else None
    except DateError:
        moment = None
    if moment is None or moment.tzinfo is None:
        return (1, 0.0)
    return (0, moment.timestamp())


# --- completion --------------------------------------------------------------------------

def _merge_completion(base: dict, ours: dict, theirs: dict, merged: Merged) -> set:
    """Completing is one unit (completed_at, completed_by, outcome, next_action): completed on
    one side only, that side's is taken whole; on both with the same outcome, the earlier is
    kept whole. Returns the fields settled here (none: they merge value by value)."""
    if base.get("completed_at"):
        return set()
    done_ours, done_theirs = bool(ours.get("completed_at")), bool(theirs.get("completed_at"))
    if done_ours and done_theirs:
        if ours.get("outcome") != theirs.get("outcome"):  # a true conflict: each side's completion whole
            for key in COMPLETION:
                _put(merged, key, (ours.get(key, MISSING), theirs.get(key, MISSING)))
            merged.conflicts += [key for key in COMPLETION if ours.get(key) != theirs.get(key)]
            return set(COMPLETION)
        winner = theirs if _moment(theirs["completed_at"]) < _moment(ours["completed_at"]) else ours
        loser = ours if winner is theirs else theirs
        settled = set(COMPLETION)
        # a completion that set `when` (a log, or one never planned) takes it along
        if _when_set_by_completion(base, winner) and _when_set_by_completion(base, loser):
            settled.add("when")
    elif done_ours or done_theirs:
        winner = ours if done_ours else theirs
        settled = set(COMPLETION)
    else:
        return set()
    for key in settled:
        value = winner.get(key, MISSING)
        _put(merged, key, (value, value))
    return settled


def _when_set_by_completion(base: dict, side: dict) -> bool:
    return side.get("when") != base.get("when") and side.get("when") == side.get("completed_at")
