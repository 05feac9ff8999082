"""init: create a store; pack: fold closed months into month packs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click

from .. import messages as msg
from ..cli import pass_env, user_errors
from ..layout import init_store


@click.command()
@click.argument("path", default="records", type=click.Path(file_okay=False, path_type=Path))
@click.option("--git", "use_git", is_flag=True, help="Also run `git init` unless PATH is already in a repository, "
              "and register the merge driver there (as `interact git-setup` does).")
@user_errors
def init(path, use_git):
    """Create a store at PATH (default ./records) with a commented interact.yaml.

    \b
    Examples:
      interact init
      interact init ~/team-log --git
    """
    init_store(path)
    click.echo(msg.initialised(path), err=True)
    if use_git:
        from ..gitops import inside_work_tree
        from .sharing import set_up_git

        if not inside_work_tree(path):
            subprocess.run(["git", "init", "-q", str(path)], check=True)
        set_up_git(path)


@click.command()
@click.option("--before", metavar="YYYY-MM", help="Pack the months before this one (default: those that ended "
              "more than `pack_after` months ago, in interact.yaml; else 3).")
@pass_env
@user_errors
def pack(env, before):
    """Fold each closed month's completed interactions into one file, YYYY/MM.pack.yaml.

    Outstanding interactions stay in their own files, and so do a month's recent changes:
    a change to a packed interaction (a comment on a call of three years ago) is written to
    a file of its own, which wins over the packed copy until the next `pack` folds it in.
    Packing again adds the month's newly completed interactions. Every command reads packs
    as it reads files; `interact sync` packs what is due before it commits.

    \b
    Examples:
      interact pack
      interact pack --before 2026-01
    """
    from ..packing import first_kept, pack as pack_months
    from ..periods import month_named

    today = env.now.astimezone(env.tz).date()
    kept_from = first_kept(env.store, today, month_named(before, today)[0] if before is not None else None)
    done = pack_months(env.store, kept_from)
    _say_packed(done, kept_from)


def _say_packed(done, kept_from) -> None:
    from ..cli import say

    for path, why in done.left:
        say(msg.pack_left_alone(path, why))
    say(msg.packed(done.records, len(done.months), kept_from) if done.records else msg.nothing_to_pack(kept_from))
