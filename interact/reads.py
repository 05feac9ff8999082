"""Reading every record of a kind (Store.interactions, contacts, accounts): through the index
in .cache/ (index/) or, without it, every file and every month pack, in the same order and
with the same warnings. A packed record whose id has a loose file is left out (loose wins,
SPEC §11). Search (through the index's full-text part) and the shortest id prefixes of a
listing come from here too. A mixin of Store (store.py), which holds the state it reads.
"""

from __future__ import annotations

import os
from collections import Counter
from operator import itemgetter
from pathlib import Path

from . import messages as msg
from .files import is_link, linked_folders
from .layout import KIND_DEPTHS, KIND_DIRS, LOCAL_DIR
from .model import ID_LENGTH, MIN_PREFIX, Record
from .packs import Pack, is_packed, pack_files, signature


def _file_id(name: str) -> str:
    """The id an interaction file's name ends in: `<...><id>.yaml`."""
    return name[: -len(".yaml")][-ID_LENGTH:]


def _interaction_part(record: dict) -> tuple[str | None, bool]:
    """The part of the index an interaction is kept in: its assignee, and whether it is completed."""
    assignee = record.get("assignee")
    return (assignee if isinstance(assignee, str) else None), bool(record.get("completed_at"))


class Reads:
    """Store's reading of many records (see the module's docstring)."""

    def interactions(self, narrowing=None) -> list[Record]:
        """Every valid interaction in the store; with `narrowing` (an index.Narrowing, built by
        query.narrowing), those it lets through may be all that come: the caller filters them."""
        self._interactions_read = None  # the previous read can go before this one is made
        records = self._one_each(self._all("interaction", narrowing))
        # kept as long as the store is: freeing 100,000 records one by one when a caller lets
        # go of them takes longer than filtering them (and the CLI ends without freeing them)
        self._interactions_read = records
        return records

    def _one_each(self, records: list[Record]) -> list[Record]:
        """One record an id: a packed record whose id has a loose file is left out, silently
        (loose wins, SPEC §11); of an id in several loose files or packs (a bad merge), the
        last read, as find_interaction takes it, with a warning naming them all (SPEC §7)."""
        if any(map(is_packed, records)):
            loose = set(self._loose_ids())
            records = [record for record in records if record["id"] not in loose or not is_packed(record)]
        ids = list(map(itemgetter("id"), records))
        if len(set(ids)) == len(ids):
            return records
        last = dict(zip(ids, range(len(ids))))
        for rid, count in Counter(ids).items():
            if count > 1:
                paths = [self.relative(record.path) for record in records if record["id"] == rid]
                self.warnings.append(msg.duplicate_id_read(rid, paths, paths[-1]))
        return [record for position, record in enumerate(records) if last[record["id"]] == position]

    def _all(self, kind: str, narrowing=None) -> list[Record]:
        """Every valid record of a kind, in the order of their files; a warning for each other file."""
        if self._folder_linked(kind):
            return []
        records = self._indexed(kind, narrowing) if self.cache and self._index_usable() else None
        if records is None:
            records = self._read_files(kind)
        return records

    def _read_files(self, kind: str) -> list[Record]:
        """_all without the index: every file parsed, and every pack, in the index's order
        (by folder: a month's pack after the month's folder)."""
        from .index import record_names

        top = self.dir(kind)
        sources = [(os.path.relpath(folder, top).split(os.sep), folder, names)
                   for folder, names in record_names(top, KIND_DEPTHS[kind])]
        if kind == "interaction":
            sources += [(rel.split("/"), path, None) for rel, path in pack_files(top)]
        records = []
        for _, path, names in sorted(sources, key=itemgetter(0)):
            if names is None:
                records += Pack(self, path).records()
            else:
                records += [record for name in names if (record := self.read(os.path.join(path, name), kind))]
        return records

    def _indexed(self, kind: str, narrowing) -> list[Record] | None:
        """_all through the index; None when it cannot be used here (e.g. a read-only store)."""
        from .index import EVERYTHING, IndexUnavailable

        try:
            loaded = self.index().load(self._tree(kind), narrowing or EVERYTHING)
        except IndexUnavailable:
            return None
        for path, problem in loaded.problems:
            self.warn(path, problem)
        if kind == "interaction":
            self._interaction_files = loaded
        return loaded.records

    def _folder_linked(self, kind: str) -> bool:
        """Whether the kind's folder is a symbolic link (then it holds no records); the first
        time, a warning for it or for each link among its year and month folders, which no
        reader follows."""
        if kind not in self._linked:
            links = linked_folders(self.dir(kind), KIND_DEPTHS[kind])
            for link in links:
                self.warn(link, msg.symbolic_link())
            self._linked[kind] = links == [self.dir(kind)]
        return self._linked[kind]

    def _index_usable(self) -> bool:
        """Whether the index may be used: neither .cache nor the index's files are symbolic
        links (else every record file is read instead, with a warning)."""
        if self._index_allowed is None:
            from .index import INDEX_NAME

            folder = self.root / LOCAL_DIR
            names = (INDEX_NAME, f"{INDEX_NAME}-wal", f"{INDEX_NAME}-shm")
            link = next(filter(is_link, (folder, *(folder / name for name in names))), None)
            if link is not None:
                self.warn(link, msg.linked_cache())
            self._index_allowed = link is None
        return self._index_allowed

    def index(self):
        from .index import Index

        if self._index is None:
            self._index = Index(self.root / LOCAL_DIR)
        return self._index

    def _tree(self, kind: str):
        """How the index reads the records of a kind."""
        from .index import Tree, fingerprint

        key = (kind, self.config)  # what a file's result depends on: worked out once a configuration
        if key not in self._fingerprints:
            self._fingerprints[key] = fingerprint(self.config.data if kind == "interaction" else None)
        tree = Tree(KIND_DIRS[kind], self.dir(kind), KIND_DEPTHS[kind], self._fingerprints[key],
                    lambda data, path: self.parse_data(data, path, kind))
        tree.progress = self.progress
        if kind == "interaction":
            from .fulltext import search_text, sort_code
            from .query import facets

            tree.part, tree.facets = _interaction_part, facets
            tree.parse_pack = self.parse_pack
            tree.search_text, tree.sort_code = search_text, sort_code
        return tree

    def read_ahead(self, kinds=("interaction", "contact", "account")) -> None:
        """Start looking for what changed in the files of these kinds, for reads to come
        (index.Index.scan_ahead): the work of a warm read begins while the caller loads."""
        if self.cache and self._index_usable():
            for kind in kinds:
                if not self._folder_linked(kind):
                    self.index().scan_ahead(self._tree(kind))

    # the ids, and the packs ---------------------------------------------------------

    def interaction_ids(self) -> list[str]:
        """The id of every interaction file (what its name ends in), readable or not, and of
        every valid record in a pack: what `find_interaction` matches against."""
        stems = self._interaction_files and self._interaction_files.stems()  # known from the index
        if stems is not None:
            return [stem[-ID_LENGTH:] for stem in stems]
        if self._folder_linked("interaction"):
            return []
        return self._loose_ids() + [rid for pack in self.packs() for rid in pack.ids()]

    def _loose_ids(self) -> list[str]:
        """The id of every loose interaction file, readable or not."""
        from .index import record_names

        stems = self._interaction_files and self._interaction_files.stems(loose_only=True)
        if stems is not None:
            return [stem[-ID_LENGTH:] for stem in stems]
        return [_file_id(name) for _, names in record_names(self.dir("interaction"), KIND_DEPTHS["interaction"])
                for name in names]

    def packed_ids(self, prefix: str) -> list[tuple[Pack, str]]:
        """(pack, id) of every valid packed record whose id starts with `prefix`: from the index
        (one query) for each pack it read as the pack is now, else from the pack itself."""
        known = None
        if self.cache and self._index_usable() and not self._folder_linked("interaction"):
            known = self.index().packed_with_prefix(self._tree("interaction"), prefix)
        signatures, ids = known or ({}, {})
        found = []
        top = self.dir("interaction")
        for pack in self.packs():
            rel = pack.path.relative_to(top).as_posix()
            if rel in signatures and signatures[rel] == repr(signature(pack.path)):
                found += [(pack, rid) for rid in ids.get(rel, [])]
            else:
                found += [(pack, rid) for rid in pack.ids(prefix)]
        return found

    def packs(self) -> list[Pack]:
        """The month packs of the interactions (none when their folder is a link)."""
        if self._folder_linked("interaction"):
            return []
        return [Pack(self, path) for _, path in pack_files(self.dir("interaction"))]

    def indexed_pack_ids(self, path, signature, prefix: str = "") -> list[str] | None:
        """The ids (starting with `prefix`) of the valid records of the pack at `path`, as the
        index holds them when it read the pack as it is now (the same `signature`); else None."""
        if not (self.cache and self._index_usable()):
            return None
        rel = Path(path).relative_to(self.dir("interaction")).as_posix()
        return self.index().pack_ids(self._tree("interaction"), rel, signature, prefix)

    # search and listings, through the index -------------------------------------------

    def _index_brought_up_to_date(self):
        """The index of the interactions, up to date with the files, no record read from it
        (an index.Loaded, for a query of its own); None when it cannot be used."""
        from .index import IndexUnavailable, Narrowing

        if not (self.cache and self._index_usable()) or self._folder_linked("interaction"):
            return None
        try:
            loaded = self.index().load(self._tree("interaction"), Narrowing(records=False))
        except IndexUnavailable:
            return None
        for path, problem in loaded.problems:
            self.warn(path, problem)
        self._interaction_files = loaded
        return loaded

    def search(self, expression: str):
        """(sort code, record) of each interaction whose text matches the full-text query
        `expression` (query.full_text_query), in listing order, one an id as `interactions`
        gives them; None when there is no full-text index to ask (the caller reads them all)."""
        loaded = self._index_brought_up_to_date()
        matches = loaded.matches(expression) if loaded is not None else None
        return None if matches is None else self._one_each_found(matches)

    def following(self, rid: str) -> list[str] | None:
        """The ids of the interactions that follow `rid` up, from the index (their copy that
        wins: loose, else packed); None when there is no index to ask."""
        loaded = self._index_brought_up_to_date()
        if loaded is None:
            return None
        return sorted({record["id"] for _, record in self._one_each_found((0, r) for r in loaded.following(rid))})

    def _one_each_found(self, matches):
        """`_one_each` of the records a search finds, as they come: a packed one whose id has a
        loose file is left out; of an id in several files, the first found, with a warning."""
        loose = set(self._loose_ids())
        seen: dict[str, Record] = {}
        for code, record in matches:
            rid = record["id"]
            if rid in loose and is_packed(record):
                continue
            if rid in seen:
                paths = [self.relative(seen[rid].path), self.relative(record.path)]
                self.warnings.append(msg.duplicate_id_read(rid, paths, paths[0]))
                continue
            seen[rid] = record
            yield code, record

    def id_prefixes(self, wanted) -> dict[str, str]:
        """{id: its shortest prefix unique among every interaction's id (model.shortest_prefixes)}
        for the `wanted` ids: from the index's neighbours of each when the last read of the
        interactions went through it (a listing of a few of a million ids), else from them all."""
        from .model import shortest_prefixes

        wanted = list(wanted)
        if not wanted:
            return {}  # an empty listing: no need to look at a million ids
        loaded = self._interaction_files
        if loaded is None:
            return shortest_prefixes(self.interaction_ids(), wanted=wanted)
        # the ids that share a wanted id's first characters, the only ones that can make its
        # prefix longer: of every loose file, valid or not, and of every stored record
        heads = {rid[:MIN_PREFIX] for rid in wanted}
        pool = {rid for rid in self._loose_ids() if rid[:MIN_PREFIX] in heads}
        pool |= loaded.sharing_heads(wanted, MIN_PREFIX) | set(wanted)
        return shortest_prefixes(list(pool), wanted=wanted)
