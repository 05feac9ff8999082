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
_COLOUR_CODE = re.compile(_COLOUR)


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

    Plain means printable characters only (no control characters, tabs or line breaks; colour
    codes only when colour is on), one character wide each: ASCII, or any text where tabulate
    counts characters too (without the optional wcwidth package).
    """
    headers, rows = view.headers, view.rows
    if view.colalign is not None or not headers or any(h != h.strip() for h in headers):
        return None
    # every step below goes over whole rows or columns in C (map, zip, join), not cell by cell in Python
    if set(map(len, rows)) != {len(headers)}:
        return None
    try:  # joined by spaces, which no colour code holds, so that no code is made of two cells' ends
        text = " ".join(chain.from_iterable(rows))
    except TypeError:  # a cell that is not text
        return None
    if view.color:
        text = _COLOUR_CODE.sub("", text)
    text += "".join(headers)
    if not text.isprintable() or (not text.isascii() and _counts_wide_characters()):
        return None
    stripped = (list(map(str.strip, column)) for column in zip(*rows))
    widths, columns = zip(*map(_padded, stripped, headers, repeat(view.color)))
    lines = ["  ".join(map(str.ljust, headers, widths)).rstrip(), "  ".join("-" * width for width in widths)]
    lines += map(str.rstrip, map("  ".join, zip(*columns)))
    return "\n".join(lines) + "\n"


def _padded(column: list[str], header: str, color: bool) -> tuple[int, list[str]]:
    """The column's width and its cells padded to it, as tabulate pads them: by what shows on
    a screen, where a colour code takes no room."""
    if color and "\x1b" in "".join(column):
        # each distinct cell measured once: a coloured column is mostly a few words (statuses)
        shown = {cell: len(_COLOUR_CODE.sub("", cell)) for cell in set(column)}
        width = max(len(header) + 2, *shown.values())
        padded = {cell: cell.ljust(width + len(cell) - length) for cell, length in shown.items()}
        return width, list(map(padded.__getitem__, column))
    width = max(len(header) + 2, max(map(len, column)))
    return width, list(map(str.ljust, column, repeat(width)))


def _counts_wide_characters() -> bool:
    """tabulate's WIDE_CHARS_MODE (whether wcwidth can be imported), without importing
    tabulate (20 ms, most of it importlib.metadata) for a table it does not make."""
    from importlib.util import find_spec

    return find_spec("wcwidth") is not None
