"""Hooks: commands from the user's own configuration, run on events (SPEC §5).

They are read only from `$XDG_CONFIG_HOME/interact/config.yaml` (default
~/.config/interact/config.yaml), never from the store's shared interact.yaml: a store
pulled from a teammate must not run commands on your machine, as git never runs hooks
that come in a clone.

    hooks:
      on_complete: notify-send "interact" "completed $INTERACT_ID"
      on_log: cat >> ~/interact-log.jsonl
    hook_timeout: 30            # seconds, for each hook (default 30)

A hook gets the record as JSON on one line on stdin, runs in a shell in the store's folder,
and has $INTERACT_EVENT and $INTERACT_ID set (and $INTERACT_NOTIFY, the users to tell,
for on_notify). It runs after the record is written: a hook that fails (exit status,
missing command, time-out) gives a warning, never an error, and loses nothing.

A hook can neither kill nor hang interact (SPEC §7): one that exits early or never reads
its stdin makes no SIGPIPE (exit 141) and the next hook still runs; its output goes to a
file, not a pipe, so a background child holding it keeps nobody waiting; and its whole
process group (a session of its own), background children included, is killed once its
time is up. interact waits for those children until then (as the reaper of its orphans,
on Linux), so none outlives the timeout; one that must, detaches itself (setsid).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from . import messages as msg

EVENTS = ("on_log", "on_assign", "on_complete", "on_notify")
TIMEOUT = 30  # seconds
MAX_TIMEOUT = 3600


def config_path(environ: Mapping[str, str]) -> Path:
    """$XDG_CONFIG_HOME/interact/config.yaml, default ~/.config/interact/config.yaml."""
    base = environ.get("XDG_CONFIG_HOME") or str(Path(environ.get("HOME") or Path.home()) / ".config")
    return Path(base) / "interact" / "config.yaml"


def load_hooks(path: Path) -> tuple[dict[str, str], float, list[str]]:
    """The configured hooks by event, their timeout, and warnings about what could not be used."""
    from .model import load_data  # as records are read: no anchors, aliases (billion laughs) or tags

    try:
        data = load_data(path.read_bytes())
    except FileNotFoundError:
        return {}, TIMEOUT, []
    except (OSError, ValueError) as error:
        return {}, TIMEOUT, [msg.hooks_unreadable(path, error)]
    hooks = data.get("hooks") if isinstance(data, dict) else None
    if hooks is None:
        return {}, TIMEOUT, []
    if not isinstance(hooks, dict):
        return {}, TIMEOUT, [msg.hooks_not_a_mapping(path, EVENTS)]
    timeout, warnings = _timeout(data.get("hook_timeout"), path)
    usable = {}
    for event, command in hooks.items():
        if event not in EVENTS:
            warnings.append(msg.not_a_hook_event(path, event, EVENTS))
        elif isinstance(command, str) and command.strip():
            usable[event] = command
        elif command is not None:
            warnings.append(msg.hook_not_a_command(path, event))
    return usable, timeout, warnings


def _timeout(value, path: Path) -> tuple[float, list[str]]:
    """`hook_timeout` in seconds (default TIMEOUT), and a warning when it is not a fit number."""
    if value is None:
        return TIMEOUT, []
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= MAX_TIMEOUT:
        return float(value), []
    return TIMEOUT, [msg.bad_hook_timeout(path, value, MAX_TIMEOUT, TIMEOUT)]


def run(event: str, command: str, payload: dict, cwd: Path, environ: Mapping[str, str],
        extra_env: Mapping[str, str] = {}, timeout: float = TIMEOUT) -> tuple[str, str | None]:
    """Run one hook with `payload` as JSON on stdin: (its output, a warning or None)."""
    import json
    import subprocess  # here: most runs have no hook to run
    import tempfile
    import time

    data = (json.dumps(payload, ensure_ascii=False) + "\n").encode()
    env = {**environ, "INTERACT_EVENT": event, "INTERACT_ID": str(payload.get("id", "")), **extra_env}
    deadline = time.monotonic() + timeout
    with tempfile.TemporaryFile() as output, no_sigpipe(), _reaping_orphans() as reaping:
        try:
            # its own session (and so process group): a time-out stops all the shell started
            process = subprocess.Popen(command, shell=True, cwd=cwd, env=env, stdin=subprocess.PIPE,
                                       stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as error:
            return "", msg.hook_did_not_run(event, error)
        try:
            process.communicate(data, timeout=timeout)  # a hook that never reads: EPIPE, ignored
            finished = not reaping or _children_end(process.pid, deadline)
        except subprocess.TimeoutExpired:
            finished = False
        if not finished:
            _kill_group(process.pid, reaping)
            process.wait()
        if process.stdin:  # left open when its time ran out before it took all of its input
            process.stdin.close()
        output.seek(0)
        text = output.read().decode(errors="replace")
    if not finished:
        return text, msg.hook_stopped(event, timeout)
    if process.returncode != 0:
        return text, msg.hook_failed(event, process.returncode, command)
    return text, None


class no_sigpipe:
    """Writing to a pipe whose reader is gone (a hook that closed its stdin, a `pack` worker
    that failed) is an EPIPE error (which communicate() ignores), not the SIGPIPE that
    cli.main lets end interact quietly under `| head`."""

    def __enter__(self):
        import signal

        try:
            self.previous = signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        except ValueError:  # not the main thread: signals are not ours to set, nor SIGPIPE's
            self.previous = None
        return self

    def __exit__(self, *exc):
        import signal

        if self.previous is not None:
            signal.signal(signal.SIGPIPE, self.previous)


_PR_SET_CHILD_SUBREAPER = 36


class _reaping_orphans:
    """While a hook runs, be the reaper of its orphans (Linux's child subreaper): the children
    a hook leaves behind become ours to wait for and to reap, as zombies too (where the
    machine's init reaps none, a zombie would look alive to kill(0) until the timeout).
    True inside when it could be set up."""

    def __enter__(self) -> bool:
        self.on = _subreaper(1)
        return self.on

    def __exit__(self, *exc):
        if self.on:
            _subreaper(0)


def _subreaper(on: int) -> bool:
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, on, 0, 0, 0) == 0
    except (OSError, AttributeError):  # no prctl: not Linux
        return False


def _children_end(group: int, deadline: float) -> bool:
    """Wait (until `deadline`) for the children the hook left in its process group, reaping
    them; whether none is left."""
    import time

    pause = 0.001
    while True:
        try:
            pid, _ = os.waitpid(-group, os.WNOHANG)
        except ChildProcessError:  # none left in the group
            return True
        if pid:
            continue  # one ended; look again at once
        if time.monotonic() >= deadline:
            return False
        time.sleep(min(pause, max(deadline - time.monotonic(), 0)))
        pause = min(pause * 2, 0.05)


def _kill_group(group: int, reaping: bool) -> None:
    """Kill the hook's process group, and reap what of it is ours to reap."""
    import signal

    try:
        os.killpg(group, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # gone already
        return
    while reaping:
        try:
            if os.waitpid(-group, 0)[0] == 0:
                break
        except ChildProcessError:
            break


def fire(events, record: dict, cwd: Path, environ: Mapping[str, str]) -> list[str]:
    """Run the user's hooks for `events`, in order: their output and warnings, as lines for stderr."""
    hooks, timeout, lines = load_hooks(config_path(environ))
    for event in events:
        command = hooks.get(event)
        if command is None:
            continue
        extra = {"INTERACT_NOTIFY": " ".join(record.get("notify") or [])} if event == "on_notify" else {}
        output, warning = run(event, command, record, cwd, environ, extra, timeout)
        lines += output.splitlines()
        if warning:
            lines.append(warning)
    return lines
