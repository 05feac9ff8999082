"""A folder of record files as the index knows it (_Folder), and how its records are stored:
in parts, by owner and by whether they are done, each part beside the facets of its records,
so that a narrowed read unpickles only the parts, and the records, that can match. A read
puts a folder's parts back together (_assemble) and gives the records their paths.

A month pack is a folder of its own here, keyed `YYYY/MM.pack.yaml`: what it holds is read
whole when it changes, and stored in parts like a folder's; its records' path is the pack's.

A searchable tree (the interactions) also keeps one row a record in `found`, beside the
full-text index (storage.py): the folder's records that changed (`touched`) are replaced there."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .blobs import _dumps
from .tree import EVERYTHING, Narrowing, Tree, _Damaged
from .walk import RECORD_SUFFIX, _is_pack, _stems

if TYPE_CHECKING:
    from ..model import Record


def _set_paths(records: list[Record], names: dict[int, str], folder: str, pack: bool = False) -> None:
    """Give records read from the index the path of their file in `folder` (of a pack: the pack's)."""
    if pack:
        for record in records:
            record._path = folder
        return
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


def _chosen(narrowing: Narrowing, facets: list | None) -> list[int] | None:
    """The positions of a part's records that the narrowing's `choose` keeps (None: all)."""
    if narrowing.choose is None or facets is None:
        return None
    return narrowing.choose(facets)


class _Folder:
    """A folder of record files (or a month pack) as the index knows it.

    `stored` is what the index holds of its valid records, in file-name order: (records,
    names), `names` being {position: file name} for the records whose file is not
    `<id>.yaml`; all of them when `complete`, else those of the parts a narrowed read took.
    `problems` is [(name, problem)] for its other files. Once it changed in this run,
    `items` is {name: (record, None) or (None, problem)} for every file (of a pack: `<id>.yaml`
    for each valid record, `#<line>` for each bad one). `entries` is {name: inode} of its
    files, read from the index only when needed (a pack has none). `touched` is the names
    whose item changed in this run (None: all of them). A problem that is an OSError (the
    file could not be read) is not stored: that file is read again each time.
    """

    __slots__ = ("entries", "files", "stored", "complete", "problems", "items", "pack", "signature", "touched")

    def __init__(self, files: int, entries=None, problems=(), pack: bool = False):
        self.files = files  # about how many files it holds: shares out the change scan
        self.entries = entries
        self.stored = ([], {})
        self.complete = entries is not None  # a folder read in full has nothing stored to read
        self.problems = list(problems)
        self.items = None
        self.pack = pack
        self.signature = None  # of a pack: packs.signature() when it was read
        self.touched: set[str] | None = set()

    @classmethod
    def new(cls, rel: str, entries: dict[str, int]) -> _Folder:
        """A folder (or pack) about to be read in full."""
        pack = _is_pack(rel)
        folder = cls(1 if pack else len(entries), {} if pack else entries, pack=pack)
        folder.items = {}
        folder.touched = None
        return folder

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

    def stems(self) -> list[str] | None:
        """The names of its files without the suffix (of a pack: the ids of its valid records),
        when known in this run."""
        if self.pack:
            return None if self.items is None else [name[:-len(RECORD_SUFFIX)] for name, (record, _) in
                                                    sorted(self.items.items()) if record is not None]
        return None if self.entries is None else _stems(self.entries)

    @staticmethod
    def _parts(tree: Tree, records: list[Record]) -> dict[tuple, list[int]]:
        """{(owner, done): positions of the records}."""
        by_part: dict[tuple, list[int]] = {}
        for position, record in enumerate(records):
            by_part.setdefault(tree.part(record) if tree.part else (None, None), []).append(position)
        return by_part

    def _facets(self, tree: Tree, records: list[Record]) -> list:
        """The facets of records (kept on each, so that they are made once)."""
        for record in records:
            if getattr(record, "facets", None) is None:
                record.facets = tree.facets(record)
        return [record.facets for record in records]

    def rows(self, tree: Tree) -> tuple[tuple, list[tuple]]:
        """What is stored of it: (files, entries, problems, stems, signature), and its parts,
        each (owner, done, (records, positions, names), facets)."""
        records, names = self.records()
        parts = []
        for (owner, done), positions in self._parts(tree, records).items():
            chosen = [records[p] for p in positions]
            facets = _dumps(self._facets(tree, chosen)) if tree.facets else None
            parts.append((owner, None if done is None else int(done),
                          _dumps((chosen, positions, {p: names[p] for p in positions if p in names})), facets))
        problems = [(name, problem if isinstance(problem, str) else None) for name, problem in self.problem_items()]
        stems = self.stems() or []
        signature = repr(self.signature) if self.signature is not None else None
        return (self.files, _dumps(self.entries), _dumps(problems), "\0".join(stems), signature), parts

    def found_rows(self, tree: Tree) -> list[tuple]:
        """(name, id, the id it follows up, sort code, record and its facets pickled, text) of
        each valid record touched in this run (all of them when `touched` is None), for the `found` rows and the
        full-text index. `rows` made the facets."""
        rows = []
        for name, (record, _) in sorted(self.items.items()):
            if record is not None and (self.touched is None or name in self.touched):
                follows = record.get("follow_up_of")
                rows.append((name, record["id"], follows if isinstance(follows, str) else None, tree.sort_code(record),
                             _dumps((record, record.facets)), tree.search_text(record)))
        return rows

    def narrow(self, tree: Tree, narrowing: Narrowing) -> None:
        """After its items were stored: keep as `stored` only the records that `narrowing` lets
        through (as a read of what was stored would give them), and let go of the items."""
        records, names = self.records()
        self.problems = self.problem_items()
        self.items = None
        self.complete = narrowing == EVERYTHING
        kept: list[int] = list(range(len(records))) if self.complete else []
        if narrowing.records and not self.complete:
            for (owner, done), positions in self._parts(tree, records).items():
                if (narrowing.owner is not None and owner != narrowing.owner) or \
                        (narrowing.done is not None and done != narrowing.done):
                    continue
                part = [records[p] for p in positions]
                chosen = _chosen(narrowing, self._facets(tree, part) if narrowing.choose and tree.facets else None)
                kept += positions if chosen is None else [positions[i] for i in chosen]
        kept.sort()
        self.stored = ([records[p] for p in kept], {i: names[p] for i, p in enumerate(kept) if p in names})
        if narrowing.choose is None:
            for record in self.stored[0]:
                record.facets = None  # as a read of what is stored gives them: they cost memory
