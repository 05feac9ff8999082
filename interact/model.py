"""Records: a `Record` (a plain dict that also remembers the file it came from) and `load`, a
record from a file's text. Times are kept as the ISO strings found in the file, so reading and
writing a record gives back the same bytes; `dates.parse_iso` turns them into datetimes where
needed.

Each concern of the record model has its module, and its public names are importable from
here too (as most callers do):

- ids.py: interaction ids (random or derived), their shortest prefixes, slugs of names;
- schema.py: each kind's keys in their order, and the validators of their values;
- serialisation.py: the canonical YAML dump and the strict read (load_data, conflict markers);
- config.py: interact.yaml as a `Config`, and the file `interact init` writes;
- text.py: `fold`, how names and searches compare text.
"""

from __future__ import annotations

from pathlib import Path

from . import messages as msg
from .canonical import quick_load
from .config import CONFIG_TEMPLATE, DEFAULT_TYPES, Config
from .ids import ID_ALPHABET, ID_LENGTH, MIN_PREFIX, derived_id, is_id, new_id, shortest_prefixes, slugify
from .schema import (
    ACCOUNT_KEYS, ACCOUNT_KINDS, CONTACT_KEYS, INTERACTION_KEYS, OPPORTUNITY_KEYS, OPPORTUNITY_STAGES, POST_KEYS,
    VALIDATORS, validate_account, validate_contact, validate_interaction,
)
from .serialisation import (
    KEYS_BY_KIND, RecordDumper, RecordLoader, conflict_markers, dump, load_data, ordered, refuse_conflict_markers,
)
from .text import fold, without_accents
from .untrusted import id_fits_file, is_slug  # the rules for ids, beside the others


class Record(dict):
    """A record's fields, plus the path of the file it was read from (None when new)."""

    # The path may be set as a str: it becomes a Path when first asked for, so that
    # loading 100,000 records from the index does not build 100,000 Path objects.
    # `facets`: what the index keeps beside the record for narrowing a read (query.facets),
    # when it was read with them: a search then does not fold 100,000 records again.
    # `_canonical`: set by `load` when the text it read was exactly the record's canonical
    # text (model.dump), so that `pack` can take those bytes instead of writing them again.
    __slots__ = ("_path", "facets", "_canonical")

    def __init__(self, *args, path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = path
        self.facets = None
        self._canonical = False

    @property
    def read_canonical(self) -> bool:
        """Whether `load` read it from its very canonical text (records from the index: no)."""
        return getattr(self, "_canonical", False)  # the index builds records without __init__

    @property
    def path(self) -> Path | None:
        if self._path is not None and not isinstance(self._path, Path):
            self._path = Path(self._path)
        return self._path

    @path.setter
    def path(self, value) -> None:
        self._path = value


RecordDumper.add_representer(Record, RecordDumper.represent_dict)


def load(text: str | bytes, path=None) -> Record:
    """Parse one record file (see serialisation.load_data). Raises ValueError with the reason."""
    data = quick_load(text)  # most interaction files: read without the YAML parser, as it would
    canonical = data is not None
    if data is None:
        data = load_data(text)
    refuse_conflict_markers(text)
    if not isinstance(data, dict):
        raise ValueError(msg.not_a_mapping(type(data).__name__ if data is not None else "nothing"))
    record = Record(data, path=path)
    record._canonical = canonical
    return record


__all__ = [  # this module's own, and what it passes on from the modules of the record model
    "ACCOUNT_KEYS", "ACCOUNT_KINDS", "CONFIG_TEMPLATE", "CONTACT_KEYS", "DEFAULT_TYPES", "ID_ALPHABET", "ID_LENGTH",
    "INTERACTION_KEYS", "KEYS_BY_KIND", "MIN_PREFIX", "OPPORTUNITY_KEYS", "OPPORTUNITY_STAGES", "POST_KEYS",
    "VALIDATORS", "Config", "Record", "RecordDumper", "RecordLoader", "conflict_markers", "derived_id", "dump", "fold",
    "id_fits_file", "is_id", "is_slug", "load", "load_data", "new_id", "ordered", "shortest_prefixes", "slugify",
    "validate_account", "validate_contact", "validate_interaction", "without_accents",
]
