"""What the commands that write share: a note's text, and the user's hooks afterwards.

Kept apart from `common` so that `log` loads neither the query module nor the renderers.
"""

from __future__ import annotations

import sys

import click


def read_text(words, edit: bool, what: str = "note") -> str | None:
    """The note from its words, from stdin when it is '-', or from $EDITOR with --edit."""
    from .. import messages as msg

    text = " ".join(words).strip()
    if text == "-":
        text = _stdin_text().strip()
    if edit:
        try:
            edited = click.edit(text + "\n" if text else f"\n# Write the {what}; lines starting with # are ignored.\n")
        except UnicodeDecodeError as error:
            raise msg.input_not_utf8(f"the {what} from the editor", error.object, error) from None
        if edited is None:
            raise msg.empty_note()
        text = "\n".join(line for line in edited.splitlines() if not line.startswith("#")).strip()
        if not text:
            raise msg.empty_note()
    return text or None


def _stdin_text() -> str:
    """All of stdin as text; bytes that are not UTF-8 are a user error (never guessed at)."""
    from .. import messages as msg

    data = sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise msg.input_not_utf8("stdin", data, error) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")  # as text mode reads line ends


def run_hooks(env, record: dict, *events: str, more=None) -> None:
    """Run the user's own hooks for `events` (never the store's); their output goes to stderr.
    `more()` gives fields to add to the record they read, worked out only when a hook runs."""
    from ..hooks import config_path, fire, load_hooks

    hooks, _, warnings = load_hooks(config_path(env.environ))
    if not warnings and not any(event in hooks for event in events):
        return  # the usual case: no hooks, and no status worked out for them
    from ..cli import say
    from ..query import status

    payload = {**record, "status": status(record, env.now, env.tz), **(more() if more else {})}
    for line in fire(events, payload, env.store.root, env.environ):
        say(line)
