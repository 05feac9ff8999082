"""Shell completion (bash, zsh, fish through click): people, accounts, ids, types, users.

Completers are attached by what a parameter is called on the command line (`--with`,
`--account`, `--type`, an argument shown as ID, TYPE, WHO or REF), so every command
gets them, also those added later. They are attached only while the shell asks for
completions (click's resilient parsing), so ordinary runs pay nothing. A completer
never raises: no store, or an unreadable one, gives no candidates.

    eval "$(_INTERACT_COMPLETE=bash_source interact)"      # ~/.bashrc
    eval "$(_INTERACT_COMPLETE=zsh_source interact)"       # ~/.zshrc
    _INTERACT_COMPLETE=fish_source interact | source       # ~/.config/fish/config.fish
"""

from __future__ import annotations

import click
from click.shell_completion import CompletionItem


def _env(ctx: click.Context):
    from ..cli import Env

    root = ctx.find_root()
    return Env(root.params.get("dir_option"), root.params.get("as_user"))


def _named(pool: dict, incomplete: str) -> list[CompletionItem]:
    """Records whose id starts with, or whose name holds, what was typed (ignoring case and
    accents, as references match): their ids (names as help)."""
    from ..model import fold

    folded = fold(incomplete)
    return [CompletionItem(rid, help=record.get("name"))
            for rid, record in sorted(pool.items())
            if rid.startswith(incomplete) or folded in fold(record.get("name", ""))]


def contacts(store, incomplete):
    return _named(store.contacts(), incomplete)


def accounts(store, incomplete):
    return _named(store.accounts(), incomplete)


def people(store, incomplete):
    return contacts(store, incomplete) + accounts(store, incomplete)


def interaction_ids(store, incomplete):
    prefix = incomplete.strip().lower()
    return [CompletionItem(rid) for rid in store.interaction_ids() if rid.startswith(prefix)]


def types(store, incomplete):
    return [CompletionItem(name) for name in store.config.types if name.startswith(incomplete)]


def users(store, incomplete):
    return [CompletionItem(name) for name in store.config.users if name.startswith(incomplete)]


OPTIONS = {
    "--with": people, "--contact": contacts, "--default-contact": contacts, "--account": accounts,
    "--type": types, "--follow-up-type": types, "--to": users, "--follow-up-to": users,
    "--follow-up-of": interaction_ids,
}
ARGUMENTS = {"ID": interaction_ids, "TYPE": types, "OLD": types, "WHO": people}
REF_BY_GROUP = {"contact": contacts, "account": accounts}


def _completer(param: click.Parameter, group: str | None):
    if isinstance(param, click.Option):
        return next((OPTIONS[opt] for opt in param.opts if opt in OPTIONS), None)
    label = param.human_readable_name.split()[0].rstrip(".")  # ID... (complete) is ids too
    if label == "REF":
        return REF_BY_GROUP.get(group, people)
    return ARGUMENTS.get(label)


def _safe(completer, param: click.Parameter):
    # WHO [NOTE...] is one argument: people for its first word only, the note is free text
    first_word_only = param.human_readable_name.startswith("WHO")

    def complete(ctx, incomplete):
        if first_word_only and ctx.params.get(param.name):
            return []
        try:
            return completer(_env(ctx).store, incomplete)
        except Exception:  # completion must never break the shell: no candidates instead
            return []

    return complete


def attach(command: click.Command, group: str | None = None) -> click.Command:
    """Give the command's parameters (and its subcommands', for a group) their completers."""
    for param in command.params:
        completer = _completer(param, group)
        if completer is not None:
            param.shell_complete = _safe(completer, param)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            attach(sub, command.name)
    return command
