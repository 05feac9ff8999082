"""JSON: a list of objects, or one object for a single record."""

import json


def render(view) -> str:
    data = view.records[0] if view.one and view.records else view.records
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
