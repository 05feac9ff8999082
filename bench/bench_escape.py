"""What escaping control characters (SPEC §7, text.printable) costs the big listings:
python bench/bench_escape.py [ROWS] [BASE]

Renders a listing of ROWS interactions (default 100,000) as a table, JSON, CSV and ids with
this tree's renderers and with those of git revision BASE (default main), in alternating
runs, and prints the median of each and their ratio. A table is timed clean (no control
character anywhere: the usual case), with one hostile cell among all the rows, and in colour
(the status column coloured, as on a terminal).
"""

from __future__ import annotations

import importlib.util
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from interact.render import View

REPO = Path(__file__).resolve().parent.parent
RUNS = 7
STATUS_COLORS = {"missed": "red", "open": "yellow", "completed": "green"}


def base_renderers(base: str, folder: Path) -> dict:
    """The renderers of revision `base`, loaded as modules of their own (beside this tree's)."""
    modules = {}
    for fmt in ("table", "json", "csv", "ids"):
        source = subprocess.run(["git", "-C", str(REPO), "show", f"{base}:interact/render/as_{fmt}.py"],
                                capture_output=True, text=True, check=True).stdout
        # a relative import (..text, ..model) resolves against this tree's package
        path = folder / f"base_as_{fmt}.py"
        path.write_text(source)
        spec = importlib.util.spec_from_file_location(f"interact.render.base_as_{fmt}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules[fmt] = module
    return modules


def listing(rows: int, hostile: bool = False) -> tuple[list[list[str]], list[dict]]:
    rng = random.Random(1)
    cells, records = [], []
    for i in range(rows):
        state = rng.choice(["open", "missed", "completed"])
        note = rng.choice(["Discussed the renewal", "Sent a quote", "Left voicemail"])
        if hostile and i == rows // 2:
            note = "Left \x1b[2J voicemail"
        cells.append([f"{i:010d}"[:6], state, "2026-11-25 10:00", "call", f"Contact {i % 500}", "alice", note])
        records.append({"id": f"{i:010d}", "type": "call", "when": "2026-11-25T10:00:00+00:00", "status": state,
                        "contacts": [f"contact-{i % 500}"], "assignee": "alice", "note": note, "duration": 30})
    return cells, records


def styled(cells: list[list[str]]) -> list[list[str]]:
    """The base revision's coloured rows: the status cell styled in the row."""
    import click

    codes = {state: click.style(state, fg=fg) for state, fg in STATUS_COLORS.items()}
    return [[row[0], codes[row[1]], *row[2:]] for row in cells]


def timed(render, view_of) -> float:
    view = view_of()
    began = time.perf_counter()
    render(view)
    return time.perf_counter() - began


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    base = sys.argv[2] if len(sys.argv) > 2 else "main"
    from interact.render import as_csv, as_ids, as_json, as_table

    headers = ["id", "status", "when", "type", "with", "assignee", "about"]
    clean, records = listing(rows)
    hostile, _ = listing(rows, hostile=True)
    coloured = styled(clean)
    with tempfile.TemporaryDirectory() as tmp:
        old = base_renderers(base, Path(tmp))
        cases = {  # name -> (this tree's render and view, the base's render and view)
            "table": (as_table.render, lambda: View([], headers, [list(r) for r in clean]),
                      old["table"].render, lambda: View([], headers, [list(r) for r in clean])),
            "table, one hostile cell": (as_table.render, lambda: View([], headers, [list(r) for r in hostile]),
                                        old["table"].render, lambda: View([], headers, [list(r) for r in hostile])),
            "table, in colour": (as_table.render, lambda: View([], headers, [list(r) for r in clean], color=True,
                                                                colors={"status": STATUS_COLORS}),
                                 old["table"].render, lambda: View([], headers, [list(r) for r in coloured],
                                                                   color=True)),
            "json": (as_json.render, lambda: View(records), old["json"].render, lambda: View(records)),
            "csv": (as_csv.render, lambda: View(records), old["csv"].render, lambda: View(records)),
            "ids": (as_ids.render, lambda: View(records), old["ids"].render, lambda: View(records)),
        }
        print(f"{rows:,} rows; median of {RUNS} alternating runs; base = {base}\n")
        print("| output | base (s) | this tree (s) | ratio |\n|---|---:|---:|---:|")
        for name, (new_render, new_view, old_render, old_view) in cases.items():
            new_times, old_times = [], []
            for _ in range(RUNS):
                old_times.append(timed(old_render, old_view))
                new_times.append(timed(new_render, new_view))
            before, after = statistics.median(old_times), statistics.median(new_times)
            print(f"| {name} | {before:.3f} | {after:.3f} | {after / before:.2f} |")


if __name__ == "__main__":
    main()
