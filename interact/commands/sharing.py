"""Sharing a team log with git: merge-file (the merge driver), git-setup, sync."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import click

from .. import messages as msg
from ..cli import pass_env, user_errors


@click.command("merge-file")
@click.argument("base", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("ours", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("theirs", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("path", required=False)
@user_errors
def merge_file(base, ours, theirs, path):
    """Merge three versions of a store file, as git's merge driver: the result goes into OURS.

    Records (and interact.yaml) merge field by field: a field changed on one side takes that
    side's value, posts are joined, tags and people merge as sets, a completion is taken
    whole. Exit 0 when merged; exit 1 on a true conflict (both sides set one field to
    different values), with git's conflict markers around those lines in OURS. PATH, the
    file's path in the repository, says what kind of file it is. Git runs it once
    `interact git-setup` has registered it.

    \b
    Examples:
      interact merge-file base.yaml ours.yaml theirs.yaml interactions/2026/11/7kq2m9xd4t.yaml
      git config merge.interact.driver "interact merge-file %O %A %B %P"
    """
    from ..merge_file import merge_texts
    from ..atomic import atomic_write

    result = merge_texts(base.read_bytes(), ours.read_bytes(), theirs.read_bytes(), path)
    atomic_write(ours, result.text)
    if result.clean:
        return
    shown = path or ours
    click.echo(msg.merge_conflict(shown, result.conflicts) if result.by_record else msg.merged_by_lines(shown),
               err=True)
    click.get_current_context().exit(1)


def driver_command() -> str:
    """The command git runs to merge a record: this very `interact`, by its absolute path (cron and
    editors run git with a short PATH), else this Python running the package."""
    script = Path(sys.argv[0])
    if script.name == "interact" and script.is_file() and os.access(script, os.X_OK):
        program = shlex.quote(os.path.abspath(script))
    else:
        program = f"{shlex.quote(sys.executable)} -m interact"
    return f"{program} merge-file %O %A %B %P"


def set_up_git(store_root: Path) -> None:
    """Register the merge driver in the clone and name it in .gitattributes; say what was done."""
    from ..gitops import setup

    driver = driver_command()
    changed, added = setup(store_root, driver)
    click.echo(msg.git_setup_done(driver) if changed else msg.git_setup_already(driver), err=True)
    if added:
        click.echo(msg.attributes_added(added), err=True)


@click.command("git-setup")
@pass_env
@user_errors
def git_setup(env):
    """Make git merge this clone's records field by field (run it once in each clone).

    Registers `interact merge-file` as the merge driver `interact` in the clone's git
    config (git never takes one from a clone, so each member runs this once, like `git lfs
    install`), and adds `*.yaml merge=interact` to the store's .gitattributes if it lacks it.

    \b
    Example:
      interact git-setup
    """
    set_up_git(env.root)


@click.command()
@click.option("--no-push", is_flag=True, help="Stop after the merge: commit and pull only.")
@pass_env
@user_errors
def sync(env, no_push):
    """Share this clone's work: commit the store's changes, pull and merge, check, push.

    The months due are packed first, as `interact pack` does. One commit for every
    uncommitted change to the store's files (`sync: N changes`); `git pull --no-rebase`,
    with records merged field by field; `interact check`, and no push when it finds a
    problem; `git push`, pulling and pushing again when the remote moved meanwhile (3
    tries). Prints nothing when there was nothing to do, else one line a step on stderr.
    A conflict stops it (exit 1) naming the files to fix.

    \b
    Examples:
      interact sync
      interact sync --no-push
      */30 8-18 * * 1-5  cd ~/team-log && interact sync      # a crontab line
    """
    import time

    from ..sync import sync as share

    share(env.root, push=not no_push, clock=time.time(), say=lambda line: click.echo(line, err=True),
          lock=env.store.lock, pack=lambda: _pack_due(env))


def _pack_due(env) -> str | None:
    """Pack the months that are due (as `interact pack` does); what to say, if it packed anything."""
    from ..packing import first_kept, pack

    kept_from = first_kept(env.store, env.now.astimezone(env.tz).date())
    done = pack(env.store, kept_from)
    for path, why in done.left:
        click.echo(msg.pack_left_alone(path, why), err=True)
    return msg.packed(done.records, len(done.months), kept_from) if done.records else None
