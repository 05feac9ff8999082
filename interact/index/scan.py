"""What changed since the last check: the paths under a tree whose ctime is later.

The clock file's mtime is the file system's clock, read as a check begins; stored, it is
the time of the last check, and the next check looks from it, less a margin. `find -cnewer`
(C speed) runs in child processes, one for each share of the folders, while the reading
process goes on; a Python walk does the same where there is no `find`, or for few files.
A scan may begin ahead of its read (_Ahead: Index.scan_ahead)."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from .. import index as tuning  # MARGIN_NS, FIND, FIND_FROM, FIND_PROCESSES: read when used
from .tree import IndexUnavailable
from .walk import _join


class _ClockFile:
    """A scratch file in the cache folder: its mtime is the file system's clock now, and it
    then serves `find -cnewer` as the time of the last check."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __enter__(self):
        import tempfile

        try:
            fd, self.path = tempfile.mkstemp(dir=self.folder, prefix="clock-")
        except OSError as error:
            raise IndexUnavailable(str(error)) from None
        try:
            self.now = os.fstat(fd).st_mtime_ns
        finally:
            os.close(fd)
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


class _ChangeScan:
    """The paths under `top` (relative, '' for top itself) whose ctime is later than the last
    check (`last_check`, less the margin): of the folders above the files (`inner`), and of
    each folder of files (`leaves`, with about how many files each holds) and its files.

    From FIND_FROM files, `find` runs in child processes, each over a share of the folders of
    files (stat-ing 100,000 files is the bulk of a warm read: the CPUs share it) while this
    one goes on; a Python walk does the same where there is no `find`, or for fewer files."""

    def __init__(self, top: str, inner: list[str], leaves: dict[str, int], last_check: int, reference: str):
        since = last_check - tuning.MARGIN_NS
        use_find = sum(leaves.values()) >= tuning.FIND_FROM
        self.top, self.inner, self.since = os.path.abspath(top), inner, since
        ways = min(os.cpu_count() or 1, tuning.FIND_PROCESSES) if use_find else 1
        self.shares = [share for share in _shares(leaves, ways) if share]
        self.processes = [None] * len(self.shares)
        if use_find:
            import subprocess

            os.utime(reference, ns=(since, since))
            for i, share in enumerate(self.shares):
                with contextlib.suppress(OSError):
                    self.processes[i] = subprocess.Popen(
                        [tuning.FIND, *(self._path(rel) for rel in share), "-maxdepth", "1", "-cnewer", reference,
                         "-print0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def _path(self, rel: str) -> str:
        return os.path.join(self.top, rel) if rel else self.top

    def abandon(self) -> None:
        """Stop what is still running (a scan whose result is not wanted, or already taken)."""
        for process in self.processes:
            if process is not None and process.returncode is None:
                process.kill()
                process.wait()

    def result(self) -> list[str]:
        changed = [rel for rel in self.inner if _changed_since(self._path(rel), self.since)]
        start = len(os.fsencode(self.top)) + 1
        for share, process in zip(self.shares, self.processes):
            output = process.communicate()[0] if process is not None else None
            if output is not None and process.returncode == 0:
                changed += [os.fsdecode(path[start:]) for path in output.split(b"\0") if path]
            else:  # no `find`, or a folder of the share is gone (its parent changed too)
                for rel in share:
                    changed += _changed_by_walk(self.top, rel, 1, self.since)
        return changed


class _Ahead:
    """A change scan started before its read (Index.scan_ahead): the row of the tree it
    started from, its clock file, and the scan."""

    def __init__(self, row: tuple, clock: _ClockFile, scan: _ChangeScan):
        self.row = row
        self.clock = clock
        self.scan = scan

    def abandon(self) -> None:
        self.scan.abandon()
        self.clock.__exit__(None, None, None)


def _shares(leaves: dict[str, int], ways: int) -> list[list[str]]:
    """The folders of files dealt into `ways` shares of about as many files each."""
    shares, sizes = [[] for _ in range(ways)], [0] * ways
    for rel, files in sorted(leaves.items(), key=lambda item: -item[1]):
        lightest = sizes.index(min(sizes))
        shares[lightest].append(rel)
        sizes[lightest] += files + 1
    return shares


def _changed_since(path: str, since: int) -> bool:
    try:
        return os.lstat(path).st_ctime_ns > since
    except OSError:
        return True  # vanished: looked at again


def _changed_by_walk(top: str, start: str, levels: int, since: int) -> list[str]:
    """What `find top/start -maxdepth levels -cnewer` lists, relative to `top`, in Python."""
    changed, pending = [], [(start, os.path.join(top, start) if start else top, 0)]
    while pending:
        rel, path, level = pending.pop()
        try:
            info = os.lstat(path)  # links are never followed: one's own status is what changed
        except OSError:
            changed.append(rel)  # vanished: looked at again
            continue
        if info.st_ctime_ns > since:
            changed.append(rel)
        if level < levels and stat.S_ISDIR(info.st_mode):
            try:
                with os.scandir(path) as entries:
                    pending += [(_join(rel, e.name), e.path, level + 1) for e in entries]
            except FileNotFoundError:
                changed.append(rel)
    return changed
