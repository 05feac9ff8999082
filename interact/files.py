"""A store's files as untrusted input: read without following links, written only inside.

A store arrives by `git pull`, and git keeps symbolic links as links: a record file, a
folder or `.cache` that is a link could make a read show a file from anywhere, or a write
land anywhere. So no read or write here follows one (SPEC §7).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from . import messages as msg

# O_NONBLOCK: opening a FIFO planted under a record's name returns at once instead of
# waiting for a writer; it changes nothing for a plain file
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


class NotPlainFile(Exception):
    """A link or a special file where a plain file should be; str() says which, for a warning."""


def read_plain(path) -> bytes:
    """The bytes of a plain file; NotPlainFile for a symbolic link (never followed), a FIFO,
    a device...; OSError when it cannot be read."""
    return read_plain_at(path)[0]


def read_plain_at(path, dir_fd: int | None = None) -> tuple[bytes, os.stat_result]:
    """read_plain, with the file's status as it was opened; `path` relative to the folder
    open at `dir_fd` when given (many files of one folder: no walk of the path for each)."""
    try:
        fd = os.open(path, _READ_FLAGS, dir_fd=dir_fd)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise NotPlainFile(msg.symbolic_link()) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotPlainFile(msg.symbolic_link() if stat.S_ISLNK(info.st_mode) else msg.not_a_plain_file())
        data = os.read(fd, info.st_size + 1)
        if len(data) == info.st_size:  # all it held when opened: no second read to see the end
            return data, info
        chunks = [data]  # it changed meanwhile: read to its end
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks), info
    finally:
        os.close(fd)


def is_link(path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def first_link(root: Path, parts) -> Path | None:
    """The first of root/parts[0], root/parts[0]/parts[1], ... that is a symbolic link (None:
    none is; the parts that do not exist yet are made as plain folders by the write)."""
    current = Path(root)
    for part in parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            return None
        if stat.S_ISLNK(mode):
            return current
    return None


def inside(root: Path, path, cache: Path) -> Path:
    """`path` (to write or remove), once it is known to lie inside the store at `root`, with no
    symbolic link on the way to it, nor at `cache` (the store's .cache, which every writer
    uses for its lock): else a UserError, and nothing is written."""
    path = Path(path)
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = ("..",)
    if not parts or ".." in parts:
        raise msg.write_outside_store(path)
    link = first_link(root, parts) or (cache if is_link(cache) else None)
    if link is not None:
        raise msg.write_through_link(link.relative_to(root))
    return path


def linked_folders(top: Path, depth: int) -> list[Path]:
    """The links among the folders that readers walk to reach the record files under `top`:
    `top` itself when it is one (then alone), else the links `depth` levels below it (for
    interactions: years and months). Hidden entries are left out, as readers leave them."""
    if is_link(top):
        return [Path(top)]
    found: list[Path] = []

    def visit(path: str, level: int) -> None:
        try:
            with os.scandir(path) as entries:
                listed = sorted((e for e in entries if not e.name.startswith(".")), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            return
        for entry in listed:
            if entry.is_symlink():
                found.append(Path(entry.path))
            elif level + 1 < depth and entry.is_dir(follow_symlinks=False):
                visit(entry.path, level + 1)

    if depth:
        visit(os.fspath(top), 0)
    return found
