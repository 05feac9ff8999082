"""What the untrusted-input rules (SPEC §7) cost a read: this tree against a base, in one run.

    python bench/bench_untrusted.py --store /path/to/records [--base-ref main] [--runs 5] [--cold-runs 3]

`--store` is a store of many interactions (bench/run.py builds them: /tmp/interact-bench/...);
it is hard-linked into two copies, one for each code tree, so that neither rebuilds the
other's index. The base code is `git archive --base-ref` (default: where this branch left
main). Each measurement is a whole process (python -c, the code tree on PYTHONPATH), runs
of base and this tree taken in turn so that drift on a shared machine falls on both:

- parse: model.load and the validators (Store.parse_data) on the first N interaction files,
  read into memory first: files a second, for the files as they are and for the same files
  with ' & ' added to their note (every one then takes the look at YAML events);
- cold: Store.interactions() with the index deleted first (walk, read, parse, build);
- warm: Store.interactions() with the index up to date;
- no-cache: Store(cache=False).interactions(), every file read and parsed in one process.

Prints a table of medians and ratios and puts it in bench/RESULTS.md under SECTION.
"""

from __future__ import annotations

import argparse
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
REPO = HERE.parent
RESULTS = HERE / "RESULTS.md"
SECTION = "## Untrusted input: `bench/bench_untrusted.py`"

PARSE = """
import os, sys, time
from interact.store import Store
store = Store(sys.argv[1], cache=False)
top = os.path.join(sys.argv[1], "interactions")
paths = sorted(os.path.join(d, n) for d, _, names in os.walk(top) for n in names if n.endswith(".yaml"))
paths = paths[: int(sys.argv[2])]
blobs = []
for path in paths:
    with open(path, "rb") as handle:
        data = handle.read()
    if sys.argv[3] == "ampersand":
        data = data.replace(b"\\nnote: ", b"\\nnote: Tom & Jerry ", 1) if b"\\nnote: " in data else data + b"x-note: Q & A\\n"
    blobs.append((data, path))
began = time.perf_counter()
valid = sum(store.parse_data(data, path, "interaction")[0] is not None for data, path in blobs)
elapsed = time.perf_counter() - began
print(len(blobs) / elapsed, valid)
"""
READ = """
import sys, time
from interact.store import Store
began = time.perf_counter()
store = Store(sys.argv[1], cache=sys.argv[2] == "cache")
count = len(store.interactions())
print(time.perf_counter() - began, count, len(store.warnings))
store.close()
os_exit = __import__("os")._exit
os_exit(0)
"""


def run(code: str, tree: Path, *args) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "TZ": "Europe/London"}
    result = subprocess.run([sys.executable, "-c", code, *map(str, args)], env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"failed with {tree}:\n{result.stderr[-2000:]}")
    return result.stdout.split()


def drop_index(store: Path) -> None:
    shutil.rmtree(store / ".cache", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, type=Path)
    parser.add_argument("--base-ref", default=None, help="git ref of the base code (default: merge-base with main)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--parse-files", type=int, default=10000)
    args = parser.parse_args()
    ref = args.base_ref or subprocess.run(["git", "-C", str(REPO), "merge-base", "HEAD", "main"], check=True,
                                          capture_output=True, text=True).stdout.strip()
    work = Path(tempfile.mkdtemp(prefix="bench-untrusted-"))
    try:
        base = work / "base"
        base.mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "interact"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
        trees = {"base": base, "this": REPO}
        stores = {}
        for name in trees:
            stores[name] = work / f"store-{name}"
            subprocess.run(["cp", "-al", str(args.store), str(stores[name])], check=True)
            drop_index(stores[name])
        rows = measure(trees, stores, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    lines = [SECTION, "", f"`python bench/bench_untrusted.py --store STORE --runs {args.runs} --cold-runs "
             f"{args.cold_runs}`: {head} against {ref[:7]} on {os.cpu_count()} CPUs, Python "
             f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}; {rows.pop(0)}. Medians; runs of "
             "the two trees taken in turn.", "", "| measure | base | this | this / base |", "|---|---:|---:|---:|"]
    lines += rows
    text = "\n".join(lines) + "\n"
    print(text)
    document = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if SECTION in document:
        start = document.index(SECTION)
        end = document.find("\n## ", start + len(SECTION))
        document = document[:start] + text + (document[end + 1:] if end != -1 else "")
    else:
        document = document.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(document)


def measure(trees: dict, stores: dict, args) -> list[str]:
    results: dict[tuple[str, str], list[float]] = {}
    counts = {}
    for _ in range(args.runs):
        for name, tree in trees.items():
            for kind in ("plain", "ampersand"):
                rate, valid = run(PARSE, tree, stores[name], args.parse_files, kind)
                results.setdefault((f"parse, {kind}", name), []).append(float(rate))
    for _ in range(args.cold_runs):
        for name, tree in trees.items():
            drop_index(stores[name])
            seconds, count, warnings = run(READ, tree, stores[name], "cache")
            results.setdefault(("cold", name), []).append(float(seconds))
            counts[name] = (count, warnings)
    for _ in range(args.runs):
        for name, tree in trees.items():
            seconds, *_ = run(READ, tree, stores[name], "cache")
            results.setdefault(("warm", name), []).append(float(seconds))
    for _ in range(args.cold_runs):
        for name, tree in trees.items():
            seconds, *_ = run(READ, tree, stores[name], "nocache")
            results.setdefault(("no-cache", name), []).append(float(seconds))
    rows = [f"{int(counts['this'][0]):,} interactions read ({counts['base'][0]} by the base)"]
    labels = {"parse, plain": "parse + validate, files as they are (files/s)",
              "parse, ampersand": "parse + validate, ' & ' in every note (files/s)",
              "cold": "Store.interactions(), cold: index deleted (s)",
              "warm": "Store.interactions(), warm: index up to date (s)",
              "no-cache": "Store(cache=False).interactions() (s)"}
    for key, label in labels.items():
        base, this = (statistics.median(results[(key, name)]) for name in ("base", "this"))
        shown = (lambda v: f"{v:,.0f}") if key.startswith("parse") else (lambda v: f"{v:.2f}")
        rows.append(f"| {label} | {shown(base)} | {shown(this)} | {this / base:.2f}× |")
    return rows


if __name__ == "__main__":
    main()
