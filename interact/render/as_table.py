"""A table for people to read (tabulate)."""

import re

from tabulate import tabulate

_COLOUR = r"\x1b\[[0-9;]*m"
# control characters from the records must not drive the terminal (clear it, retitle it,
# move the cursor); only our own colour codes pass, and only when colour is on. \x01 is
# tabulate's SEPARATING_LINE marker (a terminal ignores it).
_CONTROL_CHARS = r"[\x00\x02-\x08\x0b-\x1f\x7f-\x9f]"
_CONTROL = re.compile(_CONTROL_CHARS)
_CONTROL_BUT_COLOUR = re.compile(rf"(?!{_COLOUR}){_CONTROL_CHARS}")


def plain_text(text: str) -> str:
    """Text for a terminal or a mail: record text's control characters shown as '?'."""
    return _CONTROL.sub("?", text)


def _safe(cell, pattern):
    return pattern.sub("?", cell) if isinstance(cell, str) else cell


def render(view) -> str:
    if not view.rows:
        return ""
    pattern = _CONTROL_BUT_COLOUR if view.color else _CONTROL
    rows = [[_safe(cell, pattern) for cell in row] for row in view.rows]
    return tabulate(rows, headers=view.headers, tablefmt="simple", disable_numparse=True,
                    colalign=view.colalign) + "\n"
