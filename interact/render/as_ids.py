"""Full ids, one a line, for scripts."""

from ..text import printable


def render(view) -> str:
    return printable("".join(f"{record['id']}\n" for record in view.records))
