"""log: recording what happened."""

from interact.model import load

from conftest import interaction_files


def test_log_prints_id_and_writes_a_completed_record(run, demo):
    result = run.ok("log", "call", "Jane Doe", "Talked", "about", "renewal", "--outcome", "Quote sent")
    rid = result.stdout.strip()
    assert len(rid) == 10
    path = demo / "interactions" / "2026" / "11" / f"{rid}.yaml"
    record = load(path.read_bytes())
    assert record["note"] == "Talked about renewal"
    assert record["contacts"] == ["jane-doe"]
    assert record["accounts"] == ["acme-ltd"]
    assert record["completed_at"] == record["when"] == "2026-11-25T10:00:00+00:00"
    assert record["assignee"] == record["created_by"] == record["completed_by"] == "alice"


def test_unknown_person_writes_nothing(run, demo):
    before = interaction_files(demo)
    result = run("log", "call", "Nobody Atall")
    assert result.exit_code == 1
    assert "interact contact add" in result.stderr
    assert interaction_files(demo) == before
