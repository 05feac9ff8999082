"""Reading a tree through the index: `Index`, the index of one store (a read, a scan begun
ahead of its read, a damaged file discarded); `_Load`, one read and the update it brings,
whose `run` is the whole sequence, top to bottom; `Loaded`, what a read gives."""

from __future__ import annotations

import contextlib
import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .. import index as tuning  # FREEZE_FROM, REBUILD_WAIT_S: read when used
from .. import messages as msg
from .folders import _Folder, _set_paths
from .found import _following, _full_text, _matches, _pack_ids, _packed_with_prefix, _sharing_heads
from .parse import _parsed, _read
from .scan import _Ahead, _ChangeScan, _ClockFile
from .storage import (INDEX_NAME, _begin, _connect, _finish, _folder_sizes, _read_folders, _read_parts,
                      _stored_stems, _tree_row, _unlink_index, _write_folder)
from .tree import EVERYTHING, IndexUnavailable, Narrowing, Tree, _Damaged
from .update import _update, _walk
from .walk import _walk_key

if TYPE_CHECKING:
    from ..model import Record


class Index:
    """The index file of one store, in its `.cache` folder."""

    def __init__(self, cache_dir: Path):
        self.cache_dir = Path(cache_dir)
        self.path = self.cache_dir / INDEX_NAME
        self._connection = None  # one for the life of the store: closing checkpoints the log
        self._ahead: dict[str, _Ahead] = {}  # tree name -> a change scan started for a read to come

    def load(self, tree: Tree, narrowing: Narrowing = EVERYTHING) -> Loaded:
        """The tree's valid records (all those `narrowing` lets through, in walk order) and
        its files' problems, as parsing every file would give them."""
        import sqlite3

        if not os.path.isdir(tree.top):
            return Loaded([], [], None)
        for _ in range(3):
            try:
                with _gc_paused():
                    loaded = _Load(self, tree, narrowing).run()
                    if len(loaded.records) >= tuning.FREEZE_FROM:
                        # they live as long as the process: left out of the collector's scans
                        # from now on (reference counting still frees them); done before the
                        # collector resumes, or its first pass would go through them all
                        gc.freeze()
            except (sqlite3.OperationalError, UnicodeEncodeError) as error:
                # locked too long, read-only, a name SQLite cannot take (undecodable bytes): no damage
                raise IndexUnavailable(str(error)) from None
            except (sqlite3.DatabaseError, _Damaged):
                self.discard()
                continue
            except _BuiltMeanwhile:
                continue  # another process built it while this one waited: read what it stored
            return loaded
        raise IndexUnavailable("the index could not be rebuilt")

    def scan_ahead(self, tree: Tree) -> None:
        """Start looking for changes to the tree now (in child processes), for a read of it
        to come: that read takes the scan over when the index did not change in between,
        and otherwise makes its own. Quietly does nothing when the index cannot tell."""
        import sqlite3

        if tree.name in self._ahead or not os.path.isdir(tree.top):
            return
        try:
            connection = self.connection()
            row = _tree_row(connection, tree.name)
            if row is None or row[:2] != (tree.fingerprint, os.stat(tree.top).st_ino):
                return  # to be built: nothing to scan
            folders = _folder_sizes(connection, tree.name)
            clock = _ClockFile(self.cache_dir).__enter__()
        except (sqlite3.Error, IndexUnavailable, OSError):
            return  # the read finds out for itself
        leaves = {rel: files for rel, leaf, files in folders if leaf}
        scan = _ChangeScan(os.fspath(tree.top), [rel for rel, leaf, _ in folders if not leaf], leaves, row[2],
                           clock.path)
        self._ahead[tree.name] = _Ahead(tuple(row), clock, scan)

    def packed_with_prefix(self, tree: Tree, prefix: str) -> tuple[dict, dict] | None:
        """found._packed_with_prefix, when what is stored was made with the tree's fingerprint;
        else None."""
        import sqlite3

        try:
            connection = self.connection()
            row = _tree_row(connection, tree.name)
            if row is None or row[0] != tree.fingerprint:
                return None
            return _packed_with_prefix(connection, tree.name, prefix)
        except (sqlite3.Error, IndexUnavailable):
            return None

    def pack_ids(self, tree: Tree, rel: str, signature, prefix: str = "") -> list[str] | None:
        """The ids (starting with `prefix`) of the valid records of the month pack `rel`, as
        stored when it was read, if it was read as it is now (the same packs.signature) with
        the tree's fingerprint; else None."""
        import sqlite3

        try:
            connection = self.connection()
            row = _tree_row(connection, tree.name)
            if row is None or row[0] != tree.fingerprint or signature is None:
                return None
            return _pack_ids(connection, tree.name, rel, signature, prefix)
        except (sqlite3.Error, IndexUnavailable):
            return None

    def connection(self):
        if self._connection is None:
            self._connection = _connect(self.cache_dir, self.path)
        return self._connection

    def drop_ahead(self) -> None:
        """Abandon the scans begun ahead (the files changed since, or they are not wanted)."""
        for ahead in self._ahead.values():
            ahead.abandon()
        self._ahead.clear()

    def close(self) -> None:
        self.drop_ahead()
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def discard(self) -> None:
        """Remove a damaged index: the next read rebuilds it from the files."""
        self.close()
        _unlink_index(self.path)


@contextlib.contextmanager
def _gc_paused():
    """Loading 100,000 records makes a million objects, which the cyclic collector would
    scan again and again as they are made: it waits."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Loaded:
    """What one read gave: `records` and `problems` ([(path, problem)]), both in walk order."""

    def __init__(self, records: list[Record], problems: list[tuple[str, str]], load: _Load | None):
        self.records = records
        self.problems = problems
        self._load = load

    def stems(self, loose_only: bool = False) -> list[str] | None:
        """The name of every record file, valid or not, without its suffix, and the id of every
        valid record of a pack (`loose_only`: not those); None when the index can no longer
        tell (it was damaged or removed since)."""
        import sqlite3

        load = self._load
        if load is None:
            return []
        try:
            stored = _stored_stems(load.index.connection(), load.tree.name, loose_only)
        except (sqlite3.Error, IndexUnavailable):
            return None
        stems = []
        for rel, folder in load.leaves.items():
            if loose_only and folder.pack:
                continue
            known = folder.stems()
            if known is not None:  # known here, and maybe newer than what is stored
                stems += known
            elif stored.get(rel) is None:
                return None
            elif stored[rel]:
                stems += stored[rel].split("\0")
        return stems

    def matches(self, expression: str):
        """(sort code, record) of each stored record whose text matches the full-text
        `expression`, in listing order (found.py); None when the index has no full-text part."""
        load = self._load
        if load is None or not _full_text(load.connection):
            return None
        return _matches(load.connection, load.tree.name, load.top, expression)

    def following(self, rid: str) -> list[Record]:
        """The stored records that follow `rid` up (found.py)."""
        return _following(self._load.connection, self._load.tree.name, self._load.top, rid) if self._load else []

    def sharing_heads(self, wanted, length: int) -> set[str]:
        """The stored ids of valid records that start as a wanted id does, to `length` characters (found.py)."""
        return _sharing_heads(self._load.connection, self._load.tree.name, wanted, length) if self._load else set()


class _BuiltMeanwhile(Exception):
    """Another process built the index while this one waited to write its own: read that."""


class _Load:
    """One read of a tree through the index, and the update it brings. Its folders are
    read from storage.py, brought up to date by update.py, their new and changed files
    parsed by parse.py (a folder at a time) and each stored by storage.py as soon as it is
    parsed: `run` calls them in turn."""

    def __init__(self, index: Index, tree: Tree, narrowing: Narrowing):
        self.index = index
        self.tree = tree
        self.narrowing = narrowing
        self.top = os.fspath(tree.top)
        self.connection = index.connection()
        self.full_text = _full_text(self.connection)
        self.inner: dict[str, dict[str, int]] = {}  # the folders above the files: {subfolder: inode}
        self.leaves: dict[str, _Folder] = {}        # the folders of files, and the month packs
        self.dirty: set[str] = set()     # folders to write
        self.removed: set[str] = set()   # folders to delete
        self.walked: set[str] = set()    # folders read in full in this run
        self.to_parse: list[tuple[str, str | None]] = []  # (folder, file name; None: a pack), by folder
        self.next_rowid: dict[int, int] = {}  # sort code -> the next number for it (found.py)
        self.rowids_known = False

    def run(self) -> Loaded:
        """The read, top to bottom. What is stored is used when it was made for this tree, with
        this fingerprint, at a check no later than now: it is read, and brought up to date
        with what changed since. Otherwise (new, made for other code or another
        configuration, or the clock went back) every file is walked and parsed. The update
        is then stored, a folder at a time, and the result made from the folders."""
        connection = self.connection
        ahead = self.index._ahead.pop(self.tree.name, None)
        try:
            with contextlib.ExitStack() as cleanup:
                clock = self._clock(ahead, cleanup)
                connection.execute("BEGIN")  # one snapshot for all that is read
                row = _tree_row(connection, self.tree.name)
                top_ino = os.stat(self.top).st_ino
                if row is not None and row[:2] == (self.tree.fingerprint, top_ino) and row[2] <= clock.now:
                    _read_folders(self)                          # the folders as last checked
                    changes = self._changes(row, ahead, clock)   # `find` runs, from the last check
                    _read_parts(self)                            # the records wanted, while `find` runs
                    changed = changes.result()
                    _update(self, changed)                       # changed folders listed again
                    connection.execute("COMMIT")
                    if changed:  # even when no file differs: the clock moves on
                        self._store(clock.now, row[3], top_ino, msg.reading_changes())
                else:
                    connection.execute("COMMIT")
                    if ahead is not None:
                        ahead.scan.abandon()
                    _walk(self, "", self.top)                    # every folder, every file
                    self._store(clock.now, row[3] if row else None, top_ino, msg.reading_store(), rebuilt=True)
            return self._result()
        finally:
            if connection.in_transaction:
                connection.execute("ROLLBACK")

    def _store(self, clock: int, generation, top_ino: int, label: str, rebuilt: bool = False) -> None:
        """Parse what is new or changed and store each folder as soon as it is parsed (then let
        go of what the narrowing does not want), then the rest of the update; nothing is
        written when another process wrote since this one read (its result is as good)."""
        writing = self._begin(generation, rebuilt)
        for rel in self._parsed_then_unchanged(label):
            if writing:
                _write_folder(self, rel)
            folder = self.leaves[rel]
            folder.narrow(self.tree, self.narrowing)
            _set_paths(*folder.stored, self._folder_path(rel), folder.pack)
        if writing:
            _finish(self, clock, generation, top_ino)

    def _begin(self, generation, rebuilt: bool) -> bool:
        """storage._begin; a rebuild that waited for another process's (a first read of a big
        store takes a while) reads what that one stored instead of doing it again."""
        if not rebuilt:
            return _begin(self, generation, rebuilt)
        self.connection.execute(f"PRAGMA busy_timeout = {tuning.REBUILD_WAIT_S * 1000}")
        try:
            writing = _begin(self, generation, rebuilt)
        finally:
            self.connection.execute(f"PRAGMA busy_timeout = {30 * 1000}")
        if not writing:
            row = _tree_row(self.connection, self.tree.name)
            if row is not None and row[:2] == (self.tree.fingerprint, os.stat(self.top).st_ino):
                raise _BuiltMeanwhile()
        return writing

    def _parsed_then_unchanged(self, label: str):
        """Each folder to store: those parsed, as they are done, then those that changed
        without a file to parse (one was removed)."""
        done = set()
        for rel in _parsed(self, label):
            done.add(rel)
            yield rel
        yield from sorted(rel for rel in self.dirty if rel in self.leaves and rel not in done)

    def _clock(self, ahead: _Ahead | None, cleanup: contextlib.ExitStack) -> _ClockFile:
        """The clock of this check, removed when the read ends."""
        if ahead is None:
            return cleanup.enter_context(_ClockFile(self.index.cache_dir))
        # its clock was read earlier: later changes are looked at next time
        cleanup.callback(ahead.abandon)
        return ahead.clock

    def _changes(self, row: tuple, ahead: _Ahead | None, clock: _ClockFile) -> _ChangeScan:
        """The scan begun ahead when it started from the same folders and clock, else a new one."""
        if ahead is not None and tuple(row) == ahead.row:
            return ahead.scan
        if ahead is not None:
            ahead.scan.abandon()
        return _ChangeScan(self.top, list(self.inner), {rel: f.files for rel, f in self.leaves.items()}, row[2],
                           clock.path)

    def _folder_path(self, rel: str) -> str:
        """The path of a folder given relative to the top."""
        return os.path.join(self.top, *rel.split("/")) if rel else self.top

    def _result(self) -> Loaded:
        """The records and problems of every folder, in walk order, the records with their paths."""
        records, problems = [], []
        for rel in sorted(self.leaves, key=_walk_key):
            folder = self.leaves[rel]
            prefix = self._folder_path(rel)
            readable = self._retry_unreadable(rel, folder)
            found, names = folder.records()
            if folder.items is not None:  # else done on reading
                _set_paths(found, names, prefix, folder.pack)
            records += found
            records += readable
            for name, problem in folder.problem_items():
                problems.append((prefix if folder.pack else os.path.join(prefix, name), str(problem)))
        return Loaded(records, problems, self)

    def _retry_unreadable(self, rel: str, folder: _Folder) -> list[Record]:
        """Files that could not be read last time are read again (their error is not kept).
        Gives those that are now valid records, when the folder's records were narrowed (in
        a complete folder they take their place among the others)."""
        if folder.pack or all(isinstance(problem, str) for _, problem in folder.problem_items()):
            return []
        folder_path = self._folder_path(rel)
        if folder.complete:
            items = folder.all_items()
            for name, (record, problem) in list(items.items()):
                if record is None and not isinstance(problem, str):
                    items[name] = _read(self.tree, os.path.join(folder_path, name), {})
            return []
        readable, problems = [], []
        for name, problem in folder.problems:
            if not isinstance(problem, str):
                record, problem = _read(self.tree, os.path.join(folder_path, name), {})
                if record is not None:
                    record.path = os.path.join(folder_path, name)
                    readable.append(record)
                    continue
            problems.append((name, problem))
        folder.problems = problems
        return readable
