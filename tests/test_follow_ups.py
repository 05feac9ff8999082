"""Follow-ups from anywhere (SPEC §9): log --follow-up, assign --follow-up-of, and the hooks they fire."""

import json

import pytest

from conftest import interaction_files


def shown(run, rid) -> dict:
    return json.loads(run.ok("show", rid, "--format", "json").stdout)


@pytest.fixture
def hook_log(tmp_path, monkeypatch):
    """Hooks that append each event and the JSON they read to a file; returns a reader of (event, record)."""
    home = tmp_path / "config"
    (home / "interact").mkdir(parents=True)
    out = tmp_path / "events.jsonl"
    line = f'python3 -c "import json,sys,os; print(os.environ[\'INTERACT_EVENT\'], json.dumps(json.load(sys.stdin)))" >> {out}'
    (home / "interact" / "config.yaml").write_text(
        "hooks:\n" + "".join(f"  {event}: {json.dumps(line)}\n" for event in ("on_log", "on_assign", "on_complete")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))

    def events():
        if not out.exists():
            return []
        return [(event, json.loads(data)) for event, data in (row.split(" ", 1) for row in out.read_text().splitlines())]

    return events


def test_log_with_a_follow_up_prints_both_ids_and_links_them(run, demo):
    result = run.ok("log", "call", "jane", "Left a message", "--follow-up", "fri at 10",
                    "--follow-up-note", "Try her again", "--follow-up-to", "bob", "--follow-up-type", "visit")
    logged, follow = result.stdout.split()
    record, plan = shown(run, logged), shown(run, follow)
    assert record["status"] == "completed" and record["follow_ups"] == [follow]
    assert plan["status"] == "open" and plan["follow_up_of"] == logged
    assert plan["when"] == "2026-11-27T10:00:00+00:00" and plan["type"] == "visit" and plan["assignee"] == "bob"
    assert plan["instructions"] == "Try her again"
    assert plan["contacts"] == record["contacts"] == ["jane-doe"] and plan["accounts"] == ["acme-ltd"]


def test_a_follow_up_of_a_new_contact_names_the_contact_written(run, demo):
    logged, follow = run.ok("log", "call", "Ada Lovelace", "--new", "--follow-up", "tomorrow").stdout.split()
    assert shown(run, follow)["contacts"] == shown(run, logged)["contacts"] == ["ada-lovelace"]


@pytest.mark.parametrize(("args", "fragment"), [
    (["--follow-up", "fri", "--follow-up-type", "fax"], "'fax' is not a configured type"),
    (["--follow-up", "fri", "--follow-up-to", "mallory"], "'mallory' is not a user"),
    (["--follow-up", "someday"], "could not read the date 'someday'"),
    (["--follow-up-note", "Call again"], "add --follow-up WHEN"),
])
def test_a_bad_follow_up_writes_nothing(run, demo, args, fragment):
    before = interaction_files(demo)
    result = run("log", "call", "jane", "Talked", *args)
    assert result.exit_code == 1 and fragment in result.stderr and result.stdout == ""
    assert interaction_files(demo) == before


def test_complete_takes_a_follow_up_note(run, demo):
    follow = run.ok("complete", "0ac7", "--outcome", "Spoke", "--follow-up", "next week",
                    "--follow-up-note", "Send the brochure").stdout.strip()
    plan = shown(run, follow)
    assert plan["instructions"] == "Send the brochure" and plan["when"] == "2026-11-30T09:00:00+00:00"
    assert plan["follow_up_of"] == "0ac7hfxanw"


def test_assign_follow_up_of_links_a_plan_to_an_earlier_interaction(run, demo):
    rid = run.ok("assign", "call", "jane", "Send the contract", "--follow-up-of", "jpbq").stdout.strip()
    assert shown(run, rid)["follow_up_of"] == "jpbqnw99gr"
    assert rid in shown(run, "jpbq")["follow_ups"]
    before = interaction_files(demo)
    result = run("assign", "call", "jane", "--follow-up-of", "zzzz")
    assert result.exit_code == 1 and "no interaction has an id starting with 'zzzz'" in result.stderr
    assert interaction_files(demo) == before


def test_every_follow_up_fires_on_assign_and_on_complete_lists_them(run, demo, hook_log):
    logged, follow = run.ok("log", "call", "jane", "--follow-up", "tomorrow").stdout.split()
    assert [(event, data["id"]) for event, data in hook_log()] == [("on_log", logged), ("on_assign", follow)]
    assert hook_log()[1][1]["follow_up_of"] == logged and hook_log()[1][1]["status"] == "open"

    later = run.ok("assign", "call", "jane", "--follow-up-of", follow).stdout.strip()  # another one, made before
    second = run.ok("complete", follow, "--outcome", "Spoke", "--follow-up", "fri").stdout.strip()
    events = hook_log()[3:]
    assert [(event, data["id"]) for event, data in events] == [("on_complete", follow), ("on_assign", second)]
    assert sorted(events[0][1]["follow_ups"]) == sorted([later, second])
    run.ok("complete", later, "--outcome", "Done")
    assert hook_log()[-1][1]["follow_ups"] == []
