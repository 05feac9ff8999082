"""JSON: a list of objects, or one object for a single record."""

import json
import re

# json escapes C0 controls itself; DEL and the C1 controls it may leave raw, and a terminal obeys them
_RAW_CONTROL = re.compile("[\x7f-\x9f]")


def _escaped(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def render(view) -> str:
    data = view.records[0] if view.one and view.records else view.records
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    # they can only be inside strings, where \u00XX is the same text to any JSON reader;
    # ASCII text holds no C1 control, and a DEL is found quickly (no regex over it all)
    if "\x7f" in text or (not text.isascii() and _RAW_CONTROL.search(text)):
        return _RAW_CONTROL.sub(_escaped, text)
    return text
