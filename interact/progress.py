"""How far long work has got (the first read of a big store, `pack`, a big import).

The library says what it is doing through `Store.progress(label, total)`, a context manager
whose `update(n)` adds n done; by default it shows nothing. The command line puts click's
progress bar there when stderr is a terminal (cli.py), and nothing otherwise: cron and
pipes get no bar.
"""

from __future__ import annotations


class Quiet:
    """A progress that shows nothing."""

    def __init__(self, label: str = "", total: int = 0):
        self.label = label
        self.total = total

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def update(self, count: int) -> None:
        pass
