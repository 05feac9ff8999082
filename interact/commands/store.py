"""init: create a store."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click

from .. import messages as msg
from ..cli import user_errors
from ..store import init_store


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
