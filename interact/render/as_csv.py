"""CSV with a header row; lists are joined with '; ', mappings written as JSON.

CSV has no escape of its own for control characters: they are written as text.printable
shows them (ESC as the four characters `\\x1b`), so that no cell drives a terminal.
"""

import csv
import io
import json

from ..text import printable


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return "; ".join(str(v) for v in value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=False)
    return str(value)


def render(view) -> str:
    columns = dict.fromkeys(view.columns or [])
    for record in view.records:
        columns.update(record)  # its keys, in the order first met (the values are never read)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for record in view.records:
        # most values are text, written as they are without a call
        writer.writerow([value if type(value) is str else cell(value) for value in map(record.get, columns)])
    return printable(out.getvalue())
