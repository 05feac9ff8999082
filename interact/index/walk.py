"""Walking the record files: which names are records, the folders that hold them, and a
folder's names as a relative path ('' for the top, 'YYYY/MM' below it). Shared with reading
the records without the index (store.py), which walks the same files in the same order."""

from __future__ import annotations

import os
from pathlib import Path

from ..packs import PACK_SUFFIX, is_pack_name, is_year_name

RECORD_SUFFIX = ".yaml"


def is_record_name(name: str) -> bool:
    return name.endswith(RECORD_SUFFIX) and not name.startswith(".")


def subfolders(path: str) -> list[os.DirEntry]:
    """The folders in `path` that hold records (hidden ones skipped, and links: never followed), by name."""
    with os.scandir(path) as entries:
        return sorted((e for e in entries if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)),
                      key=lambda e: e.name)


def record_names(top: Path, depth: int):
    """(folder, its record file names, sorted) for each folder `depth` levels under `top`
    (YYYY/MM for interactions), in walk order: names only, which is quick to list."""
    def walk(path: str, level: int):
        if level < depth:
            for entry in subfolders(path):
                yield from walk(entry.path, level + 1)
        else:
            names = os.listdir(path)
            names.sort()
            # is_record_name, inline: this runs for every file of the store
            yield path, [name for name in names if name.endswith(RECORD_SUFFIX) and not name.startswith(".")]

    top = os.fspath(top)
    if os.path.isdir(top):
        yield from walk(top, 0)


def record_files(top: Path, depth: int, stem_prefix: str = ""):
    """Paths (str) of the record files under `top` whose name starts with `stem_prefix`."""
    for folder, names in record_names(top, depth):
        for name in names:
            if name.startswith(stem_prefix) and name[: -len(RECORD_SUFFIX)].startswith(stem_prefix):
                yield os.path.join(folder, name)


def _listing(path: str, leaf: bool, packs: bool = False) -> dict[str, int]:
    """{name: inode} of a folder's record files (leaf) or of its subfolders, and, with `packs`
    (a year folder of the interactions), of its month packs (never a link)."""
    if not leaf:
        listing = {e.name: e.inode() for e in subfolders(path)}
        if packs:
            with os.scandir(path) as entries:
                listing.update((e.name, e.inode()) for e in entries
                               if is_pack_name(e.name) and e.is_file(follow_symlinks=False))
        return listing
    with os.scandir(path) as entries:
        return {e.name: e.inode() for e in entries if is_record_name(e.name)}


def _holds_packs(tree, rel: str) -> bool:
    """Whether the folder `rel` of `tree` is one whose month packs the index reads (a year
    folder of the interactions, named by four digits, as packs.pack_files finds them)."""
    return tree.parse_pack is not None and _depth(rel) == tree.depth - 1 and is_year_name(rel.rpartition("/")[2])


def _is_pack(rel: str) -> bool:
    return rel.endswith(PACK_SUFFIX)


# --- folders by their path relative to the top -------------------------------------------

def _depth(rel: str) -> int:
    return rel.count("/") + 1 if rel else 0


def _join(rel: str, name: str) -> str:
    return f"{rel}/{name}" if rel else name


def _stems(names) -> list[str]:
    end = -len(RECORD_SUFFIX)
    return [name[:end] for name in names]


def _walk_key(rel: str) -> list[str]:
    return rel.split("/")
