"""Hooks from the user's own configuration: they run after the record is written, and never fail a command."""

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from interact import hooks

from conftest import INTERACT, NOW, REPO, interaction_files


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


# --- hooks cannot kill or hang interact (SPEC §7) ----------------------------------------

needs_interact = pytest.mark.skipif(not INTERACT.exists(), reason=f"{INTERACT} is not installed")
BIG_NOTE = "A note longer than a pipe holds. " * 40_000  # ~1.3 MB: a hook that never reads makes EPIPE sure


def interact(store, *args, config: Path, stdin: str = "", extra_env=None, timeout=60):
    """The installed interact (cli.main: SIGPIPE at its default, as in a shell), with hooks from `config`."""
    env = {**os.environ, "INTERACT_NOW": NOW, "TZ": "Europe/London", "INTERACT_USER": "alice",
           "XDG_CONFIG_HOME": str(config), **(extra_env or {})}
    began = time.monotonic()
    result = subprocess.run([str(INTERACT), "--dir", str(store), *args], input=stdin, capture_output=True,
                            text=True, env=env, timeout=timeout)
    return result, time.monotonic() - began


def write_config(home: Path, text: str) -> Path:
    (home / "interact").mkdir(parents=True, exist_ok=True)
    (home / "interact" / "config.yaml").write_text(text)
    return home


@needs_interact
@pytest.mark.parametrize("first", ["exit 0", "exec 0<&-; sleep 0.2", "true"], ids=["exits", "closes-stdin", "true"])
def test_a_hook_that_never_reads_neither_kills_interact_nor_stops_the_next(demo, tmp_path, first):
    marker = tmp_path / "notified"
    home = write_config(tmp_path / "config", f"hooks:\n  on_complete: {json.dumps(first)}\n"
                                             f"  on_notify: cat > {marker}\n")
    result, _ = interact(demo, "assign", "call", "jane", "--to", "bob", "--notify", "-", config=home, stdin=BIG_NOTE)
    rid = result.stdout.strip()
    result, _ = interact(demo, "complete", rid, "--outcome", "Done", config=home, extra_env={"INTERACT_USER": "bob"})
    assert result.returncode == 0, (result.returncode, result.stderr)  # never 141 (SIGPIPE)
    assert "Traceback" not in result.stderr
    assert json.loads(marker.read_text())["id"] == rid  # the next hook got the whole record


@needs_interact
def test_a_hook_with_a_background_child_is_stopped_with_it_at_its_timeout(demo, tmp_path):
    pids = tmp_path / "pids"
    home = write_config(tmp_path / "config", f"hooks:\n  on_log: 'sleep 1000 & echo $! > {pids}; echo started'\n"
                                             "hook_timeout: 1\n")
    result, took = interact(demo, "log", "call", "jane", "-", config=home, stdin=BIG_NOTE)
    assert result.returncode == 0 and len(result.stdout.strip()) == 10
    assert "started" in result.stderr and "warning: hook on_log was stopped after 1 s" in result.stderr
    assert 1 <= took < 6  # the timeout, not the child's 1000 s
    child = int(pids.read_text())
    with pytest.raises(ProcessLookupError):  # killed and reaped: not even a zombie
        os.kill(child, 0)


@needs_interact
def test_a_hook_that_overruns_is_killed_with_its_whole_group(demo, tmp_path):
    pids = tmp_path / "pids"
    home = write_config(tmp_path / "config", f"hooks:\n  on_log: '(sleep 1000 & echo $! > {pids}; wait) & wait'\n"
                                             "hook_timeout: 0.5\n")
    result, took = interact(demo, "log", "call", "jane", config=home)
    assert result.returncode == 0 and "stopped after 0.5 s" in result.stderr
    assert took < 5
    with pytest.raises(ProcessLookupError):
        os.kill(int(pids.read_text()), 0)


@needs_interact
def test_a_short_background_child_is_waited_for_and_a_detached_one_keeps_nobody_waiting(demo, tmp_path):
    late, pids = tmp_path / "late", tmp_path / "pids"
    home = write_config(tmp_path / "config", "hooks:\n"
                        f"  on_log: '(sleep 0.3; echo late > {late}) & setsid sleep 1000 > /dev/null & "
                        f"echo $! > {pids}'\nhook_timeout: 10\n")
    try:
        result, took = interact(demo, "log", "call", "jane", config=home)
        assert result.returncode == 0 and "warning" not in result.stderr
        assert late.read_text() == "late\n"  # its group's children ended before interact did
        assert took < 5  # the detached one (a session of its own) was not waited for
    finally:
        if pids.exists():
            subprocess.run(["pkill", "-P", pids.read_text().strip()], check=False)
            try:
                os.kill(int(pids.read_text()), 9)
            except ProcessLookupError:
                pass


def test_a_bad_hook_timeout_warns_and_the_default_is_used(tmp_path):
    for value, warned in (("2.5", False), ("0", True), ("-1", True), ("soon", True), ("true", True),
                          ("99999", True)):
        path = tmp_path / f"config-{value}.yaml"
        path.write_text(f"hooks:\n  on_log: cat\nhook_timeout: {value}\n")
        hooks_found, timeout, warnings = hooks.load_hooks(path)
        assert hooks_found == {"on_log": "cat"}
        assert (timeout, bool(warnings)) == ((hooks.TIMEOUT, True) if warned else (2.5, False)), value


@needs_interact
def test_the_readme_hooks_work_as_written(demo, tmp_path):
    """The README's hooks block, as it is: notify-send (which never reads its stdin), a log of
    JSON lines, a missing script (a warning), and mail."""
    block = (REPO / "README.md").read_text().split("## Hooks", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    home = write_config(tmp_path / "config", block)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "notify-send").write_text(f"#!/bin/sh\necho \"$@\" >> {tmp_path}/notified\n")  # never reads stdin
    (bin_dir / "mail").write_text(f"#!/bin/sh\ncat >> {tmp_path}/mailed\n")
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    env = {"HOME": str(tmp_path), "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    logged = [interact(demo, "log", "call", "jane", "-", config=home, stdin=BIG_NOTE, extra_env=env)[0]
              for _ in range(2)]
    assigned, _ = interact(demo, "assign", "call", "jane", "--to", "bob", "--notify", "-", config=home,
                           stdin=BIG_NOTE, extra_env=env)
    done, _ = interact(demo, "complete", assigned.stdout.strip(), "--outcome", "Done", config=home,
                       extra_env={**env, "INTERACT_USER": "bob"})
    for result in (*logged, assigned, done):
        assert result.returncode == 0, result.stderr
    assert all("warning" not in r.stderr for r in logged), logged[0].stderr
    lines = (tmp_path / "interact-log.jsonl").read_text().splitlines()  # JSON Lines: one record a line
    assert [json.loads(line)["id"] for line in lines] == [r.stdout.strip() for r in logged]
    assert (tmp_path / "notified").read_text() == f"interact assigned {assigned.stdout.strip()}\n"
    assert "hook on_complete failed (exit status 127)" in done.stderr  # ./scripts/sync-crm.sh is not there
    assert json.loads((tmp_path / "mailed").read_text())["outcome"] == "Done"
