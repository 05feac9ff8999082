"""generate: plan a day of calls from the contact base (SPEC §6).

Everything here is a function of the store and a `Request` whose clock- and
user-dependent defaults (the date, the assignee) the caller has already resolved:
two clones that run the same request on the same records plan byte-identical
interactions, with ids derived from the batch key and the account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from . import messages as msg
from .errors import UserError
from .model import Record, derived_id
from .people import contact_of_account
from .query import last_contacts
from .store import Store
from .times import at_time, end_of_day, isoformat, parse_iso, start_of_day

KINDS = {"prospects": "prospect", "customers": "customer"}  # --for -> an account's `kind`
CREATED_BY = "generate"


@dataclass(frozen=True)
class Request:
    """What to plan, every default already resolved."""

    kind: str                           # prospects | customers
    day: date
    assignee: str
    start: time = time(9, 0)
    count: int = 8
    duration: int = 30                  # minutes
    gap: int = 0                        # minutes between slots
    type: str = "call"
    note: str | None = None             # the interactions' instructions
    category: str | None = None
    exclude_within: int | None = None   # minutes: leave out accounts contacted this recently
    town: str | None = None
    postcode: str | None = None         # a prefix, case- and space-insensitive
    min_value: float | None = None
    max_value: float | None = None
    opportunities: bool = True          # False: --no-opportunities

    @property
    def batch_key(self) -> str:
        return f"{self.day.isoformat()}/{self.kind}"


@dataclass
class Plan:
    """The interactions a request adds, and what a caller needs to report on them."""

    request: Request
    records: list[Record]               # new interactions, in slot order
    qualifying: int = 0                 # accounts that passed every filter
    in_batch: int = 0                   # the assignee's interactions already in the batch
    no_contact: list[str] = field(default_factory=list)   # accounts left out: nobody to call
    out_of_slots: bool = False          # the day had no free slot for another one


# --- reading the store once -------------------------------------------------------

@dataclass
class _Day:
    """What the store's interactions say about the accounts and the day being planned."""

    last_contact: dict[str, datetime]                                  # account -> latest completed_at
    planned_accounts: set[str] = field(default_factory=set)           # already planned that day
    busy: list[tuple[datetime, datetime]] = field(default_factory=list)   # the assignee's spans that day
    in_batch: int = 0


def _survey(interactions: list[Record], request: Request, tz: tzinfo) -> _Day:
    """What the store's valid interactions (their times all carry an offset) say about the day."""
    day = _Day(last_contact=last_contacts(interactions, tz)[1])
    key = request.batch_key
    for record in interactions:
        accounts = record.get("accounts") or []
        if record.get("generated") == key:
            day.planned_accounts.update(accounts)
            day.in_batch += record.get("assignee") == request.assignee
        begin = None if record.get("completed_at") else parse_iso(record.get("when"))
        if begin is not None and begin.astimezone(tz).date() == request.day:
            day.planned_accounts.update(accounts)
            if record.get("assignee") == request.assignee:
                day.busy.append((begin, begin + timedelta(minutes=record.get("duration") or 0)))
    return day


# --- choosing accounts ------------------------------------------------------------

def _number(value) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return 0.0


def _open_values(account: dict, low: float | None, high: float | None) -> list[float]:
    """The values of the account's open opportunities within [low, high]."""
    values = []
    for opportunity in account.get("opportunities") or []:
        if not isinstance(opportunity, dict) or str(opportunity.get("stage", "")).strip().lower() != "open":
            continue
        value = _number(opportunity.get("value"))
        if (low is None or value >= low) and (high is None or value <= high):
            values.append(value)
    return values


def _postcode_key(text) -> str:
    return "".join(str(text or "").split()).upper()


def _qualifying(accounts: dict[str, Record], request: Request, day: _Day, tz: tzinfo):
    """The accounts that pass every filter, and the funnel: (stage, accounts left, detail) each.

    Raises, naming the funnel up to the stage that left none.
    """
    pool = [a for a in accounts.values() if a.get("kind") == KINDS[request.kind]]
    funnel = [("kind", len(pool), request.kind)]

    def narrow(stage, keep, detail):
        nonlocal pool
        if pool:
            pool = [a for a in pool if keep(a)]
            funnel.append((stage, len(pool), detail))

    if request.town is not None:
        town = request.town.strip().casefold()
        narrow("town", lambda a: str(a.get("town") or "").strip().casefold() == town, request.town)
    if request.postcode is not None:
        prefix = _postcode_key(request.postcode)
        narrow("postcode", lambda a: _postcode_key(a.get("postcode")).startswith(prefix), request.postcode)
    if request.opportunities:
        narrow("value", lambda a: bool(_open_values(a, request.min_value, request.max_value)),
               (request.min_value, request.max_value))
    if request.exclude_within is not None:
        cutoff = start_of_day(request.day, tz) - timedelta(minutes=request.exclude_within)
        narrow("contacted", lambda a: not (a["id"] in day.last_contact and day.last_contact[a["id"]] >= cutoff),
               (request.exclude_within, request.day))
    if not pool:
        raise msg.nothing_qualifies(funnel)
    return pool, funnel


def _order(pool: list[Record], request: Request, day: _Day) -> list[Record]:
    """Never contacted first, then least recently contacted, then largest open opportunity, then name."""
    low, high = (request.min_value, request.max_value) if request.opportunities else (None, None)

    def key(account):
        last = day.last_contact.get(account["id"])
        contacted = (0, 0.0) if last is None else (1, last.timestamp())
        largest = max(_open_values(account, low, high), default=0.0)
        return (*contacted, -largest, str(account.get("name") or "").casefold(), account["id"])

    return sorted(pool, key=key)


# --- slots ------------------------------------------------------------------------

def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    """Half-open spans [start, end) overlap; a zero-length span is an instant."""
    return a_start <= b_start < a_end or b_start <= a_start < b_end or a_start == b_start


def free_slots(request: Request, busy: list[tuple[datetime, datetime]], tz: tzinfo):
    """Slot starts from --start, stepping by duration + gap, that end by midnight and overlap nothing busy."""
    length = timedelta(minutes=request.duration)
    step = timedelta(minutes=request.duration + request.gap)
    # step in UTC: elapsed time, right across a change of clocks
    slot = at_time(request.day, request.start, tz).astimezone(timezone.utc)
    last_end = end_of_day(request.day, tz)
    while slot + length <= last_end:
        if not any(_overlaps(slot, slot + length, start, end) for start, end in busy):
            yield slot.astimezone(tz)
        slot += step


# --- the plan ---------------------------------------------------------------------

def check(store: Store, request: Request) -> None:
    """Refuse what no plan can satisfy, before anything is read."""
    config = store.config
    config.check_type(request.type)
    config.check_category(request.category)
    config.check_user(request.assignee)
    if request.duration + request.gap <= 0:
        raise msg.slots_do_not_move()
    if not request.opportunities and (request.min_value is not None or request.max_value is not None):
        raise msg.values_without_opportunities()


def interaction(request: Request, account: Record, contact: Record, slot: datetime) -> Record:
    """A generated interaction: a function of the request, the account, its contact and the slot."""
    return Record({
        "id": derived_id(f"{request.batch_key}/{account['id']}"),
        "type": request.type,
        "category": request.category,
        "when": isoformat(slot),
        "duration": request.duration or None,  # an instant has none (a stored duration is more than 0)
        "contacts": [contact["id"]],
        "accounts": [account["id"]],
        "assignee": request.assignee,
        "created_by": CREATED_BY,
        "instructions": request.note,
        "generated": request.batch_key,
    })


def _contact(store: Store, account: Record) -> Record | None:
    try:
        return contact_of_account(store, account)
    except UserError:
        return None


def plan(store: Store, request: Request, tz: tzinfo) -> Plan:
    """The interactions that top the assignee's share of the day's batch up to `count`.

    Reads the interactions once, through `store.interactions()`. Raises a UserError
    naming the filter that left no account at all.
    """
    check(store, request)
    day = _survey(store.interactions(), request, tz)
    pool, funnel = _qualifying(store.accounts(), request, day, tz)
    candidates = _order(pool, request, day)
    result = Plan(request, [], qualifying=len(candidates), in_batch=day.in_batch)
    wanted = request.count - day.in_batch
    slots = free_slots(request, day.busy, tz)
    for account in candidates:
        if len(result.records) >= wanted:
            break
        if account["id"] in day.planned_accounts:
            continue
        contact = _contact(store, account)
        if contact is None:
            result.no_contact.append(account["id"])
            continue
        slot = next(slots, None)
        if slot is None:
            result.out_of_slots = True
            break
        result.records.append(interaction(request, account, contact, slot))
    if len(result.no_contact) == len(candidates):  # none planned already, and nobody to call at any
        raise msg.nothing_qualifies([*funnel, ("contact", 0, None)])
    return result
