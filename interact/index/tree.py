"""What a caller hands the index and what stops it: the Tree of record files to read, the
Narrowing that lets a read leave records out, and the errors (IndexUnavailable for the
caller, _Damaged inside: what the index holds cannot be read back, so it is rebuilt)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable


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
        # month packs, beside the folders of files one level up (interactions/YYYY/MM.pack.yaml):
        # (bytes, path) -> {key: (record, None) or (None, problem)} (packs.read_pack)
        self.parse_pack = None
        # the full-text index: record -> its text (folded) and its place in the listing order
        # (query.sort_code); None: the tree's records are not searched that way
        self.search_text = None
        self.sort_code = None
        self.progress = None            # (label, total) -> a progress (see interact/progress.py)


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
    records: bool = True        # False: no stored record is wanted (a search through the full-text index)


EVERYTHING = Narrowing()


class IndexUnavailable(Exception):
    """The index cannot be used here (no writable .cache folder, locked too long...)."""


class _Damaged(Exception):
    """What the index holds cannot be read back."""
