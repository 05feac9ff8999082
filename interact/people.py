"""Contacts and accounts: matching a reference, and adding or changing them."""

from __future__ import annotations

import functools
import re

from . import messages as msg
from .model import Record, fold, slugify
from .store import Store

_PHONE_LIKE = re.compile(r"^[\d\s()+.\-]{5,}$")


def _digits(text) -> str:
    return re.sub(r"\D", "", str(text or ""))


def _rules(ref: str):
    """The matching rules of SPEC §2, strictest first: each a test of one record. Names
    match ignoring accents too (SPEC §9: `zoe` finds Zoë), after an exact match with them."""
    lower, folded = ref.casefold(), fold(ref)
    yield lambda r: r.get("id") == ref
    yield lambda r: str(r.get("name", "")).casefold() == lower
    yield lambda r: fold(r.get("name", "")) == folded
    yield lambda r: str(r.get("email") or "").casefold() == lower
    if _PHONE_LIKE.match(ref):
        digits = _digits(ref)
        yield lambda r: r.get("phone") and _digits(r["phone"]) == digits
    yield lambda r: folded in fold(r.get("name", ""))


def lookup(store: Store, ref: str, kinds=("contact", "account"), loose: bool = True) -> tuple[str, Record] | None:
    """The one (kind, record) that `ref` names, trying `kinds` in order of preference; None if none.

    A stricter rule that matches wins over a looser one; within one rule, matches of
    the preferred kind win. Several matches are a user error. `loose=False` leaves out
    the last rule (a part of the name), for imports, where a guess would go unseen.
    A reference that is empty or only white space names nobody.
    """
    if not ref.strip():
        return None
    for kind in kinds:  # the first rule, exact id, by reading the one file named after it
        record = store.record_by_id(kind, ref.strip())
        if record is not None:
            return kind, record
    pools = {kind: (store.contacts() if kind == "contact" else store.accounts()) for kind in kinds}
    rules = list(_rules(ref.strip()))
    for rule in rules if loose else rules[:-1]:
        for kind in kinds:
            hits = [r for r in pools[kind].values() if rule(r)]
            if len(hits) == 1:
                return kind, hits[0]
            if hits:
                raise msg.ambiguous_ref(ref, [candidate(r) for r in sorted(hits, key=lambda r: r["id"])],
                                        same_name=len({fold(r.get("name", "")) for r in hits}) == 1)
    return None


def candidate(record: Record) -> str:
    """A record as a candidate on an error's lines: id, name and, to tell namesakes apart, email."""
    email = record.get("email")
    return f"{record['id']}  {record.get('name', '')}" + (f"  <{email}>" if email else "")


def resolve(store: Store, ref: str, kinds=("contact", "account")) -> tuple[str, Record]:
    """The one (kind, record) that `ref` names (see `lookup`); no match is a user error."""
    if not ref.strip():
        raise msg.empty_ref(kinds)
    found = lookup(store, ref, kinds)
    if found is not None:
        return found
    pools = {kind: (store.contacts() if kind == "contact" else store.accounts()) for kind in kinds}
    names = [r.get("name", "") for kind in kinds for r in pools[kind].values()]
    import difflib  # only for a name not found: 5 ms that every other run is spared

    close = difflib.get_close_matches(ref, names, n=5, cutoff=0.5)
    raise msg.no_match(ref, kinds, close)


def sole_accounts(contacts) -> list[str]:
    """The accounts an interaction with these people gets when none is named (SPEC §2):
    each person's account, for each person who has exactly one."""
    accounts = []
    for contact in contacts:
        own = contact.get("accounts") or []
        if len(own) == 1 and own[0] not in accounts:
            accounts.append(own[0])
    return accounts


def contact_of_account(store: Store, account: Record) -> Record:
    """An account's default contact, else the first contact (by id) whose accounts hold it."""
    contacts = store.contacts()
    default = account.get("default_contact")
    if default in contacts:
        return contacts[default]
    for cid in sorted(contacts):
        if account["id"] in (contacts[cid].get("accounts") or []):
            return contacts[cid]
    raise msg.account_without_contact(account)


def person(store: Store, ref: str) -> tuple[Record, Record | None]:
    """The contact `ref` names (an account means its contact), and the account if named."""
    kind, record = resolve(store, ref, ("contact", "account"))
    if kind == "account":
        return contact_of_account(store, record), record
    return record, None


def account(store: Store, ref: str) -> Record:
    return resolve(store, ref, ("account",))[1]


def unique_id(store: Store, kind: str, name: str, taken=frozenset()) -> str:
    """A slug of the name that no record of that kind (nor any id in `taken`) has."""
    existing = store.contacts() if kind == "contact" else store.accounts()
    base = slugify(name)
    rid, n = base, 1
    while rid in existing or rid in taken or (store.dir(kind) / f"{rid}.yaml").exists():
        n += 1
        rid = f"{base}-{n}"
    return rid


def _locked(change):
    """Run `change(store, ...)` under the store's lock (SPEC §7, No lost update): what it reads
    again and writes back, no other writer changes between."""
    @functools.wraps(change)
    def locked(store: Store, *args, **kwargs):
        with store.lock():
            return change(store, *args, **kwargs)

    return locked


def create(store: Store, kind: str, fields: dict, duplicate: bool = False) -> Record:
    """Add a contact or account with a fresh slug id; never replaces an existing file. Under
    the store's lock, so that two adds of one name at once cannot both pass `unsaved`'s check."""
    with store.lock():
        return save_new(store, kind, unsaved(store, kind, fields, duplicate))


def unsaved(store: Store, kind: str, fields: dict, duplicate: bool = False) -> Record:
    """A new contact or account with a fresh slug id, not written yet (see save_new). One with
    the name (ignoring case and accents) or the email of a record already there is refused,
    unless `duplicate` (SPEC §9: no silent duplicates)."""
    if not duplicate:
        same = namesakes(store, kind, fields["name"], fields.get("email"))
        if same:
            by_name = any(fold(r.get("name", "")) == fold(fields["name"]) for r in same)
            like = {"name": fields["name"]} if by_name else {"email": fields["email"]}
            raise msg.already_exists(kind, [candidate(r) for r in same], **like)
    return Record({"id": unique_id(store, kind, fields["name"]), **fields})


def namesakes(store: Store, kind: str, name: str, email: str | None = None) -> list[Record]:
    """The contacts or accounts with this name (ignoring case and accents) or this email."""
    pool = store.contacts() if kind == "contact" else store.accounts()
    folded, mail = fold(name), (email or "").strip().casefold()
    return [r for r in pool.values()
            if fold(r.get("name", "")) == folded or (mail and str(r.get("email") or "").strip().casefold() == mail)]


def save_new(store: Store, kind: str, record: Record) -> Record:
    """Write a new contact or account, never replacing a file: when another writer took its
    slug a moment ago, under a fresh one. Returns the record written."""
    while True:
        try:
            store.save(record, kind, new=True)
            return record
        except FileExistsError:
            record = Record({**record, "id": unique_id(store, kind, record["name"])})


def parse_pairs(pairs, what: str) -> dict[str, str]:
    """['country=India', ...] -> {'country': 'India'}; a pair without '=' is a user error."""
    result = {}
    for pair in pairs or ():
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise msg.bad_pair(pair, what)
        result[name.strip()] = value.strip()
    return result


def set_fields(store: Store, contact: Record, pairs: dict[str, str]) -> None:
    """Store extra information on a contact (`--set country=India`); an empty value removes.
    Under the lock, on the contact as its file holds it now: no other writer's field is lost."""
    if pairs:
        with store.lock():
            fresh = store.reread(contact, "contact")
            change_fields(fresh, pairs)
            store.save(fresh, "contact")
        contact.clear()  # the caller's record, as written
        contact.update(fresh)


def change_fields(contact: Record, pairs: dict[str, str]) -> None:
    fields = dict(contact.get("fields") or {})
    for name, value in pairs.items():
        if value:
            fields[name] = value
        else:
            fields.pop(name, None)
    contact["fields"] = fields


def _name(kind: str, text: str) -> str:
    """A record's name, trimmed; an empty one is a user error."""
    if not text.strip():
        raise msg.empty_name(kind)
    return text.strip()


def opportunities(pairs: dict[str, str]) -> list[dict]:
    """--opportunity 'Renewal 2027=12000' -> an open opportunity."""
    result = []
    for name, value in pairs.items():
        try:
            amount = float(value.replace(",", "")) if value else 0
        except ValueError:
            raise msg.bad_opportunity(name, value) from None
        result.append({"id": slugify(name), "name": name, "value": int(amount) if amount.is_integer() else amount,
                       "stage": "open"})
    return result


def display_name(store: Store, kind: str, rid: str) -> str:
    pool = store.contacts() if kind == "contact" else store.accounts()
    record = pool.get(rid)
    return record.get("name", rid) if record else rid


def _cadence(text: str | None) -> str | None:
    """A cadence as the user wrote it (`30d` stays `30d`), once it is known to read as a duration
    within the cadence's range (an empty one is refused by parse_duration, never taken for none)."""
    if text is None:
        return None
    from .durations import MAX_CADENCE, parse_duration

    parse_duration(text, longest=MAX_CADENCE, positive=True)
    return text.strip()


def add_contact(store: Store, name: str, *, email=None, phone=None, account_refs=(), sets=None,
                cadence=None, duplicate: bool = False) -> Record:
    fields = {
        "name": _name("contact", name), "email": email, "phone": phone,
        "accounts": [account(store, ref)["id"] for ref in account_refs],
        "fields": {k: v for k, v in (sets or {}).items() if v}, "cadence": _cadence(cadence),
    }
    return create(store, "contact", fields, duplicate)


@_locked
def edit_contact(store: Store, ref: str, *, name=None, email=None, phone=None, account_refs=(), sets=None,
                 cadence=None) -> Record:
    contact = store.reread(resolve(store, ref, ("contact",))[1], "contact")  # as its file holds it now
    if name is not None:
        contact["name"] = _name("contact", name)
    if email is not None:
        contact["email"] = email
    if phone is not None:
        contact["phone"] = phone
    if cadence is not None:
        contact["cadence"] = _cadence(cadence)
    new_accounts = [account(store, r)["id"] for r in account_refs]
    contact["accounts"] = list(dict.fromkeys([*(contact.get("accounts") or []), *new_accounts]))
    change_fields(contact, sets or {})
    store.save(contact, "contact")
    return contact


def _kind(kind):
    from .model import ACCOUNT_KINDS

    if kind is not None and kind not in ACCOUNT_KINDS:
        raise msg.bad_kind(kind)
    return kind


def add_account(store: Store, name: str, *, kind=None, town=None, postcode=None, default_contact=None,
                opportunity_pairs=None, cadence=None, duplicate: bool = False) -> Record:
    fields = {
        "name": _name("account", name), "kind": _kind(kind), "town": town, "postcode": postcode,
        "default_contact": person(store, default_contact)[0]["id"] if default_contact else None,
        "opportunities": opportunities(opportunity_pairs or {}), "cadence": _cadence(cadence),
    }
    return create(store, "account", fields, duplicate)


@_locked
def edit_account(store: Store, ref: str, *, name=None, kind=None, town=None, postcode=None, default_contact=None,
                 opportunity_pairs=None, cadence=None, won=(), lost=(), now=None) -> Record:
    """Change an account; `won` and `lost` name opportunities to close (at `now`)."""
    record = store.reread(account(store, ref), "account")  # as its file holds it now
    changes = {"name": _name("account", name) if name is not None else None, "kind": _kind(kind), "town": town, "postcode": postcode,
               "cadence": _cadence(cadence) if cadence is not None else None}
    if default_contact is not None:
        changes["default_contact"] = person(store, default_contact)[0]["id"]
    record.update({k: v for k, v in changes.items() if v is not None})
    _revalue(record, opportunities(opportunity_pairs or {}))
    for stage, refs in (("won", won), ("lost", lost)):
        for opportunity_ref in refs:
            _close(record, opportunity_ref, stage, now)
    store.save(record, "account")
    return record


# --- opportunities: open, then won or lost (SPEC §9) ---------------------------------

def _revalue(record: Record, added: list[dict]) -> None:
    """Add open opportunities; one with the id of an existing one gives it the new name and
    value, and keeps its stage (a won deal's value may be corrected without reopening it)."""
    current = [dict(o) for o in record.get("opportunities") or [] if isinstance(o, dict)]
    for new in added:
        same = next((o for o in current if o.get("id") == new["id"]), None)
        if same is None:
            current.append(new)
        else:
            same.update(name=new["name"], value=new["value"])
    if added:
        record["opportunities"] = current


def find_opportunity(account_record: Record, ref: str) -> dict:
    """The account's opportunity whose id is `ref`, or whose name is (ignoring case and accents)."""
    found = [o for o in account_record.get("opportunities") or [] if names_opportunity(o, ref)]
    if len(found) != 1:
        raise msg.unknown_opportunity(ref, account_record["id"], opportunity_lines([account_record]))
    return found[0]


def names_opportunity(opportunity, ref: str) -> bool:
    """Whether `ref` is the opportunity's id, or its name ignoring case and accents."""
    return isinstance(opportunity, dict) and (opportunity.get("id") == ref.strip()
                                              or fold(opportunity.get("name", "")) == fold(ref))


def opportunity_id(opportunity: dict) -> str:
    """The id an opportunity is referred to by (`opportunity:ID`): its own, else its name's slug."""
    return str(opportunity.get("id") or slugify(opportunity.get("name", "")))


def _close(record: Record, ref: str, stage: str, now) -> None:
    from .times import isoformat

    opportunity = find_opportunity(record, ref)
    if opportunity.get("stage") != stage:
        opportunity.update(stage=stage, closed_at=isoformat(now))


def opportunity_lines(accounts, with_account: bool = False) -> list[str]:
    """Each opportunity of these accounts, one a line: 'renewal-2027  Renewal 2027: 12,000, open'
    (then ' (acme-ltd)', its account, `with_account`)."""
    lines = []
    for record in accounts:
        for o in record.get("opportunities") or []:
            if isinstance(o, dict):
                where = f" ({record['id']})" if with_account else ""
                lines.append(f"{o.get('id', '')}  {o.get('name', '')}: {describe_opportunity(o)}{where}")
    return lines


def describe_opportunity(opportunity: dict) -> str:
    """Its value and stage: '12,000, open', '3,000, won 2026-11-20'."""
    value = opportunity.get("value")
    amount = f"{value:,}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value or 0)
    stage = str(opportunity.get("stage") or "open")
    closed = str(opportunity.get("closed_at") or "")[:10]
    return f"{amount}, {stage}" + (f" {closed}" if closed and stage != "open" else "")


def known_opportunity(store: Store, ref: str, account_ids) -> str:
    """The id of the opportunity `ref` names (its id, or its name ignoring case and accents),
    looked for in the accounts `account_ids` first, then in every account; none is a user
    error listing those of `account_ids` (or of every account, when it has none)."""
    accounts = store.accounts()
    own = [accounts[rid] for rid in account_ids if rid in accounts]
    for pool in (own, list(accounts.values())):
        for record in pool:
            for o in record.get("opportunities") or []:
                if names_opportunity(o, ref):
                    return opportunity_id(o)
    shown = own if any(r.get("opportunities") for r in own) else list(accounts.values())
    raise msg.unknown_opportunity(ref, None, opportunity_lines(shown, with_account=True))
