"""Every command's --help shows examples that parse: each `interact ...` line of an "Examples:"
section names a command and options that exist, with values of the right kind (click's own
parsing, as when the line is run)."""

import os
import re
import shlex

from pathlib import Path

import click
import pytest

from interact.cli import COMMANDS, cli


def help_examples(command: click.Command, prefix: list[str]):
    """(the command's path, an example line) for this command and every subcommand."""
    for line in re.sub(r"\\\n\s*", " ", command.help or "").splitlines():  # continuation lines joined
        text = line.strip()
        if text.startswith("interact "):
            yield prefix, text
        if "$(interact " in text:  # id=$(interact assign ...)
            yield prefix, text.split("$(", 1)[1].rsplit(")", 1)[0]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            yield from help_examples(command.get_command(ctx, name), [*prefix, name])


def examples():
    ctx = click.Context(cli)
    found = []
    for name in COMMANDS:
        found += help_examples(cli.get_command(ctx, name), [name])
    return found


def parse(args: list[str]) -> None:
    """Parse `args` as `interact` would, down to the command that runs (which does not run)."""
    ctx = cli.make_context("interact", list(args))
    command, rest = cli, _unparsed(ctx)
    while isinstance(command, click.Group) and rest:
        name, command, rest = command.resolve_command(ctx, rest)
        ctx = command.make_context(name, rest, parent=ctx)
        rest = _unparsed(ctx) if isinstance(command, click.Group) else []


def _unparsed(ctx) -> list[str]:
    """What a group's context left for its subcommand (click 8 keeps the subcommand's name apart)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return [*ctx.protected_args, *ctx.args]


def test_there_are_examples_for_every_command():
    assert {path[0] for path, _ in examples()} == set(COMMANDS)


@pytest.mark.parametrize(("path", "line"), examples(), ids=lambda value: value if isinstance(value, str) else None)
def test_each_help_example_parses(path, line, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the files an example names exist, as they would where it is run
    monkeypatch.setenv("HOME", str(tmp_path))
    command = re.split(r" \| | > | \|\| ", line)[0]
    words = [os.path.expanduser(word) for word in shlex.split(command, comments=True)]
    for word in words:
        if re.fullmatch(r"[~\w./-]+\.(json|csv|txt|pdf|vcf|yaml)", word):
            Path(word).parent.mkdir(parents=True, exist_ok=True)
            Path(word).touch()
    assert words[0] == "interact"
    parse(words[1:])
