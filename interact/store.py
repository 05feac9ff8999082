"""The Store: a store's records read and written back, by concern:

- store.py             the Store itself: configuration, parsing and checking a record, contacts
                       and accounts, and every write (inside the store, atomic, under the lock)
- reads.py             reading every record of a kind: through the index or every file; loose
                       records win over packed ones; search and id prefixes through the index
- interaction_files.py where an interaction lives (its loose file, or its month's pack):
                       finding one by its id, writing it, deleting it
- layout.py            finding and making a store; atomic.py writes its files
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from . import messages as msg
from .atomic import FILE_MODE as _FILE_MODE
from .atomic import atomic_write
from .files import NotPlainFile, inside, read_plain
from .interaction_files import InteractionFiles
from .layout import CONFIG_NAME, KIND_DIRS, LOCAL_DIR
from .model import VALIDATORS, Config, Record, dump, id_fits_file, is_id, is_slug, load, validate_interaction
from .packs import read_pack
from .progress import Quiet
from .reads import Reads


# --- the store ---------------------------------------------------------------------

class Store(Reads, InteractionFiles):
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

    # writing --------------------------------------------------------------------------


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

