"""Benchmark: merging two clones that each changed 1,000 records.

Builds, in a temporary folder, a store of 2,000 open interactions pushed to a bare remote and
cloned twice. Then, for each case, alice changes 1,000 records and pushes, bob changes 1,000
records and commits, and bob's merge is timed (whole processes, median of --runs, each on a
fresh copy of bob's clone):

- same: both change the same 1,000 records (alice tags them, bob comments on them), so every
  one is a file changed on both sides that git cannot merge line by line;
  - `interact sync --no-push`: the files merged in one process from git's index;
  - `git pull` with the registered driver: git starts `interact merge-file` once per file;
- apart: they change 1,000 different records each: git merges without any driver.

Every merge is checked: no conflict, and each record holds both sides' changes. Wall and CPU
time (user + system of the command and the processes it started: what a busy machine does not
inflate) go to bench/RESULTS.md under a "merge" heading.

    .venv/bin/python bench/merge.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from generate import append_result

from interact.model import ID_ALPHABET, dump, load

RECORDS = 2_000
CHANGED = 1_000
INTERACT = Path(sys.executable).with_name("interact")
NOW = "2026-11-25T10:00:00"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def record_id(n: int) -> str:
    digits = []
    for _ in range(10):
        n, digit = divmod(n, 32)
        digits.append(ID_ALPHABET[digit])
    return "".join(reversed(digits))


def build(folder: Path, env: dict) -> None:
    seed = folder / "seed"
    subprocess.run([str(INTERACT), "init", str(seed)], check=True, capture_output=True, env=env)
    (seed / "contacts" / "jane-doe.yaml").write_text(dump({"id": "jane-doe", "name": "Jane Doe"}, "contact"))
    month = seed / "interactions" / "2026" / "11"
    month.mkdir(parents=True)
    for n in range(RECORDS):
        rid = record_id(n)
        (month / f"{rid}.yaml").write_text(dump({
            "id": rid, "type": "call", "when": f"2026-11-{1 + n % 28:02d}T10:00:00+00:00", "contacts": ["jane-doe"],
            "assignee": "alice", "created_by": "alice", "created_at": "2026-11-01T09:00:00+00:00",
            "instructions": f"Call number {n}",
        }, "interaction"))
    git(folder, "init", "-q", "--bare", "-b", "main", "origin.git")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "seed"],
                 ["push", "-q", str(folder / "origin.git"), "main"]):
        git(seed, *args)
    for name in ("alice", "bob"):
        git(folder, "clone", "-q", "origin.git", name)
        subprocess.run([str(INTERACT), "git-setup"], cwd=folder / name, check=True, capture_output=True, env=env)


def change(clone: Path, numbers, how: str) -> None:
    """Change records in place as interact writes them (tag or comment), then commit."""
    month = clone / "interactions" / "2026" / "11"
    for n in numbers:
        path = month / f"{record_id(n)}.yaml"
        record = load(path.read_bytes())
        if how == "tag":
            record["tags"] = ["renewal"]
        else:
            record["posts"] = [{"at": "2026-11-25T10:00:00+00:00", "by": "bob", "text": f"Comment on {n}"}]
        path.write_text(dump(record, "interaction"))
    git(clone, "commit", "-q", "-am", f"{how} {len(numbers)} records")


def verify(clone: Path, tagged, commented) -> None:
    """Every change of both sides is in the merged clone, and nothing is left uncommitted."""
    month = clone / "interactions" / "2026" / "11"
    assert not git(clone, "status", "--porcelain"), "the merge left changes behind"
    for numbers, key in ((tagged, "tags"), (commented, "posts")):
        for n in numbers:
            assert load((month / f"{record_id(n)}.yaml").read_bytes()).get(key), f"record {n} lost its {key}"


def timed_merge(prepared: Path, command: list[str], env: dict, runs: int, changes) -> tuple[float, float]:
    """Medians of the wall time and of the CPU time (user + system, the command and what it
    started) of `command` run in fresh copies of a prepared clone."""
    times, cpu = [], []
    for run in range(runs):
        clone = prepared.with_name(f"{prepared.name}-run{run}")
        shutil.copytree(prepared, clone, symlinks=True)
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(command, cwd=clone, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - used.ru_utime + after.ru_stime - used.ru_stime)
        verify(clone, *changes)
        shutil.rmtree(clone)
    return statistics.median(times), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="interact-merge-bench-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "GIT_CONFIG_NOSYSTEM": "1",
               "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com", "GIT_COMMITTER_NAME": "bench",
               "GIT_COMMITTER_EMAIL": "bench@example.com", "INTERACT_NOW": NOW, "TZ": "Europe/London"}
        os.environ.update(env)
        rows = []
        for case, alice_changes, bob_changes in (("same", range(CHANGED), range(CHANGED)),
                                                 ("apart", range(CHANGED), range(CHANGED, 2 * CHANGED))):
            folder = Path(tmp) / case
            folder.mkdir()
            build(folder, env)
            change(folder / "alice", alice_changes, "tag")
            git(folder / "alice", "push", "-q")
            change(folder / "bob", bob_changes, "comment")
            git(folder / "bob", "fetch", "-q")
            changes = (alice_changes, bob_changes)
            sync = timed_merge(folder / "bob", [str(INTERACT), "sync", "--no-push"], env, args.runs, changes)
            rows.append((f"{case}: `interact sync --no-push`", *sync, args.runs))
            if case == "same":
                pull = timed_merge(folder / "bob", ["git", "pull", "-q", "--no-rebase", "--no-edit"], env, 1, changes)
                rows.append((f"{case}: `git pull` through the driver ({CHANGED:,} starts of merge-file)", *pull, 1))
    baseline = statistics.median(
        [_clock([str(INTERACT), "--version"]) for _ in range(5)])
    table = "\n".join([
        "| merge in bob's clone | runs | median wall (s) | median CPU (s) |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {runs} | {seconds:.2f} | {cpu:.2f} |" for name, seconds, cpu, runs in rows),
        f"| `interact --version` (a start of interact) | 5 | {baseline:.3f} | |",
    ])
    note = (f"{RECORDS:,} interactions; alice and bob each changed {CHANGED:,} records (alice tags, bob comments), "
            f"'same': the same 1,000, 'apart': 1,000 different ones each. {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}, {git(Path('.'), '--version').strip()}; load average "
            f"{os.getloadavg()[0]:.1f}. Command: `.venv/bin/python bench/merge.py --runs {args.runs}`.")
    print(table)
    print(note)
    append_result(f"### {datetime.now():%Y-%m-%d %H:%M}\n\n{table}\n\n{note}\n", heading="## merge")


def _clock(command: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - began


if __name__ == "__main__":
    main()
