"""The rules a store's files keep because they are untrusted input (SPEC §7).

A store arrives by `git pull` from teammates, scripts and imports: a file may hold YAML that
expands into gigabytes, a time that overflows when converted to a zone, a list nested a
thousand deep, or `types: call`. model.load, the record validators and model.Config apply
these rules, so every reader (commands, `check`, the merge driver) refuses the same things.
"""

from __future__ import annotations

import os
import re
from datetime import date

import yaml

from . import messages as msg
from .durations import MAX_CADENCE, parse_duration
from .periods import months_in
from .times import FIRST_YEAR, LAST_YEAR, DateError, in_range, named_zone, parse_iso

# --- YAML ---------------------------------------------------------------------------

# Where a file's first anchor (&), alias (*) or tag (!) may be: at its start, or after anything
# but an ASCII letter or digit (no YAML token that ends in one can be followed by one of them)
_NODE_PROPERTY = {bytes: re.compile(rb"(?:\A|[^A-Za-z0-9])[&*!]"), str: re.compile(r"(?:\A|[^A-Za-z0-9])[&*!]")}


def refuse_node_properties(text: str | bytes, loader) -> None:
    """ValueError when the YAML `text` holds an anchor, an alias or a tag: an alias can make a
    file of a few hundred bytes expand into gigabytes (billion laughs), a tag asks for a type.
    The parser's events are looked at, which expands nothing, and only in the few files where
    one may be at all. A text that does not parse is left for the loader to say so."""
    if _NODE_PROPERTY[bytes if isinstance(text, bytes) else str].search(text) is None:
        return
    for event in yaml.parse(text, Loader=loader):
        line = event.start_mark.line + 1 if event.start_mark else "?"
        if isinstance(event, yaml.AliasEvent):
            raise ValueError(msg.yaml_alias(line, f"*{event.anchor}"))
        if getattr(event, "anchor", None) is not None:
            raise ValueError(msg.yaml_alias(line, f"&{event.anchor}"))
        if getattr(event, "tag", None) is not None:
            raise ValueError(msg.yaml_tag(line, event.tag.replace("tag:yaml.org,2002:", "!!")))


# --- ids ---------------------------------------------------------------------------

SLUG_LENGTH = 80  # at most, for a contact's or an account's id
_SLUG_CHARACTER = r"[^\W_]"  # a letter of any script, or a digit
_SLUG = re.compile(rf"{_SLUG_CHARACTER}+(?:-{_SLUG_CHARACTER}+)*")


def is_slug(text) -> bool:
    """Whether `text` is a contact's or an account's id: lower-case letters (any script) and
    digits, single '-' between them, at most SLUG_LENGTH characters; so never a path."""
    return (isinstance(text, str) and len(text) <= SLUG_LENGTH and _SLUG.fullmatch(text) is not None
            and text == text.lower())


def id_fits_file(rid: str, path, kind: str) -> bool:
    """Whether a record's id fits the name of the file it was read from: `<id>.yaml` for a
    contact or an account; for an interaction, a name that ends in the id."""
    name = os.path.basename(path)
    return name.endswith(f"{rid}.yaml") if kind == "interaction" else name == f"{rid}.yaml"


# --- values of records ----------------------------------------------------------------

NESTING = 10  # levels of lists and mappings at most, under a key whose values are free (fields, unknown keys)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def shown(value, width: int = 60) -> str:
    """A value's repr for a message, cut short: a file may hold a megabyte where a name should be."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def check_time(value, key: str, problems: list[str], date_only: bool = False) -> None:
    """A time with its offset (or, `date_only`, a date) in the years FIRST_YEAR..LAST_YEAR."""
    try:
        if date_only:
            parsed = date.fromisoformat(value) if isinstance(value, str) and _ISO_DATE.fullmatch(value) else None
        else:
            parsed = parse_iso(value)
            parsed = parsed if parsed is not None and parsed.tzinfo is not None else None
    except (TypeError, ValueError):
        parsed = None
    if parsed is None:
        problems.append(msg.bad_stored_time(key, shown(value), date_only))
    elif not in_range(parsed):
        problems.append(msg.stored_time_out_of_range(key, value, FIRST_YEAR, LAST_YEAR))


def check_cadence(record: dict, problems: list[str]) -> None:
    """How often to stay in touch: a duration of at most ten years, as the user wrote it (30d)."""
    cadence = record.get("cadence")
    if cadence is None:
        return
    try:
        if isinstance(cadence, bool) or not isinstance(cadence, (str, int)):
            raise DateError(msg.cadence_not_duration())
        parse_duration(str(cadence), longest=MAX_CADENCE, positive=True)
    except DateError as error:
        problems.append(msg.bad_cadence(shown(cadence), error))


def nests_deeper(value, levels: int) -> bool:
    """Whether lists and mappings nest in `value` more than `levels` deep, `value` itself the
    first level (a record's free values; an import's JSON). Walked without recursion: the check
    must not fail where the nesting it guards against would."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if depth >= levels:
                    return True
                pending.append((child, depth + 1))
    return False


def check_free_values(record: dict, known, problems: list[str], keys=()) -> None:
    """The values no rule looks into (of unknown keys, and of `keys`) may hold anything but deep
    nesting: code that walks a record (the index, JSON, the YAML writer) recurses."""
    for key, value in record.items():
        if (key not in known or key in keys) and isinstance(value, (dict, list)) and nests_deeper(value, NESTING):
            problems.append(msg.too_deep(key, NESTING))


def check_posts(posts, problems: list[str]) -> None:
    """An interaction's comments: a list of {at, by, text}."""
    if not (isinstance(posts, list) and all(isinstance(p, dict) and isinstance(p.get("text"), str)
                                            and isinstance(p.get("by", ""), str) for p in posts)):
        problems.append(msg.bad_posts())
        return
    for post in posts:
        if post.get("at") is not None:
            check_time(post["at"], "posts: at", problems)
        check_free_values(post, ("at", "by", "text"), problems)


# --- interact.yaml --------------------------------------------------------------------

TYPE_NAME = re.compile(r"\w[\w-]*")  # a type: one word, hyphens allowed (site-visit)


def _text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _texts(value) -> bool:
    return isinstance(value, list) and all(_text(item) for item in value)


def _user(value) -> bool:
    """A user's id (a name, or a number), or a mapping such as {id: alice, name: Alice Smith}: which
    entries count (one without an id does not) is users.py's to say. An empty entry is no user."""
    return value is None or isinstance(value, dict) or _text(value) or (
        isinstance(value, int) and not isinstance(value, bool))


def _boolean(value) -> bool:
    return isinstance(value, bool)


def _date_order(value) -> bool:
    from .dates import DATE_ORDERS  # the parser of what people type: loaded only where a store sets one

    return value in DATE_ORDERS


CONFIG_RULES = {  # key -> its test (what would work instead is messages.config_expected's to say)
    "version": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
    "user": _text,
    "users": lambda v: isinstance(v, list) and all(map(_user, v)),
    "timezone": lambda v: _text(v) and named_zone(v) is not None,
    "types": lambda v: isinstance(v, list) and all(isinstance(t, str) and TYPE_NAME.fullmatch(t) for t in v),
    "purposes": _texts,
    "categories": _texts,
    "ratings": _texts,
    "date_order": _date_order,
    "auto_commit": _boolean,
    "pack_after": lambda v: months_in(v) is not None,
}


def config_problems(data: dict) -> list[str]:
    """What is wrong in interact.yaml, key by key (a key left empty counts as left out; keys
    not known here are kept as they are: a newer version may use them)."""
    problems = []
    for key, value in data.items():
        rule = CONFIG_RULES.get(key) or (_boolean if str(key).startswith("require_") else None)
        if rule is not None and value is not None and not rule(value):
            problems.append(msg.config_key_problem(key, shown(value), msg.config_expected(key)))
    return problems
