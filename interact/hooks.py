"""Hooks: commands from the user's own configuration, run on events (SPEC §5).

They are read only from `$XDG_CONFIG_HOME/interact/config.yaml` (default
~/.config/interact/config.yaml), never from the store's shared interact.yaml: a store
pulled from a teammate must not run commands on your machine, as git never runs hooks
that come in a clone.

    hooks:
      on_complete: notify-send "interact" "completed $INTERACT_ID"
      on_log: cat >> ~/interact-log.jsonl

A hook gets the record as JSON on stdin, runs in a shell in the store's folder, and
has $INTERACT_EVENT and $INTERACT_ID set (and $INTERACT_NOTIFY, the users to tell,
for on_notify). It runs after the record is written: a hook that fails (exit status,
missing command, time-out) gives a warning, never an error, and loses nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

EVENTS = ("on_log", "on_assign", "on_complete", "on_notify")
TIMEOUT = 30  # seconds


def config_path(environ: Mapping[str, str]) -> Path:
    """$XDG_CONFIG_HOME/interact/config.yaml, default ~/.config/interact/config.yaml."""
    base = environ.get("XDG_CONFIG_HOME") or str(Path(environ.get("HOME") or Path.home()) / ".config")
    return Path(base) / "interact" / "config.yaml"


def load_hooks(path: Path) -> tuple[dict[str, str], list[str]]:
    """The configured hooks by event, and warnings about what could not be used."""
    from .model import load_data  # as records are read: no anchors, aliases (billion laughs) or tags

    try:
        data = load_data(path.read_bytes())
    except FileNotFoundError:
        return {}, []
    except (OSError, ValueError) as error:
        return {}, [f"warning: hooks not run: cannot read {path}: {str(error).splitlines()[0]}"]
    hooks = data.get("hooks") if isinstance(data, dict) else None
    if hooks is None:
        return {}, []
    if not isinstance(hooks, dict):
        return {}, [f"warning: hooks not run: 'hooks' in {path} should map events ({', '.join(EVENTS)}) to commands"]
    usable, warnings = {}, []
    for event, command in hooks.items():
        if event not in EVENTS:
            warnings.append(f"warning: {path}: '{event}' is not a hook event; use one of {', '.join(EVENTS)}")
        elif isinstance(command, str) and command.strip():
            usable[event] = command
        elif command is not None:
            warnings.append(f"warning: {path}: hook {event} should be a command (text)")
    return usable, warnings


def run(event: str, command: str, payload: dict, cwd: Path, environ: Mapping[str, str],
        extra_env: Mapping[str, str] = {}, timeout: float = TIMEOUT) -> tuple[str, str | None]:
    """Run one hook with `payload` as JSON on stdin: (its output, a warning or None)."""
    import json
    import signal
    import subprocess  # here: most runs have no hook to run

    data = (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode()
    env = {**environ, "INTERACT_EVENT": event, "INTERACT_ID": str(payload.get("id", "")), **extra_env}
    try:
        # its own session, so that a time-out stops everything the shell started
        process = subprocess.Popen(command, shell=True, cwd=cwd, env=env, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as error:
        return "", f"warning: hook {event} did not run: {error.strerror or error}"
    try:
        output, _ = process.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return output.decode(errors="replace"), f"warning: hook {event} was stopped after {timeout:g} s"
    text = output.decode(errors="replace")
    if process.returncode != 0:
        return text, f"warning: hook {event} failed (exit status {process.returncode}): {command}"
    return text, None


def fire(events, record: dict, cwd: Path, environ: Mapping[str, str], timeout: float = TIMEOUT) -> list[str]:
    """Run the user's hooks for `events`, in order: their output and warnings, as lines for stderr."""
    hooks, lines = load_hooks(config_path(environ))
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
