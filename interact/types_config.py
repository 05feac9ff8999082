"""The store's ordered list of interaction types: add, rename (rewriting records), move.

interact.yaml is edited as text so that its comments stay (config_text.set_keys): the
one-line `types: [...]` that `interact init` writes is replaced in place (its comment
kept), a `types` over several lines by one line, and a missing one appended.
"""

from __future__ import annotations

from . import messages as msg
from .config_text import set_keys
from .files import read_plain
from .model import Config, load
from .packs import is_packed
from .layout import CONFIG_NAME
from .store import Store
from .untrusted import TYPE_NAME


def with_types(text: str, types: list[str]) -> str:
    """The configuration text with `types` set, keeping every comment where it can."""
    return set_keys(text, {"types": list(types)})


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
    with store.lock():  # interact.yaml read again under the lock: a type added meanwhile is kept
        store.reload_config()
        types = store.config.types
        if check_name(name) in types:
            raise msg.type_exists(name, types)
        save_types(store, [*types, name])
    return store.config.types


def move(store: Store, name: str, position: int) -> list[str]:
    with store.lock():
        store.reload_config()
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
    All of it under the lock, which `log` holds to check its type: no record of type `old`
    can be written once the records are being renamed.
    """
    with store.lock():
        store.reload_config()
        types = list(store.config.types)
        store.config.check_type(old)
        check_name(new)
        if old == new:
            return 0
        if new not in types:
            after_old = types.index(old) + 1
            save_types(store, [*types[:after_old], new, *types[after_old:]])
        renamed = set()
        for record in store.interactions():
            if record.get("type") == old and not is_packed(record):
                record["type"] = new
                store.save_interaction(record)
                renamed.add(record["id"])
        for pack in store.packs():  # rewritten in place: a pack's records are not written loose here
            changes = pack.retyped(old, new)
            if changes:
                store.rewrite_pack(pack, changes)
                renamed.update(changes)
        save_types(store, [t for t in store.config.types if t != old])
    return len(renamed)
