"""The interactions one row each (`found`), beside a full-text index of their text
(`found_text`, SQLite FTS5), so that `search` costs what its matches cost, not what the
store holds (SPEC §11).

- `found`: a record's folder and file name (of a pack: `<id>.yaml`), its id and the record
  pickled alone with its facets, so that a match is read (and tested) without its folder's
  parts. The ids also give the shortest unique prefix of a few ids without listing a
  million (`_sharing_heads`).
- `found_text`: for each row, the text `search` looks in (query.facets' folded text, then the
  ids of its contacts and accounts, for a word that matches one of their names), cut into
  trigrams (FTS5's trigram tokenizer): every run of 3 or more characters of the text is
  found, as `search` finds any part of a word. It keeps no copy of the text (contentless) and
  no positions (detail=none): a word is asked for as all its trigrams, which finds every record
  holding it and a few others; the caller's filter then decides, as it does on every record.
- A row's rowid is its place in the order listings take, `sort_code << 23` plus a number:
  FTS5 gives matches in rowid order, so the first N of a search in that order are read
  without the others (query.py has the rest of that argument).

Where this SQLite has no FTS5, `found_text` is not made and search reads the facets instead.
"""

from __future__ import annotations

import os
import sqlite3
from typing import TYPE_CHECKING, Iterator

from .. import index as tuning  # FULL_TEXT: read when used
from .blobs import _unpickled
from .walk import _is_pack

if TYPE_CHECKING:
    from ..model import Record
    from .folders import _Folder
    from .load import _Load

CODE_SHIFT = 23  # the bits of a rowid under its sort code: that many records may share one minute


def _create_found(connection) -> None:
    connection.execute("CREATE TABLE found (rowid INTEGER PRIMARY KEY, tree TEXT, folder TEXT, name TEXT, "
                       "id TEXT, follows TEXT, record BLOB)")
    connection.execute("CREATE UNIQUE INDEX found_by_file ON found (tree, folder, name)")
    connection.execute("CREATE INDEX found_by_id ON found (tree, id)")
    connection.execute("CREATE INDEX found_by_follows ON found (tree, follows) WHERE follows IS NOT NULL")
    if tuning.FULL_TEXT:
        try:
            connection.execute("CREATE VIRTUAL TABLE found_text USING fts5(text, content='', "
                               "tokenize='trigram case_sensitive 1', detail='none')")
        except sqlite3.OperationalError:  # no FTS5 in this SQLite: search reads the facets instead
            pass


def _full_text(connection) -> bool:
    """Whether the index has its full-text part."""
    return connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'found_text'").fetchone() is not None


def _write_found(load: _Load, rel: str, folder: _Folder) -> None:
    """Replace the found rows (and their text) of the folder's records that changed."""
    if folder.touched is None:
        _drop_found(load, rel)
    elif folder.touched:
        marks = ", ".join("?" * len(folder.touched))
        _drop_rows(load, rel, f" AND name IN ({marks})", sorted(folder.touched))
    rows = sorted((_rowid(load, code), load.tree.name, rel, name, rid, follows, blob, text)
                  for name, rid, follows, code, blob, text in folder.found_rows(load.tree))
    # in rowid order: FTS5 writes out what it holds each time a rowid comes lower than the last (7x slower)
    load.connection.executemany("INSERT INTO found VALUES (?, ?, ?, ?, ?, ?, ?)", [row[:7] for row in rows])
    if load.full_text:
        load.connection.executemany("INSERT INTO found_text (rowid, text) VALUES (?, ?)",
                                    [(row[0], row[7]) for row in rows])


def _drop_found(load: _Load, rel: str) -> None:
    """Forget the found rows of a folder."""
    _drop_rows(load, rel, "", [])


def _drop_rows(load: _Load, rel: str, condition: str, params: list) -> None:
    where = f"tree = ? AND folder = ?{condition}"
    params = [load.tree.name, rel, *params]
    if load.full_text:
        # a contentless index forgets a row when told the text it was given
        rows = load.connection.execute(f"SELECT rowid, record FROM found WHERE {where} ORDER BY rowid",
                                       params).fetchall()
        load.connection.executemany("INSERT INTO found_text (found_text, rowid, text) VALUES ('delete', ?, ?)",
                                    [(rowid, load.tree.search_text(_with_facets(blob))) for rowid, blob in rows])
    load.connection.execute(f"DELETE FROM found WHERE {where}", params)


def _with_facets(blob: bytes) -> Record:
    """A found row's record, with its facets (the row keeps both)."""
    record, record.facets = _unpickled(blob)
    return record


def _forget_found(load: _Load) -> None:
    """Forget every found row of the tree (a rebuild)."""
    if load.tree.search_text is None:
        return
    load.connection.execute("DELETE FROM found WHERE tree = ?", (load.tree.name,))
    if load.full_text:  # only the interactions are searched: the whole index is theirs
        load.connection.execute("INSERT INTO found_text (found_text) VALUES ('delete-all')")
    load.next_rowid.clear()
    load.rowids_known = True  # none left: every code starts from 0


def _rowid(load: _Load, code: int) -> int:
    """A free rowid for a record of sort code `code`: after the others of that code."""
    number = load.next_rowid.get(code)
    if number is None:
        number = 0
        if not load.rowids_known:
            base = code << CODE_SHIFT
            last = load.connection.execute("SELECT max(rowid) FROM found WHERE rowid >= ? AND rowid < ?",
                                           (base, base + (1 << CODE_SHIFT))).fetchone()[0]
            number = 0 if last is None else last - base + 1
    load.next_rowid[code] = number + 1
    return (code << CODE_SHIFT) + min(number, (1 << CODE_SHIFT) - 1)


# --- reading ----------------------------------------------------------------------------

def _matches(connection, tree: str, top: str, expression: str) -> Iterator[tuple[int, Record]]:
    """(sort code, record with its path) of every record whose text matches the FTS5
    `expression`, in rowid order: a caller that wants the first few stops early."""
    rows = connection.execute(
        "SELECT found.rowid, folder, name, record FROM found_text JOIN found ON found.rowid = found_text.rowid "
        "WHERE found_text MATCH ? AND tree = ? ORDER BY found_text.rowid", (expression, tree))
    for rowid, record in _with_paths(rows, top):
        yield rowid >> CODE_SHIFT, record


def _with_paths(rows, top: str):
    """(rowid, record with its path) of found rows (rowid, folder, name, record pickled)."""
    paths: dict[str, tuple[str, bool]] = {}  # folder -> (its path with a separator, or the pack's; a pack?)
    for rowid, folder, name, blob in rows:
        record = _with_facets(blob)
        if folder not in paths:
            path = os.path.join(top, *folder.split("/"))
            paths[folder] = (path, True) if _is_pack(folder) else (os.path.join(path, ""), False)
        path, pack = paths[folder]
        record._path = path if pack else path + name
        yield rowid, record


def _following(connection, tree: str, top: str, rid: str) -> list[Record]:
    """The stored records that follow `rid` up (their `follow_up_of`), with their paths."""
    rows = connection.execute("SELECT rowid, folder, name, record FROM found WHERE tree = ? AND follows = ?",
                              (tree, rid))
    return [record for _, record in _with_paths(rows, top)]


def _packed_with_prefix(connection, tree: str, prefix: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """({pack: its signature when it was read}, {pack: the ids it holds that start with
    `prefix`}) of the stored month packs."""
    signatures = dict(connection.execute("SELECT folder, signature FROM folders WHERE tree = ? AND leaf "
                                         "AND folder LIKE '%.pack.yaml'", (tree,)))
    ids: dict[str, list[str]] = {}
    for folder, rid in connection.execute("SELECT folder, id FROM found WHERE tree = ? AND id >= ? AND id < ?",
                                          (tree, prefix, prefix + "~")):
        if folder in signatures:
            ids.setdefault(folder, []).append(rid)
    return signatures, ids


def _pack_ids(connection, tree: str, rel: str, signature: tuple, prefix: str) -> list[str] | None:
    """The ids (starting with `prefix`) of a pack as stored, when it was read with `signature`."""
    row = connection.execute("SELECT signature, stems FROM folders WHERE tree = ? AND folder = ?",
                             (tree, rel)).fetchone()
    if row is None or row[0] != repr(signature):
        return None
    return [rid for rid in row[1].split("\0") if rid and rid.startswith(prefix)]


def _sharing_heads(connection, tree: str, wanted, length: int) -> set[str]:
    """The stored ids that start with the first `length` characters of a wanted id: the only
    ones that can make a wanted id's shortest unique prefix longer than `length`. One query
    for them all (a range of the id index a head), in slices SQLite takes."""
    heads = sorted({rid[:length] for rid in wanted})
    found = set()
    for start in range(0, len(heads), 10000):
        part = heads[start:start + 10000]
        values = ", ".join("(?)" for _ in part)
        found.update(row[0] for row in connection.execute(
            f"WITH heads (head) AS (VALUES {values}) SELECT id FROM heads JOIN found "
            "ON found.tree = ? AND found.id >= head AND found.id < head || '~'", (*part, tree)))
    return found

