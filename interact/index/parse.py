"""Parsing the files that are new or changed since the last read, into their folders' items:
in this process, or, when there are many (the first read, a big pull), shared with forked
helpers that send back what they found. Equal strings of a folder's records are made one
object: smaller in memory, and pickled once."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .. import index as tuning  # PARSE_APART_FROM: read when used
from ..files import NotPlainFile, read_plain
from .blobs import _dumps, _loads

if TYPE_CHECKING:
    from ..model import Record
    from .load import _Load
    from .tree import Tree


def _parse(load: _Load) -> None:
    """Parse the files that are new or changed, into their folders' items."""
    jobs = load.to_parse
    parts = min(os.cpu_count() or 1, 4) if len(jobs) >= tuning.PARSE_APART_FROM and hasattr(os, "fork") else 1
    size = max(1, -(-len(jobs) // parts))
    chunks = [jobs[start:start + size] for start in range(0, len(jobs), size)]
    helpers = []
    for chunk in chunks[1:]:
        try:
            helpers.append((_Helper(load, chunk), chunk))
        except OSError:  # no process to be had: this one parses that share too
            helpers.append((None, chunk))
    results = _read_all(load, chunks[0]) if chunks else []
    for helper, chunk in helpers:
        results += (helper and helper.results()) or _read_all(load, chunk)
    for (rel, name), item in zip(jobs, results):
        items = load.leaves[rel].items
        if items.get(name) != item:
            items[name] = item
            load.dirty.add(rel)
    load.to_parse = []


def _read_all(load: _Load, jobs: list[tuple[str, str]]) -> list[tuple[Record | None, object]]:
    """_read of each (folder, file name), in order."""
    results, seen, last = [], {}, None
    for rel, name in jobs:
        if rel != last:  # strings are shared within a folder
            seen, last, folder = {}, rel, load._folder_path(rel)
        results.append(_read(load.tree, os.path.join(folder, name), seen))
    return results


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


class _Helper:
    """A forked process that parses a share of the files (of a cold start, or a big pull)
    and sends back what it found; None from `results` when it failed."""

    def __init__(self, load: _Load, jobs: list[tuple[str, str]]):
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
                results = [(record, problem if isinstance(problem, str) else None,
                            None if isinstance(problem, str) or problem is None else str(problem))
                           for record, problem in _read_all(load, jobs)]
                with open(writer, "wb") as pipe:
                    pipe.write(_dumps(results))
                code = 0
            finally:
                os._exit(code)
        os.close(writer)
        self.reader = reader

    def results(self) -> list[tuple[Record | None, object]] | None:
        with open(self.reader, "rb") as pipe:
            blob = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        try:
            found = _loads(blob) if status == 0 else None
        except Exception:  # whatever unpickling a torn message raises: parsed here instead
            found = None
        # an unreadable file's error comes back as its text: it is not kept in the index anyway
        return found and [(record, OSError(unreadable) if unreadable else problem) for record, problem, unreadable in found]


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
