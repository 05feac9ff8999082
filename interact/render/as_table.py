"""A table for people to read (tabulate, or the same text made more quickly for plain tables).

Record text never drives the terminal (SPEC §7): a control character in a cell is shown
escaped (text.printable, `\\x1b`). Colour is ours alone: the view names the columns to
colour (`View.colors`), and they are coloured after the escaping, on a terminal only.
"""

from itertools import repeat

from ..text import printable


def render(view) -> str:
    if not view.rows:
        return ""
    columns = _text_columns(view.rows, len(view.headers))
    if columns is not None:
        quick = _simple_table(view, columns)
        if quick is not None:
            return quick
        rows = _coloured(view, [list(row) for row in zip(*columns)])
    else:
        rows = shown_rows(view)
    from tabulate import tabulate

    return tabulate(rows, headers=view.headers, tablefmt="simple", disable_numparse=True,
                    colalign=view.colalign) + "\n"


def shown_rows(view) -> list:
    """The view's rows as a terminal may show them: each text cell escaped, then the view's
    colours. A row that is text is tabulate's SEPARATING_LINE, and stays as it is."""
    return _coloured(view, [row if isinstance(row, str) else
                            [printable(cell) if isinstance(cell, str) else cell for cell in row]
                            for row in view.rows])


def _text_columns(rows, width: int) -> list | None:
    """The columns of a table whose rows are all `width` cells of text, each column with its
    control characters escaped; None for any other table. A column is looked at as one
    joined text (in C), cell by cell only when it holds something to escape."""
    if not width or set(map(len, rows)) != {width} or str in set(map(type, rows)):
        return None
    columns = []
    for column in zip(*rows):
        try:  # joined by spaces, which printable leaves as they are
            joined = " ".join(column)
        except TypeError:  # a cell that is not text
            return None
        # printable text needs no escaping: the usual case, known without a regex
        escape = not joined.isprintable() and printable(joined) != joined
        columns.append(list(map(printable, column)) if escape else column)
    return columns


def _coloured(view, rows: list) -> list:
    """The rows with the view's coloured columns styled, when colour is on."""
    if not (view.color and view.colors):
        return rows
    import click

    for header, colors in view.colors.items():
        index = view.headers.index(header)
        styled = {value: click.style(value, fg=fg) for value, fg in colors.items()}
        for row in rows:
            if not isinstance(row, str) and row[index] in styled:
                row[index] = styled[row[index]]
    return rows


def _simple_table(view, columns: list[list[str]]) -> str | None:
    """What tabulate's "simple" format makes of a table of plain one-line text, left-aligned,
    in a fraction of its time (a listing of 40,000 rows); None for any other table.

    Plain means printable characters only (no tabs or line breaks), one character wide each:
    ASCII, or any text where tabulate counts characters too (without the optional wcwidth package).
    """
    headers = view.headers
    if view.colalign is not None or any(h != h.strip() for h in headers):
        return None
    # every step below goes over whole columns in C (map, zip, join), not cell by cell in Python
    text = " ".join(map(" ".join, columns)) + "".join(headers)
    if not text.isprintable() or (not text.isascii() and _counts_wide_characters()):
        return None
    colors = view.colors if view.color else {}
    widths, padded = [], []
    for header, column in zip(headers, columns):
        column = list(map(str.strip, column))
        width, cells = _padded(column, header, colors.get(header))
        widths.append(width)
        padded.append(cells)
    lines = ["  ".join(map(str.ljust, headers, widths)).rstrip(), "  ".join("-" * width for width in widths)]
    lines += map(str.rstrip, map("  ".join, zip(*padded)))
    return "\n".join(lines) + "\n"


def _padded(column: list[str], header: str, colors: dict[str, str] | None) -> tuple[int, list[str]]:
    """The column's width and its cells padded to it, as tabulate pads them, coloured by
    `colors` (value -> colour): a colour code takes no room on a screen."""
    width = max(len(header) + 2, max(map(len, column)))
    if not colors:
        return width, list(map(str.ljust, column, repeat(width)))
    import click

    # each distinct cell styled once: a coloured column is a few words (statuses)
    padded = {cell: click.style(cell, fg=colors[cell]) + " " * (width - len(cell)) if cell in colors
              else cell.ljust(width) for cell in set(column)}
    return width, list(map(padded.__getitem__, column))


def _counts_wide_characters() -> bool:
    """tabulate's WIDE_CHARS_MODE (whether wcwidth can be imported), without importing
    tabulate (20 ms, most of it importlib.metadata) for a table it does not make."""
    from importlib.util import find_spec

    return find_spec("wcwidth") is not None
