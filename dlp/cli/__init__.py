"""The `dlp` command: one typer app, one module per command group.

Exit codes: one table, dlp/cli/exitcodes.py (0 allow, 1 warn, 2 quarantine, 3 block, 4 usage,
configuration or rule-file error, 5 internal error, 130 interrupted), the help text written from it.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from collections.abc import Callable, Iterator, MutableMapping
from typing import Annotated, Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup, TyperOption
from typer.exceptions import Abort, TyperException
from typer.models import TyperInfo

from dlp import __version__
from dlp.cli import startup
from dlp.cli.exitcodes import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE
from dlp.config import ConfigError
from dlp.keys import KeyFileError

# The commands in the order --help lists them; each is the module dlp/cli/<name>.py, which
# holds a typer ``app`` (a group) or a function named after it with its ``HELP`` (a command).
COMMANDS = (
    "scan", "watch", "gateway", "milter", "rules", "quarantine", "audit", "config", "notices", "console", "inventory",
)  # fmt: skip


class _LazyCommands(MutableMapping[str, Any]):
    """A group's commands, each imported when it is first looked up: ``dlp scan`` loads the
    scan command's modules only, not the inventory's, the quarantine's or the console's
    (measured: a sixth of its start-up). Names are known without loading (typo suggestions);
    listing them all (--help, shell completion) loads them all."""

    def __init__(self, loaded: dict[str, Any], names: tuple[str, ...], load: Callable[[str], Any]) -> None:
        self._commands: dict[str, Any] = {**dict.fromkeys(names), **loaded}
        self._load = load

    def __getitem__(self, name: str) -> Any:
        command = self._commands[name]
        if command is None:
            command = self._commands[name] = self._load(name)
        return command

    def __setitem__(self, name: str, command: Any) -> None:
        self._commands[name] = command

    def __delitem__(self, name: str) -> None:
        del self._commands[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._commands)

    def __len__(self) -> int:
        return len(self._commands)


class _LazyGroup(TyperGroup):
    """The ``dlp`` group: typer builds it with no commands, they are added here by name."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _LazyCommands(dict(self.commands), COMMANDS, _load_command)


def _load_command(name: str) -> Any:
    """The click command typer makes of ``dlp <name>``, as ``app.add_typer``/``app.command``
    would have registered it."""
    module = importlib.import_module(f"dlp.cli.{name}")
    group = getattr(module, "app", None)
    if isinstance(group, typer.Typer):
        return typer.main.get_group_from_info(
            TyperInfo(group, name=name),
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
            suggest_commands=app.suggest_commands,
        )
    single = typer.Typer()
    single.command(name, help=module.HELP)(getattr(module, name))
    return typer.main.get_command_from_info(
        single.registered_commands[0],
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
    )


app = typer.Typer(
    name="dlp",
    cls=_LazyGroup,
    help="Find Japanese personal information in files, folders and outbound mail.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _flag_type_hidden(
    display_type_rich: Callable[[TyperOption, Any], str | None],
) -> Callable[[TyperOption, Any], str | None]:
    """typer 0.29 prints a flag's type in --help (``--explain  <bool>``) as if it took a value;
    a flag takes none, so its type column stays empty (as click prints it)."""

    def display(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else display_type_rich(self, ctx)

    return display


# a patch of typer's method (mypy types the class attribute as the method it replaces)
TyperOption.display_type_rich = _flag_type_hidden(TyperOption.display_type_rich)  # type: ignore[method-assign,assignment]


def _plain_help(make_rich_text: Callable[..., Any]) -> Callable[..., Any]:
    """Help texts are plain text: typer reads them as rich markup, so ``[watch] jobs`` printed
    as `` jobs`` and ``[[watch.folders]]`` as ``[]``. The one place help becomes rich text
    takes it literally instead (dlp's help has no markup of its own)."""
    from rich.text import Text
    from typer import rich_utils

    def make(*, text: str, style: str = "", markup_mode: str) -> Any:
        if markup_mode != rich_utils.MARKUP_MODE_RICH:
            return make_rich_text(text=text, style=style, markup_mode=markup_mode)
        return rich_utils.highlighter(Text(inspect.cleandoc(text), style=style))

    make.plain_help = True  # type: ignore[attr-defined]
    return make


def _plain_help_first(format_help: Callable[..., None]) -> Callable[..., None]:
    """typer's help printer (typer.rich_utils: rich's Markdown, Syntax and pygments, a tenth
    of the start-up) loads when help is printed, not with every command: the plain-text patch
    above is applied then, before the first help page."""

    def format(self: Any, ctx: Any, formatter: Any) -> None:
        from typer import rich_utils

        if not getattr(rich_utils._make_rich_text, "plain_help", False):
            rich_utils._make_rich_text = _plain_help(rich_utils._make_rich_text)
        format_help(self, ctx, formatter)

    return format


TyperCommand.format_help = _plain_help_first(TyperCommand.format_help)  # type: ignore[method-assign]
TyperGroup.format_help = _plain_help_first(TyperGroup.format_help)  # type: ignore[method-assign]


def _show_version(value: bool) -> None:
    if value:
        print(f"dlp {__version__}")
        raise typer.Exit(0)


# Commands that resume the garbage collector themselves, once their start-up is done (startup.py).
RESUME_GC_IN_COMMAND = ("scan",)


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="print the version and exit")
    ] = False,
) -> None:
    """Find Japanese personal information in files, folders and outbound mail."""
    if ctx.invoked_subcommand not in RESUME_GC_IN_COMMAND:
        startup.resume()  # the command's modules are loaded: its work runs with the collector


def main(argv: list[str] | None = None) -> None:
    """Entry point: maps click's usage errors (exit 2) to our usage code 4."""
    startup.pause()
    try:
        code = app(args=argv, standalone_mode=False, prog_name="dlp")
    except Abort:
        code = EXIT_INTERRUPTED
    except TyperException as exc:  # usage errors: unknown option, missing argument, bad value
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            print(f"error: {exc}", file=sys.stderr)
        code = EXIT_USAGE
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    except (KeyFileError, ConfigError) as exc:  # raised lazily, when a command first needs a key or a path
        print(f"error: {exc}", file=sys.stderr)
        code = EXIT_USAGE
    except Exception as exc:  # a bug: one line for the user, the traceback only with DLP_DEBUG=1
        if os.environ.get("DLP_DEBUG"):
            raise
        print(f"dlp: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("dlp: run again with DLP_DEBUG=1 for the traceback, and report it", file=sys.stderr)
        code = EXIT_INTERNAL
    finally:
        startup.resume()  # in every case (a test calls main again in the same process)
    sys.exit(code if isinstance(code, int) else 0)
