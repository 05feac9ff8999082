"""`interact check`: every problem in a store, one per line, for people, git hooks and CI.

The records are read and validated by the store's own functions (`model.load`,
`Store.problems`, `Store.interaction_path`), so `check` and the other commands never
disagree about what a valid record is. Nothing here reads the clock: the caller gives
the time that dates leftover temporary files.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from . import messages as msg
from .attachments import FOLDER as ATTACHMENTS
from .files import NotPlainFile, is_link, read_plain
from .model import Record, id_fits_file, is_id, load
from .packs import at_its_line, documents, id_in, is_pack_name, is_packed, is_year_name, month_of
from .layout import CONFIG_NAME, KIND_DEPTHS, KIND_DIRS, LOCAL_DIR
from .store import Store
from .text import printable
from .untrusted import config_problems

STALE_TEMP_SECONDS = 60  # a younger temporary file may belong to a write in progress
ROOT_FILES = {CONFIG_NAME, ".gitignore", ".gitattributes"}
INTERACTION_LAYOUT = "interactions/YYYY/MM/<id>.yaml"
REFERENCES = {  # kind -> (key, kind of record it names)
    "contact": [("accounts", "account")],
    "account": [("default_contact", "contact")],
    "interaction": [("contacts", "contact"), ("accounts", "account"), ("follow_up_of", "interaction")],
}


@dataclass(frozen=True)
class Problem:
    path: str  # relative to the store's root, with forward slashes
    text: str

    def __str__(self) -> str:
        """One line for a terminal: control characters in a file's name or a value are escaped."""
        return printable(f"{self.path}: {self.text}")


def check(root: Path, clock: float) -> list[Problem]:
    """Every problem in the store at `root`, grouped by file; `clock` is the time now (epoch seconds)."""
    return _Checker(Path(root), clock).run()


def _is_temp(name: str) -> bool:
    """atomic_write's temporary files: `.NAME.XXXXXXXX.tmp`."""
    return name.startswith(".") and name.endswith(".tmp")


def _entries(folder: Path) -> list[os.DirEntry]:
    """A folder's entries by name; none when it is gone or is no folder."""
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _problem(text: bytes) -> str:
    """Why a text is no record (load's reason)."""
    try:
        load(text)
    except ValueError as error:
        return str(error)
    return "does not parse"


def _names(record: dict, key: str) -> list[str]:
    value = record.get(key)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


class _Checker:
    def __init__(self, root: Path, clock: float):
        self.root = root
        self.clock = clock
        self.problems: list[Problem] = []
        self.files: dict[str, list[Path]] = {kind: [] for kind in KIND_DIRS}
        self.packs: list[Path] = []  # interactions/YYYY/MM.pack.yaml

    def report(self, path: Path, text: str) -> None:
        self.problems.append(Problem(path.relative_to(self.root).as_posix(), text))

    def report_record(self, record: Record, text: str) -> None:
        """A problem of a record: of its file, or, in a pack, of the pack, naming the record."""
        self.report(record.path, msg.pack_record_problem(record["id"], None, text) if is_packed(record) else text)

    def run(self) -> list[Problem]:
        config = self.read(self.root / CONFIG_NAME)
        for problem in config_problems(config) if config is not None else ():
            self.report(self.root / CONFIG_NAME, problem)
        if config is None or self.problems:  # without its types and folders nothing else can be judged
            return self.problems
        store = Store(self.root)
        self.scan_root()
        records = {kind: self.read_all(store, kind) for kind in KIND_DIRS}
        known = {kind: {p.stem for p in self.files[kind]} | set(records[kind]) for kind in KIND_DIRS}
        self.check_references(records, known)
        self.check_interactions(store, records["interaction"])
        self.problems.sort(key=lambda problem: problem.path)  # stable: a file's problems stay in order
        return self.problems

    # files ---------------------------------------------------------------------------

    def read(self, path: Path) -> Record | None:
        """A file's mapping, or None after reporting why it cannot be read."""
        try:
            data = read_plain(path)
        except NotPlainFile as error:
            self.report(path, str(error))
            return None
        except OSError as error:
            self.report(path, msg.cannot_be_read(error))
            return None
        try:
            return load(data, path)
        except ValueError as error:
            self.report(path, str(error))
            return None

    def hidden(self, entry: os.DirEntry) -> bool:
        """Hidden entries belong to other tools (.git, editors) and are skipped, as readers
        skip them; a temporary file of an interrupted write is reported once it is stale."""
        if not entry.name.startswith("."):
            return False
        if entry.name == LOCAL_DIR:  # the index and the lock: never through a link
            inside = () if entry.is_symlink() else _entries(Path(entry.path))
            for link in (e for e in (entry, *inside) if e.is_symlink()):
                index = link is entry or link.name.startswith("index.")  # without it, every file is read
                self.report(Path(link.path), msg.linked_cache() if index else msg.symbolic_link())
        if _is_temp(entry.name) and entry.is_file(follow_symlinks=False):
            age = self.clock - entry.stat(follow_symlinks=False).st_mtime
            if age > STALE_TEMP_SECONDS:
                self.report(Path(entry.path), msg.stale_temp_file(int(age // 60)))
        return True

    def record_file(self, entry: os.DirEntry, layout: str) -> bool:
        """Whether a non-hidden entry is a record file; anything else is reported."""
        if entry.is_symlink():
            self.report(Path(entry.path), msg.symbolic_link())
            return False
        if not entry.name.endswith(".yaml") or entry.is_dir(follow_symlinks=False):
            self.report(Path(entry.path), msg.stray_file(layout))
            return False
        if not entry.is_file(follow_symlinks=False):
            self.report(Path(entry.path), msg.not_a_plain_file())
            return False
        return True

    def scan_root(self) -> None:
        """The root holds the configuration, git's files and the record folders. attachments/
        (any files, kept even when their interaction is deleted) is judged for links only."""
        folders = set(KIND_DIRS.values()) | {ATTACHMENTS}
        for entry in sorted(os.scandir(self.root), key=lambda e: e.name):
            if self.hidden(entry) or entry.name in ROOT_FILES:
                continue
            if entry.is_symlink():
                self.report(Path(entry.path), msg.symbolic_link())
            elif entry.name not in folders or not entry.is_dir(follow_symlinks=False):
                self.report(Path(entry.path), msg.stray_file("interact.yaml, contacts/, accounts/, interactions/"))
        for kind, folder in KIND_DIRS.items():
            if not is_link(self.root / folder):
                self.walk(self.root / folder, kind)
        if not is_link(self.root / ATTACHMENTS):
            self.walk_attachments()

    def walk_attachments(self) -> None:
        """attachments/<id>/<name>: any files, but no links (no command follows them)."""
        for entry in _entries(self.root / ATTACHMENTS):
            files = _entries(Path(entry.path)) if entry.is_dir(follow_symlinks=False) else ()
            for link in (e for e in (entry, *files) if e.is_symlink()):
                self.report(Path(link.path), msg.symbolic_link())

    def walk(self, folder: Path, kind: str) -> None:
        """Collect the record files under `folder`; report whatever else is there."""
        depth = KIND_DEPTHS[kind] + 1  # levels of folders and files below the kind's folder
        layout = INTERACTION_LAYOUT if kind == "interaction" else f"{folder.name}/<id>.yaml"

        def visit(path: Path, level: int) -> None:
            for entry in _entries(path):
                if self.hidden(entry):
                    continue
                if level < depth:
                    if entry.is_symlink():
                        self.report(Path(entry.path), msg.symbolic_link())
                    elif entry.is_dir(follow_symlinks=False):
                        visit(Path(entry.path), level + 1)
                    elif kind == "interaction" and level == depth - 1 and is_pack_name(entry.name) \
                            and is_year_name(path.name) and entry.is_file(follow_symlinks=False):
                        self.packs.append(Path(entry.path))
                    else:
                        self.report(Path(entry.path), msg.stray_file(layout))
                elif self.record_file(entry, layout):
                    self.files[kind].append(Path(entry.path))

        visit(folder, 1)

    def read_all(self, store: Store, kind: str) -> dict[str, list[Record]]:
        """The schema-checked records of one kind, by the id they hold."""
        by_id: dict[str, list[Record]] = defaultdict(list)
        for path in self.files[kind]:
            record = self.read(path)
            if record is None:
                continue
            problems = store.problems(record, kind)
            for problem in problems:
                self.report(path, problem)
            rid = record.get("id")
            if isinstance(rid, str) and rid:
                if not id_fits_file(rid, path, kind):
                    self.report(path, msg.id_not_file_name(rid, path.name))
                if not problems:
                    by_id[rid].append(record)
        if kind == "interaction":
            for pack in self.packs:
                self.read_pack(store, pack, by_id)
        return by_id

    def read_pack(self, store: Store, pack: Path, by_id: dict[str, list[Record]]) -> None:
        """Each record of a pack checked as a file would be; the problems name the pack and the
        record (by its id, else by its line)."""
        try:
            data = read_plain(pack)
        except (OSError, NotPlainFile) as error:
            self.report(pack, str(error) if isinstance(error, NotPlainFile) else f"cannot be read: {error.strerror}")
            return
        lines: dict[str, int] = {}
        for line, document in documents(data):
            try:
                record = load(document, pack)
            except ValueError:
                self.report(pack, msg.pack_record_problem(id_in(document), line, _problem(at_its_line(line, document))))
                continue
            rid = record.get("id") if isinstance(record.get("id"), str) else None
            problems = store.problems(record, "interaction")
            if rid in lines:
                problems.append(msg.twice_in_pack(lines[rid]))
            for problem in problems:
                self.report(pack, msg.pack_record_problem(rid, line, problem))
            if rid and not problems:
                lines[rid] = line
                by_id[rid].append(record)

    # references ----------------------------------------------------------------------

    def check_references(self, records, known) -> None:
        for kind, by_id in records.items():
            for record in (r for group in by_id.values() for r in group):
                for key, target in REFERENCES[kind]:
                    for rid in _names(record, key):
                        if rid not in known[target]:
                            self.report_record(record, msg.unknown_reference(key, rid, KIND_DIRS[target]))

    def check_interactions(self, store: Store, interactions) -> None:
        for rid, records in interactions.items():
            # a record both loose and packed is no problem: the loose file wins (a change since packing)
            loose = [r for r in records if not is_packed(r)]
            twins = loose if loose else records
            for record in records:
                if len(twins) > 1 and any(twin is record for twin in twins):
                    others = [r.path.relative_to(self.root).as_posix() for r in twins if r is not record]
                    self.report_record(record, msg.duplicate_id(rid, others))
                if is_packed(record):
                    self.check_packed(store, record)
                else:
                    self.check_place(store, record)
                self.check_category(store, record)

    def check_packed(self, store: Store, record: Record) -> None:
        """A pack holds completed interactions of its own month."""
        if not record.get("completed_at"):
            self.report_record(record, msg.packed_outstanding(record["id"]))
        month = store.interaction_path(record).parent
        if month != month_of(record.path):
            key = next((k for k in ("when", "due", "created_at") if record.get(k)), "dates")
            self.report_record(record, msg.misplaced(month.relative_to(self.root).as_posix() + ".pack.yaml", key))

    def check_category(self, store: Store, record: Record) -> None:
        """With `require_category: true`, every interaction carries one (those from before the
        rule, or from a clone without it, are named here; `edit --category` fixes them)."""
        if store.config.require_category and not record.get("category"):
            self.report_record(record, msg.missing_category(store.config.categories))

    def check_place(self, store: Store, record: Record) -> None:
        """An interaction lives in the YYYY/MM folder of its when, else due, else created_at."""
        if not is_id(record["id"]) or not id_fits_file(record["id"], record.path, "interaction"):
            return  # already reported: its file name is wrong whatever the folder
        expected = store.interaction_path(record)
        if expected.parent != record.path.parent:
            key = next((k for k in ("when", "due", "created_at") if record.get(k)), "dates")
            self.report(record.path, msg.misplaced(expected.parent.relative_to(self.root).as_posix() + "/", key))
