"""Benchmark: `interact generate --for prospects --dry-run` on a large store.

Builds, in a temporary folder, a store of 10,000 accounts (half prospects), 10,000
contacts and 100,000 past interactions (written with the library's `dump`, directly,
without atomic writes, for speed), then times the whole process over several runs
(median, after one warm-up run) against the venv's `python -c pass`, prints a small
table and appends it to bench/RESULTS.md under a "generate" heading.

    .venv/bin/python bench/generate.py [--runs 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from interact.model import ID_ALPHABET, ID_LENGTH, dump
from interact.layout import init_store
from interact.store import Store

ACCOUNTS = 10_000
INTERACTIONS = 100_000
TOWNS = ["Leeds", "York", "Hull", "Harrogate", "Bradford", "Wakefield", "Sheffield", "Halifax"]
NOW = "2026-11-25T18:30:00"
RESULTS = Path(__file__).with_name("RESULTS.md")


def write(path: Path, record: dict, kind: str) -> None:
    path.write_text(dump(record, kind), encoding="utf-8")


def build(root: Path, rng: random.Random) -> None:
    init_store(root)
    for i in range(ACCOUNTS):
        account_id, contact_id = f"account-{i:05d}", f"contact-{i:05d}"
        opportunities = ([{"id": "deal", "name": "Deal", "value": rng.randrange(500, 50_000, 500), "stage": "open"}]
                         if rng.random() < 0.8 else [])
        write(root / "accounts" / f"{account_id}.yaml", {
            "id": account_id, "name": f"Account {i:05d}", "kind": "prospect" if i % 2 else "customer",
            "town": rng.choice(TOWNS), "postcode": f"LS{rng.randrange(1, 30)} {rng.randrange(1, 9)}AB",
            # one in ten has no default contact and is reached through its contact's accounts
            "default_contact": contact_id if i % 10 else None, "opportunities": opportunities,
        }, "account")
        write(root / "contacts" / f"{contact_id}.yaml", {
            "id": contact_id, "name": f"Contact {i:05d}", "email": f"c{i}@example.com", "accounts": [account_id],
        }, "contact")
    start = datetime(2024, 11, 25, 9, 0, tzinfo=timezone.utc)
    span = int((datetime(2026, 11, 25, tzinfo=timezone.utc) - start).total_seconds() // 60)
    for _ in range(INTERACTIONS):
        n = rng.randrange(ACCOUNTS)
        when = (start + timedelta(minutes=rng.randrange(span))).isoformat(timespec="seconds")
        rid = "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
        record = {
            "id": rid, "type": rng.choice(["call", "visit", "email"]), "when": when, "duration": 30,
            "contacts": [f"contact-{n:05d}"], "accounts": [f"account-{n:05d}"], "assignee": "alice",
            "created_by": "alice", "created_at": when, "note": "Talked about the next order",
            "outcome": "Call back later", "completed_at": when, "completed_by": "alice",
        }
        folder = root / "interactions" / when[:4] / when[5:7]
        folder.mkdir(parents=True, exist_ok=True)
        write(folder / f"{rid}.yaml", record, "interaction")


def timed(command: list[str], env: dict, runs: int) -> tuple[float, str]:
    """Median wall time of `runs` runs after one warm-up, and the last run's stderr."""
    subprocess.run(command, env=env, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - began)
    return statistics.median(times), result.stderr.strip()


def read_in_process(root: Path) -> float:
    """Seconds to read every interaction through Store.interactions(), inside one process."""
    began = time.perf_counter()
    Store(root).interactions()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", metavar="DIR", help="Build the store in DIR and keep it (reused if it exists).")
    args = parser.parse_args()
    binary = Path(sys.executable).with_name("interact")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(args.keep or scratch) / "store"
        began = time.perf_counter()
        reused = (root / "interact.yaml").exists()
        if not reused:
            build(root, random.Random(2026))
        built = "reused" if reused else f"built in {time.perf_counter() - began:.0f} s"
        env = {**os.environ, "INTERACT_DIR": str(root), "INTERACT_NOW": NOW, "INTERACT_USER": "alice",
               "TZ": "Europe/London", "NO_COLOR": "1"}
        baseline, _ = timed([sys.executable, "-c", "pass"], env, args.runs)
        command = [str(binary), "generate", "--for", "prospects", "--dry-run"]
        took, said = timed(command, env, args.runs)
        reading = read_in_process(root)
    rows = [
        ("python -c pass", baseline),
        ("interact generate --for prospects --dry-run", took),
        ("  of which: Store.interactions() in-process", reading),
    ]
    table = "\n".join([
        "| what | median of %d runs (s) |" % args.runs,
        "|---|---:|",
        *(f"| {name} | {seconds:.3f} |" for name, seconds in rows),
    ])
    verdict = "meets" if took < 1.0 else "misses"
    note = (f"{ACCOUNTS:,} accounts (half prospects), {ACCOUNTS:,} contacts, {INTERACTIONS:,} past interactions; "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}; store {built}; "
            f"load average {os.getloadavg()[0]:.1f}. "
            f"Target under 1 s warm: {verdict} it. generate said: {said.splitlines()[0] if said else '(nothing)'}")
    print(table)
    print(note)
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    append_result(f"### {stamp}\n\n{table}\n\n{note}\n")


def append_result(entry: str, heading: str = "## generate") -> None:
    """Add `entry` at the end of the `heading` section of RESULTS.md (made if missing)."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    lines = text.rstrip("\n").split("\n")
    if heading not in lines:
        lines += ["", heading]
    end = lines.index(heading) + 1
    while end < len(lines) and not lines[end].startswith("## "):
        end += 1
    while lines[end - 1] == "":
        end -= 1
    lines[end:end] = ["", *entry.rstrip("\n").split("\n")]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")

if __name__ == "__main__":
    main()
