"""Changing top-level keys of interact.yaml as text, so that its comments stay.

interact.yaml is written by people (its comments explain it), so a command that changes it
(`types add`, a merge) edits the lines of the keys it changes and leaves the others as they
are: a one-line value is replaced in place, its trailing comment kept; a value over several
lines is replaced whole; a new key is appended; a removed key's lines go. When the edited
text does not read back as intended, the file is written from its data (comments lost).
"""

from __future__ import annotations

import re

import yaml

from .model import load

REMOVE = object()  # as a value of set_keys: take the key out


def render(key: str, value) -> str:
    """`key: value` as interact.yaml writes it: a value or a list of values on one line (in
    flow style), mappings in block style."""
    if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value)):
        return yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True, width=1 << 30,
                              default_flow_style=False)
    one_line = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True, width=1 << 30).strip()
    return f"{key}: {one_line[1:-1]}\n"  # the value, without the brackets of the list that held it


def set_keys(text: str, values: dict) -> str:
    """The configuration text with each key of `values` set to its value (REMOVE: taken out)."""
    edited = text
    for key, value in values.items():
        edited = _set_key(edited, key, value)
    data = load(edited) if edited.strip() else {}
    if all(data.get(key, REMOVE) == value for key, value in values.items()):
        return edited
    rewritten = {**load(text), **values} if text.strip() else dict(values)
    return "".join(render(key, value) for key, value in rewritten.items() if value is not REMOVE)


def _set_key(text: str, key: str, value) -> str:
    lines = text.splitlines(keepends=True)
    span = _span(lines, key)
    if span is None:
        if value is REMOVE:
            return text
        return text + ("" if text.endswith("\n") or not text else "\n") + render(key, value)
    start, end = span
    if value is REMOVE:
        new = []
    else:
        new = render(key, value).splitlines(keepends=True)
        if end - start == 1 and len(new) == 1:  # one line for one line: its comment stays
            new = [new[0].rstrip("\n") + _comment(lines[start]) + "\n"]
    return "".join(lines[:start] + new + lines[end:])


def _span(lines: list[str], key: str) -> tuple[int, int] | None:
    """The lines [start, end) holding a top-level key and its value, or None."""
    head = re.compile(rf"{re.escape(key)}[ \t]*:(?:[ \t]|$)")
    for start, line in enumerate(lines):
        if head.match(line):
            end = start + 1
            # a value goes on while lines are indented (or a block list's `- `), or blank
            while end < len(lines) and (lines[end][:1] in (" ", "\t", "-") or not lines[end].strip()):
                end += 1
            while end > start + 1 and not lines[end - 1].strip():
                end -= 1  # blank lines after it are the file's, not the value's
            return start, end
    return None


def _comment(line: str) -> str:
    """A one-line value's trailing comment (with the white space before it), or ''."""
    line = line.rstrip("\r\n")
    whole = load(line)
    for match in re.finditer(r"[ \t]+#", line):
        try:
            if load(line[:match.start()]) == whole:
                return line[match.start():]
        except ValueError:  # cut inside a quoted value: that # is part of it
            continue
    return ""
