"""export and import: round trips, iCalendar, CRM exports (the Salesforce preset), idempotence."""

import json
import shutil
from pathlib import Path

import pytest

from interact.crm import column_mapping
from interact.model import derived_id, load

from conftest import Run, interaction_files

DATA = Path(__file__).parent / "data"
SALESFORCE = DATA / "salesforce_tasks.csv"


def _store_like(source: Path, target: Path) -> Path:
    """A store with the same configuration, contacts and accounts as `source`, and no interactions."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("interactions", ".cache"))
    return target


def _enrich(run):
    """Records the demo store lacks: posts, a multi-line note, tags with odd characters, an unknown key."""
    rid = run.ok("log", "meeting", "Jane Doe", "-", "--tag", "q4", "--tag", "board, minutes",
                 input="Line one, with a comma\nLine two; with \"quotes\"\n").stdout.strip()
    run.ok("comment", rid, "Sent the minutes")
    path = next(run.store.glob(f"interactions/*/*/{rid}.yaml"))
    path.write_text(path.read_text() + "source: hand-made\n")
    return rid


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_gives_the_same_files(run, demo, tmp_path, fmt):
    _enrich(run)
    exported = tmp_path / f"all.{fmt}"
    exported.write_bytes(run.ok("export", "--format", fmt).stdout_bytes)
    copy = Run(_store_like(demo, tmp_path / "copy"))
    result = copy.ok("import", str(exported))
    assert len(result.stdout.split()) == 15
    assert interaction_files(copy.store) == interaction_files(demo)
    again = copy.ok("import", str(exported))
    assert again.stdout == ""
    assert "imported 0 interactions; 15 already in the store" in again.stderr


def test_export_json_and_csv_carry_every_field_and_status(run):
    records = json.loads(run.ok("export").stdout)
    assert len(records) == 14
    assert {r["status"] for r in records} == {"open", "missed", "completed"}
    first = records[0]
    assert first["id"] == "h8v86t18wf" and first["ratings"] == {"interest": 4, "likelihood": 3}
    header = run.ok("export", "--format", "csv").stdout.splitlines()[0].split(",")
    assert header[0] == "id" and header[-1] == "status" and "relates_to" in header


def test_export_filters(run):
    missed = json.loads(run.ok("export", "--status", "missed").stdout)
    assert missed and {r["status"] for r in missed} == {"missed"}
    window = json.loads(run.ok("export", "--from", "2026-11-09", "--until", "2026-11-12").stdout)
    assert [r["id"] for r in window] == ["s5zg79vyq8", "jpbqnw99gr"]
    with_raj = json.loads(run.ok("export", "--contact", "raj", "--type", "meeting").stdout)
    assert [r["id"] for r in with_raj] == ["xbg987zqv0"]


def test_import_refuses_unknown_people_unless_create_missing(run, demo, tmp_path):
    exported = tmp_path / "all.json"
    exported.write_bytes(run.ok("export").stdout_bytes)
    empty = Run(_store_like(demo, tmp_path / "bare"))
    shutil.rmtree(empty.store / "contacts")
    result = empty("import", str(exported))
    assert result.exit_code == 1
    assert "--create-missing" in result.stderr and "contact 'jane-doe' (record 1)" in result.stderr
    assert interaction_files(empty.store) == {}
    empty.ok("import", str(exported), "--create-missing")
    assert load((empty.store / "contacts" / "jane-doe.yaml").read_bytes())["name"] == "Jane Doe"
    assert interaction_files(empty.store) == interaction_files(demo)


def test_bad_rows_are_listed_and_nothing_is_written(run_empty, tmp_path):
    source = tmp_path / "mixed.csv"
    source.write_text("id,type,when,note\n"
                      ",call,2026-11-02T09:00:00+00:00,fine\n"
                      ",fax,2026-11-02T10:00:00+00:00,unknown type\n"
                      ",call,yesterday-ish,bad time\n")
    result = run_empty("import", str(source))
    assert result.exit_code == 1
    assert "2 rows cannot be imported" in result.stderr
    assert "line 3: type 'fax' is not one of the configured types" in result.stderr
    assert "line 4: 'when' should be a time" in result.stderr
    assert interaction_files(run_empty.store) == {}
    dry = run_empty.ok("import", str(source), "--skip-bad", "--dry-run")
    assert "would import 1 interaction" in dry.stderr and interaction_files(run_empty.store) == {}
    done = run_empty.ok("import", str(source), "--skip-bad")
    assert "warning: skipped line 3" in done.stderr
    (rid,) = done.stdout.split()
    assert rid == done.stdout.strip() and list(interaction_files(run_empty.store)) == [rid]


def test_an_id_already_there_with_other_content_is_kept_and_reported(run, demo, tmp_path):
    records = json.loads(run.ok("export").stdout)
    records[0]["note"] = "changed elsewhere"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(records))
    before = interaction_files(demo)
    result = run.ok("import", str(changed))
    assert "h8v86t18wf (record 1) is already in the store with other content" in result.stderr
    assert "13 already in the store; 1 already in the store with other content (kept)" in result.stderr
    assert interaction_files(demo) == before


def test_salesforce_preset(run, demo):
    owners = run("import", str(SALESFORCE), "--preset", "salesforce", "--create-missing")
    assert owners.exit_code == 1 and "line 2: its owner '0055g00000XyZ1AAA' is none of the store's users" in owners.stderr
    refused = run("import", str(SALESFORCE), "--preset", "salesforce", "--default-assignee", "alice")
    assert refused.exit_code == 1
    assert "contact 'Chris Lee' (line 5)" in refused.stderr and "account 'Fenwick Bikes' (line 5)" in refused.stderr
    sf = ["--preset", "salesforce", "--default-assignee", "alice"]
    dry = run.ok("import", str(SALESFORCE), *sf, "--create-missing", "--dry-run")
    assert "would create contact chris-lee (Chris Lee)" in dry.stderr
    assert not (demo / "contacts" / "chris-lee.yaml").exists()
    result = run.ok("import", str(SALESFORCE), *sf, "--create-missing")
    ids = result.stdout.split()
    assert ids[0] == derived_id("import:id:00T5g00000AbCd1EAA")
    records = {r["id"]: r for r in json.loads(run.ok("export").stdout)}
    call = records[ids[0]]
    assert call["type"] == "call" and call["status"] == "completed"
    assert call["when"] == call["completed_at"] == "2026-11-03T09:00:00+00:00"
    assert call["contacts"] == ["jane-doe"] and call["accounts"] == ["acme-ltd"]
    assert call["note"] == "Call: renewal pricing\nDiscussed multi-year pricing, sending a quote"
    assert call["outcome"] == "Connected - quote requested" and call["created_by"] == "import"
    meeting = records[ids[2]]
    assert meeting["type"] == "meeting" and meeting["due"] == "2026-12-02" and "when" not in meeting
    assert meeting["status"] == "open"
    assert records[ids[4]]["type"] == "call"  # no Type: the first configured type
    contact = load((demo / "contacts" / "chris-lee.yaml").read_bytes())
    assert contact["name"] == "Chris Lee" and contact["accounts"] == ["fenwick-bikes"]
    before = interaction_files(demo)
    again = run.ok("import", str(SALESFORCE), *sf, "--create-missing")
    assert again.stdout == "" and interaction_files(demo) == before


def test_custom_map_without_ids_is_idempotent_and_refuses_unknown_types(run, demo, tmp_path):
    source = tmp_path / "activities.csv"
    source.write_text("Contact,Date,What,Kind\n"
                      "raj-patel,2026-11-20 14:30,Asked about scholarships,Visit\n"
                      "Maria Garcia,2026-11-21,Called back,Fax\n")
    maps = ["--map", "Contact=contact", "--map", "Date=when", "--map", "What=note", "--map", "Kind=type"]
    result = run("import", str(source), *maps)
    assert result.exit_code == 1
    assert "line 3: type 'Fax' is not configured" in result.stderr and "interact types add fax" in result.stderr
    run.ok("types", "add", "fax")
    first = run.ok("import", str(source), *maps).stdout.split()
    assert len(first) == 2
    assert run.ok("import", str(source), *maps).stdout == ""
    visit = json.loads(run.ok("show", first[0], "--format", "json").stdout)
    assert visit["when"] == "2026-11-20T14:30:00+00:00" and visit["status"] == "missed"


def test_map_errors(run, tmp_path):
    source = tmp_path / "a.csv"
    source.write_text("Subject,Date\nhello,2026-11-20\n")
    missing = run("import", str(source), "--map", "Nope=note")
    assert missing.exit_code == 1 and "no column 'Nope'" in missing.stderr
    target = run("import", str(source), "--map", "Subject=subject")
    assert target.exit_code == 1 and "'subject' is not a field" in target.stderr
    unknown = run("import", str(source), "--preset", "salesforce", "--map", "Subject=")
    assert unknown.exit_code == 1 and "no column of the file is mapped" in unknown.stderr


def test_import_needs_a_known_format(run, tmp_path):
    source = tmp_path / "data.txt"
    source.write_text("[]")
    result = run("import", str(source))
    assert result.exit_code == 1 and "--format csv or --format json" in result.stderr
    assert run.ok("import", str(source), "--format", "json").stderr.startswith("imported 0 interactions")


def test_column_mapping_matches_case_insensitively_and_map_wins():
    columns = ["ID", "SUBJECT", "ACTIVITYDATE", "Notes"]
    assert column_mapping(columns, "salesforce", {"Notes": "note", "subject": ""}) == [
        ("ID", "id"), ("ACTIVITYDATE", "when"), ("Notes", "note")]


def test_real_processes_export_ics_bytes_and_import_from_stdin(run, demo, tmp_path):
    import subprocess
    import sys

    interact = [sys.executable, "-m", "interact", "--dir"]
    ics = subprocess.run([*interact, str(demo), "export", "--format", "ics"], capture_output=True, check=True)
    assert ics.stdout == run.ok("export", "--format", "ics").stdout_bytes and b"\r\n" in ics.stdout
    copy = _store_like(demo, tmp_path / "copy")
    exported = run.ok("export", "--format", "csv").stdout_bytes
    done = subprocess.run([*interact, str(copy), "import", "-", "--format", "csv"], input=exported,
                          capture_output=True, check=True)
    assert len(done.stdout.split()) == 14 and done.stderr == b"imported 14 interactions\n"
    assert interaction_files(copy) == interaction_files(demo)
    no_format = subprocess.run([*interact, str(copy), "import", "-"], input=exported, capture_output=True)
    assert no_format.returncode == 1 and b"--format csv or --format json" in no_format.stderr
