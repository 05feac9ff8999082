"""Month packs (SPEC §11): the file format, and reading packs.

`interactions/YYYY/MM.pack.yaml` holds the completed interactions of one month as a YAML
stream: each record's canonical text (model.dump) after a `---` line, sorted by id, so the
bytes depend only on the records and two clones that pack the same month write the same file.

A pack is untrusted input like any record file (SPEC §7). It is split at its `---` lines
(where YAML itself ends a document, even inside a block scalar) and each document is parsed
and validated alone, as a file would be: one bad record costs one warning naming the pack and
the record, never the other records of the pack. Readers take a record from its loose file
when one exists ("loose wins"), otherwise from its pack.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from . import messages as msg
from .canonical import canonical_text

PACK_SUFFIX = ".pack.yaml"
_PACK_NAME = re.compile(r"(?:0[1-9]|1[0-2])\.pack\.yaml")
_YEAR_NAME = re.compile(r"[0-9]{4}")
_SEPARATOR = re.compile(rb"^---[ \t]*\r?(?:\n|\Z)", re.MULTILINE)
# a record's id line as model.dump writes it (also quoted), for naming a record that does not parse
_ID_LINE = re.compile(rb"^id:[ \t]*(['\"]?)([0-9a-z]{10})\1[ \t]*\r?$", re.MULTILINE)


def is_pack_name(name: str) -> bool:
    """Whether a file name in a year folder is a month's pack: 01.pack.yaml to 12.pack.yaml."""
    return _PACK_NAME.fullmatch(name) is not None


def is_year_name(name: str) -> bool:
    return _YEAR_NAME.fullmatch(name) is not None


def is_packed(record) -> bool:
    """Whether a record was read from a pack (its path is the pack's)."""
    path = getattr(record, "_path", None)
    return path is not None and os.fspath(path).endswith(PACK_SUFFIX)


def pack_of(folder: Path) -> Path:
    """The pack of a month folder: interactions/2024/05 -> interactions/2024/05.pack.yaml."""
    return folder.parent / f"{folder.name}{PACK_SUFFIX}"


def month_of(pack: Path) -> Path:
    """The month folder of a pack (where its records would be loose)."""
    return pack.parent / pack.name[: -len(PACK_SUFFIX)]


def pack_text(texts: dict[str, str]) -> bytes:
    """A pack's canonical bytes, of its records' canonical texts ({id: text}): each after a
    `---` line, sorted by id."""
    return "".join(f"---\n{texts[rid]}" for rid in sorted(texts)).encode()


def documents(data: bytes) -> list[tuple[int, bytes]]:
    """(its first line, its bytes) for each document of a pack: the text between `---` lines.
    A blank document (before the first `---`, or two `---` in a row) is none."""
    found, start, line = [], 0, 1
    for match in _SEPARATOR.finditer(data):
        if data[start:match.start()].strip():
            found.append((line, data[start:match.start()]))
        line += data.count(b"\n", start, match.end())
        start = match.end()
    if data[start:].strip():
        found.append((line, data[start:]))
    return found


def read_pack(data: bytes, parse) -> dict[str, tuple]:
    """What a pack holds, as the index keeps a folder's files: {key: (record, None) or (None,
    problem)}, a valid record under `<id>.yaml`, a bad document under `#<its line>`.
    `parse(document)` gives (record, None) or (None, problem), as for a file. A problem names
    the record (by its id when it can be read, else by its line); of an id held twice, the
    first is read and the other is a problem."""
    items, lines = {}, {}
    for line, document in documents(data):
        record, problem = parse(document)
        if record is None:  # again, where its lines are the pack's: a problem's line numbers are then right
            problem = parse(at_its_line(line, document))[1]
        rid = record["id"] if record is not None else id_in(document)
        if record is not None and f"{rid}.yaml" in items:
            record, problem = None, msg.twice_in_pack(lines[rid])
        if record is None:
            items[f"#{line:09d}"] = (None, msg.pack_record_problem(rid, line, problem))
            continue
        lines[rid] = line
        items[f"{rid}.yaml"] = (record, None)
    return items


def at_its_line(line: int, document: bytes) -> bytes:
    """A document of a pack with blank lines before it, so that a parser names the pack's lines."""
    return b"\n" * (line - 1) + document


def id_in(document: bytes) -> str | None:
    """The id a document's `id:` line gives, without parsing it (to name a record that does not parse)."""
    match = _ID_LINE.search(document)
    return match[2].decode() if match else None


def scan_ids(data: bytes) -> list[str] | None:
    """The ids a pack holds, read from their `id:` lines without parsing it (a quick look for
    an id); None when the pack is not laid out so that they can be told (a document without
    one such line, or with two), and it must be parsed."""
    ids = []
    for _, document in documents(data):
        found = _ID_LINE.findall(document)
        if len(found) != 1:
            return None
        ids.append(found[0][1].decode())
    return ids


def pack_files(top) -> list[tuple[str, str]]:
    """(name relative to `top`, path) of every pack under `top` (interactions/), by name:
    `YYYY/MM.pack.yaml`, a plain file in a year folder. Links are left out: no reader follows
    one (the walk of the record folders warns of them)."""
    from .index import subfolders

    found = []
    top = os.fspath(top)
    if not os.path.isdir(top):
        return found
    for year in subfolders(top):
        if not is_year_name(year.name):
            continue
        with os.scandir(year.path) as entries:
            names = sorted(e.name for e in entries if is_pack_name(e.name) and e.is_file(follow_symlinks=False))
        found += [(f"{year.name}/{name}", os.path.join(year.path, name)) for name in names]
    return found


def signature(path) -> tuple | None:
    """What changes whenever a pack's bytes may have changed; None when it is gone."""
    try:
        return stat_signature(os.lstat(path))
    except OSError:
        return None


def stat_signature(info: os.stat_result) -> tuple:
    """A file's signature from its stat: its ctime moves on any write, rename or chmod, and
    nothing sets it back."""
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


class Pack:
    """One month's pack in a store: what it holds, read fresh; `rewritten` for the few
    commands that change a pack (delete, types rename, pack itself)."""

    def __init__(self, store, path):
        self.store = store
        self.path = Path(path)

    def data(self) -> bytes | None:
        """Its bytes; None, with a warning, when it cannot be read (a link, gone, unreadable)."""
        from .files import NotPlainFile, read_plain

        try:
            return read_plain(self.path)
        except (OSError, NotPlainFile) as error:
            if not isinstance(error, FileNotFoundError):
                self.store.warn(self.path, error.strerror if isinstance(error, OSError) else str(error))
            return None

    def items(self) -> dict[str, tuple]:
        data = self.data()
        return {} if data is None else self.store.parse_pack(data, self.path)

    def records(self) -> list:
        """Its valid records, by id; a warning for each bad one (as the index gives them)."""
        records = []
        for _, (record, problem) in sorted(self.items().items()):
            if record is None:
                self.store.warn(self.path, problem)
            else:
                records.append(record)
        return records

    def ids(self, prefix: str = "") -> list[str]:
        """The ids of its valid records (those starting with `prefix`): known from the index
        when the pack has not changed since it was read there, else read from the pack (by
        their `id:` lines when they tell, checked by parsing the documents that match)."""
        known = self.store.indexed_pack_ids(self.path, signature(self.path), prefix)
        if known is not None:
            return known
        data = self.data()
        if data is None:
            return []
        if scan_ids(data) is not None:
            wanted = [document for _, document in documents(data) if id_in(document).startswith(prefix)]
            parsed = (self.store.parse_packed(document, self.path)[0] for document in wanted)
            return [record["id"] for record in parsed if record is not None]
        return [key[:-len(".yaml")] for key, (record, _) in self.store.parse_pack(data, self.path).items()
                if record is not None and key.startswith(prefix)]

    def find(self, rid: str):
        """The record `rid` as the pack holds it: (record, None), (None, problem), or (None,
        None) when it holds none."""
        data = self.data()
        if data is None:
            return None, None
        for line, document in documents(data):
            if id_in(document) in (rid, None):
                record, problem = self.store.parse_packed(document, self.path)
                if record is not None and record["id"] == rid:
                    return record, None
                if record is None and id_in(document) == rid:
                    return None, msg.pack_record_problem(rid, line, problem)
        return None, None

    def retyped(self, old: str, new: str) -> dict[str, bytes]:
        """{id: new canonical text} of its records of type `old`, given type `new` (types rename)."""
        data = self.data()
        changes = {}
        for _, document in documents(data) if data is not None else ():
            if old.encode() not in document:
                continue  # a quick look before parsing
            record, _ = self.store.parse_packed(document, self.path)
            if record is not None and record.get("type") == old:
                record["type"] = new
                changes[record["id"]] = canonical_text(record).encode()
        return changes

    def rewritten(self, changes: dict[str, bytes | None]) -> bytes | None:
        """Its bytes with the documents of the ids in `changes` replaced by new text (a record's
        canonical text) or left out (None); every other document kept as it is, so a change
        is a small diff. The ids of `changes` it does not hold are added (sorted by id).
        None when it cannot be read."""
        data = self.data()
        if data is None:
            return None
        kept, pending = [], dict(changes)
        for _, document in documents(data):
            rid = id_in(document)
            if rid in pending:
                text = pending.pop(rid)
                if text is not None:
                    kept.append((rid, text))
            else:
                kept.append((rid, document))
        kept += [(rid, text) for rid, text in pending.items() if text is not None]
        if None not in (rid for rid, _ in kept):
            kept.sort(key=_first)
        return b"".join(b"---\n" + text + (b"" if text.endswith(b"\n") else b"\n") for _, text in kept)


def _first(pair):
    return pair[0]
