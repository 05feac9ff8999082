"""Parsing the files that are new or changed since the last read, into their folders' items,
a folder at a time: `_parsed` yields each folder once its files are parsed, so that the
caller stores it and lets go of it before the next (a first read of a million records holds
a few folders at once, not the store). When there are many files (the first read, a big
pull), forked helpers share the folders and send each back as they finish it. Equal strings
of a folder's records are made one object: smaller in memory, and pickled once."""

from __future__ import annotations

import os
import struct
from typing import TYPE_CHECKING, Iterator

from .. import index as tuning  # PARSE_APART_FROM, PROGRESS_FROM: read when used
from ..files import NotPlainFile, read_plain
from ..packs import signature
from ..progress import Quiet
from .blobs import _dumps, _loads

if TYPE_CHECKING:
    from ..model import Record
    from .load import _Load
    from .tree import Tree

_PACK_RECORD_BYTES = 600  # about what a packed record takes, to weigh a pack against files
_LENGTH = struct.Struct("<Q")


def _parsed(load: _Load, label: str) -> Iterator[str]:
    """Parse the files that are new or changed (load.to_parse) into their folders' items;
    yields each folder (its key) once it is done."""
    jobs: dict[str, list] = {}
    for rel, name in load.to_parse:
        jobs.setdefault(rel, []).append(name)
    load.to_parse = []
    weights = {rel: _weight(load, rel, names) for rel, names in jobs.items()}
    total = sum(weights.values())
    ways = min(os.cpu_count() or 1, 4) if total >= tuning.PARSE_APART_FROM and hasattr(os, "fork") else 1
    progress = load.tree.progress if load.tree.progress and total >= tuning.PROGRESS_FROM else Quiet
    with progress(label, total) as bar:
        for rel, result in _results(load, jobs, weights, ways):
            _take(load, rel, jobs[rel], result)
            bar.update(weights[rel])
            yield rel


def _weight(load: _Load, rel: str, names: list) -> int:
    """About how many records a folder's jobs parse: a pack weighs what it holds."""
    if names != [None]:
        return len(names)
    try:
        return max(1, os.lstat(load._folder_path(rel)).st_size // _PACK_RECORD_BYTES)
    except OSError:
        return 1


def _results(load: _Load, jobs: dict[str, list], weights: dict[str, int], ways: int):
    """(folder, what its jobs gave) for each folder, here or from forked helpers."""
    if ways > 1 and len(jobs) > 1:
        shares = _shares(jobs, weights, ways)
        helpers = []
        for share in shares:
            try:
                helpers.append(_Helper(load, share))
            except OSError:  # no process to be had: this one parses that share
                for rel in share:
                    yield rel, _read_folder(load, rel, jobs[rel])
        yield from _Helper.gather(load, helpers, jobs)
        return
    for rel, names in jobs.items():
        yield rel, _read_folder(load, rel, names)


def _shares(jobs: dict[str, list], weights: dict[str, int], ways: int) -> list[dict[str, list]]:
    """The folders dealt into `ways` shares of about the same weight, each in walk order."""
    shares, sizes = [[] for _ in range(ways)], [0] * ways
    for rel in sorted(jobs, key=lambda rel: -weights[rel]):
        lightest = sizes.index(min(sizes))
        shares[lightest].append(rel)
        sizes[lightest] += weights[rel]
    order = {rel: i for i, rel in enumerate(jobs)}
    return [{rel: jobs[rel] for rel in sorted(share, key=order.__getitem__)} for share in shares if share]


def _take(load: _Load, rel: str, names: list, result) -> None:
    """Put what a folder's jobs gave into its items, noting what changed."""
    folder = load.leaves[rel]
    if names == [None]:  # a pack, read whole
        folder.items, folder.signature = result
        load.dirty.add(rel)
        return
    items = folder.items
    for name, item in zip(names, result):
        if items.get(name) != item:
            items[name] = item
            load.dirty.add(rel)
            if folder.touched is not None:
                folder.touched.add(name)


def _read_folder(load: _Load, rel: str, names: list):
    """What a folder's jobs give: for a pack (names [None]), (its items, its signature); else
    (record, None) or (None, problem) for each file name."""
    path = load._folder_path(rel)
    if names == [None]:
        return _read_pack(load.tree, path)
    seen = {}  # strings are shared within a folder
    return [_read(load.tree, os.path.join(path, name), seen) for name in names]


def _read(tree: Tree, path: str, seen: dict) -> tuple[Record | None, object]:
    """(record, None) or (None, problem); the problem is the OSError when unreadable."""
    try:
        data = read_plain(path)
    except NotPlainFile as error:  # a link (never followed) or a FIFO: kept, like a parse problem
        return None, str(error)
    except OSError as error:
        return None, error
    record, problem = tree.parse(data, path)
    if record is not None:
        record.path = None  # set on the way out
        _share_strings(record, seen)
    return record, problem


def _read_pack(tree: Tree, path: str) -> tuple[dict, tuple | None]:
    """A pack's items (packs.read_pack) and its signature, taken before it was read: a change
    after that moves it on. A pack that cannot be read is one problem."""
    taken = signature(path)
    try:
        data = read_plain(path)
    except (NotPlainFile, OSError) as error:
        return {"#000000000": (None, str(error) if isinstance(error, NotPlainFile) else error.strerror)}, taken
    items, seen = tree.parse_pack(data, path), {}
    for record, _ in items.values():
        if record is not None:
            record.path = None
            _share_strings(record, seen)
    return items, taken


class _Helper:
    """A forked process that parses a share of the folders (of a cold start, or a big pull)
    and sends each back as it is done: its length, then it pickled. Should it fail, the
    folders it did not send are parsed in this process."""

    def __init__(self, load: _Load, share: dict[str, list]):
        reader, writer = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            raise
        if self.pid == 0:  # the helper: never returns
            code = 1
            try:
                os.close(reader)
                with open(writer, "wb") as pipe:
                    for rel, names in share.items():
                        blob = _dumps((rel, _sendable(_read_folder(load, rel, names))))
                        pipe.write(_LENGTH.pack(len(blob)) + blob)
                code = 0
            finally:
                os._exit(code)
        os.close(writer)
        self.reader = reader
        self.pending = list(share)
        self.buffer = b""

    @staticmethod
    def gather(load: _Load, helpers: list[_Helper], jobs: dict[str, list]):
        """(folder, what its jobs gave) as the helpers send them; then the folders of any
        helper that failed, parsed here."""
        import selectors

        selector = selectors.DefaultSelector()
        for helper in helpers:
            selector.register(helper.reader, selectors.EVENT_READ, helper)
        left = []
        while selector.get_map():
            for key, _ in selector.select():
                helper = key.data
                chunk = os.read(helper.reader, 1 << 20)
                if chunk:
                    helper.buffer += chunk
                    yield from helper._messages()
                    continue
                selector.unregister(helper.reader)
                os.close(helper.reader)
                _, status = os.waitpid(helper.pid, 0)
                left += helper.pending
        for rel in left:
            yield rel, _read_folder(load, rel, jobs[rel])

    def _messages(self):
        while len(self.buffer) >= _LENGTH.size:
            (length,) = _LENGTH.unpack_from(self.buffer)
            if len(self.buffer) < _LENGTH.size + length:
                return
            blob, self.buffer = self.buffer[_LENGTH.size:_LENGTH.size + length], self.buffer[_LENGTH.size + length:]
            try:
                rel, result = _loads(blob)
            except Exception:  # whatever unpickling a garbled message raises: that folder is parsed here
                continue
            if rel in self.pending:
                self.pending.remove(rel)
                yield rel, _received(result)


def _sendable(result):
    """A folder's result as a helper sends it: an unreadable file's OSError as its text."""
    if isinstance(result, tuple):  # a pack
        return result
    return [(record, problem if isinstance(problem, str) else None,
             None if isinstance(problem, str) or problem is None else str(problem)) for record, problem in result]


def _received(result):
    """_sendable, undone: an unreadable file's error is not kept in the index anyway."""
    if isinstance(result, tuple):
        return result
    return [(record, OSError(unreadable) if unreadable else problem) for record, problem, unreadable in result]


def _shared(value, seen: dict):
    """`value` with equal strings made one object: smaller in memory, and pickled once."""
    kind = type(value)
    if kind is str:
        return seen.setdefault(value, value)
    if kind is list:
        return [_shared(v, seen) for v in value]
    if kind is dict:
        return {_shared(k, seen): _shared(v, seen) for k, v in value.items()}
    return value


def _share_strings(record: Record, seen: dict) -> None:
    share = seen.setdefault  # keys and most values are str: shared without a call of _shared
    items = [(share(k, k), share(v, v) if type(v) is str else _shared(v, seen)) for k, v in record.items()]
    record.clear()
    record.update(items)
