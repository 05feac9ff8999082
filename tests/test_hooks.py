"""Hooks from the user's own configuration: they run after the record is written, and never fail a command."""

import json

import pytest

from interact import hooks

from conftest import interaction_files


@pytest.fixture
def config_home(tmp_path, monkeypatch):
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))

    def configure(**commands):
        (home / "interact").mkdir(parents=True, exist_ok=True)
        lines = "".join(f"  {event}: {json.dumps(command)}\n" for event, command in commands.items())
        (home / "interact" / "config.yaml").write_text(f"hooks:\n{lines}")

    return configure


def test_on_log_gets_the_record_as_json_in_the_store(run, demo, tmp_path, config_home):
    out = tmp_path / "hook.json"
    config_home(on_log=f'cat > {out}; echo "$INTERACT_EVENT $INTERACT_ID $(pwd)" >> {out}.env')
    rid = run.ok("log", "call", "jane", "Talked").stdout.strip()
    record = json.loads(out.read_text())
    assert record["id"] == rid and record["note"] == "Talked" and record["status"] == "completed"
    assert (tmp_path / "hook.json.env").read_text().strip() == f"on_log {rid} {demo}"


def test_on_complete_and_on_notify(run, tmp_path, config_home):
    out = tmp_path / "events"
    config_home(on_complete=f"echo complete >> {out}", on_notify=f'echo "notify $INTERACT_NOTIFY" >> {out}',
                on_assign=f"echo assign >> {out}")
    rid = run.ok("assign", "call", "jane", "--to", "bob", "--notify").stdout.strip()
    run.ok("complete", rid, "--outcome", "Done", env={"INTERACT_USER": "bob"})
    run.ok("complete", "0ac7", "--outcome", "Done")  # nobody to notify
    assert out.read_text().splitlines() == ["assign", "complete", "notify alice", "complete"]


def test_a_failing_hook_warns_and_keeps_the_record(run, demo, config_home):
    config_home(on_log="echo from the hook; exit 3")
    result = run.ok("log", "call", "jane", "Talked")
    rid = result.stdout.strip()
    assert len(rid) == 10  # stdout holds the id only: hook output goes to stderr
    assert "from the hook" in result.stderr and "hook on_log failed (exit status 3)" in result.stderr
    assert rid in interaction_files(demo)


def test_a_missing_command_and_a_broken_config_warn(run, config_home, tmp_path):
    config_home(on_log="no-such-command-anywhere")
    assert "hook on_log failed (exit status 127)" in run.ok("log", "call", "jane").stderr
    (tmp_path / "config" / "interact" / "config.yaml").write_text("hooks: [unclosed\n")
    assert "hooks not run" in run.ok("log", "call", "jane").stderr


def test_a_hook_that_takes_too_long_is_stopped(tmp_path):
    output, warning = hooks.run("on_log", "echo started; sleep 30", {"id": "x"}, tmp_path, {"PATH": "/usr/bin:/bin"},
                                timeout=0.3)
    assert output == "started\n" and "stopped after 0.3 s" in warning


def test_hooks_in_the_shared_store_config_never_run(run, demo, tmp_path):
    marker = tmp_path / "pwned"
    config = demo / "interact.yaml"
    config.write_text(config.read_text() + f"hooks: {{on_log: 'touch {marker}', on_complete: 'touch {marker}'}}\n")
    rid = run.ok("log", "call", "jane").stdout.strip()
    run.ok("complete", "0ac7", "--outcome", "Done")
    assert rid and not marker.exists()


def test_config_path():
    assert str(hooks.config_path({"XDG_CONFIG_HOME": "/x"})) == "/x/interact/config.yaml"
    assert str(hooks.config_path({"HOME": "/home/a"})) == "/home/a/.config/interact/config.yaml"
