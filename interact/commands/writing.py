"""What the commands that write share: a note's text, and the user's hooks afterwards.

Kept apart from `common` so that `log` loads neither the query module nor the renderers.
"""

from __future__ import annotations

import sys

import click


def read_text(words, edit: bool, what: str = "note") -> str | None:
    """The note from its words, from stdin when it is '-', or from $EDITOR with --edit."""
    from .. import messages as msg
    from ..text import one_kind_of_line_break, utf8_text

    text = " ".join(words).strip()
    if text == "-":
        text = one_kind_of_line_break(utf8_text(sys.stdin.buffer.read(), "stdin")).strip()
    if edit:
        try:
            edited = click.edit(text + "\n" if text else msg.editor_prompt(what))
        except UnicodeDecodeError as error:
            raise msg.editor_not_utf8(what, error.object, error) from None
        if edited is None:
            raise msg.empty_note()
        text = "\n".join(line for line in edited.splitlines() if not line.startswith("#")).strip()
        if not text:
            raise msg.empty_note()
    return text or None


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
