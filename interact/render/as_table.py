"""A table for people to read (tabulate)."""

from tabulate import tabulate


def render(view) -> str:
    if not view.rows:
        return ""
    return tabulate(view.rows, headers=view.headers, tablefmt="simple", disable_numparse=True,
                    colalign=view.colalign) + "\n"
