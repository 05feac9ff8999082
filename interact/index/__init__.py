"""A derived index of the record files, so that reading 100,000 of them stays fast.

The YAML files are the truth. The index (`.cache/index.sqlite`, never committed) keeps what
parsing each file gave: the record, or the problem that made the file invalid, so the same
warning is repeated without parsing it again. It is an accelerator only: deleting it changes
no output, a damaged one is rebuilt silently, and every read checks it against the files:

- `find -cnewer` (C speed; in child processes, one for each share of the folders, while this
  one reads the index; a Python walk where there is no `find`) lists every file and folder
  whose status changed (its ctime) since the last check. Writing to a file, creating,
  renaming or deleting one in a folder, chmod and utime all set the ctime to the present,
  and nothing can set it back, so an editor's save, a `git pull` or a copy that keeps old
  mtimes is always seen.
- A changed folder is listed again (names and inode numbers): files that appeared, vanished
  or were replaced are found there. Only changed and new files are parsed again; when there
  are many (the first read, a big pull), forked helpers share the parsing.
- A check starts from the file system's own clock, read just before the previous check
  began, less a margin: a change made during a check, or within the clock's granularity,
  is looked at again by the next one.

A folder's records are stored in parts, by owner and by whether they are done (for
interactions: assignee and completed), each part beside the facets of its records (for
interactions: the folded text `search` looks in, and the people): a read that wants one
user's open interactions, or those holding a word, unpickles only the parts and records
that can match (a `Narrowing`), and the caller's own filter does the rest.

Concurrency: SQLite's locking (write-ahead log) keeps the file whole; a process writes its
update only if no other process wrote since it read, and otherwise just uses its result.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import pickle
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..model import Record

INDEX_NAME = "index.sqlite"
FORMAT = 6  # bump when what is stored changes
MARGIN_NS = 2_000_000_000  # covers coarse file-system clocks (2 s on FAT) and in-flight writes
FIND = "find"
FIND_FROM = 1000  # files: below this a walk in Python is quicker than starting `find`
FIND_PROCESSES = 4  # at most, and no more than there are CPUs
PARSE_APART_FROM = 2000  # files to parse: from this many, forked processes share the work
FREEZE_FROM = 10000  # records loaded: from this many, the cyclic collector leaves them out
RECORD_SUFFIX = ".yaml"


class Tree:
    """A folder of record files: `depth` folder levels lie between `top` and the files."""

    def __init__(self, name: str, top: Path, depth: int, fingerprint: str, parse,
                 part=None, facets=None):
        self.name = name                # its key in the index: interactions, contacts, accounts
        self.top = top
        self.depth = depth              # 2 for interactions/YYYY/MM/, 0 for contacts/
        self.fingerprint = fingerprint  # what parsing and checking a file depend on (code, configuration)
        self.parse = parse              # (bytes, path) -> (record, None) or (None, problem)
        self.part = part                # record -> (owner, done): the part it is stored in
        self.facets = facets            # record -> what a Narrowing's `choose` looks at (picklable)


@dataclass(frozen=True)
class Narrowing:
    """Which stored records a read may leave out: a looser test than the caller's own filter,
    which the caller still applies (a read may give more: all the records of a folder that
    changed since the last read, for one). A record taken through `choose` has its facets in
    `record.facets`."""

    owner: str | None = None    # only records of this owner (None: any)
    done: bool | None = None    # only done (True) or only not done (False) records
    # given the facets of a part's records, the positions of those that may match
    choose: Callable[[list], list[int]] | None = None


EVERYTHING = Narrowing()


class IndexUnavailable(Exception):
    """The index cannot be used here (no writable .cache folder, locked too long...)."""


def fingerprint(config: dict | None) -> str:
    """What a file's result depends on besides its bytes: this code, libyaml, the configuration
    (a stored result made with another of them is not used)."""
    import hashlib

    import yaml

    from .. import __version__, model

    package = Path(__file__).parent  # interact/index/, every module of it
    sources = [package.parent / n for n in ("model.py", "store.py", "query.py")] + sorted(package.glob("*.py"))
    code = [(info.st_size, info.st_mtime_ns) for info in map(os.stat, sources)]
    parts = (FORMAT, __version__, yaml.__version__, model.RecordLoader.__mro__[1].__name__, code, config)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


# --- walking the files (shared with reading them without the index) -------------------

def is_record_name(name: str) -> bool:
    return name.endswith(RECORD_SUFFIX) and not name.startswith(".")


def subfolders(path: str) -> list[os.DirEntry]:
    """The folders in `path` that hold records (hidden ones skipped), by name."""
    with os.scandir(path) as entries:
        return sorted((e for e in entries if not e.name.startswith(".") and e.is_dir()), key=lambda e: e.name)


def record_names(top: Path, depth: int):
    """(folder, its record file names, sorted) for each folder `depth` levels under `top`
    (YYYY/MM for interactions), in walk order: names only, which is quick to list."""
    def walk(path: str, level: int):
        if level < depth:
            for entry in subfolders(path):
                yield from walk(entry.path, level + 1)
        else:
            names = os.listdir(path)
            names.sort()
            # is_record_name, inline: this runs for every file of the store
            yield path, [name for name in names if name.endswith(RECORD_SUFFIX) and not name.startswith(".")]

    top = os.fspath(top)
    if os.path.isdir(top):
        yield from walk(top, 0)


def record_files(top: Path, depth: int, stem_prefix: str = ""):
    """Paths (str) of the record files under `top` whose name starts with `stem_prefix`."""
    for folder, names in record_names(top, depth):
        for name in names:
            if name.startswith(stem_prefix) and name[: -len(RECORD_SUFFIX)].startswith(stem_prefix):
                yield os.path.join(folder, name)


def _listing(path: str, leaf: bool) -> dict[str, int]:
    """{name: inode} of a folder's record files (leaf) or of its subfolders."""
    if not leaf:
        return {e.name: e.inode() for e in subfolders(path)}
    with os.scandir(path) as entries:
        return {e.name: e.inode() for e in entries if is_record_name(e.name)}


# --- what the index stores ------------------------------------------------------------

class _SafeUnpickler(pickle.Unpickler):
    """Builds only records and what a safe YAML load can give: a planted cache file cannot run code."""

    def find_class(self, module, name):
        import datetime

        allowed = {(Record.__module__, Record.__qualname__): Record,
                   **{("datetime", cls.__name__): cls for cls in
                      (datetime.datetime, datetime.date, datetime.timedelta, datetime.timezone)}}
        try:
            return allowed[module, name]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not expected in the index") from None


def _loads(blob: bytes):
    return _SafeUnpickler(io.BytesIO(blob)).load()


def _unpickled(blob: bytes):
    """`_loads` of what the index holds: whatever garbage raises, it is damage."""
    try:
        return _loads(blob)
    except Exception as error:
        raise _Damaged(error) from None


def _dumps(value) -> bytes:
    import copyreg

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # A record is stored as its fields alone (its path is set on the way out): quicker to load.
    pickler.dispatch_table = {Record: lambda record: (copyreg.__newobj__, (Record,), None, None,
                                                      iter(record.items()))}
    pickler.dump(value)
    return buffer.getvalue()


def _shared(value, seen: dict):
    """`value` with equal strings made one object: smaller in memory, and pickled once."""
    kind = type(value)
    if kind is str:
        return seen.setdefault(value, value)
    if kind is list:
        return [_shared(v, seen) for v in value]
    if kind is dict:
        return {_shared(k, seen): _shared(v, seen) for k, v in value.items()}
    return value


def _share_strings(record: Record, seen: dict) -> None:
    share = seen.setdefault  # keys and most values are str: shared without a call of _shared
    items = [(share(k, k), share(v, v) if type(v) is str else _shared(v, seen)) for k, v in record.items()]
    record.clear()
    record.update(items)


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


def _set_paths(records: list[Record], names: dict[int, str], folder: str) -> None:
    """Give records read from the index the path of their file in `folder`."""
    prefix = os.path.join(folder, "")
    # `_path` is set directly, as a str: model.Record makes it a Path when first asked for
    for record in records:
        record._path = f"{prefix}{record['id']}{RECORD_SUFFIX}"
    for position, name in names.items():
        records[position]._path = prefix + name


def _assemble(pieces: list[tuple[list, list[int], dict]], complete: bool) -> tuple[list[Record], dict[int, str]]:
    """A folder's (records, names) in file-name order, from the parts read of it: each
    (records, their positions among the folder's records, {position: file name})."""
    names = {}
    for _, _, part_names in pieces:
        names.update(part_names)
    if complete:
        records = [None] * sum(len(part) for part, _, _ in pieces)
        for part, positions, _ in pieces:
            for position, record in zip(positions, part):
                records[position] = record
        if None in records:
            raise _Damaged("a folder's parts do not fit together")
        return records, names
    placed = sorted(((position, record) for part, positions, _ in pieces for position, record in zip(positions, part)),
                    key=lambda pair: pair[0])
    records = [record for _, record in placed]
    return records, {i: names[position] for i, (position, _) in enumerate(placed) if position in names}


class _Folder:
    """A folder of record files as the index knows it.

    `stored` is what the index holds of its valid records, in file-name order: (records,
    names), `names` being {position: file name} for the records whose file is not
    `<id>.yaml`; all of them when `complete`, else those of the parts a narrowed read took.
    `problems` is [(name, problem)] for its other files. Once it changed in this run,
    `items` is {name: (record, None) or (None, problem)} for every file. `entries` is
    {name: inode} of its files, read from the index only when needed. A problem that is an
    OSError (the file could not be read) is not stored: that file is read again each time.
    """

    __slots__ = ("entries", "files", "stored", "complete", "problems", "items")

    def __init__(self, files: int, entries=None, problems=()):
        self.files = files  # about how many files it holds: shares out the change scan
        self.entries = entries
        self.stored = ([], {})
        self.complete = entries is not None  # a folder read in full has nothing stored to read
        self.problems = list(problems)
        self.items = None

    def records(self) -> tuple[list[Record], dict[int, str]]:
        """The valid records, and the file names that are not `<id>.yaml`, by position."""
        if self.items is None:
            return self.stored
        records, names = [], {}
        for name, (record, _) in sorted(self.items.items()):
            if record is not None:
                if name != f"{record['id']}{RECORD_SUFFIX}":
                    names[len(records)] = name
                records.append(record)
        return records, names

    def problem_items(self) -> list[tuple[str, object]]:
        if self.items is None:
            return self.problems
        return [(name, problem) for name, (record, problem) in sorted(self.items.items()) if record is None]

    def all_items(self) -> dict:
        """{name: (record, None) or (None, problem)}, to change; the folder must be complete."""
        if self.items is None:
            assert self.complete
            records, names = self.stored
            self.items = {names.get(i) or f"{record['id']}{RECORD_SUFFIX}": (record, None)
                          for i, record in enumerate(records)}
            self.items.update((name, (None, problem)) for name, problem in self.problems)
        return self.items

    def rows(self, tree: Tree) -> tuple[tuple, list[tuple]]:
        """What is stored of it: (files, entries, problems, stems), and its parts, each
        (owner, done, (records, positions, names), facets)."""
        records, names = self.records()
        by_part: dict[tuple, list[int]] = {}
        for position, record in enumerate(records):
            by_part.setdefault(tree.part(record) if tree.part else (None, None), []).append(position)
        parts = []
        for (owner, done), positions in by_part.items():
            chosen = [records[p] for p in positions]
            facets = None
            if tree.facets:
                facets = _dumps([f if (f := getattr(r, "facets", None)) is not None else tree.facets(r) for r in chosen])
            parts.append((owner, None if done is None else int(done),
                          _dumps((chosen, positions, {p: names[p] for p in positions if p in names})), facets))
        problems = [(name, problem if isinstance(problem, str) else None) for name, problem in self.problem_items()]
        return (len(self.entries), _dumps(self.entries), _dumps(problems), "\0".join(_stems(self.entries))), parts


# --- the index --------------------------------------------------------------------------

def _depth(rel: str) -> int:
    return rel.count("/") + 1 if rel else 0


def _join(rel: str, name: str) -> str:
    return f"{rel}/{name}" if rel else name


def _stems(names) -> list[str]:
    end = -len(RECORD_SUFFIX)
    return [name[:end] for name in names]


def _walk_key(rel: str) -> list[str]:
    return rel.split("/")


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
        for _ in range(2):
            try:
                with _gc_paused():
                    loaded = _Load(self, tree, narrowing).run()
                    if len(loaded.records) >= FREEZE_FROM:
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
            row = connection.execute("SELECT fingerprint, ino, clock, generation FROM trees WHERE name = ?",
                                     (tree.name,)).fetchone()
            if row is None or row[:2] != (tree.fingerprint, os.stat(tree.top).st_ino):
                return  # to be built: nothing to scan
            folders = connection.execute("SELECT folder, leaf, files FROM folders WHERE tree = ?",
                                         (tree.name,)).fetchall()
            clock = _ClockFile(self.cache_dir).__enter__()
        except (sqlite3.Error, IndexUnavailable, OSError):
            return  # the read finds out for itself
        leaves = {rel: files for rel, leaf, files in folders if leaf}
        scan = _ChangeScan(os.fspath(tree.top), [rel for rel, leaf, _ in folders if not leaf], leaves, row[2],
                           clock.path)
        self._ahead[tree.name] = _Ahead(tuple(row), clock, scan)

    def connection(self):
        if self._connection is None:
            self._connection = self._connect()
        return self._connection

    def _connect(self):
        import sqlite3

        try:
            self.cache_dir.mkdir(exist_ok=True)
        except OSError as error:
            raise IndexUnavailable(str(error)) from None
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            if connection.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
                self._create(connection)
            connection.execute("PRAGMA synchronous = NORMAL")  # a crash loses at most the last update
            # a process that ends without closing leaves the log to be read by the next: keep it short
            connection.execute("PRAGMA wal_autocheckpoint = 64")
            connection.execute("PRAGMA journal_size_limit = 8388608")
        except BaseException:
            connection.close()
            raise
        return connection

    @staticmethod
    def _create(connection) -> None:
        # Parts of records are tens of kilobytes: large pages read them quicker. Set first: set
        # after other pragmas, SQLite held a whole transaction's pages in memory.
        connection.execute("PRAGMA page_size = 65536")
        connection.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
        connection.execute("BEGIN IMMEDIATE")
        if connection.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
            for table in ("trees", "folders", "parts"):
                connection.execute(f"DROP TABLE IF EXISTS {table}")
            connection.execute("CREATE TABLE trees (name TEXT PRIMARY KEY, fingerprint TEXT, ino INTEGER, "
                               "clock INTEGER, generation INTEGER)")
            # a folder of files has files, entries ({name: inode}) and problems; one above them
            # only entries ({subfolder: inode})
            # stems: the names of its files without the suffix, NUL between them (what ids are matched against)
            connection.execute("CREATE TABLE folders (tree TEXT, folder TEXT, leaf INTEGER, files INTEGER, "
                               "entries BLOB, problems BLOB, stems TEXT, PRIMARY KEY (tree, folder))")
            connection.execute("CREATE TABLE parts (tree TEXT, folder TEXT, owner TEXT, done INTEGER, "
                               "records BLOB, facets BLOB)")
            connection.execute("CREATE INDEX parts_by_folder ON parts (tree, folder)")
            connection.execute("CREATE INDEX parts_by_owner ON parts (tree, owner, done)")
            connection.execute(f"PRAGMA user_version = {FORMAT}")
        connection.execute("COMMIT")

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
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.path}{suffix}")


class _Damaged(Exception):
    """What the index holds cannot be read back."""


class _Ahead:
    """A change scan started before its read (Index.scan_ahead): the row of the tree it
    started from, its clock file, and the scan."""

    def __init__(self, row: tuple, clock: _ClockFile, scan: _ChangeScan):
        self.row = row
        self.clock = clock
        self.scan = scan

    def abandon(self) -> None:
        self.scan.abandon()
        self.clock.__exit__(None, None, None)


class Loaded:
    """What one read gave: `records` and `problems` ([(path, problem)]), both in walk order."""

    def __init__(self, records: list[Record], problems: list[tuple[str, str]], load: _Load | None):
        self.records = records
        self.problems = problems
        self._load = load

    def stems(self) -> list[str] | None:
        """The name of every record file, valid or not, without its suffix; None when the
        index can no longer tell (it was damaged or removed since)."""
        import sqlite3

        load = self._load
        if load is None:
            return []
        try:
            stored = dict(load.index.connection().execute(
                "SELECT folder, stems FROM folders WHERE tree = ? AND leaf", (load.tree.name,)))
        except (sqlite3.Error, IndexUnavailable):
            return None
        stems = []
        for rel, folder in load.leaves.items():
            if folder.entries is not None:  # known here, and maybe newer than what is stored
                stems += _stems(folder.entries)
            elif stored.get(rel) is None:
                return None
            elif stored[rel]:
                stems += stored[rel].split("\0")
        return stems


class _Load:
    """One read of a tree through the index, and the update it brings."""

    def __init__(self, index: Index, tree: Tree, narrowing: Narrowing):
        self.index = index
        self.tree = tree
        self.narrowing = narrowing
        self.top = os.fspath(tree.top)
        self.connection = index.connection()
        self.inner: dict[str, dict[str, int]] = {}  # the folders above the files: {subfolder: inode}
        self.leaves: dict[str, _Folder] = {}        # the folders of files
        self.dirty: set[str] = set()     # folders to write
        self.removed: set[str] = set()   # folders to delete
        self.walked: set[str] = set()    # folders read in full in this run
        self.to_parse: list[tuple[str, str]] = []  # (folder, file name), by folder

    def run(self) -> Loaded:
        connection = self.connection
        ahead = self.index._ahead.pop(self.tree.name, None)
        try:
            with contextlib.ExitStack() as cleanup:
                if ahead is None:
                    clock = cleanup.enter_context(_ClockFile(self.index.cache_dir))
                else:  # its clock was read earlier: later changes are looked at next time
                    clock = ahead.clock
                    cleanup.callback(ahead.abandon)
                connection.execute("BEGIN")  # one snapshot for all that is read
                row = connection.execute("SELECT fingerprint, ino, clock, generation FROM trees WHERE name = ?",
                                         (self.tree.name,)).fetchone()
                top_ino = os.stat(self.top).st_ino
                if row is not None and row[:2] == (self.tree.fingerprint, top_ino) and row[2] <= clock.now:
                    self._read_folders()
                    if ahead is not None and tuple(row) == ahead.row:  # the same folders and clock
                        changes = ahead.scan
                    else:
                        if ahead is not None:
                            ahead.scan.abandon()
                        changes = _ChangeScan(self.top, list(self.inner),
                                              {rel: f.files for rel, f in self.leaves.items()}, row[2], clock.path)
                    self._read_parts()  # while `find` runs
                    changed = changes.result()
                    self._update(changed)
                    self._parse()
                    connection.execute("COMMIT")
                    if changed:  # even when no file differs: the clock moves on
                        self._write(clock.now, row[3], top_ino, rebuilt=False)
                else:  # new, made for other code or another configuration, or the clock went back
                    connection.execute("COMMIT")
                    if ahead is not None:
                        ahead.scan.abandon()
                    self._walk("", self.top)
                    self._parse()
                    self._write(clock.now, row[3] if row else None, top_ino, rebuilt=True)
            return self._result()
        finally:
            if connection.in_transaction:
                connection.execute("ROLLBACK")

    # reading the index ----------------------------------------------------------------

    def _read_folders(self) -> None:
        rows = self.connection.execute(
            "SELECT folder, leaf, files, CASE WHEN leaf THEN NULL ELSE entries END, problems FROM folders "
            "WHERE tree = ?", (self.tree.name,))
        for rel, leaf, files, entries, problems in rows:
            if leaf:
                self.leaves[rel] = _Folder(files, problems=_unpickled(problems))
            else:
                self.inner[rel] = _unpickled(entries)

    def _read_parts(self) -> None:
        """The stored records that the narrowing lets through, into their folders."""
        narrowing, choose = self.narrowing, self.narrowing.choose
        query = f"SELECT folder, records{', facets' if choose else ''} FROM parts WHERE tree = ?"
        params = [self.tree.name]
        if narrowing.owner is not None:
            query += " AND owner = ?"
            params.append(narrowing.owner)
        if narrowing.done is not None:
            query += " AND done = ?"
            params.append(int(narrowing.done))
        pieces: dict[str, list] = {}
        for rel, records_blob, *facets_blob in self.connection.execute(query, params):
            facets = _unpickled(facets_blob[0]) if choose and facets_blob[0] is not None else None
            chosen = None if facets is None else choose(facets)
            if chosen == []:
                continue  # not unpickled at all: the point of facets
            records, positions, names = _unpickled(records_blob)
            if chosen is not None:
                for i in chosen:
                    records[i].facets = facets[i]
                records, positions = [records[i] for i in chosen], [positions[i] for i in chosen]
            pieces.setdefault(rel, []).append((records, positions, names))
        complete = narrowing == EVERYTHING
        for rel, folder in self.leaves.items():
            folder.stored = _assemble(pieces.get(rel, []), complete)
            folder.complete = complete
            _set_paths(*folder.stored, self._folder_path(rel))

    def _complete(self, rel: str) -> _Folder:
        """A folder with all its stored records (and their facets), to be changed."""
        folder = self.leaves[rel]
        if not folder.complete:
            rows = self.connection.execute("SELECT records, facets FROM parts WHERE tree = ? AND folder = ?",
                                           (self.tree.name, rel))
            pieces = []
            for blob, facets in rows:
                records, positions, names = _unpickled(blob)
                for record, facet in zip(records, _unpickled(facets) if facets is not None else ()):
                    record.facets = facet  # kept, not made again, when the folder is written
                pieces.append((records, positions, names))
            folder.stored = _assemble(pieces, complete=True)
            folder.complete = True
            _set_paths(*folder.stored, self._folder_path(rel))
        return folder

    def entries(self, rel: str) -> dict[str, int]:
        """A leaf folder's entries, read when needed."""
        folder = self.leaves[rel]
        if folder.entries is None:
            row = self.index.connection().execute("SELECT entries FROM folders WHERE tree = ? AND folder = ?",
                                                  (self.tree.name, rel)).fetchone()
            if row is None:
                raise _Damaged(f"no entries for {rel}")
            folder.entries = _unpickled(row[0])
        return folder.entries

    # bringing it up to date -------------------------------------------------------------

    def _folder_path(self, rel: str) -> str:
        return os.path.join(self.top, *rel.split("/")) if rel else self.top

    def _update(self, changed: list[str]) -> None:
        depth = self.tree.depth
        changed_folders, changed_files = [], {}
        for rel in changed:
            parts = rel.split("/") if rel else []
            if any(part.startswith(".") for part in parts):
                continue  # a temporary file of an atomic write, or a hidden folder
            if len(parts) > depth:
                if is_record_name(parts[-1]):
                    changed_files.setdefault("/".join(parts[:-1]), set()).add(parts[-1])
            else:
                changed_folders.append(rel)
        for rel in sorted(changed_folders, key=_depth):  # parents first
            if (rel in self.inner or rel in self.leaves) and rel not in self.walked:
                self._relist(rel, changed_files)
        for rel, names in sorted(changed_files.items()):
            if rel in self.leaves and rel not in self.walked:
                self._reread(rel, names)

    def _relist(self, rel: str, changed_files: dict) -> None:
        """A changed folder: what appeared in it, vanished or was replaced."""
        leaf = rel in self.leaves
        try:
            now = _listing(self._folder_path(rel), leaf)
        except (FileNotFoundError, NotADirectoryError):
            return  # gone: its parent changed too, and drops it
        before = self.entries(rel) if leaf else self.inner[rel]
        if now == before:
            return
        self.dirty.add(rel)
        if leaf:
            items = self._complete(rel).all_items()
            self.leaves[rel].entries = now
            for name in before.keys() - now.keys():
                items.pop(name, None)
            changed_files.setdefault(rel, set()).update(name for name, ino in now.items() if before.get(name) != ino)
            return
        self.inner[rel] = now
        for name, ino in before.items():
            if now.get(name) != ino:
                self._drop(_join(rel, name))
        for name, ino in now.items():
            if before.get(name) != ino:
                self._walk(_join(rel, name), os.path.join(self._folder_path(rel), name))

    def _reread(self, rel: str, names: set[str]) -> None:
        entries = self.entries(rel)
        self._complete(rel).all_items()
        for name in sorted(names):
            path = os.path.join(self._folder_path(rel), name)
            if name not in entries:
                try:
                    entries[name] = os.lstat(path).st_ino
                except FileNotFoundError:
                    continue
                self.dirty.add(rel)
            self.to_parse.append((rel, name))

    def _drop(self, rel: str) -> None:
        for folders in (self.inner, self.leaves):
            for key in [k for k in folders if k == rel or k.startswith(rel + "/")]:
                del folders[key]
                self.dirty.discard(key)
                self.removed.add(key)

    def _walk(self, rel: str, path: str) -> None:
        """Read a folder in full: every file under it is parsed."""
        leaf = _depth(rel) == self.tree.depth
        try:
            entries = _listing(path, leaf)
        except (FileNotFoundError, NotADirectoryError):
            return
        self.walked.add(rel)
        self.dirty.add(rel)
        if not leaf:
            self.inner[rel] = entries
            for name in sorted(entries):
                self._walk(_join(rel, name), os.path.join(path, name))
            return
        folder = self.leaves[rel] = _Folder(len(entries), entries)
        folder.items = {}
        self.to_parse += [(rel, name) for name in sorted(entries)]

    def _parse(self) -> None:
        """Parse the files that are new or changed, into their folders' items."""
        jobs = self.to_parse
        parts = min(os.cpu_count() or 1, 4) if len(jobs) >= PARSE_APART_FROM and hasattr(os, "fork") else 1
        size = max(1, -(-len(jobs) // parts))
        chunks = [jobs[start:start + size] for start in range(0, len(jobs), size)]
        helpers = []
        for chunk in chunks[1:]:
            try:
                helpers.append((_Helper(self, chunk), chunk))
            except OSError:  # no process to be had: this one parses that share too
                helpers.append((None, chunk))
        results = self._read_all(chunks[0]) if chunks else []
        for helper, chunk in helpers:
            results += (helper and helper.results()) or self._read_all(chunk)
        for (rel, name), item in zip(jobs, results):
            items = self.leaves[rel].items
            if items.get(name) != item:
                items[name] = item
                self.dirty.add(rel)
        self.to_parse = []

    def _read_all(self, jobs: list[tuple[str, str]]) -> list[tuple[Record | None, object]]:
        results, seen, last = [], {}, None
        for rel, name in jobs:
            if rel != last:  # strings are shared within a folder
                seen, last, folder = {}, rel, self._folder_path(rel)
            results.append(self._read(os.path.join(folder, name), seen))
        return results

    def _read(self, path: str, seen: dict) -> tuple[Record | None, object]:
        """(record, None) or (None, problem); the problem is the OSError when unreadable."""
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            return None, error
        record, problem = self.tree.parse(data, path)
        if record is not None:
            record.path = None  # set on the way out
            _share_strings(record, seen)
        return record, problem

    # writing it ----------------------------------------------------------------------

    def _write(self, clock: int, generation, top_ino: int, rebuilt: bool) -> None:
        """Store the update, unless another process wrote since this one read."""
        connection, name = self.connection, self.tree.name
        connection.execute("BEGIN IMMEDIATE")
        row = connection.execute("SELECT generation FROM trees WHERE name = ?", (name,)).fetchone()
        if (row[0] if row else None) != generation:
            connection.execute("ROLLBACK")  # its result is as good as this one
            return
        if rebuilt:
            connection.execute("DELETE FROM folders WHERE tree = ?", (name,))
            connection.execute("DELETE FROM parts WHERE tree = ?", (name,))
        for rel in sorted(self.removed | self.dirty):
            connection.execute("DELETE FROM folders WHERE tree = ? AND folder = ?", (name, rel))
            connection.execute("DELETE FROM parts WHERE tree = ? AND folder = ?", (name, rel))
        for rel in sorted(self.dirty):
            if rel in self.inner:
                connection.execute("INSERT INTO folders VALUES (?, ?, 0, 0, ?, NULL, NULL)",
                                   (name, rel, _dumps(self.inner[rel])))
                continue
            folder_row, parts = self.leaves[rel].rows(self.tree)  # one folder's blobs at a time
            connection.execute("INSERT INTO folders VALUES (?, ?, 1, ?, ?, ?, ?)", (name, rel, *folder_row))
            connection.executemany("INSERT INTO parts VALUES (?, ?, ?, ?, ?, ?)",
                                   [(name, rel, *part) for part in parts])
        connection.execute("INSERT OR REPLACE INTO trees VALUES (?, ?, ?, ?, ?)",
                           (name, self.tree.fingerprint, top_ino, clock, (generation or 0) + 1))
        connection.execute("COMMIT")

    # the result ----------------------------------------------------------------------

    def _result(self) -> Loaded:
        records, problems = [], []
        for rel in sorted(self.leaves, key=_walk_key):
            folder = self.leaves[rel]
            prefix = self._folder_path(rel)
            readable = self._retry_unreadable(rel, folder)
            found, names = folder.records()
            if folder.items is not None:  # else done on reading
                _set_paths(found, names, prefix)
            records += found
            records += readable
            for name, problem in folder.problem_items():
                problems.append((os.path.join(prefix, name), str(problem)))
        return Loaded(records, problems, self)

    def _retry_unreadable(self, rel: str, folder: _Folder) -> list[Record]:
        """Files that could not be read last time are read again (their error is not kept).
        Gives those that are now valid records, when the folder's records were narrowed (in
        a complete folder they take their place among the others)."""
        if all(isinstance(problem, str) for _, problem in folder.problem_items()):
            return []
        folder_path = self._folder_path(rel)
        if folder.complete:
            items = folder.all_items()
            for name, (record, problem) in list(items.items()):
                if record is None and not isinstance(problem, str):
                    items[name] = self._read(os.path.join(folder_path, name), {})
            return []
        readable, problems = [], []
        for name, problem in folder.problems:
            if not isinstance(problem, str):
                record, problem = self._read(os.path.join(folder_path, name), {})
                if record is not None:
                    record.path = os.path.join(folder_path, name)
                    readable.append(record)
                    continue
            problems.append((name, problem))
        folder.problems = problems
        return readable


class _Helper:
    """A forked process that parses a share of the files (of a cold start, or a big pull)
    and sends back what it found; None from `results` when it failed."""

    def __init__(self, load: _Load, jobs: list[tuple[str, str]]):
        reader, writer = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            raise
        if self.pid == 0:  # the helper: never returns
            code = 1
            try:
                os.close(reader)
                results = [(record, problem if isinstance(problem, str) else None,
                            None if isinstance(problem, str) or problem is None else str(problem))
                           for record, problem in load._read_all(jobs)]
                with open(writer, "wb") as pipe:
                    pipe.write(_dumps(results))
                code = 0
            finally:
                os._exit(code)
        os.close(writer)
        self.reader = reader

    def results(self) -> list[tuple[Record | None, object]] | None:
        with open(self.reader, "rb") as pipe:
            blob = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        try:
            found = _loads(blob) if status == 0 else None
        except Exception:  # whatever unpickling a torn message raises: parsed here instead
            found = None
        # an unreadable file's error comes back as its text: it is not kept in the index anyway
        return found and [(record, OSError(unreadable) if unreadable else problem) for record, problem, unreadable in found]


# --- what changed since the last check --------------------------------------------------

class _ClockFile:
    """A scratch file in the cache folder: its mtime is the file system's clock now, and it
    then serves `find -cnewer` as the time of the last check."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __enter__(self):
        import tempfile

        try:
            fd, self.path = tempfile.mkstemp(dir=self.folder, prefix="clock-")
        except OSError as error:
            raise IndexUnavailable(str(error)) from None
        try:
            self.now = os.fstat(fd).st_mtime_ns
        finally:
            os.close(fd)
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


class _ChangeScan:
    """The paths under `top` (relative, '' for top itself) whose ctime is later than the last
    check (`last_check`, less the margin): of the folders above the files (`inner`), and of
    each folder of files (`leaves`, with about how many files each holds) and its files.

    From FIND_FROM files, `find` runs in child processes, each over a share of the folders of
    files (stat-ing 100,000 files is the bulk of a warm read: the CPUs share it) while this
    one goes on; a Python walk does the same where there is no `find`, or for fewer files."""

    def __init__(self, top: str, inner: list[str], leaves: dict[str, int], last_check: int, reference: str):
        since = last_check - MARGIN_NS
        use_find = sum(leaves.values()) >= FIND_FROM
        self.top, self.inner, self.since = os.path.abspath(top), inner, since
        ways = min(os.cpu_count() or 1, FIND_PROCESSES) if use_find else 1
        self.shares = [share for share in _shares(leaves, ways) if share]
        self.processes = [None] * len(self.shares)
        if use_find:
            import subprocess

            os.utime(reference, ns=(since, since))
            for i, share in enumerate(self.shares):
                with contextlib.suppress(OSError):
                    self.processes[i] = subprocess.Popen(
                        [FIND, "-L", *(self._path(rel) for rel in share), "-maxdepth", "1", "-cnewer", reference,
                         "-print0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def _path(self, rel: str) -> str:
        return os.path.join(self.top, rel) if rel else self.top

    def abandon(self) -> None:
        """Stop what is still running (a scan whose result is not wanted, or already taken)."""
        for process in self.processes:
            if process is not None and process.returncode is None:
                process.kill()
                process.wait()

    def result(self) -> list[str]:
        changed = [rel for rel in self.inner if _changed_since(self._path(rel), self.since)]
        start = len(os.fsencode(self.top)) + 1
        for share, process in zip(self.shares, self.processes):
            output = process.communicate()[0] if process is not None else None
            if output is not None and process.returncode == 0:
                changed += [os.fsdecode(path[start:]) for path in output.split(b"\0") if path]
            else:  # no `find`, or a folder of the share is gone (its parent changed too)
                for rel in share:
                    changed += _changed_by_walk(self.top, rel, 1, self.since)
        return changed


def _shares(leaves: dict[str, int], ways: int) -> list[list[str]]:
    """The folders of files dealt into `ways` shares of about as many files each."""
    shares, sizes = [[] for _ in range(ways)], [0] * ways
    for rel, files in sorted(leaves.items(), key=lambda item: -item[1]):
        lightest = sizes.index(min(sizes))
        shares[lightest].append(rel)
        sizes[lightest] += files + 1
    return shares


def _changed_since(path: str, since: int) -> bool:
    try:
        return os.stat(path).st_ctime_ns > since
    except OSError:
        return True  # vanished, or a broken link: looked at again


def _changed_by_walk(top: str, start: str, levels: int, since: int) -> list[str]:
    """What `find -L top/start -maxdepth levels -cnewer` lists, relative to `top`, in Python."""
    changed, pending = [], [(start, os.path.join(top, start) if start else top, 0)]
    while pending:
        rel, path, level = pending.pop()
        try:
            info = os.stat(path)
        except OSError:
            changed.append(rel)  # vanished, or a broken link: looked at again
            continue
        if info.st_ctime_ns > since:
            changed.append(rel)
        if level < levels and stat.S_ISDIR(info.st_mode):
            try:
                with os.scandir(path) as entries:
                    pending += [(_join(rel, e.name), e.path, level + 1) for e in entries]
            except FileNotFoundError:
                changed.append(rel)
    return changed
