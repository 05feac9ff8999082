"""Finding a store, reading its records and writing them atomically."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from . import messages as msg
from .model import (
    CONFIG_TEMPLATE, Config, MIN_PREFIX, Record, VALIDATORS, dump, load, validate_interaction,
)

CONFIG_NAME = "interact.yaml"
LOCAL_DIR = ".cache"  # lock file and derived data: never committed
KIND_DIRS = {"contact": "contacts", "account": "accounts", "interaction": "interactions"}
# Records are text merged line by line by git's ordinary merge. Never merge=union: it keeps
# both sides of a conflict without markers and silently leaves a wrong or invalid record.
GITATTRIBUTES = """\
# interact records: UTF-8 text, LF line endings on every platform, git's normal text merge
*.yaml text eol=lf
"""
KIND_DEPTHS = {"contact": 0, "account": 0, "interaction": 2}  # folders between KIND_DIRS and the files


def find_store(dir_option: str | None, env_dir: str | None, cwd: Path) -> Path:
    """The store's root: --dir, then $INTERACT_DIR, then walking up from cwd."""
    explicit = dir_option or env_dir
    if explicit:
        root = Path(explicit)
        if (root / CONFIG_NAME).is_file():
            return root
        if (root / "records" / CONFIG_NAME).is_file():
            return root / "records"
        raise msg.not_a_store(root)
    for folder in (cwd, *cwd.parents):
        for candidate in (folder, folder / "records"):
            if (candidate / CONFIG_NAME).is_file():
                return candidate
    raise msg.no_store(cwd)


def init_store(path: Path) -> Path:
    if (path / CONFIG_NAME).exists():
        raise msg.store_exists(path)
    for sub in KIND_DIRS.values():
        (path / sub).mkdir(parents=True, exist_ok=True)
    atomic_write(path / CONFIG_NAME, CONFIG_TEMPLATE.encode(), exclusive=True)
    atomic_write(path / ".gitignore", f"/{LOCAL_DIR}/\n".encode())
    atomic_write(path / ".gitattributes", GITATTRIBUTES.encode())
    return path


# --- atomic writes -----------------------------------------------------------------

def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _file_mode()


def atomic_write(path: Path, data: bytes | BinaryIO, exclusive: bool = False) -> None:
    """Write `data` (bytes, or a binary file to copy) to `path` so that readers see the old
    file or the new one, never a part.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the
    file is renamed over `path`. With `exclusive`, an existing `path` is never
    replaced (FileExistsError): the temporary file is hard-linked into place instead.
    A failure (a full disk, a read-only store) is an OSError that names `path`.
    """
    try:
        _write_through_temp(path, data, exclusive)
    except OSError as error:
        if error.errno is None:
            raise
        # name the record, not the temporary file or the folder (EEXIST stays FileExistsError)
        raise OSError(error.errno, error.strerror, str(path)) from error


def _write_through_temp(path: Path, data: bytes, exclusive: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                shutil.copyfileobj(data, handle)
            handle.flush()
            os.fchmod(handle.fileno(), _FILE_MODE)
            os.fsync(handle.fileno())
        if exclusive:
            os.link(tmp, path)
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- the store ---------------------------------------------------------------------

def _interaction_part(record: dict) -> tuple[str | None, bool]:
    """The part of the index an interaction is kept in: its assignee, and whether it is completed."""
    assignee = record.get("assignee")
    return (assignee if isinstance(assignee, str) else None), bool(record.get("completed_at"))


class Store:
    """One store on disk. Reading never stops at a bad file: it is noted in `warnings`.

    Reading every record goes through the index in `.cache/` (see index/) unless `cache`
    is False; the results are the same either way.
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
        try:
            config = load((self.root / CONFIG_NAME).read_bytes())
        except ValueError as error:
            raise msg.bad_config(self.root / CONFIG_NAME, error) from None
        self.config = Config(config)

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
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            return None, str(error)
        return self.parse_data(data, path, kind)

    def parse_data(self, data: bytes, path, kind: str) -> tuple[Record | None, str | None]:
        """`parse`, of the bytes of a file already read."""
        try:
            record = load(data, path)
        except ValueError as error:
            return None, str(error)
        problems = self.problems(record, kind)
        return (None, problems[0]) if problems else (record, None)

    def problems(self, record: dict, kind: str) -> list[str]:
        if kind == "interaction":
            return validate_interaction(record, self.config)
        return VALIDATORS[kind](record)

    def interaction_ids(self) -> list[str]:
        """The id of every interaction file, readable or not: what `find_interaction` matches against."""
        from .index import record_names

        stems = self._interaction_files and self._interaction_files.stems()  # known from the index
        if stems is not None:
            return stems
        end = -len(".yaml")
        return [name[:end] for _, names in record_names(self.dir("interaction"), KIND_DEPTHS["interaction"])
                for name in names]

    def interactions(self, narrowing=None) -> list[Record]:
        """Every valid interaction in the store; with `narrowing` (an index.Narrowing, built by
        query.narrowing), those it lets through may be all that come: the caller filters them."""
        self._interactions_read = None  # the previous read can go before this one is made
        records = self._all("interaction", narrowing)
        # kept as long as the store is: freeing 100,000 records one by one when a caller lets
        # go of them takes longer than filtering them (and the CLI ends without freeing them)
        self._interactions_read = records
        return records

    def _all(self, kind: str, narrowing=None) -> list[Record]:
        """Every valid record of a kind, in the order of their files; a warning for each other file."""
        records = self._indexed(kind, narrowing) if self.cache else None
        if records is None:
            from .index import record_files

            records = [record for path in record_files(self.dir(kind), KIND_DEPTHS[kind])
                       if (record := self.read(path, kind)) is not None]
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

        tree = Tree(KIND_DIRS[kind], self.dir(kind), KIND_DEPTHS[kind],
                    fingerprint(self.config.data if kind == "interaction" else None),
                    lambda data, path: self.parse_data(data, path, kind))
        if kind == "interaction":
            from .query import facets

            tree.part, tree.facets = _interaction_part, facets
        return tree

    def read_ahead(self, kinds=("interaction", "contact", "account")) -> None:
        """Start looking for what changed in the files of these kinds, for reads to come
        (index.Index.scan_ahead): the work of a warm read begins while the caller loads."""
        if self.cache:
            for kind in kinds:
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

    def record_by_id(self, kind: str, rid: str) -> Record | None:
        """The contact or account `rid` when its file is named after it, read alone (no
        warning); None otherwise, and callers then look through them all."""
        loaded = self._contacts if kind == "contact" else self._accounts
        if loaded is not None:
            return loaded.get(rid)
        if not rid or rid.startswith(".") or "/" in rid or os.sep in rid or "\0" in rid:
            return None
        record, _ = self.parse(self.dir(kind) / f"{rid}.yaml", kind)
        return record if record is not None and record.get("id") == rid else None

    def find_interaction(self, prefix: str) -> Record:
        """The interaction whose id starts with `prefix` (4+ characters), like git."""
        from .index import record_files

        prefix = prefix.strip().lower()
        if len(prefix) < MIN_PREFIX:
            raise msg.prefix_too_short(prefix)
        matches = [Path(p) for p in record_files(self.dir("interaction"), KIND_DEPTHS["interaction"], prefix)]
        if not matches:
            raise msg.no_interaction(prefix)
        if len({p.stem for p in matches}) > 1:
            raise msg.ambiguous_interaction(prefix, sorted({p.stem for p in matches}))
        record, problem = self.parse(matches[-1], "interaction")
        if record is None:
            raise msg.unreadable(self.relative(matches[-1]), problem)
        return record

    # writing --------------------------------------------------------------------------

    def interaction_path(self, record: dict) -> Path:
        """interactions/YYYY/MM/<id>.yaml, from `when`, else `due`, else `created_at`."""
        stamp = record.get("when") or record.get("due") or record.get("created_at") or ""
        year, month = stamp[:4], stamp[5:7]
        if not (year.isdigit() and month.isdigit()):
            year, month = "undated", "00"
        return self.dir("interaction") / year / month / f"{record['id']}.yaml"

    def save_interaction(self, record: Record, new: bool = False) -> Path:
        """Write an interaction where its dates say; an edit that moves it removes the old file."""
        path = self.interaction_path(record)
        self._interaction_files = None
        atomic_write(path, dump(record, "interaction").encode(), exclusive=new)
        self.note_written(path)
        old = record.path
        if old is not None and Path(old) != path:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(old)
            self.note_written(old)
        record.path = path
        return path

    def add_interactions(self, records) -> list[Record]:
        """Write new interactions, never replacing a file: one already there (the same id,
        made meanwhile by another writer or clone) is left as it is. Returns those written."""
        written = []
        for record in records:
            try:
                self.save_interaction(record, new=True)
            except FileExistsError:
                continue
            written.append(record)
        return written

    def delete_interaction(self, record: Record) -> None:
        self._interaction_files = None
        os.unlink(record.path)
        self.note_written(record.path)

    def save(self, record: Record, kind: str, new: bool = False) -> Path:
        """Write a contact or an account. `new` never replaces an existing file."""
        path = self.dir(kind) / f"{record['id']}.yaml"
        atomic_write(path, dump(record, kind).encode(), exclusive=new)
        self.note_written(path)
        record.path = path
        cache = self._contacts if kind == "contact" else self._accounts
        if cache is not None:
            cache[record["id"]] = record
        return path

    def note_written(self, path) -> None:
        """Note a file written or removed: for `--commit`, and so that no look for changes
        begun before it (read_ahead) stands in for a read after it."""
        self.written.append(Path(path))
        if self._index is not None:
            self._index.drop_ahead()

    @contextlib.contextmanager
    def lock(self):
        """Serialise read-modify-write of existing records between processes."""
        import fcntl

        folder = self.root / LOCAL_DIR
        folder.mkdir(exist_ok=True)
        with open(folder / "lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

