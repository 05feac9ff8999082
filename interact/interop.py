"""Importing interactions: our own JSON and CSV (from `interact export`), and CRM activity exports.

Our own files (from `interact export`) are read back field for field: `status` (and the
other values `show` computes) are left out, ids are kept. A CRM export is read through a
column mapping (`Subject=note`, `ActivityDate=when`, ... or a preset such as Salesforce's
Task columns: crm.py reads its cells); its rows get stable ids, derived from their own Id
column or else from their content, so that importing a file twice adds nothing the second time.

Nothing is written while planning: `plan_import` says what would change (and which rows
are bad, which people are missing), `apply` writes it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from . import crm, people
from . import messages as msg
from .actions import check_rules
from .durations import parse_duration
from .errors import UserError
from .model import Record, derived_id, dump, is_id, slugify, validate_interaction
from .store import Store
from .text import one_kind_of_line_break, utf8_text
from .untrusted import nests_deeper

# --- reading files ------------------------------------------------------------------

COMPUTED_KEYS = ("status", "follow_ups", "attachments")  # added by export and show, never stored
LIST_KEYS = ("contacts", "accounts", "relates_to", "tags", "notify")  # CSV cells joined by "; "
JSON_KEYS = ("ratings", "posts")  # CSV cells holding JSON
FORMATS = ("csv", "json")
MAX_BYTES = 256 * 1024 * 1024  # a bigger file is refused before it is read: split it
MAX_DEPTH = 32  # objects and lists within each other: ours nest 4 deep, a CRM's API a few more


@dataclass
class Row:
    where: str    # "line 7" (CSV: the file's line the row starts on) or "record 3" (JSON)
    data: dict
    problem: str | None = None  # why the row cannot be read at all (the wrong number of cells...)


@dataclass
class Table:
    columns: list[str]  # the CSV header, or every (flattened) key of the JSON objects
    rows: list[Row]


def read_rows(data: bytes, fmt: str, name: str) -> Table:
    """The rows of a CSV file (with a header) or the objects of a JSON list."""
    text = utf8_text(data, name)
    if fmt == "csv":
        return _csv_table(text, name)
    try:
        items = json.loads(text)
    except ValueError as error:
        raise msg.import_not_json(name, error) from None
    except RecursionError:  # nested deeper than Python's stack
        raise msg.import_too_deep(name, MAX_DEPTH) from None
    if nests_deeper(items, MAX_DEPTH):
        raise msg.import_too_deep(name, MAX_DEPTH)
    if isinstance(items, dict):  # one record (show --format json), or {"records": [...]} from an API
        items = items["records"] if isinstance(items.get("records"), list) else [items]
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise msg.import_not_records(name)
    columns = list(dict.fromkeys(key for item in items for key in _flatten(item)))
    return Table(columns, [Row(f"record {n}", item) for n, item in enumerate(items, start=1)])


def _csv_table(text: str, name: str) -> Table:
    """A CSV file's header and rows, each row named by the line it starts on: lines end at LF, CRLF or a
    lone CR (as editors count them), so cells over several lines and blank lines are counted.

    Blank lines are skipped; a row with more or fewer cells than the header, or with only empty
    cells, is kept with its problem (a row error, never a guess). Line breaks in cells become \\n.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header, rows, line = None, [], 1
    try:
        for cells in reader:
            where, line = f"line {line}", reader.line_num + 1  # the next row starts on the next line
            if not cells:
                continue
            cells = [one_kind_of_line_break(cell) for cell in cells]
            if header is None:
                header = _header(cells, name)
            elif len(cells) != len(header):
                rows.append(Row(where, {}, msg.row_wrong_cells(len(cells), len(header))))
            elif not any(cell.strip() for cell in cells):
                rows.append(Row(where, {}, msg.row_only_empty_cells()))
            else:
                rows.append(Row(where, {column: cell for column, cell in zip(header, cells) if column}))
    except csv.Error as error:  # an unclosed quote, text after a closing quote, a NUL
        raise msg.import_bad_csv(name, line, error) from None
    return Table([column for column in header or [] if column], rows)


def _header(cells: list[str], name: str) -> list[str]:
    """The column names; an unnamed column is counted but read into no field."""
    header = [cell.strip() for cell in cells]
    folded = [column.casefold() for column in header if column]
    twice = [column for column in header if column and folded.count(column.casefold()) > 1]
    if twice:
        raise msg.import_duplicate_columns(name, list(dict.fromkeys(twice)))
    return header


def read_input(source, name: str) -> bytes:
    """The bytes of a file to import (an open binary file), refused when over MAX_BYTES."""
    data = source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise msg.import_too_big(name, MAX_BYTES // 2**20)
    return data


def _flatten(data: dict, prefix: str = "") -> dict:
    """{"Who": {"Name": "Jane"}} -> {"Who.Name": "Jane"}, as CRM APIs nest related records."""
    flat = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _content_id(data: dict) -> str:
    return derived_id("import:row:" + json.dumps(data, sort_keys=True, ensure_ascii=False, default=str))


# --- our own CSV and JSON -----------------------------------------------------------

def _from_cell(key: str, text: str):
    """A CSV cell as render/as_csv wrote it, back to the field's value."""
    if key in LIST_KEYS:
        return [part.strip() for part in text.split(";") if part.strip()]
    if key in JSON_KEYS:
        try:
            return json.loads(text)
        except ValueError:
            raise msg.row_bad_cell(key, text, "JSON") from None
    if key == "duration":
        return parse_duration(text)
    if key == "personal":
        return {"true": True, "false": False}.get(text.strip().lower(), text)
    return text


def own_record(row: Row, from_csv: bool) -> Record:
    """One of our records from an exported row; without an id, one is derived from its content."""
    record = Record()
    for key, value in row.data.items():
        if key in COMPUTED_KEYS or value in ("", None, [], {}):
            continue
        record[key] = _from_cell(key, value) if from_csv and isinstance(value, str) else value
    if not record.get("id"):
        record["id"] = _content_id(row.data)
    return record


# --- CRM exports --------------------------------------------------------------------

def _row_id(source_id: str | None, data: dict) -> str:
    """Ours if the row has one of ours; else derived from its own id; else from its content."""
    if source_id and is_id(source_id):
        return source_id
    return derived_id(f"import:id:{source_id}") if source_id else _content_id(data)


# --- planning an import -------------------------------------------------------------

@dataclass
class NewPerson:
    kind: str       # contact or account
    named: str      # as the file names it (an id in our own files, a name in a CRM's)
    where: str      # the first row that names it
    record: Record  # what would be created


@dataclass
class Plan:
    added: list[Record] = field(default_factory=list)          # interactions to write
    same: list[str] = field(default_factory=list)              # ids already in the store, identical
    different: list[tuple[str, str]] = field(default_factory=list)  # (where, id): in the store, other content
    bad: list[tuple[str, str]] = field(default_factory=list)   # (where, why): rows that cannot be imported
    new_people: list[NewPerson] = field(default_factory=list)  # not in the store: created with --create-missing


@dataclass
class _Importer:
    store: Store
    reading: crm.Reading | None   # None: our own format
    from_csv: bool
    plan: Plan = field(default_factory=Plan)
    planned: dict = field(default_factory=dict)   # (kind, key) -> new person's Record

    def person(self, kind: str, ref: str, where: str, by_id: bool) -> str:
        """The id of the contact or account `ref` names, planning a new one when none matches."""
        pool = self.store.contacts() if kind == "contact" else self.store.accounts()
        if by_id:  # our own files refer by id
            if ref in pool:
                return ref
            if slugify(ref) != ref:
                raise msg.row_bad_ref(kind, ref)
        else:
            found = people.lookup(self.store, ref, (kind,), loose=False)
            if found is not None:
                return found[1]["id"]
        key = (kind, ref if by_id else ref.casefold())
        if key not in self.planned:
            taken = {new.record["id"] for new in self.plan.new_people if new.kind == kind}
            if by_id:
                record = Record({"id": ref, "name": ref.replace("-", " ").title()})
            else:
                record = Record({"id": people.unique_id(self.store, kind, ref, taken), "name": ref})
            self.planned[key] = record
            self.plan.new_people.append(NewPerson(kind, ref, where, record))
        return self.planned[key]["id"]

    def crm_record(self, row: Row) -> Record:
        data = _flatten(row.data)
        values = crm.mapped_values(data, self.reading.mapping)
        is_completed = crm.completed(values, self.reading)
        record = Record({"id": _row_id(crm.first(values, "id"), data),
                         "type": crm.row_type(values, self.store.config.types)})
        crm.fill_dates(record, values, self.reading, is_completed)
        contacts = [self.person("contact", ref, row.where, False) for ref in values.get("contact", [])]
        accounts = [self.person("account", ref, row.where, False) for ref in values.get("account", [])]
        relates = []
        what = crm.first(values, "what")
        kind = crm.what_kind(values) if what else None
        if kind == "opportunity":  # related to, and its account's: never made into an account
            account_id, opportunity_id = crm.opportunity(self.store, what)
            relates.append(f"opportunity:{opportunity_id}")
            accounts.append(account_id)
        elif kind == "account":
            accounts.append(self.person("account", what, row.where, False))
        elif kind:  # a case, a campaign...: a free reference
            relates.append(f"{kind}:{what}")
        contacts, accounts = list(dict.fromkeys(contacts)), list(dict.fromkeys(accounts))
        if not accounts:  # as `log` does: the accounts of people who have exactly one
            known = self.store.contacts()
            accounts = people.sole_accounts(known[cid] for cid in contacts if cid in known)
        for new in self.plan.new_people:  # a new person belongs to the one account named beside them
            if new.kind == "contact" and new.record["id"] in contacts and len(accounts) == 1:
                new.record.setdefault("accounts", list(accounts))
        assignee = crm.owner(values, self.store, self.reading)
        record.update({
            "contacts": contacts, "accounts": accounts, "relates_to": relates, "assignee": assignee,
            "created_by": "import",
            **{key: "\n".join(values[key]) for key in ("purpose", "category", "instructions", "note", "outcome",
                                                       "next_action") if key in values},
            "tags": list(dict.fromkeys(t.strip() for cell in values.get("tags", []) for t in cell.split(";")
                                       if t.strip())),
        })
        if is_completed:
            if not record.get("when"):
                raise msg.row_completed_without_date()
            record.update(completed_at=record["when"], completed_by=assignee)
        return record

    def record(self, row: Row) -> Record:
        if row.problem:
            raise UserError(row.problem)
        if self.reading is not None:
            return self.crm_record(row)
        record = own_record(row, self.from_csv)
        for key, kind in (("contacts", "contact"), ("accounts", "account")):
            refs = record.get(key)
            if isinstance(refs, list):
                for ref in refs:
                    if isinstance(ref, str):
                        self.person(kind, ref, row.where, True)
        return record

    def add(self, row: Row, existing: dict, seen: dict) -> None:
        planned_before = len(self.plan.new_people)
        try:
            record = self.record(row)
            problems = validate_interaction(record, self.store.config)
            if problems:
                raise UserError("; ".join(problems))
            check_rules(self.store, record)
            text = dump(record, "interaction")
            if record["id"] in seen:
                if seen[record["id"]][1] == text:
                    return  # the same record twice in one file
                raise msg.row_same_id(seen[record["id"]][0])
        except (UserError, ValueError) as error:  # ValueError: a date, duration or JSON cell
            # people planned for a refused row only are not created
            dropped = {id(new.record) for new in self.plan.new_people[planned_before:]}
            self.planned = {key: new for key, new in self.planned.items() if id(new) not in dropped}
            del self.plan.new_people[planned_before:]
            self.plan.bad.append((row.where, getattr(error, "message", None) or str(error)))
            return
        seen[record["id"]] = (row.where, text)
        if record["id"] not in existing:
            self.plan.added.append(record)
        elif dump(existing[record["id"]], "interaction") == text:
            self.plan.same.append(record["id"])
        else:
            self.plan.different.append((row.where, record["id"]))


def plan_import(store: Store, rows: list[Row], *, from_csv: bool, reading: crm.Reading | None = None) -> Plan:
    """What importing `rows` would change; nothing is written.

    With a `reading` (a column mapping...) the rows are a CRM's export, else our own records.
    An id already in the store is never overwritten: identical, it counts as `same`;
    with other content, as `different` (the store's version is kept).
    """
    importer = _Importer(store, reading, from_csv)
    existing = {record["id"]: record for record in store.interactions()}
    seen: dict[str, tuple[str, str]] = {}
    for row in rows:
        importer.add(row, existing, seen)
    return importer.plan


def apply(store: Store, plan: Plan) -> list[Record]:
    """Write the planned accounts, then contacts, then interactions; the interactions written.

    Files are created, never replaced: one that appeared since planning is left as it is.
    """
    for kind in ("account", "contact"):
        for new in plan.new_people:
            if new.kind == kind:
                try:
                    store.save(new.record, kind, new=True)
                except FileExistsError:
                    pass
    return store.add_interactions(plan.added)
