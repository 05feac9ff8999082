"""Writing files atomically: readers see the old file or the new one, never a part (SPEC §1)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()


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
            os.fchmod(handle.fileno(), FILE_MODE)
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
    fsync_dir(path.parent)


def rename_into(source: Path, target: Path) -> None:
    """Move a file to another folder of the store (made when missing) in one step; an error names `target`."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(source, target)
    except OSError as error:
        if error.errno is None:
            raise
        raise OSError(error.errno, error.strerror, str(target)) from error
    fsync_dir(target.parent)
    fsync_dir(source.parent)


def atomic_write_all(files: dict[Path, bytes]) -> None:
    """atomic_write for many files at once (a merge of 1,000 records): each goes to a temporary
    file beside it and is renamed into place, but one sync of the disks, before the renames,
    stands for a fsync a file (on a busy disk 1,000 of those take seconds)."""
    renames = []
    try:
        for path, data in files.items():
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            renames.append((tmp, path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                os.fchmod(handle.fileno(), FILE_MODE)
        os.sync()
        for tmp, path in renames:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in renames:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)  # those not renamed yet
        raise
    for folder in {path.parent for path in files}:
        fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
