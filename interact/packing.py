"""`interact pack`: each closed month's completed interactions folded into its pack (SPEC §11).

A month is packed in two steps. Outside the store's lock its loose files are read: the valid,
completed interactions that belong in that month are chosen and their canonical text made
(the slow part). Then, under the lock, the pack is written (atomically) with what it held and
the chosen records (a loose record wins over its packed copy), and only then are the loose
files removed, those that did not change since they were read (a month left with nothing
else is moved into .cache/ in one rename and emptied after the lock is let go: unlinking
12,000 files takes seconds). Killed at any moment, every record is readable exactly once:
before the pack is renamed into place nothing changed, and after it a record still loose is
also packed, and the loose file wins (the same record). Run again, `pack` finishes the job
(and removes what a killed run left in .cache/). A month's lock is held for the write, not
the reading, so a `log` meanwhile waits a moment, not the whole run.

Many files are shared between forked workers, a month at a time, which report each month
as they finish it (for a progress bar).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import messages as msg
from .files import NotPlainFile, is_link, read_plain_at
from .hooks import no_sigpipe
from .index import is_record_name, subfolders
from .layout import LOCAL_DIR
from .canonical import canonical_text
from .packs import Pack, is_year_name, pack_of, pack_text, stat_signature
from .periods import PACK_AFTER_DEFAULT, months_before, months_in

WORKERS_FROM = 4000  # loose files to look at: from this many, forked workers share the months
WORKERS = 6  # at most
AWAY_PREFIX = "packed-"  # .cache/packed-YYYY-MM-PID: a packed month's files, being removed


@dataclass
class Packed:
    """What a run of `pack` did."""

    records: int = 0                                   # loose records that went into packs
    months: list[str] = field(default_factory=list)    # the packs written ('2024/05.pack.yaml')
    left: list[tuple[str, str]] = field(default_factory=list)  # (pack, why) months left alone


def first_kept(store, today: date, before: date | None = None) -> date:
    """The first day of the first month that stays loose: `before` (a month's first day) when
    given, else the month `pack_after` months (interact.yaml; default 3) before this one, so
    that every month packed ended more than `pack_after` months ago."""
    if before is not None:
        if before > date(today.year, today.month, 1):
            raise msg.pack_future_month(before, today)
        return before
    after = months_in(store.config.data.get("pack_after"))
    return months_before(today, PACK_AFTER_DEFAULT if after is None else after)


def months_due(store, kept_from: date) -> list[tuple[Path, int]]:
    """(folder, how many files it holds) of each month folder before `kept_from` that holds
    loose files: interactions/YYYY/MM with YYYY four digits and MM 01 to 12."""
    top = store.dir("interaction")
    if is_link(top):  # no reader follows it
        return []
    due = []
    for year in subfolders(os.fspath(top)) if top.is_dir() else ():
        if not is_year_name(year.name):
            continue
        for month in subfolders(year.path):
            if month.name.isdigit() and 1 <= int(month.name) <= 12 and \
                    (int(year.name), int(month.name)) < (kept_from.year, kept_from.month):
                count = sum(1 for name in os.listdir(month.path) if is_record_name(name))
                if count:
                    due.append((Path(month.path), count))
    return due


def pack(store, kept_from: date) -> Packed:
    """Pack every month before `kept_from`; `store.progress` shows how far it has got."""
    clear_away(store)
    due = months_due(store, kept_from)
    done = Packed()
    total = sum(count for _, count in due)
    with store.progress(msg.packing_label(), total) as bar:
        # three workers a CPU: while some wait on the disk (a month's files read or unlinked), another
        # parses (on 2 CPUs, 6 workers packed 16 months 7% quicker than 4; bench/RESULTS.md)
        ways = min(3 * (os.cpu_count() or 1), WORKERS) if total >= WORKERS_FROM and hasattr(os, "fork") else 1
        for month, count, result in _run(store, due, ways):
            bar.update(count)
            _add(done, store, month, result)
    return done


def _add(done: Packed, store, month: Path, result: dict) -> None:
    rel = store.relative(pack_of(month))
    if result["left"]:
        done.left.append((rel, result["left"]))
    elif result["records"]:
        done.records += result["records"]
        done.months.append(rel)


def _run(store, due: list[tuple[Path, int]], ways: int):
    """(folder, files, result of pack_month) of each month, in this process or shared out."""
    if ways <= 1 or len(due) <= 1:
        for month, count in due:
            yield month, count, pack_month(store, month)
        return
    yield from _Workers(store, due, min(ways, len(due))).results()


def pack_month(store, month: Path) -> dict:
    """Fold the month's completed loose records into its pack: {"records": how many, "left":
    why the month was left alone (or None)}."""
    result = {"records": 0, "left": None}
    store.inside(month / "x")  # no link on the way to the month (the files are named from its folder)
    try:
        folder = os.open(month, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:  # gone meanwhile, or a link: nothing of it is read
        return result
    away = None
    try:
        chosen = _chosen(store, month, folder)
        if not chosen:
            return result
        pack = Pack(store, pack_of(month))
        with store.lock():
            chosen = [(name, record, text) for name, seen, record, text in chosen if _signature_at(folder, name) == seen]
            held = _held(store, pack, result)
            if held is None or not chosen:
                return result
            texts = {rid: canonical_text(record) for rid, record in held.items()}
            texts.update((record["id"], text) for _, record, text in chosen)
            store.write(pack.path, pack_text(texts))
            away = _put_away(store, month, folder, [name for name, _, _ in chosen])
    finally:
        os.close(folder)
    if away is not None:
        _remove(away)  # outside the lock: unlinking a month's files takes a while
    result["records"] = len(chosen)
    with contextlib.suppress(OSError):
        os.rmdir(month)  # a month with nothing loose left: git keeps no empty folder either
    return result


def _put_away(store, month: Path, folder: int, names: list[str]) -> Path | None:
    """Take the packed files out of the month (under the lock). A month that holds nothing else
    is moved whole into .cache/ in one rename, and its files are unlinked after the lock is let
    go (`_remove`); otherwise each file is unlinked here. The folder it went to, if any."""
    store.note_written(month)  # once, not a path a file: a million of them would fill memory
    if set(os.listdir(folder)) == set(names):
        away = store.inside(store.root / LOCAL_DIR / f"{AWAY_PREFIX}{month.parent.name}-{month.name}-{os.getpid()}")
        try:
            away.parent.mkdir(exist_ok=True)
            os.rename(month, away)
            return away
        except OSError:  # .cache cannot take it (another file system?): one file at a time
            pass
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name, dir_fd=folder)
    return None


def _remove(folder: Path) -> None:
    """Remove a folder of files put away, and anything left of one a killed run put away."""
    with contextlib.suppress(OSError):
        shutil.rmtree(folder)


def clear_away(store) -> None:
    """Remove what a killed `pack` put away in .cache/ and did not get to remove."""
    cache = store.root / LOCAL_DIR
    with contextlib.suppress(OSError):
        for entry in os.scandir(cache):
            if entry.name.startswith(AWAY_PREFIX) and entry.is_dir(follow_symlinks=False):
                _remove(Path(entry.path))


def _chosen(store, month: Path, folder: int) -> list[tuple]:
    """(file name, its signature, record, canonical text) of each loose file of the month
    (open at `folder`) that holds a valid, completed interaction belonging in that month (the
    others stay loose: outstanding work, and the files `interact check` reports)."""
    chosen = []
    where = (month.parent.name, month.name)
    for name in sorted(os.listdir(folder)):
        if not is_record_name(name):
            continue
        try:
            data, info = read_plain_at(name, folder)
        except (OSError, NotPlainFile):
            continue
        path = month / name
        record, _ = store.parse_data(data, path, "interaction")
        if record is None or not record.get("completed_at") or store.interaction_month(record) != where:
            continue
        text = data.decode("ascii") if record.read_canonical else canonical_text(record)
        chosen.append((name, stat_signature(info), record, text))
    return chosen


def _signature_at(folder: int, name: str) -> tuple | None:
    """packs.signature of a file of the folder open at `folder`."""
    try:
        return stat_signature(os.stat(name, dir_fd=folder, follow_symlinks=False))
    except OSError:
        return None


def _held(store, pack: Pack, result: dict) -> dict | None:
    """{id: record} of what the pack holds now; None (and why, in `result`) when it holds a bad
    record: a rewrite would lose it, so the month is left alone until it is mended."""
    if not os.path.lexists(pack.path):
        return {}
    data = pack.data()
    if data is None:
        result["left"] = msg.pack_unreadable()
        return None
    held = {}
    for record, problem in store.parse_pack(data, pack.path).values():
        if record is None:
            result["left"] = problem
            return None
        held[record["id"]] = record
    return held


class _Workers:
    """Forked processes that pack the months handed to them one at a time (the next month goes
    to whichever finishes first, so a slow month or a busy CPU holds up no share of months),
    each writing one line of JSON a month as it finishes it. A month whose worker failed is
    packed by this process (`pack` run again over a part-packed month finishes it)."""

    def __init__(self, store, due: list[tuple[Path, int]], ways: int):
        self.store = store
        self.due = due
        self.waiting = list(range(len(due) - 1, -1, -1))  # positions in `due`, taken from the end
        self.running = {}  # its results' fd -> _Worker
        for _ in range(ways):
            self._start()

    def _start(self) -> None:
        months_read, months_write = os.pipe()
        results_read, results_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            code = 1
            try:
                os.close(months_write)
                os.close(results_read)
                for fd, other in self.running.items():  # the other workers' pipes: theirs to end
                    os.close(fd)
                    other.close()
                self.store.forked()
                with open(months_read) as months, open(results_write, "w") as results:
                    for line in months:  # a month's position in `due` a line, until the pipe is closed
                        results.write(json.dumps(pack_month(self.store, self.due[int(line)][0])) + "\n")
                        results.flush()
                code = 0
            finally:
                os._exit(code)
        os.close(months_read)
        os.close(results_write)
        worker = self.running[results_read] = _Worker(pid, months_write)
        self._hand_out(worker)

    def _hand_out(self, worker: "_Worker") -> None:
        """The next month to `worker`; when none is left, its pipe is closed and it ends."""
        worker.month = self.waiting.pop() if self.waiting else None
        if worker.month is None:
            worker.close()
            return
        with no_sigpipe(), contextlib.suppress(OSError):  # gone: its month is packed here when its results end
            os.write(worker.months, b"%d\n" % worker.month)

    def results(self):
        import selectors

        selector = selectors.DefaultSelector()
        for fd in self.running:
            selector.register(fd, selectors.EVENT_READ)
        partial = dict.fromkeys(self.running, b"")
        leftover = []
        while partial:
            for key, _ in selector.select():
                fd, worker = key.fd, self.running[key.fd]
                chunk = os.read(fd, 1 << 16)
                if chunk:
                    *lines, partial[fd] = (partial[fd] + chunk).split(b"\n")
                    for line in lines:
                        done = worker.month
                        self._hand_out(worker)
                        yield (*self.due[done], json.loads(line))
                    continue
                selector.unregister(fd)
                os.close(fd)
                del partial[fd]
                os.waitpid(worker.pid, 0)
                if worker.month is not None:  # it failed: its month is packed here
                    worker.close()
                    leftover.append(worker.month)
        leftover += reversed(self.waiting)  # none, unless every worker failed
        for position in leftover:
            yield (*self.due[position], pack_month(self.store, self.due[position][0]))


@dataclass
class _Worker:
    pid: int
    months: int | None  # the fd it reads months from; None once closed
    month: int | None = None  # the position in `due` of the month it packs

    def close(self) -> None:
        if self.months is not None:
            os.close(self.months)
            self.months = None
