"""Merging three versions of one store file: what git's merge driver (`interact merge-file`)
and `interact sync` run.

A record (and interact.yaml) is read with the store's safe loader, merged field by field
(merge.py) and written in the canonical serialisation, so a clean merge of two canonical
files is canonical. A true conflict gives OURS' text with git's conflict markers around the
lines that differ, which every reader refuses and `interact check` names. A file that is not
a record, or a side that does not parse, is merged line by line by `git merge-file`. A month
pack (SPEC §11) is merged record by record, its records matched by id.
"""

from __future__ import annotations

import difflib
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .config_text import REMOVE, set_keys
from .merge import MISSING, merge_record, present
from .model import dump, is_id, load
from .packs import documents, is_pack_name, is_year_name, pack_text
from .layout import CONFIG_NAME

MARKER_SIZE = 7
LABELS = ("ours", "base", "theirs")  # as git's markers name the sides: <<<<<<< ours ... >>>>>>> theirs
ACCOUNT_KEYS_ONLY = ("kind", "town", "postcode", "default_contact", "opportunities")


@dataclass
class FileMerge:
    text: bytes
    clean: bool
    conflicts: list[str] = field(default_factory=list)  # the fields both sides set differently
    by_record: bool = True  # False: merged line by line (not a record, or a side did not parse)


def kind_of_path(path: str) -> str | None:
    """The kind of store file at `path` (from the repository's root or the store's), by the
    store's layout; None for any other file."""
    parts = PurePosixPath(path).parts
    if not parts or not parts[-1].endswith(".yaml"):
        return None
    if parts[-1] == CONFIG_NAME:
        return "config"
    if len(parts) >= 3 and parts[-3] == "interactions" and is_year_name(parts[-2]) and is_pack_name(parts[-1]):
        return "pack"
    if len(parts) >= 2 and parts[-2] in ("contacts", "accounts"):
        return parts[-2][:-1]
    if len(parts) >= 4 and parts[-4] == "interactions":
        return "interaction"
    return None


def merge_texts(base: bytes, ours: bytes, theirs: bytes, path: str | None = None) -> FileMerge:
    """Merge THEIRS into OURS against BASE (empty: both sides added the file). `path` (git's
    %P) says what the file is; without it, OURS' fields do."""
    if path is not None and kind_of_path(path) == "pack":
        return merge_packs(base, ours, theirs)
    try:
        versions = (load(base) if base.strip() else {}), load(ours), load(theirs)
    except (ValueError, RecursionError):  # RecursionError: nested too deep to be one of ours
        return line_merge(base, ours, theirs)
    kind = kind_of_path(path) if path is not None else _kind_of_fields(versions[1])
    if kind is None:
        return line_merge(base, ours, theirs)
    merged = merge_record(*versions, kind)
    if kind == "config":
        return _config_result(merged, base, ours, theirs, versions[1])
    if merged.clean:
        return FileMerge(dump(merged.record, kind).encode(), True)
    text = with_markers(dump(merged.ours, kind), dump(merged.theirs, kind))
    return FileMerge(text.encode(), False, merged.conflicts)


def merge_packs(base: bytes, ours: bytes, theirs: bytes) -> FileMerge:
    """Merge two versions of a month pack record by record (matched by id) with the rules of
    merge_record. A record one side left out and the other left as it was is left out (a
    delete); left out on one side and changed on the other, the change is kept (nothing is
    lost). A true conflict in a record puts git's markers around its differing lines, so that
    readers skip that record alone and `interact check` names it. The result is canonical:
    the records' canonical text after `---` lines, sorted by id."""
    try:
        sides = [_pack_records(base), _pack_records(ours), _pack_records(theirs)]
    except (ValueError, RecursionError):  # a side that does not parse: git's line merge
        return line_merge(base, ours, theirs)
    texts, conflicts = {}, []
    for rid in sorted(set().union(*sides)):
        old, mine, yours = (side.get(rid) for side in sides)
        if mine is None or yours is None:
            kept = yours if mine is None else mine
            if kept is None or (old is not None and present(kept, "interaction") == present(old, "interaction")):
                continue  # left out on both sides, or on one and unchanged on the other
            texts[rid] = dump(kept, "interaction")
            continue
        merged = merge_record(old or {}, mine, yours, "interaction")
        if merged.clean:
            texts[rid] = dump(merged.record, "interaction")
        else:
            texts[rid] = with_markers(dump(merged.ours, "interaction"), dump(merged.theirs, "interaction"))
            conflicts += [f"{rid}: {field}" for field in merged.conflicts]
    return FileMerge(pack_text(texts), not conflicts, conflicts)


def _pack_records(data: bytes) -> dict[str, dict]:
    """{id: record} of a pack's documents; ValueError when one does not parse or has no id."""
    records = {}
    for _, document in documents(data):
        record = load(document)
        if not isinstance(record.get("id"), str):
            raise ValueError("a record without an id")
        records[record["id"]] = record
    return records


def _kind_of_fields(record: dict) -> str | None:
    if "id" not in record:
        return "config" if "types" in record or "version" in record else None
    if isinstance(record["id"], str) and is_id(record["id"]) and "type" in record:
        return "interaction"
    if "name" in record:
        return "account" if any(key in record for key in ACCOUNT_KEYS_ONLY) else "contact"
    return None


def _config_result(merged, base: bytes, ours: bytes, theirs: bytes, ours_data: dict) -> FileMerge:
    """interact.yaml keeps its comments: git's line merge when it is clean and means the same
    as the merge by fields, else OURS' text with the merged keys' lines replaced."""
    ours_text = ours.decode("utf-8")
    if merged.clean:
        lines = line_merge(base, ours, theirs)
        if lines.clean and _means(lines.text, merged.record):
            return FileMerge(lines.text, True)
        return FileMerge(_config_text(ours_text, ours_data, merged.record).encode(), True)
    text = with_markers(_config_text(ours_text, ours_data, merged.ours),
                        _config_text(ours_text, ours_data, merged.theirs))
    return FileMerge(text.encode(), False, merged.conflicts)


def _means(text: bytes, wanted: dict) -> bool:
    try:
        return present(load(text), "config") == present(wanted, "config")
    except ValueError:
        return False


def _config_text(ours_text: str, ours_data: dict, wanted: dict) -> str:
    had, want = present(ours_data, "config"), present(wanted, "config")
    changes = {key: want.get(key, REMOVE) for key in [*had, *want]
               if want.get(key, MISSING) != had.get(key, MISSING)}
    return set_keys(ours_text, changes) if changes else ours_text


def with_markers(ours: str, theirs: str) -> str:
    """OURS' text with git's conflict markers around each run of lines that THEIRS has otherwise."""
    mine, yours = ours.splitlines(keepends=True), theirs.splitlines(keepends=True)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, mine, yours, autojunk=False).get_opcodes():
        if tag == "equal":
            out += mine[i1:i2]
        else:
            out += [f"{'<' * MARKER_SIZE} {LABELS[0]}\n", *mine[i1:i2], f"{'=' * MARKER_SIZE}\n",
                    *yours[j1:j2], f"{'>' * MARKER_SIZE} {LABELS[2]}\n"]
    return "".join(out)


def line_merge(base: bytes, ours: bytes, theirs: bytes) -> FileMerge:
    """git's own line merge (`git merge-file`), for what is not a record."""
    with tempfile.TemporaryDirectory(prefix="interact-merge-") as folder:
        files = []
        for label, data in zip(LABELS, (ours, base, theirs)):
            (Path(folder) / label).write_bytes(data)
            files.append(str(Path(folder) / label))
        labels = [option for label in LABELS for option in ("-L", label)]
        try:
            result = subprocess.run(["git", "merge-file", "-p", *labels, *files], capture_output=True)
        except OSError:  # no git: OURS is kept, and it is a conflict for someone to look at
            return FileMerge(ours, False, by_record=False)
    if not 0 <= result.returncode < 128:  # git merge-file: the number of conflicts, or an error
        return FileMerge(ours, False, by_record=False)
    return FileMerge(result.stdout, result.returncode == 0, by_record=False)
