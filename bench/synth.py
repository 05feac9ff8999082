"""Synthetic stores for the benchmark: realistic records written directly with `model.dump`.

A store of N interactions (plus 5k contacts and 2k accounts) for a team of 20 over the
30 months before BENCH_NOW, in every status: mostly completed logs, some planned work
still open, some missed. Deterministic: the same size always gives the same files.

`build_years` makes the store of SPEC §11: seven years of a team's log (84 months), 20,000
contacts and 5,000 accounts, outstanding work 1% of it (a team keeps a few thousand things
to do, not a quarter of its history), and the word RARE in 1% of the notes; the interactions
are written by forked processes, each a share of them from a seed of its own.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from interact.model import ID_ALPHABET, ID_LENGTH, dump, slugify
from interact.layout import CONFIG_NAME, init_store

BENCH_NOW = "2026-11-25T10:00:00"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
USERS = [f"user{n:02d}" for n in range(1, 20)] + ["alice"]
TYPES = ["call"] * 6 + ["email"] * 4 + ["visit"] * 2 + ["meeting"] * 2 + ["chat", "note"]
PURPOSES = ["renewal", "follow-up", "enquiry", None, None, None]
CATEGORIES = ["sales", "admissions", "volunteering", None]
TAGS = ["vip", "warm", "cold", "budget", "urgent", "board"]
FIRST = ("Jane Raj Priya Sam Tom Lena Maria Owen Aisha Ben Chloe Dev Ella Finn Grace Hugo Isla Jack Kara Liam "
         "Mia Noah Olga Pete Quinn Rosa Sean Tara Umar Vera Will Xena Yusuf Zoe").split()
LAST = ("Doe Patel Shah Okafor Baker Fischer Garcia Price Khan Smith Jones Brown Taylor Wilson Evans Thomas "
        "Roberts Walker Wright Hughes Green Hall Wood Clarke Jackson Turner Hill Cooper Ward Morris").split()
TOWNS = ["Leeds", "York", "Bradford", "Hull", "Sheffield", "Harrogate", "Wakefield", "Halifax"]
WORDS = ("renewal quote pricing budget contract visit campus brochure fees accommodation pilot decision "
         "support plan review deadline invoice discount training demo proposal board meeting volunteer "
         "shift funding grant report timeline delivery onboarding upgrade licence seats workshop tour "
         "scholarship application deposit interview references feedback survey newsletter event").split()
OUTCOMES = ["Left voicemail", "Sent a quote", "Booked a demo", "No answer", "Signed", "Asked to call back",
            "Sent the prospectus", "Not interested", "Agreed next steps"]
CONFIG = """\
version: 1
users: [{users}]
timezone: Europe/London
types: [call, visit, email, meeting, chat, note]
purposes: [renewal, follow-up, enquiry]
categories: [sales, admissions, volunteering]
ratings: [interest, likelihood]
"""


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize()


def _write(path: Path, record: dict, kind: str) -> None:
    path.write_text(dump(record, kind), encoding="utf-8")


def _unique_slug(name: str, n: int, seen: set) -> str:
    rid = slugify(name)
    rid = rid if rid not in seen else f"{rid}-{n}"
    seen.add(rid)
    return rid


def _accounts(rng: random.Random, count: int) -> list[dict]:
    records, seen = [], set()
    for n in range(count):
        name = f"{rng.choice(LAST)} {rng.choice(WORDS).capitalize()} {rng.choice(['Ltd', 'Trust', 'School', 'Group'])}"
        rid = _unique_slug(name, n, seen)
        opportunities = []
        if rng.random() < 0.6:
            opportunities.append({"id": "renewal", "name": "Renewal", "value": rng.randrange(1000, 50000, 500),
                                  "stage": rng.choice(["open", "open", "won", "lost"])})
        records.append({"id": rid, "name": name, "kind": rng.choice(["customer", "prospect", "prospect"]),
                        "town": rng.choice(TOWNS), "postcode": f"LS{rng.randint(1, 29)} {rng.randint(1, 9)}AB",
                        "opportunities": opportunities})
    return records


def _contacts(rng: random.Random, count: int, accounts: list[dict]) -> list[dict]:
    records, seen = [], set()
    for n in range(count):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        rid = _unique_slug(name, n, seen)
        record = {"id": rid, "name": name, "email": f"{rid}@example.com",
                  "phone": f"+44 113 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"}
        if rng.random() < 0.8:
            record["accounts"] = [rng.choice(accounts)["id"]]
        if rng.random() < 0.3:
            record["fields"] = {"country": rng.choice(["India", "Nigeria", "Germany", "Spain"])}
        records.append(record)
    return records


def _interaction(rng: random.Random, contacts: list[dict], taken: set, months: int = 30,
                 outstanding: float = 0.25, rare: str | None = None) -> dict:
    while True:
        rid = "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
        if rid not in taken:
            taken.add(rid)
            break
    contact = rng.choice(contacts)
    user = rng.choice(USERS)
    record = {"id": rid, "type": rng.choice(TYPES), "purpose": rng.choice(PURPOSES),
              "category": rng.choice(CATEGORIES), "contacts": [contact["id"]],
              "accounts": list(contact.get("accounts") or []), "assignee": user, "created_by": user}
    if rng.random() < 0.1:
        record["tags"] = [rng.choice(TAGS)]
    roll = rng.random()
    if roll < 1 - outstanding:  # a completed log somewhere in the last `months` months
        when = NOW - timedelta(minutes=rng.randrange(30, months * 30 * 24 * 60))
        note = _sentence(rng, 5, 30)
        if rare and rng.random() < 0.01:
            note += f" {rare}"
        record.update(when=_iso(when), duration=rng.choice([None, 15, 30, 60]), note=note,
                      outcome=rng.choice(OUTCOMES), created_at=_iso(when + timedelta(minutes=5)),
                      completed_at=_iso(when), completed_by=user)
        if rng.random() < 0.2:
            record["ratings"] = {"interest": rng.randint(1, 5)}
    else:  # assigned work: planned or due, some past (missed), some still to come (open)
        created = NOW - timedelta(minutes=rng.randrange(60, 60 * 24 * 60))
        planned = created + timedelta(minutes=rng.randrange(60, 90 * 24 * 60))
        record.update(created_at=_iso(created), instructions=_sentence(rng, 4, 15))
        if roll < 1 - outstanding * 0.4:
            record.update(when=_iso(planned.replace(minute=0, second=0)), duration=30)
        else:
            record["due"] = planned.date().isoformat()
        if rng.random() < 0.1:
            record["posts"] = [{"at": _iso(created + timedelta(hours=2)), "by": rng.choice(USERS),
                                "text": _sentence(rng, 3, 12)}]
    return record


BENCH_CONTACT = {"id": "bench-person", "name": "Bench Person", "email": "bench@example.com", "accounts": ["bench-account"]}
BENCH_ACCOUNT = {"id": "bench-account", "name": "Bench Account", "kind": "customer"}


def build(root: Path, interactions: int, contacts: int = 5000, accounts: int = 2000, seed: int = 7) -> dict:
    """Write a store of that size at `root` (which must not exist yet); every store, even an
    empty one, has the contact `bench-person` to log with. Returns what the benchmark looks up:
    a contact's name that has interactions, and an interaction's id."""
    rng = random.Random(seed)
    contact_records = _people(root, rng, contacts, accounts)
    first = _write_interactions(root, rng, interactions, contact_records[1:])
    return _meta(first, contact_records)


def _people(root: Path, rng: random.Random, contacts: int, accounts: int) -> list[dict]:
    """A new store at `root` with its configuration, accounts and contacts (bench-person first)."""
    init_store(root)
    (root / CONFIG_NAME).write_text(CONFIG.format(users=", ".join(USERS)))
    account_records = [BENCH_ACCOUNT] + _accounts(rng, accounts)
    contact_records = [BENCH_CONTACT] + _contacts(rng, contacts, account_records[1:])
    for record in account_records:
        _write(root / "accounts" / f"{record['id']}.yaml", record, "account")
    for record in contact_records:
        _write(root / "contacts" / f"{record['id']}.yaml", record, "contact")
    return contact_records


def _write_interactions(root: Path, rng: random.Random, count: int, contacts: list[dict], **shape) -> dict | None:
    """Write `count` interactions; the first one made."""
    made_dirs, taken, first = set(), set(), None
    written = 0
    while written < count:
        record = _interaction(rng, contacts, taken, **shape)
        stamp = record.get("when") or record.get("due") or record["created_at"]
        folder = root / "interactions" / stamp[:4] / stamp[5:7]
        if folder not in made_dirs:
            folder.mkdir(parents=True, exist_ok=True)
            made_dirs.add(folder)
        try:
            with open(folder / f"{record['id']}.yaml", "x", encoding="utf-8") as handle:
                handle.write(dump(record, "interaction"))
        except FileExistsError:  # another share drew the same id: draw another
            continue
        first = first or record
        written += 1
    return first


def _meta(first: dict | None, contact_records: list[dict]) -> dict:
    if not first:
        return {"contact_name": BENCH_CONTACT["name"], "interaction_id": ""}
    name = next(c["name"] for c in contact_records if c["id"] == first["contacts"][0])
    return {"contact_name": name, "interaction_id": first["id"]}


RARE = "saffron"  # in 1% of the notes of build_years' store; "renewal" is in about 40%


def build_years(root: Path, interactions: int = 1_000_000, contacts: int = 20_000, accounts: int = 5_000,
                months: int = 84, outstanding: float = 0.01, seed: int = 11, workers: int = 4) -> dict:
    """The store of a team's seven years (see the module's docstring), written by `workers`
    forked processes, share k from seed (seed, k): deterministic for given arguments. Ids are
    random, so two shares may draw one id (about once in 2,000 builds of a million): a file
    of that name already there is kept, and the share draws another."""
    import os

    rng = random.Random(seed)
    contact_records = _people(root, rng, contacts, accounts)
    shape = {"months": months, "outstanding": outstanding, "rare": RARE}
    shares = [interactions // workers + (1 if k < interactions % workers else 0) for k in range(workers)]
    pids = []
    for k, count in enumerate(shares):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                _write_interactions(root, random.Random(f"{seed}/{k}"), count, contact_records[1:], **shape)
                code = 0
            finally:
                os._exit(code)
        pids.append(pid)
    if any(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids):
        raise SystemExit("a share of the synthetic store failed")
    first = _interaction(random.Random(f"{seed}/0"), contact_records[1:], set(), **shape)
    return _meta(first, contact_records)
