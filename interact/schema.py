"""What each kind of record holds: its keys, in the order a file writes them, and the checks of
their values. A record that fails them is invalid: readers skip it with a warning and `check`
reports it. The rules for values nobody chose (ranges, nesting, ids) are untrusted.py's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import messages as msg
from .durations import MAX_DURATION
from .ids import ID_ALPHABET, ID_LENGTH, is_id
from .untrusted import SLUG_LENGTH, check_cadence, check_free_values, check_posts, check_time, is_slug, shown

if TYPE_CHECKING:
    from .config import Config

INTERACTION_KEYS = (
    "id", "type", "purpose", "category", "when", "duration", "due", "contacts",
    "accounts", "relates_to", "assignee", "created_by", "created_at", "instructions",
    "note", "outcome", "next_action", "completed_at", "completed_by", "follow_up_of",
    "tags", "ratings", "notify", "personal", "posts", "generated",
)
CONTACT_KEYS = ("id", "name", "email", "phone", "accounts", "fields", "cadence")
ACCOUNT_KEYS = (
    "id", "name", "kind", "town", "postcode", "default_contact", "opportunities", "cadence",
)
OPPORTUNITY_KEYS = ("id", "name", "value", "stage", "closed_at")
OPPORTUNITY_STAGES = ("open", "won", "lost")
POST_KEYS = ("at", "by", "text")
ACCOUNT_KINDS = ("customer", "prospect")


def is_empty(value) -> bool:
    """An empty value: a file leaves its key out (SPEC §2), and a merge counts it as none."""
    return value is None or value == "" or value == [] or value == {}


def left_out(key: str, value) -> bool:
    """Whether an interaction's file leaves this field out: an empty value, or `personal: false`."""
    return is_empty(value) or (key == "personal" and value is False)


_INTERACTION_KEYS = frozenset(INTERACTION_KEYS)
_CONTACT_KEYS, _ACCOUNT_KEYS = frozenset(CONTACT_KEYS), frozenset(ACCOUNT_KEYS)


def _check_str_list(record, key, problems):
    value = record.get(key)
    if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        problems.append(msg.not_names(key))


def validate_interaction(record: dict, config: Config) -> list[str]:
    """Schema problems of an interaction, as short phrases (empty when it is valid)."""
    problems = []
    rid = record.get("id")
    if not (isinstance(rid, str) and is_id(rid)):
        problems.append(msg.bad_interaction_id(shown(rid), ID_LENGTH, ID_ALPHABET))
    rtype = record.get("type")
    if not isinstance(rtype, str) or not rtype:
        problems.append(msg.field_missing("type"))
    elif rtype not in config.types:
        problems.append(msg.type_not_configured(rtype, config.types))
    for key in ("when", "created_at", "completed_at"):
        if record.get(key) is not None:
            check_time(record[key], key, problems)
    if record.get("due") is not None:
        check_time(record["due"], "due", problems, date_only=True)
    duration = record.get("duration")
    if duration is not None and (not isinstance(duration, int) or isinstance(duration, bool)):
        problems.append(msg.duration_not_minutes(shown(duration)))
    elif duration is not None and not 0 < duration <= MAX_DURATION:
        problems.append(msg.duration_too_long(duration, MAX_DURATION))
    for key in ("contacts", "accounts", "relates_to", "tags", "notify"):
        _check_str_list(record, key, problems)
    for key in ("purpose", "category", "assignee", "created_by", "instructions", "note",
                "outcome", "next_action", "completed_by", "follow_up_of", "generated"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(msg.not_text(key, shown(value)))
    ratings = record.get("ratings")
    if ratings is not None:
        if not isinstance(ratings, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 5 for v in ratings.values()
        ):
            problems.append(msg.bad_ratings())
    posts = record.get("posts")
    if posts is not None:
        check_posts(posts, problems)
    if record.get("personal") not in (None, True, False):
        problems.append(msg.bad_personal())
    check_free_values(record, _INTERACTION_KEYS, problems)
    return problems


def validate_contact(record: dict) -> list[str]:
    problems = _check_slug_and_name(record)
    _check_str_list(record, "accounts", problems)
    if record.get("fields") is not None and not isinstance(record["fields"], dict):
        problems.append(msg.fields_not_mapping())
    check_cadence(record, problems)
    check_free_values(record, _CONTACT_KEYS, problems, keys=("fields",))
    return problems


def _check_slug_and_name(record: dict) -> list[str]:
    problems = []
    rid = record.get("id")
    if not rid:
        problems.append(msg.field_missing("id"))
    elif not is_slug(rid):
        problems.append(msg.bad_slug(shown(rid), SLUG_LENGTH))
    if not isinstance(record.get("name"), str) or not record.get("name"):
        problems.append(msg.field_missing("name"))
    return problems


def validate_account(record: dict) -> list[str]:
    problems = _check_slug_and_name(record)
    kind = record.get("kind")
    if kind is not None and kind not in ACCOUNT_KINDS:
        problems.append(msg.bad_account_kind(shown(kind)))
    if record.get("default_contact") is not None and not isinstance(record["default_contact"], str):
        problems.append(msg.bad_default_contact(shown(record["default_contact"])))
    opportunities = record.get("opportunities")
    if opportunities is not None and not (
        isinstance(opportunities, list) and all(isinstance(o, dict) and o.get("name") and isinstance(o["name"], str)
                                                for o in opportunities)
    ):
        problems.append(msg.bad_opportunities())
    check_cadence(record, problems)
    check_free_values(record, _ACCOUNT_KEYS, problems, keys=("opportunities",))
    return problems


VALIDATORS = {
    "contact": validate_contact,
    "account": validate_account,
}
