"""A table for people to read (tabulate)."""

import re
from itertools import chain, repeat

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
    quick = _simple_table(view)
    if quick is not None:
        return quick
    from tabulate import tabulate

    pattern = _CONTROL_BUT_COLOUR if view.color else _CONTROL
    rows = [[_safe(cell, pattern) for cell in row] for row in view.rows]
    return tabulate(rows, headers=view.headers, tablefmt="simple", disable_numparse=True,
                    colalign=view.colalign) + "\n"


def _simple_table(view) -> str | None:
    """What tabulate's "simple" format makes of a table of plain one-line text, left-aligned,
    in a fraction of its time (a listing of 40,000 rows); None for any other table.

    Plain means printable characters only (no control characters, tabs, line breaks or
    colour codes), one character wide each: ASCII, or any text where tabulate counts
    characters too (without the optional wcwidth package).
    """
    headers, rows = view.headers, view.rows
    if view.colalign is not None or not headers or any(h != h.strip() for h in headers):
        return None
    # every step below goes over whole rows or columns in C (map, zip, join), not cell by cell in Python
    if set(map(len, rows)) != {len(headers)} or set(map(type, chain.from_iterable(rows))) != {str}:
        return None
    everything = "".join(chain(chain.from_iterable(rows), headers))
    if not everything.isprintable() or (not everything.isascii() and _counts_wide_characters()):
        return None
    columns = [list(map(str.strip, column)) for column in zip(*rows)]
    widths = [max(len(header) + 2, max(map(len, column))) for header, column in zip(headers, columns)]
    lines = ["  ".join(map(str.ljust, headers, widths)).rstrip(), "  ".join("-" * width for width in widths)]
    padded = [map(str.ljust, column, repeat(width)) for column, width in zip(columns, widths)]
    lines += map(str.rstrip, map("  ".join, zip(*padded)))
    return "\n".join(lines) + "\n"


def _counts_wide_characters() -> bool:
    """tabulate's WIDE_CHARS_MODE (whether wcwidth can be imported), without importing
    tabulate (20 ms, most of it importlib.metadata) for a table it does not make."""
    from importlib.util import find_spec

    return find_spec("wcwidth") is not None
