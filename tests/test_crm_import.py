"""Importing CRM exports that guess nothing: physical line numbers, cell counts, date orders,
units, split date and time, owners through `users`, Salesforce's subtypes and opportunities."""

import json
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from interact import crm
from interact.dates import DateError
from interact.errors import UserError
from interact.interop import read_rows
from interact.model import Config, derived_id, load

from conftest import REPO

DATA = Path(__file__).parent / "data"
ODDITIES = DATA / "salesforce_oddities.csv"
SALES_I = DATA / "sales_i_activities.csv"
LONDON = ZoneInfo("Europe/London")
TEAM = ("users: [{id: alice, name: Alice Smith, email: alice@example.com}, "
        "{id: bob, name: Bob Stone, aliases: [0055g00000BobAAA]}, carol]")
SALES_I_MAP = ["--map", "Customer Account=account", "--map", "Contact=contact", "--map", "Visit Date=when",
               "--map", "Start Time=when:time", "--map", "Activity=type", "--map", "Duration (mins)=duration:m",
               "--map", "Notes=note", "--map", "Outcome=outcome", "--map", "Rep=assignee"]


def store_files(store: Path) -> dict[str, bytes]:
    """Every record file of the store, by path: what an import may change."""
    return {str(p.relative_to(store)): p.read_bytes() for kind in ("interactions", "contacts", "accounts")
            for p in sorted((store / kind).rglob("*.yaml"))}


def set_config(store: Path, key: str, line: str) -> None:
    """Replace the `key:` line of interact.yaml (or add it)."""
    config = store / "interact.yaml"
    lines = [ln for ln in config.read_text().splitlines() if not ln.startswith(f"{key}:")]
    config.write_text("\n".join([*lines, line]) + "\n")


def records_by_source_id(run) -> dict[str, dict]:
    """Imported interactions by the Salesforce Id they came from."""
    exported = {r["id"]: r for r in json.loads(run.ok("export").stdout)}
    ids = {derived_id(f"import:id:00T5g00000SfA{tail}EAA"): tail for tail in
           ("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "b0")}
    return {ids[rid]: record for rid, record in exported.items() if rid in ids}


# --- the Salesforce export with every oddity ------------------------------------------------

def test_the_fixture_has_every_oddity():
    data = ODDITIES.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n\r\n" in data  # a BOM, CRLF, a blank line
    assert b'.\r\nWants' in data and b"uno\rL\xc3\xadnea" in data   # CRLF and a lone CR inside quoted cells
    assert b"\r\n,,,,,,,,,,,,,,\r\n" in data and "Zoë".encode() in data


def test_bad_rows_are_named_by_their_physical_line_and_nothing_is_written(run, demo):
    set_config(demo, "users", TEAM)
    before = store_files(demo)
    result = run("import", str(ODDITIES), "--preset", "salesforce", "--create-missing")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Error: 4 rows cannot be imported, so nothing was written")
    # the multi-line cell takes lines 6-7, the blank line is 5; the lone CR makes lines 11-12
    assert lines[1] == "  line 8: it has 3 cells where the header has 15 (a cell holding a comma or a line " \
                       "break needs double quotes)"
    assert lines[2].startswith("  line 9: it has 17 cells where the header has 15")
    assert lines[3] == "  line 10: it has only empty cells"
    assert lines[4].startswith("  line 13: its owner 'Dana White' / '0055g00000DanAAA' is none of the store's "
                               "users (alice, bob, carol)") and "--default-assignee USER" in lines[4]
    assert len(lines) == 5 and store_files(demo) == before


def test_salesforce_oddities_import_twice_leaves_the_store_byte_identical(run, demo):
    set_config(demo, "users", TEAM)
    args = ["import", str(ODDITIES), "--preset", "salesforce", "--create-missing", "--skip-bad",
            "--default-assignee", "carol"]
    first = run.ok(*args)
    assert [ln for ln in first.stderr.splitlines() if ln.startswith("warning")] == [
        f"warning: skipped line {n}: {why}" for n, why in (
            (8, "it has 3 cells where the header has 15 (a cell holding a comma or a line break needs double quotes)"),
            (9, "it has 17 cells where the header has 15 (a cell holding a comma or a line break needs double "
                "quotes)"),
            (10, "it has only empty cells"))]
    assert "created contact zoe-muller (Zoë Müller)" in first.stderr and "imported 8 interactions" in first.stderr
    after_first = store_files(demo)
    second = run.ok(*args)
    assert second.stdout == "" and store_files(demo) == after_first
    # nothing but the bad rows again and the summary: no "already in the store with other content"
    assert second.stderr.splitlines()[3:] == ["imported 0 interactions; 8 already in the store"]
    assert "other content" not in second.stderr

    by_source = records_by_source_id(run)
    assert set(by_source) == {"a1", "a2", "a3", "a4", "a7", "a8", "a9", "b0"}
    renewal = by_source["a1"]
    assert renewal["type"] == "call" and renewal["assignee"] == "alice"  # Owner.Name: Alice Smith
    assert renewal["duration"] == 30 and renewal["when"] == renewal["completed_at"] == "2026-11-03T09:00:00+00:00"
    brochure = by_source["a2"]
    assert brochure["type"] == "email" and brochure["assignee"] == "bob"  # no Type: TaskSubtype; OwnerId alias
    review = by_source["a3"]  # a What that is an opportunity: related to, with its account; no new account
    assert review["relates_to"] == ["opportunity:support-plan"] and review["accounts"] == ["northwind-traders"]
    assert review["type"] == "meeting" and review["due"] == "2026-12-02" and review["status"] == "open"
    assert not (demo / "accounts" / "support-plan.yaml").exists()
    intro = by_source["a4"]
    assert intro["note"] == "Intro call\nFound us at the trade fair.\nWants a call back in January, says Zoë."
    assert intro["duration"] == 1 and intro["contacts"] == ["zoe-muller"] and intro["accounts"] == ["fenwick-bikes"]
    contract = by_source["a7"]
    assert contract["note"] == "Send the contract\nLínea uno\nLínea dos" and contract["assignee"] == "carol"
    assert contract["type"] == "call"  # neither Type nor TaskSubtype: the first configured type
    unplaced = by_source["a8"]
    assert unplaced["assignee"] == "carol" and "duration" not in unplaced  # --default-assignee; 0 seconds: none
    case = by_source["a9"]
    assert case["relates_to"] == ["case:00001026"] and case["accounts"] == ["kestrel-housing"]
    assert case["when"] == "2026-11-06T15:45:00+00:00" and case["duration"] == 10
    assert by_source["b0"]["type"] == "email" and by_source["b0"]["contacts"] == ["renee-dubois"]
    for record in by_source.values():
        assert "\r" not in json.dumps(record) and record["created_by"] == "import"
    zoe = load((demo / "contacts" / "zoe-muller.yaml").read_bytes())
    assert zoe["name"] == "Zoë Müller" and zoe["accounts"] == ["fenwick-bikes"]


def test_an_opportunity_the_store_does_not_have_is_a_row_error_not_an_account(run, demo, tmp_path):
    source = tmp_path / "tasks.csv"
    source.write_text("Id,Subject,ActivityDate,Status,What.Name,WhatId\n"
                      "00T1,Pitch,2026-11-03,Completed,Big Deal 2027,0065g00000OppAAA\n")
    result = run("import", str(source), "--preset", "salesforce", "--create-missing")
    assert result.exit_code == 1
    assert "line 2: opportunity 'Big Deal 2027' is in no account of the store" in result.stderr
    assert "interact account edit ACCOUNT --opportunity 'Big Deal 2027=VALUE'" in result.stderr
    assert not (demo / "accounts" / "big-deal-2027.yaml").exists()


def test_owners_need_the_stores_users(run_empty, tmp_path):
    source = tmp_path / "tasks.csv"
    source.write_text("Subject,ActivityDate,Owner.Name\nHello,2026-11-03,Alice Smith\n")
    refused = run_empty("import", str(source), "--preset", "salesforce")
    assert refused.exit_code == 1 and "interact.yaml lists none" in refused.stderr
    set_config(run_empty.store, "users", "users: [{id: alice, name: Alice Smith}]")
    (rid,) = run_empty.ok("import", str(source), "--preset", "salesforce").stdout.split()
    assert json.loads(run_empty.ok("show", rid, "--format", "json").stdout)["assignee"] == "alice"
    bad_default = run_empty("import", str(source), "--preset", "salesforce", "--default-assignee", "zed")
    assert bad_default.exit_code == 1 and "'zed' is not a user of this store" in bad_default.stderr


def test_a_salesforce_api_json_export_reads_the_same_way(run, demo, tmp_path):
    set_config(demo, "users", TEAM)
    source = tmp_path / "tasks.json"
    source.write_text(json.dumps({"totalSize": 1, "records": [{
        "attributes": {"type": "Task"}, "Id": "00T5g00000Json1AAA", "Subject": "Call", "Status": "Completed",
        "ActivityDate": "2026-11-03", "TaskSubtype": "Call", "Description": "Line one\r\nLine two\rLine three",
        "Who": {"Name": "Jane Doe"}, "What": {"Name": "Renewal 2027", "Type": "Opportunity"},
        "Owner": {"Name": "Bob Stone"}, "CallDurationInSeconds": 300}]}))
    (rid,) = run.ok("import", str(source), "--preset", "salesforce").stdout.split()
    record = json.loads(run.ok("show", rid, "--format", "json").stdout)
    assert record["note"] == "Call\nLine one\nLine two\nLine three" and record["assignee"] == "bob"
    assert record["relates_to"] == ["opportunity:renewal-2027"] and record["accounts"] == ["acme-ltd"]
    assert record["duration"] == 5 and record["type"] == "call"


# --- sales-i: dd/mm/yyyy and a time of day in its own column ------------------------------

def test_numeric_dates_without_a_date_order_are_refused_never_guessed(run, demo):
    before = store_files(demo)
    result = run("import", str(SALES_I), *SALES_I_MAP)
    assert result.exit_code == 1 and "4 rows cannot be imported" in result.stderr
    assert ("line 2: '03/11/2026' could be day/month or month/day: import with --date-order dmy (or mdy, ymd), "
            "or set date_order in interact.yaml") in result.stderr
    assert store_files(demo) == before
    month_first = run("import", str(SALES_I), *SALES_I_MAP, "--date-order", "mdy")
    assert month_first.exit_code == 1 and "line 4: could not read the date '13/11/2026' as m/d/y" in month_first.stderr


@pytest.mark.parametrize("how", ["option", "config"])
def test_sales_i_split_date_and_time_imported_twice(run, demo, how):
    if how == "config":
        set_config(demo, "date_order", "date_order: dmy")
        order = []
    else:
        order = ["--date-order", "dmy"]
    ids = run.ok("import", str(SALES_I), *SALES_I_MAP, *order, "--completed").stdout.split()
    records = [json.loads(run.ok("show", rid, "--format", "json").stdout) for rid in ids]
    assert [(r["when"], r.get("duration"), r["assignee"], r["status"]) for r in records] == [
        ("2026-11-03T14:30:00+00:00", 45, "alice", "completed"),   # 3 November, not 11 March
        ("2026-11-12T09:05:00+00:00", 15, "bob", "completed"),     # 09:05:00: seconds dropped
        ("2026-11-13T14:30:00+00:00", 60, "carol", "completed"),   # 2:30 PM
        ("2026-11-25T09:00:00+00:00", None, "alice", "completed"),  # no time: 09:00, as a date alone
    ]
    assert records[0]["accounts"] == ["acme-ltd"] and records[0]["type"] == "visit"
    after = store_files(demo)
    again = run.ok("import", str(SALES_I), *SALES_I_MAP, *order, "--completed")
    assert again.stdout == "" and store_files(demo) == after and "warning" not in again.stderr


def test_without_completed_a_dated_row_is_planned_and_a_bare_date_is_due(run):
    ids = run.ok("import", str(SALES_I), *SALES_I_MAP, "--date-order", "dmy").stdout.split()
    last = json.loads(run.ok("show", ids[-1], "--format", "json").stdout)
    assert last["due"] == "2026-11-25" and "when" not in last and last["status"] == "open"


# --- the pieces -------------------------------------------------------------------------------

@pytest.mark.parametrize("day, clock, order, expected, has_time", [
    ("2026-11-03", None, None, "2026-11-03T09:00:00+00:00", False),
    ("2026-07-03", None, None, "2026-07-03T09:00:00+01:00", False),
    ("2026-11-03T09:00:00.000+0000", None, None, "2026-11-03T09:00:00+00:00", True),
    ("2026-11-03 14:30", None, None, "2026-11-03T14:30:00+00:00", True),
    ("03/11/2026", None, "dmy", "2026-11-03T09:00:00+00:00", False),
    ("03/11/2026", None, "mdy", "2026-03-11T09:00:00+00:00", False),
    ("2026/11/03", None, "ymd", "2026-11-03T09:00:00+00:00", False),
    ("03.11.2026 16:05", None, "dmy", "2026-11-03T16:05:00+00:00", True),
    ("03/11/2026 00:00:00", "4:15 pm", "dmy", "2026-11-03T16:15:00+00:00", True),
    ("2026-11-03", "07:45:00", None, "2026-11-03T07:45:00+00:00", True),
])
def test_moment(day, clock, order, expected, has_time):
    at, timed = crm.moment(day, clock, order, LONDON)
    assert (at.isoformat(), timed) == (expected, has_time)


@pytest.mark.parametrize("day, clock, order, error", [
    ("3/11/2026", None, None, "could be day/month or month/day"),
    ("31/02/2026", None, "dmy", "could not read the date '31/02/2026' as d/m/y"),
    ("tomorrow", None, "dmy", "could not read the date 'tomorrow'"),
    ("Nov 3 2026", None, "dmy", "an import takes 2026-11-03"),
    ("2026-11-03 14:30", "15:00", None, "map only one of them"),
    ("2026-11-03", "25:00", None, "could not read the time '25:00'"),
])
def test_moment_refuses(day, clock, order, error):
    with pytest.raises((UserError, DateError)) as raised:
        crm.moment(day, clock, order, LONDON)
    assert error in str(raised.value)


def test_duration_units():
    assert [crm.minutes(text, unit) for text, unit in (("1805", "s"), ("29", "s"), ("31", "s"), ("0", "s"),
                                                        ("1.5", "h"), ("45", "m"), ("1h30m", ""))] == [
        30, 1, 1, None, 90, 45, 90]
    for text in ("-5", "ten", "nan"):
        with pytest.raises(UserError):
            crm.minutes(text, "s")


def test_map_units_are_checked(run, tmp_path):
    source = tmp_path / "a.csv"
    source.write_text("Subject,Secs\nhello,60\n")
    for target in ("duration:q", "note:s", "when:date"):
        result = run("import", str(source), "--map", "Subject=note", "--map", f"Secs={target}")
        assert result.exit_code == 1 and "that unit is not known" in result.stderr, target
    lone_time = run("import", str(source), "--map", "Subject=note", "--map", "Secs=when:time")
    assert lone_time.exit_code == 1 and "line 2: it has a time of day ('60') but no date" in lone_time.stderr
    own = run("import", str(source), "--date-order", "dmy")
    assert own.exit_code == 1 and "give its columns with --map" in own.stderr


def test_type_from_type_else_subtype():
    types = ["call", "visit", "email"]
    assert crm.row_type({"type": ["Visit"], "subtype": ["Call"]}, types) == "visit"
    assert crm.row_type({"type": ["Fax"], "subtype": ["Email"]}, types) == "email"
    assert crm.row_type({"subtype": ["ListEmail"]}, types) == "email"
    assert crm.row_type({"subtype": ["Task"]}, types) == "call"
    assert crm.row_type({}, types) == "call"
    with pytest.raises(UserError, match="type 'Fax' is not configured"):
        crm.row_type({"type": ["Fax"], "subtype": ["Task"]}, types)


def test_users_entries_may_be_mappings():
    config = Config({"users": ["carol", {"id": "alice", "name": "Alice Smith", "email": "Alice@Example.com"},
                               {"id": "bob", "name": "Robert", "aliases": ["0055B"]}, {"id": "eve", "name": "Robert"},
                               {"name": "no id"}, None]})
    assert config.users == ["carol", "alice", "bob", "eve"]
    assert [config.user_for(text) for text in ("carol", "CAROL", "alice smith", "alice@example.com ", "0055B",
                                               "Robert", "nobody")] == [
        "carol", "carol", "alice", "alice", "bob", None, None]  # two users called Robert: placed by neither
    config.check_user("alice")
    with pytest.raises(UserError):
        config.check_user("Alice Smith")


# --- reading CSV --------------------------------------------------------------------------------

def test_csv_rows_carry_the_line_they_start_on():
    data = b'a,b\n\n1,"x\r\ny"\r\n,\n\n\n3,"p\rq"\n4,5'
    table = read_rows(data, "csv", "t.csv")
    assert table.columns == ["a", "b"]
    assert [(row.where, row.data, row.problem) for row in table.rows] == [
        ("line 3", {"a": "1", "b": "x\ny"}, None),
        ("line 5", {}, "it has only empty cells"),
        ("line 8", {"a": "3", "b": "p\nq"}, None),
        ("line 10", {"a": "4", "b": "5"}, None),
    ]


@pytest.mark.parametrize("data, error", [
    (b'a,b\n1,2\n"open,3\n4,5\n', "line 3: unexpected end of data"),
    (b'a,b\n"x"y,2\n', "line 2: ',' expected after '\"'"),
    (b'Id,Subject,id\n1,2,3\n', "its header names 'Id', 'id' more than once"),
    (b'\xff\xfe', "t.csv is not UTF-8 text (byte 0xff at offset 0)"),
])
def test_csv_that_cannot_be_read_is_refused_whole(data, error):
    with pytest.raises(UserError) as raised:
        read_rows(data, "csv", "t.csv")
    assert error in raised.value.message


def test_real_process_imports_the_fixture(demo):
    """The installed console script, as a user runs it: exit codes and streams."""
    interact = str(REPO / ".venv" / "bin" / "interact")
    if not Path(interact).exists():
        pytest.skip("no .venv/bin/interact: install with pip install -e '.[test]' in .venv")
    set_config(demo, "users", TEAM)
    args = [interact, "--dir", str(demo), "import", str(ODDITIES), "--preset", "salesforce"]
    refused = subprocess.run(args, capture_output=True, text=True)
    assert refused.returncode == 1 and refused.stdout == "" and "line 10: it has only empty cells" in refused.stderr
    done = subprocess.run([*args, "--skip-bad", "--create-missing", "--default-assignee", "bob"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and len(done.stdout.split()) == 8 and "Traceback" not in done.stderr


def test_an_opportunity_is_named_as_everywhere_and_stored_by_its_id(run, demo, tmp_path):
    """By its id or its name ignoring case and accents (people.names_opportunity); one written
    by hand without an id is referred to by its name's slug, as `--relates opportunity:` does."""
    account = demo / "accounts" / "harbour-foods.yaml"
    account.write_text(account.read_text().split("opportunities:")[0]
                       + "opportunities:\n- {name: Rénovation 2027, value: 5000, stage: open}\n")
    source = tmp_path / "tasks.csv"
    source.write_text("Id,Subject,ActivityDate,Status,What.Name,What.Type\n"
                      "00T1,Pitch,2026-11-03,Completed,RENOVATION 2027,Opportunity\n")
    (rid,) = run.ok("import", str(source), "--preset", "salesforce").stdout.split()
    record = json.loads(run.ok("show", rid, "--format", "json").stdout)
    assert record["relates_to"] == ["opportunity:renovation-2027"] and record["accounts"] == ["harbour-foods"]
