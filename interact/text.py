"""Text from a store made safe to show on a terminal."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and C1 controls: a terminal acts on them (ESC starts
# escape sequences that move the cursor, retitle the window, ...)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escape(match: re.Match) -> str:
    return f"\\x{ord(match.group()):02x}"


def printable(text: str) -> str:
    """`text` with each control character but newline and tab shown as its escape: ESC as `\\x1b`."""
    if _CONTROL.search(text) is None:  # the usual case: nothing to escape, no copy made
        return text
    return _CONTROL.sub(_escape, text)
