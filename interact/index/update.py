"""Bringing one read's folders (`load`, a _Load) up to date with what changed since the last
check (scan.py): a changed folder is listed again (names and inode numbers), so files that
appeared, vanished or were replaced are found there; a new or replaced folder is walked in
full; a changed file is noted. Every file found new or changed goes on `load.to_parse`; a
month pack that changed (or appeared) goes there whole, as (its key, None)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .folders import _Folder
from .storage import _complete, _entries
from .walk import _depth, _holds_packs, _is_pack, _join, _listing, is_record_name

if TYPE_CHECKING:
    from .load import _Load


def _update(load: _Load, changed: list[str]) -> None:
    """Take in what the scan found (paths relative to the top): changed folders are listed
    again, parents first; changed files are read again."""
    depth = load.tree.depth
    changed_folders, changed_files = [], {}
    for rel in changed:
        parts = rel.split("/") if rel else []
        if any(part.startswith(".") for part in parts):
            continue  # a temporary file of an atomic write, or a hidden folder
        if len(parts) > depth:
            if is_record_name(parts[-1]):
                changed_files.setdefault("/".join(parts[:-1]), set()).add(parts[-1])
        else:
            changed_folders.append(rel)
    for rel in sorted(changed_folders, key=_depth):  # parents first
        if (rel in load.inner or rel in load.leaves) and rel not in load.walked:
            _relist(load, rel, changed_files)
    for rel, names in sorted(changed_files.items()):
        if rel in load.leaves and rel not in load.walked:
            _reread(load, rel, names)


def _relist(load: _Load, rel: str, changed_files: dict) -> None:
    """A changed folder: what appeared in it, vanished or was replaced."""
    leaf = rel in load.leaves
    if leaf and _is_pack(rel):
        _read_again(load, rel)
        return
    try:
        now = _listing(load._folder_path(rel), leaf, _holds_packs(load.tree, rel))
    except (FileNotFoundError, NotADirectoryError):
        return  # gone: its parent changed too, and drops it
    before = _entries(load, rel) if leaf else load.inner[rel]
    if now == before:
        return
    load.dirty.add(rel)
    if leaf:
        folder = _complete(load, rel)
        items = folder.all_items()
        folder.entries = now
        for name in before.keys() - now.keys():
            items.pop(name, None)
            folder.touched.add(name)
        changed_files.setdefault(rel, set()).update(name for name, ino in now.items() if before.get(name) != ino)
        return
    load.inner[rel] = now
    for name, ino in before.items():
        if now.get(name) != ino:
            _drop(load, _join(rel, name))
    for name, ino in now.items():
        if before.get(name) != ino:
            _walk(load, _join(rel, name), os.path.join(load._folder_path(rel), name))


def _reread(load: _Load, rel: str, names: set[str]) -> None:
    """Files of a folder that changed (or appeared in it): to be parsed again."""
    entries = _entries(load, rel)
    _complete(load, rel).all_items()
    for name in sorted(names):
        path = os.path.join(load._folder_path(rel), name)
        if name not in entries:
            try:
                entries[name] = os.lstat(path).st_ino
            except FileNotFoundError:
                continue
            load.dirty.add(rel)
        load.to_parse.append((rel, name))


def _read_again(load: _Load, rel: str) -> None:
    """A month pack that changed: read whole, as it is now."""
    load.leaves[rel] = _Folder.new(rel, {})
    load.dirty.add(rel)
    load.to_parse.append((rel, None))


def _drop(load: _Load, rel: str) -> None:
    """Forget a folder that vanished or was replaced, and every folder under it."""
    for folders in (load.inner, load.leaves):
        for key in [k for k in folders if k == rel or k.startswith(rel + "/")]:
            del folders[key]
            load.dirty.discard(key)
            load.removed.add(key)


def _walk(load: _Load, rel: str, path: str) -> None:
    """Read a folder in full: every file under it is parsed."""
    leaf = _depth(rel) == load.tree.depth
    if leaf and _is_pack(rel):
        load.walked.add(rel)
        _read_again(load, rel)
        return
    try:
        entries = _listing(path, leaf, _holds_packs(load.tree, rel))
    except (FileNotFoundError, NotADirectoryError):
        return
    load.walked.add(rel)
    load.dirty.add(rel)
    if not leaf:
        load.inner[rel] = entries
        for name in sorted(entries):
            _walk(load, _join(rel, name), os.path.join(path, name))
        return
    load.leaves[rel] = _Folder.new(rel, entries)
    load.to_parse += [(rel, name) for name in sorted(entries)]
