"""Compare builds of `interact` on one command, runs alternating: python bench/compare.py [--runs 7] [--cold] NAME=INTERACT@STORE... -- ARGS...

Each NAME is an `interact` executable (e.g. the venv of a worktree at another commit) with
its own copy of a store (each build keeps its own index). Runs alternate between them, so a
noisy shared machine weighs on all alike; prints the median wall time of each, its ratio to
the first, and the venv's `python -c pass` measured in the same rounds. Outputs are compared
too: a build that prints something else is named. `--cold` deletes each store's index
before every run (as bench/run.py's cold column does). Beside the wall time, the CPU time
(user + system, with the processes a run starts and waits for: `find`, the forked parsers)
is steadier when other work shares the machine. Where PYTHONDONTWRITEBYTECODE is set (it is
on this machine), a build whose tree has no __pycache__ compiles every module on every run:
run `python -m compileall -q interact` in each build's tree first.

Example:
  python bench/compare.py before=/tmp/old/.venv/bin/interact@/tmp/store-a \\
      after=.venv/bin/interact@/tmp/store-b -- list --to user03 --status missed
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import PYTHON, drop_index, environment, run_once  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cold", action="store_true", help="delete each store's index before every run")
    parser.add_argument("builds", nargs="+", metavar="NAME=INTERACT@STORE")
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    options, args = parser.parse_args(argv[:split]), argv[split + 1:]
    builds = []
    for spec in options.builds:
        name, _, rest = spec.partition("=")
        executable, _, store = rest.partition("@")
        builds.append((name, executable, store))
    env = environment()
    outputs, times, cpu = {}, {name: [] for name, _, _ in builds}, {name: [] for name, _, _ in builds}
    floor = []
    for name, executable, store in builds:  # warm each index first
        outputs[name] = run_once([executable, "--dir", store, *args], env)[3]
    for _ in range(options.runs):
        floor.append(run_once([str(PYTHON), "-c", "pass"], env)[0])
        for name, executable, store in builds:
            if options.cold:
                drop_index(Path(store))
            before = children_cpu()
            times[name].append(run_once([executable, "--dir", store, *args], env)[0])
            cpu[name].append(children_cpu() - before)
    first, first_cpu = statistics.median(times[builds[0][0]]), statistics.median(cpu[builds[0][0]])
    print(f"interact {' '.join(args)}: median of {options.runs} alternating{' cold' if options.cold else ''} runs")
    print(f"  python -c pass: {statistics.median(floor) * 1000:.0f} ms")
    for name, _, _ in builds:
        median, median_cpu = statistics.median(times[name]), statistics.median(cpu[name])
        same = "" if outputs[name] == outputs[builds[0][0]] else "  (output differs!)"
        print(f"  {name}: {median * 1000:.0f} ms  {median / first:.2f}x   cpu {median_cpu * 1000:.0f} ms  "
              f"{median_cpu / first_cpu:.2f}x{same}")


def children_cpu() -> float:
    """User and system seconds of the processes this one has waited for, so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
