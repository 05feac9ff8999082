"""The command line: global options, the lazily loaded commands, and error handling.

Commands live in `interact/commands/`, grouped by what they work on; a command's
module is imported only when that command runs, so `interact log` loads little.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import UserError

# command name -> "module:attribute" in interact.commands
COMMANDS = {
    "init": "store:init",
    "log": "interactions:log",
    "assign": "interactions:assign",
    "complete": "interactions:complete",
    "show": "interactions:show",
    "edit": "interactions:edit",
    "comment": "interactions:comment",
    "delete": "interactions:delete",
    "list": "listing:list_",
    "search": "listing:search",
    "today": "listing:today",
    "calendar": "listing:calendar",
    "history": "listing:history",
    "stale": "listing:stale",
    "contact": "people:contact",
    "account": "people:account",
    "export": "interop:export",
    "import": "interop:import_",
    "attach": "interop:attach",
    "types": "types:types",
    "report": "report:report",
    "check": "team:check",
    "generate": "plan:generate",
    "digest": "plan:digest",
    "merge-file": "sharing:merge_file",
    "git-setup": "sharing:git_setup",
    "sync": "sharing:sync",
    "pack": "store:pack",
}
# the commands that read the interactions (and people): the index starts looking for changes
# to the files before their modules are imported (Store.read_ahead)
READ_AHEAD = {"list", "search", "today", "calendar", "history", "stale", "show", "export", "report", "digest",
              "generate"}


class CliError(click.ClickException):
    """A user's mistake: one line on stderr (candidates after it), exit 1."""

    exit_code = 1

    def __init__(self, message: str, candidates=()):
        super().__init__(message)
        self.candidates = list(candidates)

    def show(self, file=None):
        from .text import printable

        stream = file or sys.stderr
        # a message may quote a record, a name or a file name: shown escaped, never obeyed
        click.echo(printable(f"Error: {self.message}"), file=stream)
        for candidate in self.candidates:
            click.echo(printable(f"  {candidate}"), file=stream)


def say(message: str) -> None:
    """A message or warning on stderr; what it quotes from the store is shown escaped."""
    from .text import printable

    click.echo(printable(message), err=True)


def user_errors(func):
    """Turn the library's user errors (and failed writes) into CliError."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from . import messages as msg
        from .times import DateError

        try:
            return func(*args, **kwargs)
        except UserError as error:
            raise CliError(error.message, error.candidates) from None
        except DateError as error:
            raise CliError(str(error)) from None
        except OSError as error:
            written = _written(args[0]) if args and isinstance(args[0], Env) else []
            failed = msg.partly_written(error, written) if written else msg.cannot_write(error)
            raise CliError(failed.message) from None

    return wrapper


def _written(env) -> list[str]:
    """The files (from the store's root) a command wrote or removed before a write failed."""
    if "store" not in env.__dict__:
        return []
    store = env.store
    return list(dict.fromkeys(store.relative(path) for path in store.written))


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def __init__(self, *args, lazy: dict[str, str], package: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = lazy
        self.package = package

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *self.lazy})

    def parse_args(self, ctx, args):
        # the whole command line comes through here first: text that is not UTF-8 (which
        # Python hands over with its bytes as lone surrogates) is refused before anything runs
        if not ctx.resilient_parsing:
            _refuse_undecodable(args)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx, args):
        # only a command about to run reads ahead (help lists every command through get_command)
        if args and args[0] in READ_AHEAD and not ctx.resilient_parsing:
            _read_ahead(ctx)
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as error:  # click suggests only from the commands loaded
            raise click.exceptions.NoSuchCommand(error.command_name, possibilities=self.list_commands(ctx),
                                                 ctx=ctx) from None

    def get_command(self, ctx, name):
        if name in self.lazy:
            module_name, attribute = self.lazy[name].split(":")
            module = importlib.import_module(f"{self.package}.{module_name}")
            command = getattr(module, attribute)
            if ctx.resilient_parsing:  # the shell asks for completions
                from .commands.completion import attach

                attach(command)
            return command
        return super().get_command(ctx, name)


def _refuse_undecodable(args) -> None:
    from . import messages as msg

    for arg in args:
        if not arg.isascii():
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                raise CliError(msg.argument_not_utf8(arg).message) from None


def _read_ahead(ctx) -> None:
    """Make the env now, from the global options (unless the caller gave one), and have its
    store read ahead."""
    if not isinstance(ctx.obj, Env):
        ctx.obj = Env(ctx.params.get("dir_option"), ctx.params.get("as_user"),
                      no_cache=ctx.params.get("no_cache", False))
    env = ctx.obj
    try:
        env.store.read_ahead()
    except (UserError, OSError):
        pass  # no store here, or an unreadable one: the command says so


class Env:
    """What every command needs, resolved on first use: the store, the clock, the user."""

    def __init__(self, dir_option=None, as_user=None, environ=None, cwd=None, no_cache=False):
        self.dir_option = dir_option
        self.as_user = as_user
        self.environ = os.environ if environ is None else environ
        self.cwd = Path.cwd() if cwd is None else cwd
        self.no_cache = no_cache or self.environ.get("INTERACT_NO_CACHE", "") not in ("", "0")

    @functools.cached_property
    def root(self):
        from .layout import find_store

        return find_store(self.dir_option, self.environ.get("INTERACT_DIR"), self.cwd)

    @functools.cached_property
    def store(self):
        from .store import Store

        store = Store(self.root, cache=not self.no_cache)
        if sys.stderr.isatty():  # long work shows how far it has got; cron and pipes see nothing
            store.progress = _progress_bar
        return store

    @functools.cached_property
    def tz(self):
        from .times import local_tz

        return local_tz(self.environ.get("TZ"), self.store.config.timezone)

    @functools.cached_property
    def now(self):
        from .times import resolve_now

        return resolve_now(self.environ.get("INTERACT_NOW"), self.tz)

    @functools.cached_property
    def user(self) -> str:
        """--as, $INTERACT_USER, the store's `user`, `git config user.name`, the login name."""
        name = self.as_user or self.environ.get("INTERACT_USER") or self.store.config.user
        name = name or _git_user(self.store.root) or _login_name()
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:  # a variable of the environment, read with its bytes as surrogates
            from . import messages as msg

            raise CliError(msg.user_not_utf8(name).message) from None
        return name

    @property
    def color(self) -> bool:
        return sys.stdout.isatty() and "NO_COLOR" not in self.environ

    def when(self, text):
        from .dates import parse_datetime

        return parse_datetime(text, self.now, self.tz, date_order=self.store.config.date_order)

    def date(self, text):
        from .dates import parse_date

        return parse_date(text, self.now, self.tz, date_order=self.store.config.date_order)

    def flush_warnings(self):
        if "store" in self.__dict__:
            for line in dict.fromkeys(self.store.warnings):
                say(line)

    def close(self):
        if "store" in self.__dict__:
            self.store.close()


def _progress_bar(label: str, total: int):
    """click's progress bar, on stderr (Store.progress, on a terminal)."""
    return click.progressbar(length=total, label=label, file=sys.stderr)


def _git_user(folder: Path) -> str | None:
    import subprocess

    try:
        result = subprocess.run(["git", "config", "user.name"], cwd=folder, capture_output=True, text=True,
                                timeout=5)
    except (OSError, subprocess.SubprocessError, UnicodeDecodeError):  # no git, or a name not in UTF-8
        return None
    return result.stdout.strip() or None


def _login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "me"


pass_env = click.make_pass_decorator(Env)


def stacked(*decorators):
    """One decorator applying several (click options), in the order they are listed."""

    def decorate(func):
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return decorate


def quiet_option(when: str):
    """-q/--quiet (generate, digest, check): nothing at all on stdout or stderr `when` there is
    nothing to report, so that cron mails only what matters."""
    return click.option("-q", "--quiet", is_flag=True, help=f"Print nothing {when}; the usual output otherwise.")


@click.group(cls=LazyGroup, lazy=COMMANDS, package="interact.commands",
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--dir", "dir_option", metavar="PATH", help="The store to use (default: $INTERACT_DIR, then the "
              "first folder up from here holding interact.yaml or records/interact.yaml).")
@click.option("--as", "as_user", metavar="USER", help="Act as USER (default: $INTERACT_USER, the store's "
              "user, git config user.name, the login name).")
@click.option("--no-cache", is_flag=True, help="Read every file instead of the index in the store's .cache/ "
              "(also $INTERACT_NO_CACHE=1); the output is the same, only slower.")
@click.version_option(__version__, prog_name="interact")
@click.pass_context
def cli(ctx, dir_option, as_user, no_cache):
    """Log, plan and list interactions with people: calls, visits, emails, meetings.

    \b
    Examples:
      interact log call "Jane Doe" "Discussed the renewal" --outcome "Sending a quote"
      interact assign visit acme --to bob --when "fri 10am" --due fri
      interact list --everyone --status missed
    """
    env = ctx.obj if isinstance(ctx.obj, Env) else Env(dir_option, as_user, no_cache=no_cache)
    ctx.obj = env
    if _kept_by_main is not None:
        _kept_by_main.append(env)
    ctx.call_on_close(env.flush_warnings)
    ctx.call_on_close(env.close)


# The envs of the console script's run: what they read is never freed (see main)
_kept_by_main: list[Env] | None = None


def main():
    """The console script. It ends without tearing the interpreter down, once its output is
    flushed: freeing 100,000 records one by one takes a good part of the time listing them did
    (so its env is kept too: click lets go of it, and of what its store read, before returning)."""
    import signal

    global _kept_by_main
    _kept_by_main = []
    # `interact list | head` ends quietly, as a C tool would, rather than with an error
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        cli(prog_name="interact")
        code = 0
    except SystemExit as done:
        code = done.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)
