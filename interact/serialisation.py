"""A record's file as YAML text: the canonical dump (SPEC §1: fixed key order, block style,
short lists and maps on one line, no tags) and the strict read (a safe loader only, no anchors,
aliases or tags, no conflict markers). Times stay the ISO strings found in the file, so reading
and writing a record gives back the same bytes."""

from __future__ import annotations

import re

import yaml

from . import messages as msg
from .schema import ACCOUNT_KEYS, CONTACT_KEYS, INTERACTION_KEYS, OPPORTUNITY_KEYS, POST_KEYS, is_empty, left_out
from .untrusted import refuse_node_properties

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _strip_timestamp_resolver(cls):
    # Times stay the strings they are in the file: exact round trips, no tz surprises.
    cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP_TAG]
        for first, resolvers in cls.yaml_implicit_resolvers.items()
    }
    return cls


@_strip_timestamp_resolver
class RecordLoader(_Loader):
    pass


@_strip_timestamp_resolver
class RecordDumper(_Dumper):
    pass


class _Flow(dict):
    """A mapping written on one line."""


class _FlowList(list):
    """A list written on one line."""


def _represent_str(dumper, text):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


RecordDumper.add_representer(str, _represent_str)
RecordDumper.add_representer(
    _Flow, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)
)
RecordDumper.add_representer(
    _FlowList, lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)
)
RecordDumper.add_representer(
    dict, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=False)
)

_FLOW_WIDTH = 100


def _scalar(value) -> bool:
    return not isinstance(value, (dict, list))


def _styled(value):
    """Choose flow style for short lists and maps of scalars, block style otherwise."""
    if isinstance(value, dict):
        styled = {k: _styled(v) for k, v in value.items()}
        if all(_scalar(v) and not (isinstance(v, str) and "\n" in v) for v in value.values()):
            if len(repr(value)) <= _FLOW_WIDTH:
                return _Flow(styled)
        return styled
    if isinstance(value, list):
        styled = [_styled(v) for v in value]
        if all(_scalar(v) for v in value) and len(repr(value)) <= _FLOW_WIDTH:
            return _FlowList(styled)
        return styled
    return value


def ordered(record: dict, keys: tuple[str, ...], nested: dict[str, tuple] = {}) -> dict:
    """The record's non-empty fields in `keys` order, then unknown keys sorted by name."""
    out = {}
    for key in keys:
        value = record.get(key)
        if left_out(key, value):
            continue
        if key in nested and isinstance(value, list):
            value = [ordered(item, nested[key]) if isinstance(item, dict) else item for item in value]
        out[key] = value
    for key in sorted(k for k in record if k not in keys and isinstance(k, str)):
        if not is_empty(record[key]):
            out[key] = record[key]
    return out


KEYS_BY_KIND = {
    "interaction": (INTERACTION_KEYS, {"posts": POST_KEYS}),
    "contact": (CONTACT_KEYS, {}),
    "account": (ACCOUNT_KEYS, {"opportunities": OPPORTUNITY_KEYS}),
}


def dump(record: dict, kind: str) -> str:
    """The record's canonical YAML text: fixed key order, block style, no tags."""
    keys, nested = KEYS_BY_KIND[kind]
    document = {k: _styled(v) for k, v in ordered(record, keys, nested).items()}
    return yaml.dump(
        document, Dumper=RecordDumper, sort_keys=False, allow_unicode=True,
        default_flow_style=False, width=1 << 30,
    )


_CONFLICT_MARKER = re.compile(r"^(?:(?:<{7}|\|{7}|>{7})(?: .*)?|={7})\r?$", re.MULTILINE)


def conflict_markers(text: str) -> list[int]:
    """The line numbers (from 1) of git's conflict markers in a file's text."""
    return [text.count("\n", 0, match.start()) + 1 for match in _CONFLICT_MARKER.finditer(text)]


def _parse_problem(text: str | bytes, error: yaml.YAMLError) -> str:
    """Why a file does not parse, said plainly: not UTF-8, a merge conflict, or YAML's reason."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as bad:
            return msg.not_utf8(text, bad)
    markers = conflict_markers(text)
    if markers:
        return msg.conflict_markers(markers)
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return msg.does_not_parse(mark.line + 1 if mark else None, problem)


def load_data(text: str | bytes):
    """Parse a YAML document as records are parsed: safe loader only, no anchors, aliases or
    tags (SPEC §7). Raises ValueError with the reason."""
    try:
        refuse_node_properties(text, RecordLoader)
        return yaml.load(text, Loader=RecordLoader)
    except yaml.YAMLError as error:
        raise ValueError(_parse_problem(text, error)) from None
    except UnicodeDecodeError:
        raise ValueError(msg.not_utf8()) from None


def refuse_conflict_markers(text: str | bytes) -> None:
    """A file left in a merge conflict is no record, even where its text still parses."""
    probe = "=======" if isinstance(text, str) else b"======="
    if probe in text:  # every marker set holds one; a quick test before the line-by-line one
        markers = conflict_markers(text if isinstance(text, str) else text.decode("utf-8", "replace"))
        if markers:
            raise ValueError(msg.conflict_markers(markers))
