"""`contact import FILE.vcf`: address-book cards into contacts, updated in place when imported again.

A card becomes a contact: its name; its preferred email and phone (else the first) as
`email` and `phone`, every other one in `fields` (`email-work`, `phone-cell-2`...); its
title in `fields.title`; its UID in `fields.vcard_uid`; its organisation as an account,
when the store has one of that name (or `create_missing` adds it). A card is matched to
a contact by its UID, else by email, else by name (ignoring case and accents), so a
second import updates instead of duplicating. Only a contact whose record would change
is written: importing the same file twice leaves the store byte-identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import messages as msg
from . import people
from .errors import UserError
from .model import Record, dump
from .store import Store
from .text import fold
from .vcard import Address, Card, preferred

UID_FIELD = "vcard_uid"


@dataclass
class ContactPlan:
    new: list[Record] = field(default_factory=list)               # contacts to create
    changed: list[Record] = field(default_factory=list)           # existing contacts, updated
    same: list[str] = field(default_factory=list)                 # ids the cards leave as they are
    new_accounts: list[Record] = field(default_factory=list)      # organisations to create
    unlinked: list[tuple[str, str]] = field(default_factory=list)  # (contact id, organisation) not in the store
    bad: list[tuple[str, str]] = field(default_factory=list)      # (where, why)


def _extra(addresses: list[Address], kind: str, chosen: Address | None) -> dict[str, str]:
    """The addresses other than the chosen one, keyed email-work, phone-cell, phone-2..."""
    extra: dict[str, str] = {}
    for number, address in enumerate(addresses, start=1):
        if address is chosen or (chosen and address.value == chosen.value) or address.value in extra.values():
            continue
        base = f"{kind}-{address.label}" if address.label else f"{kind}-{number}"
        key, n = base, 1
        while key in extra:
            n += 1
            key = f"{base}-{n}"
        extra[key] = address.value
    return extra


class _Planner:
    def __init__(self, store: Store, create_missing: bool):
        self.store, self.create_missing = store, create_missing
        self.plan = ContactPlan()
        self.contacts = dict(store.contacts())   # id -> record, with this import's new ones
        self.uids: dict[str, str] = {}            # UID -> the card (where) that has it, within the file
        self.written: dict[str, str] = {}         # contact id -> the card (where) that writes it
        self.taken: set[str] = set()              # ids given to new contacts and accounts

    def match(self, card: Card, email: str | None) -> Record | None:
        """The contact the card is: by UID, else email, else name (a contact that has another
        card's UID is not this one); several by one rule: refused."""
        def uid_of(record):
            return (record.get("fields") or {}).get(UID_FIELD)

        rules = [lambda r: card.uid and uid_of(r) == card.uid,
                 lambda r: email and str(r.get("email") or "").casefold() == email.casefold(),
                 lambda r: fold(r.get("name") or "") == fold(card.name)]
        candidates = [r for r in self.contacts.values() if not (card.uid and uid_of(r) and uid_of(r) != card.uid)]
        for rule in rules:
            hits = [record for record in candidates if rule(record)]
            if len(hits) > 1:
                raise msg.card_matches_several([people.candidate(r) for r in sorted(hits, key=lambda r: r["id"])])
            if hits:
                return hits[0]
        return None

    def account(self, org: str) -> str | None:
        """The id of the organisation's account; planned with create_missing, else None."""
        found = people.lookup(self.store, org, ("account",), loose=False)
        if found is not None:
            return found[1]["id"]
        planned = next((a for a in self.plan.new_accounts if a["name"].casefold() == org.casefold()), None)
        if planned is None and self.create_missing:
            planned = Record({"id": people.unique_id(self.store, "account", org, self.taken), "name": org})
            self.taken.add(planned["id"])
            self.plan.new_accounts.append(planned)
        return planned["id"] if planned else None

    def add(self, card: Card, where: str) -> None:
        if not card.name:
            raise msg.card_without_name()
        if card.uid and card.uid in self.uids:
            raise msg.card_same_uid(card.uid, self.uids[card.uid])
        email, phone = preferred(card.emails), preferred(card.phones)
        existing = self.match(card, email and email.value)
        if existing is not None and existing["id"] in self.written:
            raise msg.card_same_contact(existing["id"], self.written[existing["id"]])
        record = Record(existing or {"id": people.unique_id(self.store, "contact", card.name, self.taken)},
                        path=existing.path if existing else None)
        from_card = {**_extra(card.emails, "email", email), **_extra(card.phones, "phone", phone),
                     **{key: value for key, value in (("title", card.title), (UID_FIELD, card.uid)) if value}}
        # the card's other addresses replace those an earlier import kept; fields keep their order
        fields = {key: value for key, value in (record.get("fields") or {}).items()
                  if key in from_card or not str(key).startswith(("email-", "phone-"))}
        fields.update(from_card)
        record.update(name=card.name, fields=fields)
        record.update({key: address.value for key, address in (("email", email), ("phone", phone)) if address})
        account = self.account(card.org) if card.org else None
        if account is not None and account not in (record.get("accounts") or []):
            record["accounts"] = [*(record.get("accounts") or []), account]
        if card.uid:
            self.uids[card.uid] = where
        if existing is not None and dump(record, "contact") == dump(existing, "contact"):
            self.plan.same.append(record["id"])
            return
        (self.plan.changed if existing is not None else self.plan.new).append(record)
        if card.org and account is None:
            self.plan.unlinked.append((record["id"], card.org))
        self.taken.add(record["id"])
        self.written[record["id"]] = where
        self.contacts[record["id"]] = record


def plan_contacts(store: Store, cards: list[Card], create_missing: bool) -> ContactPlan:
    """What importing the cards would change; nothing is written."""
    planner = _Planner(store, create_missing)
    for card in cards:
        where = f"line {card.line}"
        try:
            planner.add(card, where)
        except UserError as error:
            planner.plan.bad.append((f"{where} ({card.name or 'no name'})", error.message))
    return planner.plan


def apply_contacts(store: Store, plan: ContactPlan) -> list[Record]:
    """Write the new accounts, then new and changed contacts; the contacts written."""
    for account in plan.new_accounts:
        people.save_new(store, "account", account)
    written = []
    for record in plan.new:
        written.append(people.save_new(store, "contact", record))
    for record in plan.changed:
        store.save(record, "contact")
        written.append(record)
    return written
