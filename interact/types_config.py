"""The store's ordered list of interaction types: add, rename (rewriting records), move.

interact.yaml is edited as text so that its comments stay: the one-line `types: [...]`
that `interact init` writes is replaced in place (its comment kept). Only when no such
line is found is the file rewritten from its data (comments lost), or, when it has no
`types` key at all, the line appended.
"""

from __future__ import annotations

import re

import yaml

from . import messages as msg
from .model import Config, load
from .files import read_plain
from .store import CONFIG_NAME, Store
from .untrusted import TYPE_NAME

_TYPES_LINE = re.compile(r"^types:[ \t]*(\[[^\]\n#]*\])(?=[ \t]*(?:#.*)?$)", re.MULTILINE)


def flow_list(names: list[str]) -> str:
    return yaml.safe_dump(list(names), default_flow_style=True, width=1 << 30, allow_unicode=True).strip()


def with_types(text: str, types: list[str]) -> str:
    """The configuration text with `types` set, keeping every comment where it can."""
    new = flow_list(types)
    match = _TYPES_LINE.search(text)
    if match is not None:
        edited = text[:match.start(1)] + new + text[match.end(1):]
        if Config(load(edited)).types == types:
            return edited
    data = load(text)
    if "types" not in data:
        return text + ("" if text.endswith("\n") or not text else "\n") + f"types: {new}\n"
    data["types"] = list(types)
    return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, width=1 << 30,
                          default_flow_style=None)


def save_types(store: Store, types: list[str]) -> None:
    path = store.root / CONFIG_NAME
    text = read_plain(path).decode("utf-8")
    store.write(path, with_types(text, types).encode())
    store.config = Config(load(read_plain(path)))


def check_name(name: str) -> str:
    if not TYPE_NAME.fullmatch(name):
        raise msg.bad_type_name(name)
    return name


def add(store: Store, name: str) -> list[str]:
    types = store.config.types
    if check_name(name) in types:
        raise msg.type_exists(name, types)
    save_types(store, [*types, name])
    return store.config.types


def move(store: Store, name: str, position: int) -> list[str]:
    types = list(store.config.types)
    store.config.check_type(name)
    if not 1 <= position <= len(types):
        raise msg.bad_type_position(position, len(types))
    types.remove(name)
    types.insert(position - 1, name)
    save_types(store, types)
    return store.config.types


def rename(store: Store, old: str, new: str) -> int:
    """Rename type `old` to `new` in the records that use it and in interact.yaml; how many records.

    Every record stays valid at every moment: `new` is configured first, beside `old`,
    then the records are rewritten one by one, then `old` is removed. Renaming onto a
    type that exists merges the two, so a rename that was interrupted can be run again.
    """
    types = list(store.config.types)
    store.config.check_type(old)
    check_name(new)
    if old == new:
        return 0
    if new not in types:
        after_old = types.index(old) + 1
        save_types(store, [*types[:after_old], new, *types[after_old:]])
    count = 0
    with store.lock():
        for record in store.interactions():
            if record.get("type") == old:
                record["type"] = new
                store.save_interaction(record)
                count += 1
    save_types(store, [t for t in store.config.types if t != old])
    return count
