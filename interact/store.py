"""The Store: reading a store's records and writing them back (layout.py finds and makes a
store; atomic.py writes its files)."""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from operator import itemgetter
from pathlib import Path

from . import messages as msg
from .atomic import FILE_MODE as _FILE_MODE
from .atomic import atomic_write, atomic_write_all  # noqa: F401 (atomic_write_all: what importers of interact.store use)
from .atomic import rename_into as _rename
from .files import NotPlainFile, inside, is_link, linked_folders, read_plain
from .layout import (  # noqa: F401 (what importers of interact.store use)
    CONFIG_NAME, GITATTRIBUTES, KIND_DEPTHS, KIND_DIRS, LOCAL_DIR, YEAR_MONTH as _YEAR_MONTH, find_store, init_store,
)
from .packs import Pack, is_packed, pack_files, pack_of, read_pack
from .progress import Quiet
from .model import (
    ID_LENGTH, MIN_PREFIX, VALIDATORS, Config, Record, dump, id_fits_file, is_id, is_slug, load, validate_interaction,
)


# --- the store ---------------------------------------------------------------------

ADD_PROGRESS_FROM = 1000  # new interactions (an import): from this many, the writing shows how far it has got


def _file_id(name: str) -> str:
    """The id an interaction file's name ends in: `<...><id>.yaml`."""
    return name[: -len(".yaml")][-ID_LENGTH:]


def _interaction_part(record: dict) -> tuple[str | None, bool]:
    """The part of the index an interaction is kept in: its assignee, and whether it is completed."""
    assignee = record.get("assignee")
    return (assignee if isinstance(assignee, str) else None), bool(record.get("completed_at"))


class Store:
    """One store on disk. Reading never stops at a bad file: it is noted in `warnings`.

    Reading every record goes through the index in `.cache/` (see index/) unless `cache`
    is False; the results are the same either way.

    The store's files are untrusted input (SPEC §7): no read or write follows a symbolic link
    (a linked file or folder is skipped with a warning; a write through one is refused), every
    write lies inside the store, and a record is written back only to the file it came from.
    """

    def __init__(self, root: Path, cache: bool = True):
        self.root = Path(root)
        self.cache = cache
        self._index = None
        self._interaction_files = None  # index.Loaded: the last read of the interactions through the index
        self._interactions_read: list[Record] | None = None  # the last interactions() returned
        self.warnings: list[str] = []
        self.written: list[Path] = []  # every file written or removed, for `--commit`
        self._contacts: dict[str, Record] | None = None
        self._accounts: dict[str, Record] | None = None
        self._lock_depth = 0  # Store.lock is re-entrant: a locked step may call another
        self._linked: dict[str, bool] = {}  # kind -> whether its folder is a link (its links warned of)
        self._index_allowed: bool | None = None
        self.progress = Quiet  # (label, total) -> a context manager with update(n): see progress.py
        self._fingerprints: dict[tuple, str] = {}
        self.reload_config()

    def reload_config(self) -> None:
        """Read interact.yaml (again): under the lock, what another writer made of it meanwhile."""
        try:
            self.config = Config(load(read_plain(self.root / CONFIG_NAME)))
        except (ValueError, NotPlainFile) as error:  # it does not parse, a key's value is wrong, a link
            raise msg.bad_config(self.root / CONFIG_NAME, error) from None

    def dir(self, kind: str) -> Path:
        return self.root / KIND_DIRS[kind]

    def relative(self, path) -> str:
        try:
            return str(Path(path).relative_to(self.root))
        except ValueError:
            return str(path)

    def warn(self, path: Path, problem) -> None:
        self.warnings.append(msg.skipped_file(self.relative(path), problem))

    # reading --------------------------------------------------------------------------

    def read(self, path, kind: str) -> Record | None:
        """One record, or None (with a warning) when the file is unreadable or invalid."""
        record, problem = self.parse(path, kind)
        if problem:
            self.warn(path, problem)
        return record

    def parse(self, path, kind: str) -> tuple[Record | None, str | None]:
        """(record, None), or (None, the first problem) for an unreadable or invalid file."""
        try:
            data = read_plain(path)
        except (OSError, NotPlainFile) as error:
            return None, str(error)
        return self.parse_data(data, path, kind)

    def parse_data(self, data: bytes, path, kind: str) -> tuple[Record | None, str | None]:
        """`parse`, of the bytes of a file already read: its id must fit the file's name too."""
        record, problem = self.parse_packed(data, path, kind)
        if record is not None and not id_fits_file(record["id"], path, kind):
            return None, msg.id_not_file_name(record["id"], os.path.basename(path))
        return record, problem

    def parse_packed(self, data: bytes, path, kind: str = "interaction") -> tuple[Record | None, str | None]:
        """`parse_data` of one document of the pack at `path`: the record it holds, valid, whatever its id."""
        try:
            record = load(data, path)
        except ValueError as error:
            return None, str(error)
        problems = self.problems(record, kind)
        return (None, problems[0]) if problems else (record, None)

    def parse_pack(self, data: bytes, path) -> dict[str, tuple]:
        """What the pack at `path` holds (packs.read_pack): its records have the pack's path."""
        return read_pack(data, lambda document: self.parse_packed(document, path))

    def problems(self, record: dict, kind: str) -> list[str]:
        if kind == "interaction":
            return validate_interaction(record, self.config)
        return VALIDATORS[kind](record)

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

    def indexed_pack_ids(self, path, signature, prefix: str = "") -> list[str] | None:
        """The ids (starting with `prefix`) of the valid records of the pack at `path`, as the
        index holds them when it read the pack as it is now (the same `signature`); else None."""
        if not (self.cache and self._index_usable()):
            return None
        rel = Path(path).relative_to(self.dir("interaction")).as_posix()
        return self.index().pack_ids(self._tree("interaction"), rel, signature, prefix)

    def search(self, expression: str):
        """(sort code, record) of each interaction whose text matches the full-text query
        `expression` (query.full_text_query), in listing order, one an id as `interactions`
        gives them; None when there is no full-text index to ask (the caller reads them all)."""
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
        matches = loaded.matches(expression)
        return None if matches is None else self._one_each_found(matches)

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
        loaded = self._interaction_files
        if loaded is None or not wanted:
            return shortest_prefixes(self.interaction_ids(), wanted=wanted)
        # the ids that share a wanted id's first characters, the only ones that can make its
        # prefix longer: of every loose file, valid or not, and of every stored record
        heads = {rid[:MIN_PREFIX] for rid in wanted}
        pool = {rid for rid in self._loose_ids() if rid[:MIN_PREFIX] in heads}
        pool |= loaded.sharing_heads(wanted, MIN_PREFIX) | set(wanted)
        return shortest_prefixes(list(pool), wanted=wanted)

    def packs(self) -> list[Pack]:
        """The month packs of the interactions (none when their folder is a link)."""
        if self._folder_linked("interaction"):
            return []
        return [Pack(self, path) for _, path in pack_files(self.dir("interaction"))]

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

    def _load_kind(self, kind: str) -> dict[str, Record]:
        return {record["id"]: record for record in self._all(kind)}

    def contacts(self) -> dict[str, Record]:
        if self._contacts is None:
            self._contacts = self._load_kind("contact")
        return self._contacts

    def accounts(self) -> dict[str, Record]:
        if self._accounts is None:
            self._accounts = self._load_kind("account")
        return self._accounts

    def close(self) -> None:
        """Let go of the index (a store is usable again afterwards)."""
        if self._index is not None:
            self._index.close()

    def forked(self) -> None:
        """In a forked process: leave the parent's index alone (its connection and scans are
        the parent's; this process opens its own when it reads)."""
        self._index = None

    def reread(self, record: Record, kind: str) -> Record:
        """The contact or account `record` as its file holds it now (under the lock, before
        changing it: another writer may have changed it since it was read)."""
        path = record.path or self.dir(kind) / f"{record['id']}.yaml"
        fresh, problem = self.parse(path, kind)
        if fresh is None:
            raise msg.unreadable(self.relative(path), problem)
        return fresh

    def record_by_id(self, kind: str, rid: str) -> Record | None:
        """The contact or account `rid` when its file is named after it, read alone (no
        warning); None otherwise, and callers then look through them all."""
        loaded = self._contacts if kind == "contact" else self._accounts
        if loaded is not None:
            return loaded.get(rid)
        if not is_slug(rid) or self._folder_linked(kind):
            return None
        record, _ = self.parse(self.dir(kind) / f"{rid}.yaml", kind)
        return record

    def find_interaction(self, prefix: str) -> Record:
        """The interaction whose id starts with `prefix` (4+ characters), like git: from its
        loose file when there is one, else from its pack (loose wins). Of an id in several
        files or packs (a bad merge), the last, with a warning (as `interactions` does)."""
        from .index import record_names

        prefix = prefix.strip().lower()
        if len(prefix) < MIN_PREFIX:
            raise msg.prefix_too_short(prefix)
        top = self.dir("interaction")
        matches = [] if self._folder_linked("interaction") else [
            os.path.join(folder, name) for folder, names in record_names(top, KIND_DEPTHS["interaction"])
            for name in names if prefix in name and _file_id(name).startswith(prefix)]
        packed = [(pack, rid) for pack in self.packs() for rid in pack.ids(prefix)]
        ids = sorted({_file_id(os.path.basename(path)) for path in matches} | {rid for _, rid in packed})
        if not ids:
            raise msg.no_interaction(prefix)
        if len(ids) > 1:
            raise msg.ambiguous_interaction(prefix, ids)
        if not matches:
            return self._packed_record(ids[0], [pack for pack, _ in packed])
        if len(matches) > 1:
            paths = [self.relative(path) for path in matches]
            self.warnings.append(msg.duplicate_id_read(ids[0], paths, paths[-1]))
        record, problem = self.parse(matches[-1], "interaction")
        if record is None:
            raise msg.unreadable(self.relative(matches[-1]), problem)
        return record

    def _packed_record(self, rid: str, packs: list[Pack]) -> Record:
        """The record `rid` from the last of the packs that hold it (with a warning when several do)."""
        if len(packs) > 1:
            paths = [self.relative(pack.path) for pack in packs]
            self.warnings.append(msg.duplicate_id_read(rid, paths, paths[-1]))
        record, problem = packs[-1].find(rid)
        if record is None:
            raise msg.unreadable(self.relative(packs[-1].path), problem or msg.pack_record_problem(rid, None, "gone"))
        return record

    # writing --------------------------------------------------------------------------

    @staticmethod
    def interaction_month(record: dict) -> tuple[str, str]:
        """The folders YYYY, MM an interaction belongs in: from `when`, else `due`, else `created_at`."""
        stamp = record.get("when") or record.get("due") or record.get("created_at") or ""
        match = _YEAR_MONTH.match(stamp) if isinstance(stamp, str) else None
        return match.groups() if match else ("undated", "00")

    def interaction_path(self, record: dict) -> Path:
        """interactions/YYYY/MM/<file>: YYYY/MM from `when`, else `due`, else `created_at`; <file>
        the name it was read from (it ends in the id), else `<id>.yaml`."""
        year, month = self.interaction_month(record)
        source = getattr(record, "path", None)
        name = source.name if source is not None and not is_packed(record) else f"{record['id']}.yaml"
        return self.dir("interaction") / year / month / name

    def save_interaction(self, record: Record, new: bool = False) -> Path:
        """Write an interaction where its dates say.

        An edit that moves it to another month renames its file into the new folder first,
        then rewrites it there: killed between the two, the store holds one file with that id
        (in its new folder, with its old text: running the edit again finishes it), never two
        (SPEC §7). A write that fails puts the file back where it was.
        """
        path = self._record_path("interaction", record, self.interaction_path(record))
        self._interaction_files = None
        old = None if is_packed(record) else record.path  # a packed record is written loose: its pack stays
        moved = old is not None and Path(old) != path
        if moved:
            _rename(self.inside(old), self.inside(path))
        try:
            self.write(path, dump(record, "interaction").encode(), exclusive=new)
        except BaseException:
            if moved:
                with contextlib.suppress(OSError):
                    _rename(path, Path(old))
            raise
        if moved:
            self.note_written(old)
        record.path = path
        return path

    def add_interactions(self, records) -> list[Record]:
        """Write new interactions, never replacing a file: one already there (the same id,
        made meanwhile by another writer or clone) is left as it is. Returns those written."""
        written, packed = [], {}
        records = list(records)
        progress = self.progress if len(records) >= ADD_PROGRESS_FROM else Quiet
        with progress(msg.writing_interactions(), len(records)) as bar:
            for record in records:
                bar.update(1)
                if self._packed_already(record, packed):
                    continue
                try:
                    self.save_interaction(record, new=True)
                except FileExistsError:
                    continue
                written.append(record)
        return written

    def _packed_already(self, record: Record, packed: dict[Path, set]) -> bool:
        """Whether the pack of the month `record` would go in holds its id already; `packed`
        keeps each pack's ids, read once for many records."""
        pack = pack_of(self.interaction_path(record).parent)
        if pack not in packed:
            packed[pack] = set(Pack(self, pack).ids()) if os.path.lexists(pack) else set()
        return record["id"] in packed[pack]

    def take_back(self, path: Path) -> None:
        """Take back a file this command wrote (a write after it failed)."""
        os.unlink(self.inside(path))
        self.written = [p for p in self.written if p != Path(path)]

    def delete_interaction(self, record: Record) -> None:
        """Remove an interaction: its loose file, then its copies in packs (killed between the
        two, the packed copy is what `delete` finds when run again)."""
        self._interaction_files = None
        rid = record["id"]
        if not is_packed(record):
            self.remove(record.path)
        for pack in self.packs():
            if rid in pack.ids(rid):
                self.rewrite_pack(pack, {rid: None})

    def rewrite_pack(self, pack: Pack, changes: dict[str, bytes | None]) -> None:
        """Write a pack with the documents of `changes` replaced or left out (Pack.rewritten);
        a pack left with nothing is removed."""
        data = pack.rewritten(changes)
        if data is None:
            raise msg.unreadable(self.relative(pack.path), msg.pack_unreadable())
        if data:
            self.write(pack.path, data)
        else:
            self.remove(pack.path)

    def save(self, record: Record, kind: str, new: bool = False) -> Path:
        """Write a contact or an account. `new` never replaces an existing file."""
        path = self._record_path(kind, record, self.dir(kind) / f"{record['id']}.yaml")
        self.write(path, dump(record, kind).encode(), exclusive=new)
        record.path = path
        cache = self._contacts if kind == "contact" else self._accounts
        if cache is not None:
            cache[record["id"]] = record
        return path

    def _record_path(self, kind: str, record: Record, path: Path) -> Path:
        """`path`, to write `record` to, once its id is known to be an id (so never a path) and,
        for a contact or an account, `path` is the file it was read from (SPEC §7)."""
        rid = record.get("id")
        if not (isinstance(rid, str) and (is_id(rid) if kind == "interaction" else is_slug(rid))):
            raise msg.unsafe_id(rid)
        if kind != "interaction" and record.path is not None and Path(record.path) != path:
            raise msg.not_its_file(self.relative(path), self.relative(record.path))
        return path

    def inside(self, path) -> Path:
        """`path`, once it is known to lie inside the store with no symbolic link on the way, nor
        a linked .cache (files.inside): every write and removal is checked here (SPEC §7)."""
        return inside(self.root, path, self.root / LOCAL_DIR)

    def write(self, path, data, exclusive: bool = False) -> Path:
        """Write a file of the store atomically (see atomic_write), once it is known to lie
        inside the store, and note it for --commit."""
        atomic_write(self.inside(path), data, exclusive)
        self.note_written(path)
        return Path(path)

    def remove(self, path, missing_ok: bool = False) -> None:
        """Remove a file of the store, once it is known to lie inside it; noted for --commit."""
        try:
            os.unlink(self.inside(path))
        except FileNotFoundError:
            if not missing_ok:
                raise
        self.note_written(path)

    def note_written(self, path) -> None:
        """Note a file written or removed: for `--commit`, and so that no look for changes
        begun before it (read_ahead) stands in for a read after it."""
        self.written.append(Path(path))
        if self._index is not None:
            self._index.drop_ahead()

    @contextlib.contextmanager
    def lock(self):
        """Serialise read-modify-write of records and interact.yaml between processes (SPEC §7,
        No lost update): hold it from reading a file to renaming its new text into place, and
        read again under it. One flock on .cache/lock; taken again inside, it is already held."""
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        import fcntl

        path = self.inside(self.root / LOCAL_DIR / "lock")
        path.parent.mkdir(exist_ok=True)
        # never through a link, nor waiting on a FIFO planted there
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                     _FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._lock_depth = 1
            try:
                yield
            finally:
                self._lock_depth = 0
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

