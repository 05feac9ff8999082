"""types: the configured interaction types, in order; add, rename, move."""

from __future__ import annotations

import click

from .. import messages as msg
from .. import types_config
from ..cli import pass_env, say, user_errors
from .team import commit_option


@click.group(invoke_without_command=True)
@click.pass_context
@pass_env
@user_errors
def types(env, ctx):
    """List the configured interaction types, in order, one a line.

    \b
    Examples:
      interact types
      interact types add site-visit
      interact types rename chat instant-message
      interact types move visit 1
    """
    if ctx.invoked_subcommand is None:
        from ..text import printable

        for name in env.store.config.types:
            click.echo(printable(name))


@types.command("add")
@click.argument("name")
@commit_option(about=lambda args: args["name"])
@pass_env
@user_errors
def types_add(env, name):
    """Add a type at the end of the list.

    \b
    Example:
      interact types add site-visit
    """
    say(msg.type_added(name, types_config.add(env.store, name)))


@types.command("rename")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@commit_option(about=lambda args: f"{args['old']} to {args['new']}")
@pass_env
@user_errors
def types_rename(env, old, new):
    """Rename a type, in interact.yaml and in every interaction that uses it.

    Renaming onto a type that exists merges the two.

    \b
    Example:
      interact types rename chat instant-message
    """
    count = types_config.rename(env.store, old, new)
    say(msg.type_renamed(old, new, count))


@types.command("move")
@click.argument("name", metavar="TYPE")
@click.argument("position", type=int)
@commit_option(about=lambda args: f"{args['name']} to {args['position']}")
@pass_env
@user_errors
def types_move(env, name, position):
    """Move a type to POSITION (1 is the first) in the list.

    \b
    Example:
      interact types move visit 1
    """
    say(msg.type_moved(name, types_config.move(env.store, name, position)))
