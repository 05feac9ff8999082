"""Where an interaction lives, and changing it there: its loose file
(interactions/YYYY/MM/<...><id>.yaml, YYYY/MM from its dates), or its month's pack (SPEC
§11). Finding one by a prefix of its id looks at both (loose wins); a change to a packed
record is written loose, leaving the pack alone; deleting one removes it from its pack too.
A mixin of Store (store.py), whose writes (inside the store, atomic) it uses.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from . import messages as msg
from .atomic import rename_into as _rename
from .layout import KIND_DEPTHS, YEAR_MONTH
from .model import MIN_PREFIX, Record, dump
from .packs import Pack, is_packed, pack_of
from .progress import Quiet
from .reads import _file_id

ADD_PROGRESS_FROM = 1000  # new interactions (an import): from this many, the writing shows how far it has got


class InteractionFiles:
    """Store's finding and writing of interactions (see the module's docstring)."""

    def find_interaction(self, prefix: str) -> Record:
        """The interaction whose id starts with `prefix` (4+ characters), like git: from its
        loose file when there is one, else from its pack (loose wins). Of an id in several
        files or packs (a bad merge), the last, with a warning (as `interactions` does)."""
        from .index import record_names

        prefix = prefix.strip().lower()
        if len(prefix) < MIN_PREFIX:
            raise msg.prefix_too_short(prefix)
        top = self.dir("interaction")
        matches = [] if self._folder_linked("interaction") else [
            os.path.join(folder, name) for folder, names in record_names(top, KIND_DEPTHS["interaction"])
            for name in names if prefix in name and _file_id(name).startswith(prefix)]
        packed = self.packed_ids(prefix)
        ids = sorted({_file_id(os.path.basename(path)) for path in matches} | {rid for _, rid in packed})
        if not ids:
            raise msg.no_interaction(prefix)
        if len(ids) > 1:
            raise msg.ambiguous_interaction(prefix, ids)
        if not matches:
            return self._packed_record(ids[0], [pack for pack, _ in packed])
        if len(matches) > 1:
            paths = [self.relative(path) for path in matches]
            self.warnings.append(msg.duplicate_id_read(ids[0], paths, paths[-1]))
        record, problem = self.parse(matches[-1], "interaction")
        if record is None:
            raise msg.unreadable(self.relative(matches[-1]), problem)
        return record

    def _packed_record(self, rid: str, packs: list[Pack]) -> Record:
        """The record `rid` from the last of the packs that hold it (with a warning when several do)."""
        if len(packs) > 1:
            paths = [self.relative(pack.path) for pack in packs]
            self.warnings.append(msg.duplicate_id_read(rid, paths, paths[-1]))
        record, problem = packs[-1].find(rid)
        if record is None:
            raise msg.unreadable(self.relative(packs[-1].path), problem or msg.pack_record_problem(rid, None, "gone"))
        return record

    @staticmethod
    def interaction_month(record: dict) -> tuple[str, str]:
        """The folders YYYY, MM an interaction belongs in: from `when`, else `due`, else `created_at`."""
        stamp = record.get("when") or record.get("due") or record.get("created_at") or ""
        match = YEAR_MONTH.match(stamp) if isinstance(stamp, str) else None
        return match.groups() if match else ("undated", "00")

    def interaction_path(self, record: dict) -> Path:
        """interactions/YYYY/MM/<file>: YYYY/MM from `when`, else `due`, else `created_at`; <file>
        the name it was read from (it ends in the id), else `<id>.yaml`."""
        year, month = self.interaction_month(record)
        source = getattr(record, "path", None)
        name = source.name if source is not None and not is_packed(record) else f"{record['id']}.yaml"
        return self.dir("interaction") / year / month / name

    def save_interaction(self, record: Record, new: bool = False) -> Path:
        """Write an interaction where its dates say.

        An edit that moves it to another month renames its file into the new folder first,
        then rewrites it there: killed between the two, the store holds one file with that id
        (in its new folder, with its old text: running the edit again finishes it), never two
        (SPEC §7). A write that fails puts the file back where it was.
        """
        path = self._record_path("interaction", record, self.interaction_path(record))
        self._interaction_files = None
        old = None if is_packed(record) else record.path  # a packed record is written loose: its pack stays
        moved = old is not None and Path(old) != path
        if moved:
            _rename(self.inside(old), self.inside(path))
        try:
            self.write(path, dump(record, "interaction").encode(), exclusive=new)
        except BaseException:
            if moved:
                with contextlib.suppress(OSError):
                    _rename(path, Path(old))
            raise
        if moved:
            self.note_written(old)
        record.path = path
        return path

    def add_interactions(self, records) -> list[Record]:
        """Write new interactions, never replacing a file: one already there (the same id,
        made meanwhile by another writer or clone) is left as it is. Returns those written."""
        written, packed = [], {}
        records = list(records)
        progress = self.progress if len(records) >= ADD_PROGRESS_FROM else Quiet
        with progress(msg.writing_interactions(), len(records)) as bar:
            for record in records:
                bar.update(1)
                if self._packed_already(record, packed):
                    continue
                try:
                    self.save_interaction(record, new=True)
                except FileExistsError:
                    continue
                written.append(record)
        return written

    def _packed_already(self, record: Record, packed: dict[Path, set]) -> bool:
        """Whether the pack of the month `record` would go in holds its id already; `packed`
        keeps each pack's ids, read once for many records."""
        pack = pack_of(self.interaction_path(record).parent)
        if pack not in packed:
            packed[pack] = set(Pack(self, pack).ids()) if os.path.lexists(pack) else set()
        return record["id"] in packed[pack]

    def take_back(self, path: Path) -> None:
        """Take back a file this command wrote (a write after it failed)."""
        os.unlink(self.inside(path))
        self.written = [p for p in self.written if p != Path(path)]

    def delete_interaction(self, record: Record) -> None:
        """Remove an interaction: its loose file, then its copies in packs (killed between the
        two, the packed copy is what `delete` finds when run again)."""
        self._interaction_files = None
        rid = record["id"]
        if not is_packed(record):
            self.remove(record.path)
        for pack in self.packs():
            if rid in pack.ids(rid):
                self.rewrite_pack(pack, {rid: None})

    def rewrite_pack(self, pack: Pack, changes: dict[str, bytes | None]) -> None:
        """Write a pack with the documents of `changes` replaced or left out (Pack.rewritten);
        a pack left with nothing is removed."""
        data = pack.rewritten(changes)
        if data is None:
            raise msg.unreadable(self.relative(pack.path), msg.pack_unreadable())
        if data:
            self.write(pack.path, data)
        else:
            self.remove(pack.path)
