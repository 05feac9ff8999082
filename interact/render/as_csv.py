"""CSV with a header row; lists are joined with '; ', mappings written as JSON."""

import csv
import io
import json


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
    columns = list(view.columns or [])
    for record in view.records:
        columns.extend(key for key in record if key not in columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for record in view.records:
        writer.writerow([cell(record.get(column)) for column in columns])
    return out.getvalue()
