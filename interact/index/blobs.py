"""What the index stores, as bytes: records and their facets pickled, and read back with an
unpickler that can build nothing but records and what a safe YAML load gives, so a planted
cache file cannot run code. The forked parsers send their results the same way."""

from __future__ import annotations

import io
import pickle

from ..model import Record
from .tree import _Damaged


def _allowed() -> dict:
    import datetime

    return {(Record.__module__, Record.__qualname__): Record,
            **{("datetime", cls.__name__): cls for cls in
               (datetime.datetime, datetime.date, datetime.timedelta, datetime.timezone)}}


class _SafeUnpickler(pickle.Unpickler):
    """Builds only records and what a safe YAML load can give: a planted cache file cannot run code."""

    _allowed: dict | None = None  # made on first use (a search unpickles 10,000 records one at a time)

    def find_class(self, module, name):
        allowed = _SafeUnpickler._allowed or _SafeUnpickler._set_allowed()
        try:
            return allowed[module, name]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not expected in the index") from None

    @staticmethod
    def _set_allowed() -> dict:
        _SafeUnpickler._allowed = _allowed()
        return _SafeUnpickler._allowed


def _loads(blob: bytes):
    return _SafeUnpickler(io.BytesIO(blob)).load()


def _unpickled(blob: bytes):
    """`_loads` of what the index holds: whatever garbage raises, it is damage."""
    try:
        return _loads(blob)
    except Exception as error:
        raise _Damaged(error) from None


def _dumps(value) -> bytes:
    """`value` pickled, for the index or a helper's pipe."""
    import copyreg

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # A record is stored as its fields alone (its path is set on the way out): quicker to load.
    pickler.dispatch_table = {Record: lambda record: (copyreg.__newobj__, (Record,), None, None,
                                                      iter(record.items()))}
    pickler.dump(value)
    return buffer.getvalue()
