"""Text from a store, shown to a person: control characters made visible, never obeyed."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and the C1 controls (ESC is \x1b): what a terminal obeys
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escape(match: re.Match) -> str:
    return f"\\x{ord(match.group()):02x}"


def printable(text: str) -> str:
    """`text` with every control character but newline and tab shown as its escape, e.g.
    ESC as `\\x1b`, so that no record or file name can drive the terminal that shows it."""
    if _CONTROL.search(text) is None:  # the usual case: nothing to escape, the text itself
        return text
    return _CONTROL.sub(_escape, text)
