"""The team log: `check`, and the --commit option of the commands that write."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from .. import messages as msg
from ..cli import Env, pass_env, quiet_option, say, user_errors


@click.command()
@quiet_option("when all is well (as without it: check is quiet then)")
@pass_env
@user_errors
def check(env, quiet):
    """Check the whole store: files that do not parse or fit the schema, unknown
    references, duplicate ids, git conflict markers, files out of place.

    Prints one line per problem, `path: problem` (paths from the store's root), and
    exits 1 when there is any; prints nothing and exits 0 when all is well, so it can
    run as a git pre-commit hook and in a team's CI.

    \b
    Examples:
      interact check
      interact --dir ~/team-log check || echo "fix these before you push"
      interact check -q      # a cron line: mails only when something is wrong
    """
    import time

    from ..check import check as find_problems

    problems = find_problems(env.root, time.time())
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(msg.problems_found(len(problems)), err=True)
        click.get_current_context().exit(1)


def commit_option(func=None, *, batch: bool = False, about=None):
    """Give a writing command --commit/--no-commit (default: `auto_commit` in interact.yaml).

    The commit subject is the command and what it changed: the first record written, or
    `about(the command's arguments)`. A `batch` command (generate, import) writes many
    interactions: its subject names the first and counts the rest.
    """
    if func is None:
        return functools.partial(commit_option, batch=batch, about=about)

    @click.option("--commit/--no-commit", "commit", default=None,
                  help="Commit the files this command changed, and only them, with git "
                       "(default: `auto_commit` in interact.yaml). Never pushes.")
    @functools.wraps(func)
    def wrapper(*args, commit, **kwargs):
        result = func(*args, **kwargs)
        ctx = click.get_current_context()
        env = ctx.find_object(Env)
        if commit or (commit is None and env.store.config.auto_commit):
            user_errors(_commit_written)(env, _command_name(ctx), batch, about and about(kwargs))
        return result

    return wrapper


def _command_name(ctx: click.Context) -> str:
    names = []
    while ctx.parent is not None:
        names.insert(0, ctx.info_name)
        ctx = ctx.parent
    return " ".join(names)


def _commit_written(env, command: str, batch: bool, about: str | None) -> None:
    from .. import gitops

    store = env.store
    if not store.written:
        return
    subject = f"{command}: {about or _subject(store)}"
    if batch:
        count = len({p.stem for p in store.written if p.relative_to(store.root).parts[0] == "interactions"})
        subject += f" and {count - 1} more" if count > 1 else ""
    with store.lock():
        sha = gitops.commit(store.root, store.written, subject)
    if sha:
        say(msg.committed(sha, subject))


def _subject(store) -> str:
    """What the command changed, for the commit message: 'call with Jane Doe', 'Acme Ltd'."""
    from ..model import load
    from ..people import display_name

    def kind_of(path: Path) -> str:
        return path.relative_to(store.root).parts[0]

    from ..actions import follow_up_id

    # interactions first, and of those not the follow-up `complete` wrote before the one it follows
    follow_ups = {follow_up_id(path.stem) for path in store.written}
    paths = sorted(store.written, key=lambda p: (kind_of(p) != "interactions", p.stem in follow_ups))
    first = paths[0]
    if kind_of(first) == "attachments":  # attachments/<id>/<name>
        return f"{first.name} to {first.parent.name}"
    if not first.exists():
        return first.stem
    record = load(first.read_bytes())
    if kind_of(first) != "interactions":
        return str(record.get("name") or first.stem)
    people = [display_name(store, "contact", c) for c in record.get("contacts") or []]
    people = people or [display_name(store, "account", a) for a in record.get("accounts") or []]
    return f"{record.get('type')} with {', '.join(people)}" if people else f"{record.get('type')} (personal)"
