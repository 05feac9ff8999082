"""Status, filters, search and the views that read many records: pure functions of records and `now`.

Nothing here knows the command line: a `Filter` is built from parsed options (by the CLI,
or by any other caller), and `select` / `filter_records` apply it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache

from .durations import MAX_CADENCE, parse_duration
from .model import fold
from .periods import month_bounds
from .times import end_of_day, parse_iso

STATUSES = ("open", "missed", "completed")
STATUS_FILTERS = (*STATUSES, "outstanding", "all")

# the text fields that `search` looks in, besides posts, tags, references and names
SEARCHED_FIELDS = ("note", "instructions", "outcome", "next_action", "type", "purpose")


def _aware(value, tz: tzinfo) -> datetime | None:
    moment = parse_iso(value)
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


def deadline(record: dict, tz: tzinfo) -> datetime | None:
    """The end of the `due` day if set, otherwise `when` + `duration`, otherwise None."""
    when = None if record.get("due") else _aware(record.get("when"), tz)  # `due` wins: `when` unread
    return _deadline(record, when, tz)


def _deadline(record: dict, when: datetime | None, tz: tzinfo) -> datetime | None:
    """`deadline` with the record's `when` already read (sort_key needs both)."""
    due = record.get("due")
    if due:
        return _end_of_due_day(due, tz)
    if when is None:
        return None
    duration = record.get("duration")
    return when + _minutes(duration) if duration else when


# A listing meets the same few due days and durations over and over, and making their
# datetime or timedelta is slow (placing a day in the zone; parsing keywords): each is made once.
@lru_cache(maxsize=4096)
def _end_of_due_day(due, tz: tzinfo) -> datetime:
    return end_of_day(datetime.fromisoformat(str(due)).date(), tz)


@lru_cache(maxsize=1024)
def _minutes(count) -> timedelta:
    return timedelta(minutes=count)


def status(record: dict, now: datetime, tz: tzinfo) -> str:
    """completed, missed (its deadline has passed) or open (SPEC §3)."""
    if record.get("completed_at"):
        return "completed"
    limit = deadline(record, tz)
    if limit is None:
        return "open"
    # a due day ends at the first instant of the next; `when + duration` is still in time
    passed = now >= limit if record.get("due") else now > limit
    return "missed" if passed else "open"


def matches_status(state: str, wanted: str) -> bool:
    if wanted == "all":
        return True
    if wanted == "outstanding":
        return state != "completed"
    return state == wanted


def _may_have_status(record: dict, wanted: str) -> bool:
    """False when `record` is certainly not in the `wanted` status filter; decided without dates,
    by `completed_at` alone (which settles all, outstanding and completed; open and missed
    then need the deadline)."""
    if wanted == "all":
        return True
    done = bool(record.get("completed_at"))
    return done if wanted == "completed" else not done


def day_of(record: dict, tz: tzinfo) -> date | None:
    """The local day an interaction falls on: its `when`, else its `due` day, else None."""
    when = _aware(record.get("when"), tz)
    if when is not None:
        return when.astimezone(tz).date()
    due = record.get("due")
    return date.fromisoformat(str(due)) if due else None


def sort_key(record: dict, tz: tzinfo) -> tuple:
    """By deadline, then `when`; records with neither last; then by id, for a stable order."""
    when = _aware(record.get("when"), tz)
    limit = _deadline(record, when, tz)
    if limit is None:
        return (1, 0.0, 0.0, record["id"])
    return (0, limit.timestamp(), when.timestamp() if when else float("inf"), record["id"])


def count_by_status(records, now: datetime, tz: tzinfo) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for record in records:
        counts[status(record, now, tz)] += 1
    return counts


# --- search ------------------------------------------------------------------------

def search_terms(words) -> tuple[str, ...]:
    """The words and phrases to look for, folded (model.fold: `zoe` finds Zoë, phrases match
    across line breaks); an argument holding a space stays one phrase."""
    return tuple(term for term in (fold(word) for word in words) if term)


@dataclass(frozen=True)
class Names:
    """Contact and account names by id, for searching by name."""

    contacts: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)
    # word -> (_Verdicts of contact ids, _Verdicts of account ids)
    _verdicts: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, store) -> "Names":
        return cls({i: str(r.get("name", i)) for i, r in store.contacts().items()},
                   {i: str(r.get("name", i)) for i, r in store.accounts().items()})

    def mention(self, record: dict, word: str) -> bool:
        """Whether `word` (folded) occurs in the name of one of the record's contacts or
        accounts; an id that names nobody stands for itself."""
        by_contact, by_account = self.verdicts(word)
        return (any(map(by_contact.__getitem__, record.get("contacts") or ()))
                or any(map(by_account.__getitem__, record.get("accounts") or ())))

    def verdicts(self, word: str) -> tuple["_Verdicts", "_Verdicts"]:
        """For contact ids and for account ids, whether each mentions `word` (see `mention`),
        as mappings that decide an id when first asked: a search asks for every record."""
        if word not in self._verdicts:  # once a word: there are far fewer names than records
            self._verdicts[word] = tuple(_Verdicts(word, pool) for pool in (self.contacts, self.accounts))
        return self._verdicts[word]


class _Verdicts(dict):
    """id -> whether the name it has in `pool` holds `word` (or the id itself, when it names nobody)."""

    def __init__(self, word: str, pool: dict[str, str]):
        super().__init__((i, word in fold(name)) for i, name in pool.items())
        self.word = word

    def __missing__(self, rid) -> bool:
        verdict = self[rid] = bool(rid) and self.word in fold(rid)
        return verdict


def own_text(record: dict) -> str:
    """What `search` looks in of the record itself, folded, one field a line (so that a
    phrase never spans two fields): `4711` and `case:4711` both find `relates_to: [case:4711]`."""
    parts = [record.get(key) for key in SEARCHED_FIELDS]
    parts += [post.get("text") for post in record.get("posts") or [] if isinstance(post, dict)]
    parts += record.get("tags") or []
    parts += record.get("relates_to") or []
    return "\n".join(fold(part) for part in parts if part)


def facets(record: dict) -> tuple:
    """What the index keeps beside an interaction, so that a search, a filter by person or a
    look for follow-ups tests it without unpickling the record: (own_text, contact ids,
    account ids, the id it follows up)."""
    return (own_text(record), tuple(record.get("contacts") or ()), tuple(record.get("accounts") or ()),
            record.get("follow_up_of"))


def contains_all(record: dict, words: tuple[str, ...], names: Names) -> bool:
    """Whether every word occurs in the record's own text or in the name of one of its people."""
    kept = getattr(record, "facets", None)  # when read through the index with them
    own = kept[0] if kept is not None else own_text(record)
    for word in words:  # a loop, not all() over a generator: search runs this for every record
        if word not in own and not names.mention(record, word):
            return False
    return True


# --- filters -----------------------------------------------------------------------

@dataclass(frozen=True)
class Filter:
    """Which interactions to take; every field left at its default lets everything through.

    Dates are inclusive local days, compared with the record's `when`, else its `due`.
    `tags` and `relates` (folded) must all be present; `types` are alternatives; `words` must
    all occur (see `contains_all`). `limit` is applied by `select`, after sorting.
    """

    status: str = "all"
    assignee: str | None = None      # None: everyone
    contact: str | None = None       # a contact id
    account: str | None = None       # an account id
    types: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    purpose: str | None = None
    start: date | None = None
    end: date | None = None
    generated: bool = False
    relates: tuple[str, ...] = ()    # folded references, e.g. case:4711
    words: tuple[str, ...] = ()      # from search_terms()
    limit: int | None = None

    def matches(self, record: dict, now: datetime, tz: tzinfo, names: Names | None = None) -> bool:
        if self.assignee is not None and record.get("assignee") != self.assignee:
            return False
        if self.contact is not None and self.contact not in (record.get("contacts") or ()):
            return False
        if self.account is not None and self.account not in (record.get("accounts") or ()):
            return False
        if self.types and record.get("type") not in self.types:
            return False
        if self.tags and not set(self.tags) <= set(record.get("tags") or ()):
            return False
        if self.purpose is not None and fold(record.get("purpose") or "") != fold(self.purpose):
            return False
        if self.generated and not record.get("generated"):
            return False
        if self.relates and not set(self.relates) <= {fold(ref) for ref in record.get("relates_to") or ()}:
            return False
        # cheapest first: whether it is completed needs no date; the words are folded already
        if not _may_have_status(record, self.status):
            return False
        if self.words and not contains_all(record, self.words, names or Names()):
            return False
        if self.start is not None or self.end is not None:
            day = day_of(record, tz)
            if day is None or (self.start and day < self.start) or (self.end and day > self.end):
                return False
        return self.status not in ("open", "missed") or matches_status(status(record, now, tz), self.status)


def filter_records(records, flt: Filter, now: datetime, tz: tzinfo, names: Names | None = None) -> list:
    """The records that `flt` lets through, sorted, at most `flt.limit` of them: by deadline
    (sort_key), or, when only completed ones are wanted, newest first, as `history` is."""
    chosen = [r for r in records if flt.matches(r, now, tz, names)]
    if flt.status == "completed":
        chosen.sort(key=lambda r: (completed_moment(r, tz), r["id"]), reverse=True)
    else:
        chosen.sort(key=lambda r: sort_key(r, tz))
    return chosen[: flt.limit] if flt.limit is not None else chosen


def select(store, flt: Filter, now: datetime, tz: tzinfo) -> list:
    """The store's interactions that `flt` lets through, sorted, limited. A search asks the
    full-text index for the records that may hold its words, when there is one."""
    names = Names.of(store) if flt.words else None
    if flt.words:
        from .fulltext import searched

        found = searched(store, flt, now, tz, names)
        if found is not None:
            return found
    return filter_records(store.interactions(narrowing(flt, names)), flt, now, tz, names)


def narrowing(flt: Filter, names: Names | None = None):
    """What the store's index may leave out for `flt` (index.Narrowing): a looser test,
    decided by the assignee, whether it is completed, and the facets; `flt` still decides."""
    from .index import Narrowing

    done = {"completed": True, "open": False, "missed": False, "outstanding": False}.get(flt.status)
    choose = None
    if flt.words or flt.relates or flt.contact is not None or flt.account is not None:
        names = names or Names()

        def choose(kept: list[tuple]) -> list[int]:  # kept: facets()
            chosen = range(len(kept))
            if flt.contact is not None:
                chosen = [i for i in chosen if flt.contact in kept[i][1]]
            if flt.account is not None:
                chosen = [i for i in chosen if flt.account in kept[i][2]]
            for ref in flt.relates:  # the references are in the folded text: a looser test
                chosen = [i for i in chosen if ref in kept[i][0]]
            for word in flt.words:
                by_contact, by_account = names.verdicts(word)
                chosen = [i for i in chosen if word in kept[i][0] or any(map(by_contact.__getitem__, kept[i][1]))
                          or any(map(by_account.__getitem__, kept[i][2]))]
            return list(chosen)
    return Narrowing(owner=flt.assignee, done=done, choose=choose)


def follow_ups(store, rid: str) -> list[str]:
    """The ids of the interactions that follow `rid` up, sorted: asked of the index, else found
    among the facets of every record."""
    from .index import Narrowing

    known = store.following(rid)
    if known is not None:
        return known
    records = store.interactions(Narrowing(choose=lambda kept: [i for i, k in enumerate(kept) if k[3] == rid]))
    return sorted(r["id"] for r in records if r.get("follow_up_of") == rid)


# --- the day, the month, the history -----------------------------------------------

@dataclass
class Day:
    """`interact today`: what falls on the day, what was missed before it, what comes next."""

    day: date
    today: list
    missed: list
    next: dict | None


def day_summary(records, day: date, now: datetime, tz: tzinfo, assignee: str | None = None) -> Day:
    mine = Filter(assignee=assignee)
    today = filter_records(records, Filter(assignee=assignee, start=day, end=day), now, tz)
    on_day = {r["id"] for r in today}
    missed = [r for r in filter_records(records, Filter(status="missed", assignee=assignee), now, tz)
              if r["id"] not in on_day]
    coming = [(when, r["id"], r) for r in records if mine.matches(r, now, tz) and not r.get("completed_at")
              and (when := _aware(r.get("when"), tz)) is not None and when > now]
    upcoming = min(coming, key=lambda item: item[:2], default=(None, None, None))[2]
    return Day(day, today, missed, upcoming)


def month_marks(records, year: int, month: int, now: datetime, tz: tzinfo,
                assignee: str | None = None) -> dict[date, dict[str, int]]:
    """For each day of the month with outstanding interactions: how many are missed and open."""
    first, last = month_bounds(date(year, month, 1))
    flt = Filter(status="outstanding", assignee=assignee, start=first, end=last)
    marks: dict[date, dict[str, int]] = {}
    for record in filter_records(records, flt, now, tz):
        counts = marks.setdefault(day_of(record, tz), {"missed": 0, "open": 0})
        counts[status(record, now, tz)] += 1
    return marks


def completed_moment(record: dict, tz: tzinfo) -> datetime | None:
    """When a completed interaction took place, as far as we know: `completed_at`, else `when`."""
    return _aware(record.get("completed_at") or record.get("when"), tz)


def history(records, now: datetime, tz: tzinfo, contact: str | None = None, account: str | None = None) -> list:
    """Completed interactions with a contact or an account, newest first."""
    return filter_records(records, Filter(status="completed", contact=contact, account=account), now, tz)


# --- stale contacts and accounts ---------------------------------------------------

@dataclass
class Stale:
    kind: str                    # contact | account
    record: dict
    last: datetime | None        # the last completed interaction; None: never contacted
    cadence: str                 # as written (the record's cadence, or --older-than)
    overdue: timedelta | None    # how long past the cadence; None when never contacted


def last_contacts(records, tz: tzinfo) -> tuple[dict[str, datetime], dict[str, datetime]]:
    """The latest completed interaction with each contact id and each account id."""
    contacts: dict[str, datetime] = {}
    accounts: dict[str, datetime] = {}
    for record in records:
        if not record.get("completed_at"):
            continue
        moment = completed_moment(record, tz)
        for latest, ids in ((contacts, record.get("contacts")), (accounts, record.get("accounts"))):
            for rid in ids or ():
                if rid not in latest or moment > latest[rid]:
                    latest[rid] = moment
    return contacts, accounts


def stale(store, now: datetime, tz: tzinfo, older_than: str | None = None) -> list[Stale]:
    """Contacts and accounts not contacted within their cadence (or `older_than`, for all of them).

    Never-contacted ones come first (by name), then the most overdue. (A file whose cadence
    does not parse is invalid: the store skipped it with a warning.)
    """
    everyone = timedelta(minutes=parse_duration(older_than, longest=MAX_CADENCE)) if older_than is not None else None
    last_contact, last_account = last_contacts(store.interactions(), tz)
    found = []
    for kind, pool, latest in (("contact", store.contacts(), last_contact),
                               ("account", store.accounts(), last_account)):
        for rid, record in pool.items():
            cadence = older_than or record.get("cadence")
            if not cadence:
                continue
            limit = everyone if everyone is not None else timedelta(
                minutes=parse_duration(str(cadence), longest=MAX_CADENCE))
            last = latest.get(rid)
            if last is None:
                found.append(Stale(kind, record, None, str(cadence), None))
            elif now - last > limit:
                found.append(Stale(kind, record, last, str(cadence), now - last - limit))
    return sorted(found, key=lambda s: (s.last is not None, -(s.overdue or timedelta()),
                                        str(s.record.get("name", "")).casefold(), s.kind, s.record["id"]))
