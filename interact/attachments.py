"""Files kept beside an interaction: attachments/<id>/<name> in the store."""

from __future__ import annotations

import filecmp
import re
import unicodedata
from pathlib import Path

from . import messages as msg
from .files import first_link
from .store import Store

FOLDER = "attachments"
_UNSAFE = re.compile(r"[^\w.+@()\- ]")
_MAX_NAME_OCTETS = 120


def folder(store: Store, rid: str) -> Path:
    return store.root / FOLDER / rid


def attachments(store: Store, rid: str) -> list[Path]:
    """The files attached to interaction `rid`, by name (hidden and temporary files left out).
    A symbolic link, as attachments/, as the interaction's folder or as a file, is never
    followed: skipped with a warning (SPEC §7)."""
    link = first_link(store.root, (FOLDER, rid))
    if link is not None:
        store.warn(link, msg.symbolic_link())
        return []
    try:
        entries = sorted(p for p in folder(store, rid).iterdir() if not p.name.startswith("."))
    except (FileNotFoundError, NotADirectoryError):
        return []
    for path in filter(Path.is_symlink, entries):
        store.warn(path, msg.symbolic_link())
    return [path for path in entries if not path.is_symlink() and path.is_file()]


def safe_name(name: str) -> str:
    """A plain file name from any name: no folders, no hidden files, no control characters.

    'Quote (v2).pdf' stays as it is; '../../etc/passwd' becomes 'passwd', '.env' 'env'.
    """
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split()).strip(". ") or "attachment"
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 16:
        stem, suffix = name, ""
    while len(name.encode()) > _MAX_NAME_OCTETS:
        stem = stem[:-1]
        name = f"{stem}.{suffix}" if suffix else stem
    return name


def attach(store: Store, rid: str, source: Path, force: bool = False) -> tuple[Path, bool]:
    """Copy `source` to attachments/<rid>/<safe name>: (its path, whether anything was copied).

    The same file attached again changes nothing; a different file of the same name is
    refused unless `force`. The copy is atomic: a reader sees the old file or the new one.
    """
    target = store.inside(folder(store, rid) / safe_name(source.name))
    with store.lock():  # looked at and written with no other writer between
        if target.exists():
            if filecmp.cmp(source, target, shallow=False):
                return target, False
            if not force:
                raise msg.attachment_exists(store.relative(target), rid)
        with open(source, "rb") as handle:
            store.write(target, handle, exclusive=not force)
    return target, True


def remove_all(store: Store, rid: str) -> list[Path]:
    """Remove the files attached to interaction `rid` (when it is deleted), and their folder
    once it is empty. Returns the files removed."""
    removed = attachments(store, rid)
    for path in removed:
        store.remove(path, missing_ok=True)
    try:
        store.inside(folder(store, rid)).rmdir()
    except OSError:
        pass  # gone already, or it holds something that is not an attachment: left as it is
    return removed
