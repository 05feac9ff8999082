"""A table for people to read (tabulate)."""

import re

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
    if view.colalign is not None or not view.headers or any(h != h.strip() for h in view.headers):
        return None
    width = len(view.headers)
    if any(len(row) != width or not all(type(cell) is str for cell in row) for row in view.rows):
        return None
    everything = "".join(["".join(row) for row in view.rows] + view.headers)
    if not everything.isprintable() or (not everything.isascii() and _counts_wide_characters()):
        return None
    rows = [[cell.strip() for cell in row] for row in view.rows]
    headers = view.headers
    widths = [max(len(header) + 2, *(len(row[column]) for row in rows)) for column, header in enumerate(headers)]
    line = "  ".join("{:<%d}" % width for width in widths).format
    lines = [line(*headers).rstrip(), "  ".join("-" * width for width in widths)]
    lines += [line(*row).rstrip() for row in rows]
    return "\n".join(lines) + "\n"


def _counts_wide_characters() -> bool:
    """tabulate's WIDE_CHARS_MODE (whether wcwidth can be imported), without importing
    tabulate (20 ms, most of it importlib.metadata) for a table it does not make."""
    from importlib.util import find_spec

    return find_spec("wcwidth") is not None
