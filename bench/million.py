"""Ten years of a team's log (SPEC §11, issue 17): a 1,000,000-interaction store, packed up to
three months ago, timed as whole processes beside `python -c pass` in the same run.

    .venv/bin/python bench/million.py [--size 1000000] [--runs 5] [--cold-runs 2]

Builds the store once (synth.build_years: 84 months, 20,000 contacts, 5,000 accounts, 1%
outstanding; about 4 GB in /tmp/interact-bench/years-SIZE/pristine), copies it, times
`interact pack` on the copy (once: it changes the copy; a second copy is packed when
`--pack-runs` asks for more), commits the packed store to a git repository, then times:
`git status`, `interact log`, the first read after deleting .cache against one process
parsing every record with libyaml (and their peak RSS), and warm listings and searches.
Prints the tables and puts them in bench/RESULTS.md under SECTION, with the load average
before and after each group (other engineers' work shares the 2 CPUs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402
from run import (  # noqa: E402
    CACHE, INTERACT, PROBE_PARSE_ONCE, PYTHON, RESULTS, drop_index, environment, measure, measure_log, ms, ratio,
    with_section,
)

SECTION = "## Ten years: `bench/million.py`"
STORES_VERSION = 1  # bump when synth.build_years changes what it writes

WARM = [
    ("list (mine, outstanding)", ["list"]),
    ("list --everyone --status missed --week", ["list", "--everyone", "--status", "missed", "--week"]),
    (f"search WORD in 1% (`{synth.RARE}`)", ["search", synth.RARE]),
    ("search WORD in 40% --limit 10 (`renewal`)", ["search", "renewal", "--limit", "10"]),
    ("list --count", ["list", "--count"]),
    ("show PREFIX", ["show", "{prefix}"]),
    ("search CONTACT", ["search", "{contact}"]),
]


def load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def pristine(size: int) -> tuple[Path, dict]:
    folder = CACHE / f"years-v{STORES_VERSION}-{size}"
    root = folder / "pristine" / "records"
    if not (folder / "meta.json").exists():
        print(f"building a store of {size:,} interactions in {root} ...", file=sys.stderr, flush=True)
        shutil.rmtree(folder, ignore_errors=True)
        began = time.perf_counter()
        meta = synth.build_years(root, size, workers=max(2, os.cpu_count() or 2))
        meta["built_s"] = round(time.perf_counter() - began)
        (folder / "meta.json").write_text(json.dumps(meta))
    return root, json.loads((folder / "meta.json").read_text())


def copy_of(source: Path, name: str) -> Path:
    """A copy of the store (without its index) beside the pristine one."""
    target = source.parent.parent / name / "records"
    shutil.rmtree(target.parent, ignore_errors=True)
    target.parent.mkdir(parents=True)
    subprocess.run(["cp", "-a", str(source), str(target)], check=True)
    shutil.rmtree(target / ".cache", ignore_errors=True)
    return target


def timed(argv: list[str], env: dict, cwd: Path | None = None) -> tuple[float, float, int, str]:
    """(wall seconds, CPU seconds of it and its children, peak RSS MB, stderr) of one process."""
    before = os.times()
    began = time.perf_counter()
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    err = process.stderr.read().decode()
    after = os.times()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"failed: {' '.join(argv)}\n{err[-2000:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, usage.ru_maxrss // 1024, err


def git_repository(root: Path) -> float:
    """Commit the store to a new repository (its folder); the seconds `git add` and commit took."""
    began = time.perf_counter()
    # no `git gc --auto` in the background (it repacks a million objects): it would share the
    # CPUs with the measurements that follow
    for argv in (["git", "init", "-q"], ["git", "config", "gc.auto", "0"], ["git", "add", "-A"],
                 ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "store"]):
        subprocess.run(argv, cwd=root, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=2)
    parser.add_argument("--pack-runs", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="measure the packed copy made by an earlier run")
    args = parser.parse_args()
    env = environment()
    lines = [f"{SECTION}\n",
             f"`python bench/million.py --size {args.size} --runs {args.runs} --cold-runs {args.cold_runs}` on "
             f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}. "
             "Whole processes, medians; load average (1 / 5 / 15 min) beside each group.\n"]
    source, meta = pristine(args.size)
    lines.append(f"Store: {args.size:,} interactions over 84 months (1% outstanding), 20,000 contacts, 5,000 "
                 f"accounts (built in {meta['built_s']} s).\n")

    packed = source.parent.parent / "packed" / "records"
    pack_lines = []
    if not (args.reuse and packed.exists()):
        for run in range(args.pack_runs):
            target = copy_of(source, "packed")
            lines_before = load_average()
            wall, cpu, rss, err = timed([str(INTERACT), "--dir", str(target), "pack"], env)
            pack_lines.append(f"| `interact pack` (run {run + 1}) | {ms(wall)} | {cpu:.1f} s | {rss} MB | "
                              f"{lines_before} → {load_average()} |")
            print(err.strip(), file=sys.stderr)
        git_s = git_repository(packed)
        pack_lines.append(f"| `git init; git add -A; git commit` of the packed store | {ms(git_s)} | | | |")
    loose = sum(1 for _ in (packed / "interactions").glob("*/*/*.yaml"))
    packs = sum(1 for _ in (packed / "interactions").glob("*/*.pack.yaml"))

    python = measure([str(PYTHON), "-c", "pass"], env, args.runs * 2)
    status = measure(["git", "-C", str(packed), "status", "--porcelain"], env, args.runs)
    log = measure_log(packed, env, args.runs)
    lines += ["### Packing, git and `interact log`\n",
              f"After packing: {packs} month packs and {loose:,} loose files.\n",
              "| what | wall | CPU | peak RSS | load average |", "|---|---:|---:|---:|---|", *pack_lines,
              f"| `python -c pass` | {ms(python.median)} | | | |",
              f"| `git status` on the packed store's repository | {ms(status.median)} | | | {load_average()} |",
              f"| `interact log call bench-person ...` | {ms(log.median)} ({ratio(log.median, python.median)} "
              f"`python -c pass`) | | {log.rss} MB | {load_average()} |", ""]

    lines += ["### The first read, after deleting .cache\n",
              "| what | wall | CPU | peak RSS | load average |", "|---|---:|---:|---:|---|"]
    floors, colds = [], []
    for run in range(args.cold_runs):
        before = load_average()
        floor = timed([str(PYTHON), "-c", PROBE_PARSE_ONCE, str(packed)], env)
        floors.append(floor)
        lines.append(f"| floor: one process parses every record with libyaml (run {run + 1}) | {ms(floor[0])} | "
                     f"{floor[1]:.1f} s | {floor[2]} MB | {before} → {load_average()} |")
        drop_index(packed)
        before = load_average()
        cold = timed([str(INTERACT), "--dir", str(packed), "list"], env)
        colds.append(cold)
        lines.append(f"| `interact list`, first read (run {run + 1}) | {ms(cold[0])} "
                     f"({ratio(cold[0], floor[0])} of the floor) | {cold[1]:.1f} s | {cold[2]} MB | "
                     f"{before} → {load_average()} |")
    index_mb = sum(p.stat().st_size for p in (packed / ".cache").glob("index.sqlite*")) // (1 << 20)
    lines += ["", f"Index after the first read: {index_mb} MB.", ""]

    lines += ["### Warm reads (index up to date)\n",
              "| command | median | × `python -c pass` | peak RSS | load average |", "|---|---:|---:|---:|---|"]
    for label, argv in WARM:
        argv = [a.format(prefix=meta["interaction_id"][:6], contact=meta["contact_name"]) for a in argv]
        command = [str(INTERACT), "--dir", str(packed), *argv]
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        before = load_average()
        warm = measure(command, env, args.runs)
        lines.append(f"| `interact {label}` | {ms(warm.median)} | {ratio(warm.median, python.median)} | "
                     f"{warm.rss} MB | {before} → {load_average()} |")
    text = "\n".join(lines) + "\n"
    document = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    RESULTS.write_text(with_section(document, text, SECTION))
    print(text)


if __name__ == "__main__":
    main()
