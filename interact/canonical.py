"""A record's canonical text (model.dump), made quicker for the records `pack` writes by the
hundred thousand: most interactions hold only short plain text, numbers and short lists,
whose YAML is one `key: value` line each. Such a record's lines are written here, as the YAML
emitter would write them; any other record (a value that YAML must quote, a line break, a
nested list, text that is not ASCII...) goes to model.dump. The tests compare the two on
every record of the synthetic million and on random text: they must never differ.

And the way back, for reading (`quick_load`): an interaction file in that form is read line
by line, then written again; only when that gives its very text is the record taken, for
then YAML would read the same record from it (what model.dump writes, the loader reads
back). Any other text is left to the YAML parser, with its checks.
"""

from __future__ import annotations

import io
from functools import lru_cache

from yaml.nodes import ScalarNode

from .serialisation import KEYS_BY_KIND, RecordDumper, _Flow, _FlowList, _styled, dump, ordered

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_BOOLEANS = {"true": True, "false": False}
# what the emitter refuses at the start of a plain scalar, and anywhere in a flow collection
_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@`.")
_FLOW = frozenset(",?[]{}:")
_resolver = RecordDumper(io.StringIO())  # the dumper's own rules for how a plain scalar reads


def canonical_text(record: dict, kind: str = "interaction") -> str:
    """model.dump(record, kind), the same text."""
    keys, nested = KEYS_BY_KIND[kind]
    lines = []
    for key, value in ordered(record, keys, nested).items():
        line = _entry(key, _styled(value))
        if line is None:
            return dump(record, kind)
        lines.append(line)
    return "".join(lines)


def _entry(key, value) -> str | None:
    """`key: value` as one line of the block mapping; None when it would be written otherwise."""
    if not _plain_key(key):
        return None
    kind = type(value)
    if kind is _FlowList:
        items = [_scalar(item, True) for item in value]
        return None if None in items else f"{key}: [{', '.join(items)}]\n"
    if kind is _Flow:
        pairs = [(_scalar(k, True), _scalar(v, True)) for k, v in value.items()]
        if any(None in pair for pair in pairs):
            return None
        return f"{key}: {{{', '.join(f'{k}: {v}' for k, v in pairs)}}}\n"
    text = _scalar(value, False)
    return None if text is None else f"{key}: {text}\n"


def _scalar(value, flow: bool) -> str | None:
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        text = str(value)
        return text if _reads_as(text) == _INT else None
    if kind is str and _plain(value, flow):
        return value
    return None


def _plain(text: str, flow: bool) -> bool:
    """Whether the emitter writes `text` as it is (a plain scalar), by libyaml's own analysis,
    kept to ASCII: printable, no space at either end, no indicator where YAML would read one,
    and read back as text, not as a number, a boolean or null."""
    if not text or not text.isascii() or not text.isprintable() or text[0] in _FIRST or text[0] == " " \
            or text[-1] == " " or text[-1] == ":" or ": " in text or " #" in text:
        return False
    if flow and not _FLOW.isdisjoint(text):
        return False
    return _reads_as(text) == _STR


@lru_cache(maxsize=256)  # the same few keys in every record
def _plain_key(key) -> bool:
    return isinstance(key, str) and _plain(key, False)


@lru_cache(maxsize=1 << 16)
def _reads_as(text: str) -> str:
    return _resolver.resolve(ScalarNode, text, (True, False))


class _NotQuick(Exception):
    """The text is not in the one-line-a-key form: the YAML parser reads it."""


def quick_load(text: str | bytes) -> dict | None:
    """The interaction `text` holds, when it is exactly its canonical text in the one-line-a-key
    form (as `interact` writes most of them); None for any other text."""
    if isinstance(text, bytes):
        if not text.isascii():
            return None
        text = text.decode("ascii")
    elif not text.isascii():
        return None
    if not text.endswith("\n") or "\r" in text:
        return None
    record = {}
    try:
        for line in text[:-1].split("\n"):
            key, colon, value = line.partition(": ")
            if not colon or not key or key in record:
                return None
            record[key] = _read_value(value)
    except _NotQuick:
        return None
    return record if canonical_text(record) == text else None


def _read_value(text: str):
    if text.startswith("[") and text.endswith("]"):
        return [_read_scalar(item) for item in _items(text)]
    if text.startswith("{") and text.endswith("}"):
        pairs = [item.partition(": ") for item in _items(text)]
        if not all(colon for _, colon, _ in pairs):
            raise _NotQuick
        return {_read_scalar(key): _read_scalar(value) for key, _, value in pairs}
    return _read_scalar(text)


def _items(flow: str) -> list[str]:
    inner = flow[1:-1]
    return inner.split(", ") if inner else []


def _read_scalar(text: str):
    """A plain scalar as YAML reads it: text, a whole number or a boolean (anything else, such
    as null or a float, is not in the quick form)."""
    tag = _reads_as(text)
    if tag == _STR:
        return text
    if tag == _INT and text.isdigit() and (text == "0" or text[0] != "0"):
        return int(text)
    if tag == _BOOL and text in _BOOLEANS:
        return _BOOLEANS[text]
    raise _NotQuick
