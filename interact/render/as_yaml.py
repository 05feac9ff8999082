"""YAML: a list of mappings, or one mapping for a single record."""

import yaml

from ..model import RecordDumper


def render(view) -> str:
    data = view.records[0] if view.one and view.records else view.records
    if not data:
        return ""
    return yaml.dump(data, Dumper=RecordDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=1 << 30)
