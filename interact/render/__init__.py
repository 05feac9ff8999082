"""Output formats, one small module each behind one interface.

Every format module has `render(view: View) -> str`. A `View` carries the records as
data (for json, csv, yaml and ids) and, for the table, the rows and headers a person reads.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

FORMATS = ("table", "json", "csv", "yaml", "ids")


@dataclass
class View:
    records: list[dict]                 # every field, plus computed ones such as status
    headers: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    one: bool = False                   # a single record (show): json gives an object
    columns: list[str] | None = None    # csv column order; default: keys as they come
    color: bool = False                 # on a terminal: colour the columns named in `colors`
    colors: dict[str, dict[str, str]] = field(default_factory=dict)  # header -> {cell text: colour}
    names: object = None                # query.Names, for formats that name people (ics)
    colalign: tuple[str, ...] | None = None  # table column alignment; default: all left


def render(fmt: str, view: View) -> str:
    module = importlib.import_module(f".as_{fmt}", __name__)
    return module.render(view)
