"""Time the listing commands on a large generated store: python bench/bench_listing.py [N]

Builds N interactions (default 10000) over 500 contacts in a temporary store, then runs
each command as a real process a few times and prints the best wall-clock time.
"""

import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from interact.model import Record, new_id
from interact.layout import init_store
from interact.store import Store

INTERACT = Path(sys.executable).parent / "interact"
COMMANDS = [
    ["list"], ["list", "--everyone"], ["list", "--everyone", "--status", "all", "--format", "json"],
    ["list", "--everyone", "--count"], ["search", "renewal", "quote"], ["today", "--everyone"],
    ["calendar", "--everyone"], ["history", "contact-7"], ["stale", "--older-than", "30d"],
    ["report", "--by", "assignee", "--by", "type", "--per", "week", "--from", "2026-01-01", "--until", "2027-02-28",
     "--status", "all"],
    ["report", "--by", "type", "--from", "2026-01-01", "--until", "2027-02-28", "--html", "-"],
]


def build(root: Path, count: int) -> Store:
    store = Store(init_store(root))
    rng = random.Random(1)
    for i in range(500):
        store.save(Record({"id": f"contact-{i}", "name": f"Contact {i}", "cadence": "30d"}), "contact")
    start = datetime(2026, 1, 1, 9, tzinfo=timezone.utc)
    for _ in range(count):
        when = start + timedelta(minutes=30 * rng.randrange(20000))
        record = Record({"id": new_id(), "type": rng.choice(["call", "visit", "email"]), "when": when.isoformat(),
                         "duration": 30, "contacts": [f"contact-{rng.randrange(500)}"],
                         "assignee": rng.choice(["alice", "bob", "carol"]), "created_by": "alice",
                         "note": rng.choice(["Discussed the renewal", "Sent a quote", "Left voicemail"])})
        if rng.random() < 0.6:
            record.update(completed_at=record["when"], completed_by=record["assignee"])
        store.save_interaction(record, new=True)
    return store


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    env = {"INTERACT_NOW": "2026-11-25T10:00", "INTERACT_USER": "alice", "TZ": "Europe/London", "PATH": "/usr/bin"}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "records"
        build(root, count)
        print(f"{count} interactions")
        for args in COMMANDS:
            best = float("inf")
            for _ in range(3):
                began = time.perf_counter()
                subprocess.run([str(INTERACT), "--dir", str(root), *args], env=env, check=True,
                               stdout=subprocess.DEVNULL)
                best = min(best, time.perf_counter() - began)
            print(f"{best:6.2f}s  interact {' '.join(args)}")


if __name__ == "__main__":
    main()
