"""The SQLite file, `.cache/index.sqlite`: its tables, and every statement run on them.

- `trees`: one row a tree (interactions, contacts, accounts): the fingerprint its results
  were made with, its top folder's inode, the clock of its last check, and a generation
  that each update raises (a process writes only if no other wrote since it read).
- `folders`: one row a folder; a folder of files keeps its files' names and inodes, their
  problems, and their stems (what ids are matched against).
- `parts`: a folder's records, by owner and whether they are done, beside their facets
  (folders.py).
- `found` and the full-text index `found_text`: one row a record of the interactions
  (found.py).

The rows are read into one read's folders (`load`, a _Load) and its update written back
from them. A stored result is used only with the fingerprint it was made with: FORMAT
(what is stored), this code, libyaml and the configuration."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .blobs import _dumps, _unpickled
from .folders import _assemble, _chosen, _Folder, _set_paths
from .found import _create_found, _drop_found, _forget_found, _write_found
from .tree import EVERYTHING, IndexUnavailable, _Damaged
from .walk import _is_pack

if TYPE_CHECKING:
    from .load import _Load

INDEX_NAME = "index.sqlite"
FORMAT = 10  # bump when what is stored changes
PAGE_SIZE = 4096


def fingerprint(config: dict | None) -> str:
    """What a file's result depends on besides its bytes: this code, libyaml, the configuration
    (a stored result made with another of them is not used)."""
    import hashlib

    import yaml

    from .. import __version__, model

    # every module of interact/ and of this package: what reads, checks and folds a record is
    # spread over many (model, schema, serialisation, untrusted, text, messages...), and a stat
    # of each costs nothing beside a read
    package = Path(__file__).parent
    sources = sorted(package.parent.glob("*.py")) + sorted(package.glob("*.py"))
    code = [(info.st_size, info.st_mtime_ns) for info in map(os.stat, sources)]
    parts = (FORMAT, __version__, yaml.__version__, model.RecordLoader.__mro__[1].__name__, code, config)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


# --- the file and its tables --------------------------------------------------------------

def _connect(cache_dir: Path, path: Path):
    """The index file, opened (made, with its tables, when it is new or of another FORMAT)."""
    import sqlite3

    try:
        cache_dir.mkdir(exist_ok=True)
    except OSError as error:
        raise IndexUnavailable(str(error)) from None
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        if connection.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
            if connection.execute("PRAGMA page_size").fetchone()[0] != PAGE_SIZE:
                # an index of an older FORMAT, with 64 KiB pages: only a new file takes other pages
                connection.close()
                try:
                    _unlink_index(path)
                except OSError as error:  # a read-only .cache: the files are read instead
                    raise IndexUnavailable(str(error)) from None
                connection = sqlite3.connect(path, timeout=30, isolation_level=None)
            _create(connection)
        connection.execute("PRAGMA synchronous = NORMAL")  # a crash loses at most the last update
        # a process that ends without closing leaves the log to be read by the next: keep it short
        connection.execute("PRAGMA wal_autocheckpoint = 64")
        connection.execute("PRAGMA journal_size_limit = 8388608")
    except BaseException:
        connection.close()
        raise
    return connection


def _unlink_index(path) -> None:
    """Remove an index file and its log (a process still reading it keeps its copy)."""
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")


def _create(connection) -> None:
    # Small pages: a search reads its matches' rows at random, one page each, and 4 KiB pages
    # made that 3.5x quicker than 64 KiB ones at a million records (a part's blob, tens of
    # kilobytes, reads as quickly from a chain of small pages). Set first: set after other
    # pragmas, SQLite held a whole transaction's pages in memory.
    connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    connection.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
    connection.execute("BEGIN IMMEDIATE")
    if connection.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
        for table in ("trees", "folders", "parts", "found", "found_text"):
            connection.execute(f"DROP TABLE IF EXISTS {table}")
        connection.execute("CREATE TABLE trees (name TEXT PRIMARY KEY, fingerprint TEXT, ino INTEGER, "
                           "clock INTEGER, generation INTEGER)")
        # a folder of files has files, entries ({name: inode}) and problems; one above them
        # only entries ({subfolder: inode})
        # stems: the names of its files without the suffix, NUL between them (what ids are matched
        # against; of a month pack, the ids it holds); signature: of a pack, packs.signature when read
        connection.execute("CREATE TABLE folders (tree TEXT, folder TEXT, leaf INTEGER, files INTEGER, "
                           "entries BLOB, problems BLOB, stems TEXT, signature TEXT, PRIMARY KEY (tree, folder))")
        connection.execute("CREATE TABLE parts (tree TEXT, folder TEXT, owner TEXT, done INTEGER, "
                           "records BLOB, facets BLOB)")
        connection.execute("CREATE INDEX parts_by_folder ON parts (tree, folder)")
        connection.execute("CREATE INDEX parts_by_owner ON parts (tree, owner, done)")
        _create_found(connection)
        connection.execute(f"PRAGMA user_version = {FORMAT}")
    connection.execute("COMMIT")


# --- reading ----------------------------------------------------------------------------

def _tree_row(connection, name: str) -> tuple | None:
    """(fingerprint, ino, clock, generation) of the tree as last stored; None for a new one."""
    return connection.execute("SELECT fingerprint, ino, clock, generation FROM trees WHERE name = ?",
                              (name,)).fetchone()


def _folder_sizes(connection, name: str) -> list[tuple[str, int, int]]:
    """(folder, leaf, files) of each folder of the tree as last stored."""
    return connection.execute("SELECT folder, leaf, files FROM folders WHERE tree = ?", (name,)).fetchall()


def _read_folders(load: _Load) -> None:
    """The folders as last checked, into the read: their names, files and problems (their
    records come with _read_parts, or _complete)."""
    rows = load.connection.execute(
        "SELECT folder, leaf, files, CASE WHEN leaf THEN NULL ELSE entries END, problems FROM folders "
        "WHERE tree = ?", (load.tree.name,))
    for rel, leaf, files, entries, problems in rows:
        if leaf:
            load.leaves[rel] = _Folder(files, problems=_unpickled(problems), pack=_is_pack(rel))
        else:
            load.inner[rel] = _unpickled(entries)


def _read_parts(load: _Load) -> None:
    """The stored records that the narrowing lets through, into their folders."""
    narrowing, choose = load.narrowing, load.narrowing.choose
    query = f"SELECT folder, records{', facets' if choose else ''} FROM parts WHERE tree = ?"
    params = [load.tree.name]
    if not narrowing.records:
        query += " AND 0"
    if narrowing.owner is not None:
        query += " AND owner = ?"
        params.append(narrowing.owner)
    if narrowing.done is not None:
        query += " AND done = ?"
        params.append(int(narrowing.done))
    pieces: dict[str, list] = {}
    for rel, records_blob, *facets_blob in load.connection.execute(query, params):
        facets = _unpickled(facets_blob[0]) if choose and facets_blob[0] is not None else None
        chosen = _chosen(narrowing, facets)
        if chosen == []:
            continue  # not unpickled at all: the point of facets
        records, positions, names = _unpickled(records_blob)
        if chosen is not None:
            for i in chosen:
                records[i].facets = facets[i]
            records, positions = [records[i] for i in chosen], [positions[i] for i in chosen]
        pieces.setdefault(rel, []).append((records, positions, names))
    complete = narrowing == EVERYTHING
    for rel, folder in load.leaves.items():
        folder.stored = _assemble(pieces.get(rel, []), complete)
        folder.complete = complete
        _set_paths(*folder.stored, load._folder_path(rel), folder.pack)


def _complete(load: _Load, rel: str) -> _Folder:
    """A folder with all its stored records (and their facets), to be changed."""
    folder = load.leaves[rel]
    if not folder.complete:
        rows = load.connection.execute("SELECT records, facets FROM parts WHERE tree = ? AND folder = ?",
                                       (load.tree.name, rel))
        pieces = []
        for blob, facets in rows:
            records, positions, names = _unpickled(blob)
            for record, facet in zip(records, _unpickled(facets) if facets is not None else ()):
                record.facets = facet  # kept, not made again, when the folder is written
            pieces.append((records, positions, names))
        folder.stored = _assemble(pieces, complete=True)
        folder.complete = True
        _set_paths(*folder.stored, load._folder_path(rel), folder.pack)
    return folder


def _entries(load: _Load, rel: str) -> dict[str, int]:
    """A leaf folder's entries, read when needed."""
    folder = load.leaves[rel]
    if folder.entries is None:
        row = load.index.connection().execute("SELECT entries FROM folders WHERE tree = ? AND folder = ?",
                                              (load.tree.name, rel)).fetchone()
        if row is None:
            raise _Damaged(f"no entries for {rel}")
        folder.entries = _unpickled(row[0])
    return folder.entries


def _stored_stems(connection, name: str, loose_only: bool = False) -> dict[str, str]:
    """{folder: the stems of its files, NUL between them} of each folder of files (and each
    month pack, but with `loose_only`)."""
    query = "SELECT folder, stems FROM folders WHERE tree = ? AND leaf"
    if loose_only:
        query += " AND folder NOT LIKE '%.pack.yaml'"
    return dict(connection.execute(query, (name,)))


# --- writing ----------------------------------------------------------------------------

def _begin(load: _Load, generation, rebuilt: bool) -> bool:
    """Start writing the update: False (nothing to write) when another process wrote since
    this one read, whose result is as good as this one's. A rebuild starts from nothing."""
    connection, name = load.connection, load.tree.name
    connection.execute("BEGIN IMMEDIATE")
    row = connection.execute("SELECT generation FROM trees WHERE name = ?", (name,)).fetchone()
    if (row[0] if row else None) != generation:
        connection.execute("ROLLBACK")
        return False
    if rebuilt:
        connection.execute("DELETE FROM folders WHERE tree = ?", (name,))
        connection.execute("DELETE FROM parts WHERE tree = ?", (name,))
        _forget_found(load)
    for rel in sorted(load.removed):  # first: a folder replaced by another of its name is written again
        connection.execute("DELETE FROM folders WHERE tree = ? AND folder = ?", (name, rel))
        connection.execute("DELETE FROM parts WHERE tree = ? AND folder = ?", (name, rel))
        if load.tree.search_text is not None:
            _drop_found(load, rel)
    return True


def _write_folder(load: _Load, rel: str) -> None:
    """Store one folder of files (or pack) that changed: its row, its parts, its found rows."""
    connection, name = load.connection, load.tree.name
    folder = load.leaves[rel]
    connection.execute("DELETE FROM folders WHERE tree = ? AND folder = ?", (name, rel))
    connection.execute("DELETE FROM parts WHERE tree = ? AND folder = ?", (name, rel))
    folder_row, parts = folder.rows(load.tree)  # one folder's blobs at a time
    connection.execute("INSERT INTO folders VALUES (?, ?, 1, ?, ?, ?, ?, ?)", (name, rel, *folder_row))
    connection.executemany("INSERT INTO parts VALUES (?, ?, ?, ?, ?, ?)", [(name, rel, *part) for part in parts])
    if load.tree.search_text is not None:
        _write_found(load, rel, folder)


def _finish(load: _Load, clock: int, generation, top_ino: int) -> None:
    """Store the folders above the files and the tree's new check."""
    connection, name = load.connection, load.tree.name
    for rel in sorted(rel for rel in load.dirty if rel in load.inner):
        connection.execute("DELETE FROM folders WHERE tree = ? AND folder = ?", (name, rel))
        connection.execute("INSERT INTO folders VALUES (?, ?, 0, 0, ?, NULL, NULL, NULL)",
                           (name, rel, _dumps(load.inner[rel])))
    connection.execute("INSERT OR REPLACE INTO trees VALUES (?, ?, ?, ?, ?)",
                       (name, load.tree.fingerprint, top_ino, clock, (generation or 0) + 1))
    connection.execute("COMMIT")
