"""Time `interact` as whole processes on synthetic stores: python bench/run.py [--sizes 1000,10000] [--runs 5]

Builds stores of 1k, 10k and 100k interactions (with 5k contacts and 2k accounts; cached in
/tmp/interact-bench between runs, keyed by size), then times each command several times as
a real process and reports medians: `log` against `python -c pass` and the empty store, and
every reading command cold (its index deleted first) and warm (index up to date). Prints the
tables and puts them in bench/RESULTS.md under the heading SECTION (other benchmarks keep
their sections there). Compare ratios taken in one run: absolute times drift.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

PYTHON = Path(sys.executable)
INTERACT = PYTHON.parent / "interact"
CACHE = Path(tempfile.gettempdir()) / "interact-bench"
STORES_VERSION = 1  # bump when synth.py changes what it writes
RESULTS = HERE / "RESULTS.md"
SECTION = "## Scale: `bench/run.py`"
INDEX_FILES = ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm")

# What each reading command runs: one line each. {contact} and {prefix} come from the store.
READS = [
    ("list", ["list"]),
    ("list --everyone --status missed --week", ["list", "--everyone", "--status", "missed", "--week"]),
    ("list --count", ["list", "--count"]),
    ("search WORD", ["search", "renewal"]),
    ("search CONTACT", ["search", "{contact}"]),
    ("show PREFIX", ["show", "{prefix}"]),
    ("today", ["today"]),
    ("generate --dry-run", ["generate", "--for", "prospects", "--dry-run"]),
]

# Whole-process probes of the library, for what has no command yet and for the floor.
PROBE_LISTING = """
import os, sys
from interact.dates import local_tz, resolve_now
from interact.query import Filter, select
from interact.store import Store
store = Store(sys.argv[1])
tz = local_tz("Europe/London", None)
now = resolve_now("{now}", tz)
print(len(select(store, Filter(assignee="alice", status="missed"), now, tz)), flush=True)
store.close()
os._exit(0)  # as the CLI ends (cli.main)
"""
# One process parsing every record once with libyaml: each loose file, each document of each
# pack (split at its '---' lines, as interact splits it): the floor of a first read.
PROBE_PARSE_ONCE = """
import os, re, sys, yaml
top = os.path.join(sys.argv[1], "interactions")
separator = re.compile(rb"^---[ \\t]*\\r?(?:\\n|\\Z)", re.MULTILINE)
count = 0
for year in sorted(os.listdir(top)):
    for name in sorted(os.listdir(os.path.join(top, year))):
        path = os.path.join(top, year, name)
        if name.endswith(".pack.yaml"):
            with open(path, "rb") as handle:
                for document in separator.split(handle.read()):
                    if document.strip():
                        yaml.load(document, Loader=yaml.CSafeLoader)
                        count += 1
            continue
        for file in sorted(os.listdir(path)):
            with open(os.path.join(path, file), "rb") as handle:
                yaml.load(handle.read(), Loader=yaml.CSafeLoader)
            count += 1
print(count)
"""
PROBES = [
    ("probe: query.select(Filter(assignee, status)) in the library", PROBE_LISTING.replace("{now}", synth.BENCH_NOW)),
]
FLOOR = ("floor: parse every interaction file once with libyaml", PROBE_PARSE_ONCE)


def environment() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERACT_")}
    env.update(INTERACT_NOW=synth.BENCH_NOW, INTERACT_USER="alice", TZ="Europe/London",
               XDG_CONFIG_HOME="/nonexistent-interact-bench")
    return env


def store_for(size: int) -> tuple[Path, dict]:
    """The synthetic store of `size` interactions (0: no contacts either), built once."""
    folder = CACHE / f"v{STORES_VERSION}-{size}"
    if not (folder / "meta.json").exists():
        print(f"building a store of {size} interactions in {folder} ...", file=sys.stderr, flush=True)
        shutil.rmtree(folder, ignore_errors=True)
        CACHE.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=CACHE))
        extra = {} if size else {"contacts": 0, "accounts": 0}
        meta = synth.build(work / "records", size, **extra)
        (work / "meta.json").write_text(json.dumps(meta))
        os.rename(work, folder)
    return folder / "records", json.loads((folder / "meta.json").read_text())


def run_once(argv: list[str], env: dict) -> tuple[float, int, int, str]:
    """(seconds, peak RSS in MB, exit code, stdout) of one process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            sys.stderr.write(f"  exit {process.returncode}: {' '.join(argv)}\n{err.read().decode()[-500:]}")
        return elapsed, usage.ru_maxrss // 1024, process.returncode, out.read().decode()


def drop_index(root: Path) -> None:
    for name in INDEX_FILES:
        (root / ".cache" / name).unlink(missing_ok=True)


class Timing:
    def __init__(self, seconds: list[float], rss: list[int], failed: bool = False):
        self.median = statistics.median(seconds) if seconds else None
        self.rss = max(rss) if rss else None
        self.failed = failed


def measure(argv: list[str], env: dict, runs: int, before=None) -> Timing:
    seconds, rss, failed = [], [], False
    for _ in range(runs):
        if before:
            before()
        elapsed, peak, code, _ = run_once(argv, env)
        failed = failed or code != 0
        seconds.append(elapsed)
        rss.append(peak)
    return Timing(seconds, rss, failed)


def measure_log(root: Path, env: dict, runs: int) -> Timing:
    """`interact log` with the bench contact; each new file is removed again afterwards."""
    argv = [str(INTERACT), "--dir", str(root), "log", "call", "bench-person", "Benchmark", "note"]
    seconds, rss = [], []
    for _ in range(runs + 1):  # the first run warms the page cache
        elapsed, peak, code, out = run_once(argv, env)
        if code == 0:
            for path in (root / "interactions").glob(f"*/*/{out.strip()}.yaml"):
                path.unlink()
        seconds.append(elapsed)
        rss.append(peak)
    return Timing(seconds[1:], rss[1:], failed=code != 0)


def available(name: str, env: dict) -> bool:
    return subprocess.run([str(INTERACT), name, "--help"], env=env, capture_output=True).returncode == 0


def ms(value) -> str:
    return "—" if value is None else f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def ratio(a, b) -> str:
    return "—" if a is None or b is None else f"{a / b:.2f}×"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="interaction counts, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="runs of each quick command (median)")
    parser.add_argument("--cold-runs", type=int, default=3, help="runs of each cold read (median)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    env = environment()
    lines = [f"{SECTION}\n", f"`python bench/run.py --sizes {args.sizes} --runs {args.runs} "
             f"--cold-runs {args.cold_runs}` on {os.cpu_count()} CPUs, Python {platform.python_version()}, "
             f"{time.strftime('%Y-%m-%d %H:%M')}. Medians of whole processes; stores have 5k contacts "
             "and 2k accounts besides their interactions.\n"]
    missing = [label for label, argv in READS if not available(argv[0], env)]

    python = measure([str(PYTHON), "-c", "pass"], env, args.runs * 2)
    empty, _ = store_for(0)
    log_empty = measure_log(empty, env, args.runs)
    lines += ["### Start-up and `interact log`\n", "| command | store | median | × python -c pass | × empty store |",
              "|---|---|---:|---:|---:|", f"| `python -c pass` (venv) | | {ms(python.median)} | 1.00× | |",
              f"| `interact log call bench-person ...` | empty | {ms(log_empty.median)} | "
              f"{ratio(log_empty.median, python.median)} | 1.00× |"]
    stores = {size: store_for(size) for size in sizes}
    for size, (root, _) in stores.items():
        timing = measure_log(root, env, args.runs)
        lines.append(f"| `interact log call bench-person ...` | {size:,} | {ms(timing.median)} | "
                     f"{ratio(timing.median, python.median)} | {ratio(timing.median, log_empty.median)} |")

    lines += ["", "### Reading: cold (index deleted first) and warm (index up to date)\n",
              "| command | interactions | cold | warm | warm × python | peak RSS cold / warm |",
              "|---|---:|---:|---:|---:|---:|"]
    for size, (root, meta) in stores.items():
        floor = measure([str(PYTHON), "-c", FLOOR[1], str(root)], env, args.cold_runs)
        lines.append(f"| {FLOOR[0]} | {size:,} | {ms(floor.median)} | | | {floor.rss} MB |")
        commands = [(label, [str(PYTHON), "-c", code, str(root)]) for label, code in PROBES]
        commands += [(f"`interact {label}`", [str(INTERACT), "--dir", str(root),
                                                *(a.format(contact=meta["contact_name"], prefix=meta["interaction_id"][:6])
                                                  for a in argv)])
                     for label, argv in READS if label not in missing]
        for label, argv in commands:
            cold = measure(argv, env, args.cold_runs, before=lambda: drop_index(root))
            run_once(argv, env)  # brings the index up to date after whatever ran before
            warm = measure(argv, env, args.runs)
            note = " (failed)" if cold.failed or warm.failed else ""
            cold_ratio = f" ({ratio(cold.median, floor.median)} of the floor)" if label.startswith("probe") else ""
            lines.append(f"| {label}{note} | {size:,} | {ms(cold.median)}{cold_ratio} | {ms(warm.median)} | "
                         f"{ratio(warm.median, python.median)} | {cold.rss} / {warm.rss} MB |")
        print(f"measured {size:,}", file=sys.stderr, flush=True)
    if missing:
        lines += ["", "Not on this branch yet, so not measured: " + ", ".join(f"`interact {m}`" for m in missing) + "."]
    text = "\n".join(lines) + "\n"
    RESULTS.write_text(with_section(RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n", text))
    print(text)


def with_section(document: str, section: str, heading: str = SECTION) -> str:
    """`document` with the part under `heading` (up to the next `## ` heading) replaced by
    `section`, or `section` added at the end."""
    lines = document.rstrip("\n").split("\n")
    if heading not in lines:
        return "\n".join(lines) + "\n\n" + section
    start = lines.index(heading)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    rest = "\n".join(lines[end:])
    return "\n".join(lines[:start]) + "\n" + section + ("\n" + rest + "\n" if rest else "")


if __name__ == "__main__":
    main()
