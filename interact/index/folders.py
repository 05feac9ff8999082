"""A folder of record files as the index knows it (_Folder), and how its records are stored:
in parts, by owner and by whether they are done, each part beside the facets of its records,
so that a narrowed read unpickles only the parts, and the records, that can match. A read
puts a folder's parts back together (_assemble) and gives the records their paths."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .blobs import _dumps
from .tree import Tree, _Damaged
from .walk import RECORD_SUFFIX, _stems

if TYPE_CHECKING:
    from ..model import Record


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
