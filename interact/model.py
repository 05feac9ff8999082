"""Records, their schema and serialisation, and the store's configuration.

A record is a plain dict (a `Record`, which also remembers the file it came from).
Times are kept as the ISO strings found in the file, so reading and writing a record
gives back the same bytes; `dates.parse_iso` turns them into datetimes where needed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections import Counter
from itertools import compress
from operator import itemgetter
from pathlib import Path

import yaml

from . import messages as msg
from .dates import MAX_DURATION
from .untrusted import (  # is_slug and id_fits_file: the rules for ids, here beside the others
    SLUG_LENGTH, check_cadence, check_free_values, check_posts, check_time, config_problems, id_fits_file, is_slug,
    refuse_node_properties, shown,
)
from .users import user_entries, user_for

ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case
ID_LENGTH = 10
MIN_PREFIX = 4

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

DEFAULT_TYPES = ["call", "visit", "email", "meeting", "chat", "note"]


class Record(dict):
    """A record's fields, plus the path of the file it was read from (None when new)."""

    # The path may be set as a str: it becomes a Path when first asked for, so that
    # loading 100,000 records from the index does not build 100,000 Path objects.
    # `facets`: what the index keeps beside the record for narrowing a read (query.facets),
    # when it was read with them: a search then does not fold 100,000 records again
    __slots__ = ("_path", "facets")

    def __init__(self, *args, path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = path
        self.facets = None

    @property
    def path(self) -> Path | None:
        if self._path is not None and not isinstance(self._path, Path):
            self._path = Path(self._path)
        return self._path

    @path.setter
    def path(self, value) -> None:
        self._path = value


# --- ids ---------------------------------------------------------------------------

def new_id() -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


def derived_id(key: str) -> str:
    """A stable id from a key (for records that two clones must create identically)."""
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    chars = []
    for _ in range(ID_LENGTH):
        number, digit = divmod(number, 32)
        chars.append(ID_ALPHABET[digit])
    return "".join(chars)


def is_id(text: str) -> bool:
    return len(text) == ID_LENGTH and all(c in ID_ALPHABET for c in text)


def shortest_prefixes(ids, wanted=None) -> dict[str, str]:
    """Each id's shortest prefix unique among `ids`, at least MIN_PREFIX characters (like git);
    only for the ids in `wanted` when given (a listing shows a few of 100,000: much quicker)."""
    pending = set(ids if wanted is None else wanted)
    if wanted is None:
        pool = set(pending)
    else:
        # only the ids that share a wanted id's first MIN_PREFIX characters can lengthen its
        # prefix: one pass in C keeps those, and the loop below counts a few hundred, not all
        head = itemgetter(slice(0, MIN_PREFIX))
        heads = set(map(head, pending))
        pool = set(compress(ids, map(heads.__contains__, map(head, ids)))) | pending
    result, length = {}, MIN_PREFIX
    while pending:  # a length at a time, looking only at ids that still share a prefix
        head = itemgetter(slice(0, length))  # map(head, ...) slices without a Python call per id
        counts = Counter(map(head, pool))
        unique = set(compress(pending, map((1).__eq__, map(counts.__getitem__, map(head, pending)))))
        result.update(zip(unique, map(head, unique)))
        pending -= unique
        shared = set(map(head, pending))
        pool = set(compress(pool, map(shared.__contains__, map(head, pool))))
        length += 1
    return result


def without_accents(text: str) -> str:
    """'Zoë Ångström' -> 'Zoe Angstrom'; letters of other scripts are kept ('Иван')."""
    if text.isascii():  # the usual case, and 30 times quicker than decomposing
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold(text) -> str:
    """Text as names and searches compare it: case and accents ignored, every run of white
    space one space ('  Zoë\nÅngström' -> 'zoe angstrom')."""
    return without_accents(" ".join(str(text).split()).casefold())


def slugify(name: str) -> str:
    """A file-safe id from a name: 'Jane Doe' -> 'jane-doe'. Never empty, never a path."""
    # accents dropped ('Zoë' -> 'zoe'); letters of other scripts kept ('Иван' -> 'иван')
    slug = re.sub(r"[\W_]+", "-", without_accents(name).lower()).strip("-")  # runs of what is not a letter or digit
    return slug[:60].strip("-") or "x"  # 60: room for unique_id's -2, -3 ... within SLUG_LENGTH


# --- serialisation -----------------------------------------------------------------

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _strip_timestamp_resolver(cls):
    # Times stay the strings they are in the file: exact round trips, no tz surprises.
    cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP_TAG]
        for first, resolvers in cls.yaml_implicit_resolvers.items()
    }
    return cls


@_strip_timestamp_resolver
class RecordLoader(_Loader):
    pass


@_strip_timestamp_resolver
class RecordDumper(_Dumper):
    pass


class _Flow(dict):
    """A mapping written on one line."""


class _FlowList(list):
    """A list written on one line."""


def _represent_str(dumper, text):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


RecordDumper.add_representer(str, _represent_str)
RecordDumper.add_representer(Record, RecordDumper.represent_dict)
RecordDumper.add_representer(
    _Flow, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)
)
RecordDumper.add_representer(
    _FlowList, lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)
)
RecordDumper.add_representer(
    dict, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=False)
)

_FLOW_WIDTH = 100


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _scalar(value) -> bool:
    return not isinstance(value, (dict, list))


def _styled(value):
    """Choose flow style for short lists and maps of scalars, block style otherwise."""
    if isinstance(value, dict):
        styled = {k: _styled(v) for k, v in value.items()}
        if all(_scalar(v) and not (isinstance(v, str) and "\n" in v) for v in value.values()):
            if len(repr(value)) <= _FLOW_WIDTH:
                return _Flow(styled)
        return styled
    if isinstance(value, list):
        styled = [_styled(v) for v in value]
        if all(_scalar(v) for v in value) and len(repr(value)) <= _FLOW_WIDTH:
            return _FlowList(styled)
        return styled
    return value


def ordered(record: dict, keys: tuple[str, ...], nested: dict[str, tuple] = {}) -> dict:
    """The record's non-empty fields in `keys` order, then unknown keys sorted by name."""
    out = {}
    for key in keys:
        value = record.get(key)
        if _is_empty(value) or (key == "personal" and value is False):
            continue
        if key in nested and isinstance(value, list):
            value = [ordered(item, nested[key]) if isinstance(item, dict) else item for item in value]
        out[key] = value
    for key in sorted(k for k in record if k not in keys and isinstance(k, str)):
        if not _is_empty(record[key]):
            out[key] = record[key]
    return out


KEYS_BY_KIND = {
    "interaction": (INTERACTION_KEYS, {"posts": POST_KEYS}),
    "contact": (CONTACT_KEYS, {}),
    "account": (ACCOUNT_KEYS, {"opportunities": OPPORTUNITY_KEYS}),
}


def dump(record: dict, kind: str) -> str:
    """The record's canonical YAML text: fixed key order, block style, no tags."""
    keys, nested = KEYS_BY_KIND[kind]
    document = {k: _styled(v) for k, v in ordered(record, keys, nested).items()}
    return yaml.dump(
        document, Dumper=RecordDumper, sort_keys=False, allow_unicode=True,
        default_flow_style=False, width=1 << 30,
    )


_CONFLICT_MARKER = re.compile(r"^(?:(?:<{7}|\|{7}|>{7})(?: .*)?|={7})\r?$", re.MULTILINE)


def conflict_markers(text: str) -> list[int]:
    """The line numbers (from 1) of git's conflict markers in a file's text."""
    return [text.count("\n", 0, match.start()) + 1 for match in _CONFLICT_MARKER.finditer(text)]


def _parse_problem(text: str | bytes, error: yaml.YAMLError) -> str:
    """Why a file does not parse, said plainly: not UTF-8, a merge conflict, or YAML's reason."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as bad:
            return f"is not UTF-8 text (byte 0x{text[bad.start]:02x} at offset {bad.start})"
    markers = conflict_markers(text)
    if markers:
        return msg.conflict_markers(markers)
    mark = getattr(error, "problem_mark", None)
    where = f" at line {mark.line + 1}" if mark else ""
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return f"does not parse{where}: {problem}"


def load_data(text: str | bytes):
    """Parse a YAML document as records are parsed: safe loader only, no anchors, aliases or
    tags (SPEC §7). Raises ValueError with the reason."""
    try:
        refuse_node_properties(text, RecordLoader)
        return yaml.load(text, Loader=RecordLoader)
    except yaml.YAMLError as error:
        raise ValueError(_parse_problem(text, error)) from None
    except UnicodeDecodeError:
        raise ValueError("is not UTF-8 text") from None


def load(text: str | bytes, path=None) -> Record:
    """Parse one record file (see load_data). Raises ValueError with the reason."""
    data = load_data(text)
    _refuse_conflict_markers(text)
    if not isinstance(data, dict):
        raise ValueError(f"holds {type(data).__name__ if data is not None else 'nothing'}, not a mapping of fields")
    return Record(data, path=path)


def _refuse_conflict_markers(text: str | bytes) -> None:
    """A file left in a merge conflict is no record, even where its text still parses."""
    probe = "=======" if isinstance(text, str) else b"======="
    if probe in text:  # every marker set holds one; a quick test before the line-by-line one
        markers = conflict_markers(text if isinstance(text, str) else text.decode("utf-8", "replace"))
        if markers:
            raise ValueError(msg.conflict_markers(markers))


# --- schema ------------------------------------------------------------------------

_INTERACTION_KEYS = frozenset(INTERACTION_KEYS)
_CONTACT_KEYS, _ACCOUNT_KEYS = frozenset(CONTACT_KEYS), frozenset(ACCOUNT_KEYS)


def _check_str_list(record, key, problems):
    value = record.get(key)
    if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        problems.append(f"'{key}' should be a list of names")


def validate_interaction(record: dict, config: "Config") -> list[str]:
    """Schema problems of an interaction, as short phrases (empty when it is valid)."""
    problems = []
    rid = record.get("id")
    if not (isinstance(rid, str) and is_id(rid)):
        problems.append(f"'id' should be {ID_LENGTH} characters of {ID_ALPHABET}, not {shown(rid)}")
    rtype = record.get("type")
    if not isinstance(rtype, str) or not rtype:
        problems.append("'type' is missing")
    elif rtype not in config.types:
        problems.append(f"type '{rtype}' is not one of the configured types ({', '.join(config.types)})")
    for key in ("when", "created_at", "completed_at"):
        if record.get(key) is not None:
            check_time(record[key], key, problems)
    if record.get("due") is not None:
        check_time(record["due"], "due", problems, date_only=True)
    duration = record.get("duration")
    if duration is not None and (not isinstance(duration, int) or isinstance(duration, bool)):
        problems.append(f"'duration' should be a number of minutes, not {shown(duration)}")
    elif duration is not None and not 0 < duration <= MAX_DURATION:
        problems.append(f"'duration' {duration} should be more than 0 and at most {MAX_DURATION} minutes (366 days)")
    for key in ("contacts", "accounts", "relates_to", "tags", "notify"):
        _check_str_list(record, key, problems)
    for key in ("purpose", "category", "assignee", "created_by", "instructions", "note",
                "outcome", "next_action", "completed_by", "follow_up_of", "generated"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(f"'{key}' should be text, not {shown(value)}")
    ratings = record.get("ratings")
    if ratings is not None:
        if not isinstance(ratings, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 5 for v in ratings.values()
        ):
            problems.append("'ratings' should map names to numbers from 1 to 5")
    posts = record.get("posts")
    if posts is not None:
        check_posts(posts, problems)
    if record.get("personal") not in (None, True, False):
        problems.append("'personal' should be true or false")
    check_free_values(record, _INTERACTION_KEYS, problems)
    return problems


def validate_contact(record: dict) -> list[str]:
    problems = _check_slug_and_name(record)
    _check_str_list(record, "accounts", problems)
    if record.get("fields") is not None and not isinstance(record["fields"], dict):
        problems.append("'fields' should be a mapping")
    check_cadence(record, problems)
    check_free_values(record, _CONTACT_KEYS, problems, keys=("fields",))
    return problems


def _check_slug_and_name(record: dict) -> list[str]:
    problems = []
    rid = record.get("id")
    if not rid:
        problems.append("'id' is missing")
    elif not is_slug(rid):
        problems.append(f"'id' should be a slug like jane-doe (lower-case letters and digits, single - between "
                        f"them, at most {SLUG_LENGTH} characters), not {shown(rid)}")
    if not isinstance(record.get("name"), str) or not record.get("name"):
        problems.append("'name' is missing")
    return problems


def validate_account(record: dict) -> list[str]:
    problems = _check_slug_and_name(record)
    kind = record.get("kind")
    if kind is not None and kind not in ACCOUNT_KINDS:
        problems.append(f"'kind' should be customer or prospect, not {shown(kind)}")
    if record.get("default_contact") is not None and not isinstance(record["default_contact"], str):
        problems.append(f"'default_contact' should be a contact's id, not {shown(record['default_contact'])}")
    opportunities = record.get("opportunities")
    if opportunities is not None and not (
        isinstance(opportunities, list) and all(isinstance(o, dict) and o.get("name") and isinstance(o["name"], str)
                                                for o in opportunities)
    ):
        problems.append("'opportunities' should be a list of {id, name, value, stage}")
    check_cadence(record, problems)
    check_free_values(record, _ACCOUNT_KEYS, problems, keys=("opportunities",))
    return problems


VALIDATORS = {
    "contact": validate_contact,
    "account": validate_account,
}


# --- configuration -----------------------------------------------------------------

class Config:
    """The store's interact.yaml, with defaults for what it leaves out."""

    def __init__(self, data: dict | None = None):
        """ValueError, naming the key and what would work, when a value is wrong (SPEC §7)."""
        data = data or {}
        problems = config_problems(data)
        if problems:
            raise ValueError(problems[0])
        self.data = data
        self.user = data.get("user") or None
        self.user_entries = user_entries(data.get("users"))  # each a user id or {id, name, email, aliases}
        self.users = [entry["id"] for entry in self.user_entries]
        self.timezone = data.get("timezone") or None
        self.types = [str(t) for t in data.get("types") or DEFAULT_TYPES]
        self.purposes = [str(p) for p in data.get("purposes") or []]
        self.categories = [str(c) for c in data.get("categories") or []]
        self.require_category = bool(data.get("require_category", False))
        self.ratings = [str(r) for r in data.get("ratings") or []]
        self.require_account = bool(data.get("require_account", False))
        self.auto_commit = bool(data.get("auto_commit", False))
        self.date_order = data.get("date_order") or None  # dmy | mdy | ymd: how 3/12/2026 is read

    def check_type(self, name: str) -> str:
        if name not in self.types:
            raise msg.unknown_type(name, self.types)
        return name

    def check_category(self, name: str | None) -> str | None:
        if name is None:
            if self.require_category:
                raise msg.category_required(self.categories)
            return None
        if self.categories and name not in self.categories:
            raise msg.unknown_category(name, self.categories)
        return name

    def check_user(self, name: str) -> str:
        if self.users and name not in self.users:
            raise msg.unknown_user(name, self.users)
        return name

    def user_for(self, text: str) -> str | None:
        """The configured user that `text` names (a CRM's owner; see users.user_for)."""
        return user_for(self.user_entries, text)


CONFIG_TEMPLATE = """\
# interact store configuration. See `interact --help`.
version: 1
# user: alice                 # default user for this store (leave unset in a team repo)
# users: [alice, bob]         # when set, assignees must be one of these
# timezone: Europe/London     # times without an offset are read in this zone ($TZ wins)
types: [call, visit, email, meeting, chat, note]   # ordered; add your own
purposes: [renewal, follow-up, enquiry]
# categories: [volunteering, funding, governance]  # for reports
require_category: false       # when true every interaction needs one of `categories`
ratings: [interest, likelihood]   # names of 1-5 ratings a log may carry
require_account: false        # when true every interaction must relate to an account
# auto_commit: true           # writing commands commit the files they change with git (never push)
"""
