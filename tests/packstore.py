"""A demo store with history for the tests of month packs (SPEC §11): the demo's people, and
completed and outstanding interactions over the months before the tests' clock (2026-11-25),
so that `interact pack` (pack_after 3 months: the months before 2026-08) has work to do."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from interact.model import ID_ALPHABET, dump

from conftest import DEMO

MONTHS = ["2026/04", "2026/05", "2026/06", "2026/07", "2026/08", "2026/09"]  # 04-07 are due by default
PEOPLE = [("jane-doe", "acme-ltd"), ("priya-shah", "northwind-traders"), ("raj-patel", None),
          ("owen-price", "kestrel-housing"), ("sam-okafor", "brightside-school")]
WORDS = "renewal pricing brochure campus visit quote Zoë deposit pilot board".split()


def history(rng: random.Random, month: str, count: int, outstanding: int = 1) -> list[dict]:
    """`count` interactions of a month: completed ones, then `outstanding` missed ones."""
    year, number = month.split("/")
    records = []
    for n in range(count):
        rid = "".join(rng.choice(ID_ALPHABET) for _ in range(10))
        contact, account = rng.choice(PEOPLE)
        day = rng.randint(1, 28)
        when = f"{year}-{number}-{day:02d}T{rng.randint(8, 17):02d}:{rng.choice(['00', '30'])}:00+00:00"
        record = {"id": rid, "type": rng.choice(["call", "visit", "email"]), "when": when,
                  "contacts": [contact], "accounts": [account] if account else [],
                  "assignee": rng.choice(["alice", "bob", "carol"]), "created_by": "alice", "created_at": when,
                  "note": " ".join(rng.sample(WORDS, 3)).capitalize()}
        if n < count - outstanding:
            record.update(outcome=rng.choice(["Left voicemail", "Sent a quote"]), completed_at=when,
                          completed_by=record["assignee"])
        if rng.random() < 0.3:
            record["due"] = f"{year}-{number}-{min(day + 2, 28):02d}"
        records.append(record)
    return records


def make(root: Path, per_month: int = 6, seed: int = 5) -> Path:
    """The demo store at `root`, with `per_month` interactions in each of MONTHS."""
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns(".cache"))
    rng = random.Random(seed)
    for month in MONTHS:
        folder = root / "interactions" / month
        folder.mkdir(parents=True, exist_ok=True)
        for record in history(rng, month, per_month):
            (folder / f"{record['id']}.yaml").write_text(dump(record, "interaction"))
    return root


def packs(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.glob("interactions/*/*.pack.yaml"))}


def loose(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.glob("interactions/*/*/*.yaml"))


class Recorded:
    """A progress bar that remembers what it was told (the store's `progress`): the tests empty
    `Recorded.shown` before they look."""

    shown: list = []

    def __init__(self, label, total):
        self.label, self.total, self.done = label, total, 0
        Recorded.shown.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def update(self, count):
        self.done += count
