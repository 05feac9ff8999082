"""Time the imports on generated files: python bench/bench_import.py [ROWS] [CARDS] [RUNS]

Writes a Salesforce-style CSV of ROWS tasks (default 5000) and a vCard file of CARDS cards
(default 1000), then, in fresh copies of the demo store, runs each import as a real process
RUNS times (default 3) and prints the median wall-clock time of: planning only (--dry-run),
the first import (which writes every file), and the second (which finds everything there).
Also prints whether `interact log` imports icalendar (python -X importtime).
"""

import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
INTERACT = Path(sys.executable).parent / "interact"
ENV = {"INTERACT_NOW": "2026-11-25T10:00", "TZ": "Europe/London", "INTERACT_USER": "alice", "PATH": "/usr/bin:/bin"}
USERS = "users: [{id: alice, name: Alice Smith}, {id: bob, name: Bob Stone}, carol]\n"


def files(folder: Path, rows: int, cards: int) -> tuple[Path, Path]:
    rng = random.Random(1)
    people = ["Jane Doe", "Sam Okafor", "Priya Shah", "Tom Baker", "Raj Patel", "Owen Price"]
    accounts = ["Acme Ltd", "Brightside School", "Northwind Traders", "Kestrel Housing"]
    lines = ["Id,Subject,ActivityDate,Status,Type,TaskSubtype,Description,Who.Name,What.Name,What.Type,"
             "CallDurationInSeconds,Owner.Name"]
    for n in range(rows):
        lines.append(f'00T{n:012d},Subject {n},2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d},Completed,'
                     f'Call,Call,"Note {n}, with a comma",{rng.choice(people)},{rng.choice(accounts)},Account,'
                     f'{rng.randint(0, 3600)},{rng.choice(["Alice Smith", "Bob Stone", "carol"])}')
    tasks = folder / "tasks.csv"
    tasks.write_text("\r\n".join(lines) + "\r\n")
    book = folder / "book.vcf"
    book.write_text("".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {n}\r\nEMAIL;TYPE=pref:p{n}@example.com\r\n"
        f"EMAIL;TYPE=HOME:h{n}@example.com\r\nTEL;TYPE=CELL:0770{n:07d}\r\nORG:{rng.choice(accounts)}\r\n"
        f"UID:uid-{n}\r\nEND:VCARD\r\n" for n in range(cards)))
    return tasks, book


def fresh_store(folder: Path) -> Path:
    store = folder / "records"
    shutil.rmtree(store, ignore_errors=True)
    shutil.copytree(REPO / "records", store, ignore=shutil.ignore_patterns(".cache"))
    config = store / "interact.yaml"
    config.write_text("".join(line for line in config.read_text().splitlines(True) if not line.startswith("users:"))
                      + USERS)
    return store


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([str(INTERACT), *args], env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    rows, cards, runs = (int(a) for a in (sys.argv[1:] + ["5000", "1000", "3"][len(sys.argv) - 1:])[:3])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tasks, book = files(folder, rows, cards)
        jobs = {f"import {rows} rows": ["import", str(tasks), "--preset", "salesforce"],
                f"contact import {cards} cards": ["contact", "import", str(book)]}
        for name, args in jobs.items():
            times = {"dry run": [], "first": [], "second": []}
            for _ in range(runs):
                store = fresh_store(folder)
                times["dry run"].append(timed(["--dir", str(store), *args, "--dry-run"]))
                times["first"].append(timed(["--dir", str(store), *args]))
                times["second"].append(timed(["--dir", str(store), *args]))
            print(f"{name}: " + ", ".join(f"{label} {statistics.median(t):.2f} s" for label, t in times.items()))
        store = fresh_store(folder)
        probe = subprocess.run([sys.executable, "-X", "importtime", "-m", "interact", "--dir", str(store), "log",
                                "call", "jane-doe", "probe"], env=ENV, capture_output=True, text=True, check=True)
        modules = [line.rsplit("|", 1)[-1].strip() for line in probe.stderr.splitlines() if "|" in line]
        print(f"interact log imports {len(modules) - 1} modules; icalendar among them: {'icalendar' in modules}")


if __name__ == "__main__":
    main()
