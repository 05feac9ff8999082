"""What many commands share: the --format option, output, notes, and interaction views."""

from __future__ import annotations

import sys

import click

from ..model import INTERACTION_KEYS, shortest_prefixes
from ..query import status
from ..render import FORMATS, View, render

STATUS_COLORS = {"missed": "red", "open": "yellow", "completed": "green"}


def format_option(*formats):
    return click.option("--format", "fmt", type=click.Choice(formats or FORMATS), default="table",
                        show_default=True, help="Output format.")


def emit(fmt: str, view: View) -> None:
    text = render(fmt, view)
    if text:
        click.echo(text, nl=False)


def read_text(words, edit: bool, what: str = "note") -> str | None:
    """The note from its words, from stdin when it is '-', or from $EDITOR with --edit."""
    from .. import messages as msg

    text = " ".join(words).strip()
    if text == "-":
        text = sys.stdin.read().strip()
    if edit:
        edited = click.edit(text + "\n" if text else f"\n# Write the {what}; lines starting with # are ignored.\n")
        if edited is None:
            raise msg.empty_note()
        text = "\n".join(line for line in edited.splitlines() if not line.startswith("#")).strip()
        if not text:
            raise msg.empty_note()
    return text or None


def local_time(value, env) -> str:
    from ..dates import parse_iso

    moment = parse_iso(value)
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(env.tz)
    return moment.strftime("%Y-%m-%d %H:%M")


def with_status(record: dict, env) -> dict:
    """Every field in the record's own order, plus `status`."""
    return {**record, "status": status(record, env.now, env.tz)}


def people_names(record: dict, env) -> str:
    contacts, accounts = env.store.contacts(), env.store.accounts()
    names = [contacts[c].get("name", c) if c in contacts else c for c in record.get("contacts") or []]
    names += [accounts[a].get("name", a) if a in accounts else a for a in record.get("accounts") or []]
    return ", ".join(names) or ("(personal)" if record.get("personal") else "")


def summary(record: dict, width: int = 50) -> str:
    text = record.get("outcome") or record.get("note") or record.get("instructions") or record.get("purpose") or ""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def when_cell(record: dict, env) -> str:
    if record.get("when"):
        return local_time(record["when"], env)
    if record.get("due"):
        return f"due {record['due']}"
    return ""


def interaction_view(records: list[dict], env, all_ids=None) -> View:
    """The records as data (with status) and as a table with the shortest unique id prefixes."""
    data = [with_status(r, env) for r in records]
    prefixes = shortest_prefixes(all_ids if all_ids is not None else [r["id"] for r in records])
    rows = []
    for record in data:
        state = record["status"]
        if env.color:
            state = click.style(state, fg=STATUS_COLORS.get(state))
        rows.append([
            prefixes.get(record["id"], record["id"]), state, when_cell(record, env), record.get("type", ""),
            people_names(record, env), record.get("assignee", ""), summary(record),
        ])
    return View(records=data, headers=["id", "status", "when", "type", "with", "assignee", "about"], rows=rows,
                columns=[*INTERACTION_KEYS, "status"], color=env.color)
