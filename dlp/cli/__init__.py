"""The `dlp` command: one typer app, one module per command group.

Exit codes: one table, dlp/cli/exitcodes.py (0 allow, 1 warn, 2 quarantine, 3 block, 4 usage,
configuration or rule-file error, 5 internal error, 130 interrupted), the help text written from it.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.text import Text
from typer import rich_utils
from typer.core import TyperOption
from typer.exceptions import Abort, TyperException

from dlp import __version__
from dlp.cli import audit as audit_cmd
from dlp.cli import config as config_cmd
from dlp.cli import console as console_cmd
from dlp.cli import gateway as gateway_cmd
from dlp.cli import inventory as inventory_cmd
from dlp.cli import milter as milter_cmd
from dlp.cli import notices as notices_cmd
from dlp.cli import quarantine as quarantine_cmd
from dlp.cli import rules as rules_cmd
from dlp.cli import scan as scan_cmd
from dlp.cli import watch as watch_cmd
from dlp.cli.exitcodes import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE
from dlp.config import ConfigError
from dlp.keys import KeyFileError

app = typer.Typer(
    name="dlp",
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

    def make(*, text: str, style: str = "", markup_mode: str) -> Any:
        if markup_mode != rich_utils.MARKUP_MODE_RICH:
            return make_rich_text(text=text, style=style, markup_mode=markup_mode)
        return rich_utils.highlighter(Text(inspect.cleandoc(text), style=style))

    return make


rich_utils._make_rich_text = _plain_help(rich_utils._make_rich_text)


def _show_version(value: bool) -> None:
    if value:
        print(f"dlp {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="print the version and exit")
    ] = False,
) -> None:
    """Find Japanese personal information in files, folders and outbound mail."""


app.command("scan", help=scan_cmd.HELP)(scan_cmd.scan)
app.command("watch", help=watch_cmd.HELP)(watch_cmd.watch)
app.add_typer(gateway_cmd.app, name="gateway")
app.add_typer(milter_cmd.app, name="milter")
app.add_typer(rules_cmd.app, name="rules")
app.add_typer(quarantine_cmd.app, name="quarantine")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(config_cmd.app, name="config")
app.add_typer(notices_cmd.app, name="notices")
app.add_typer(console_cmd.app, name="console")
app.add_typer(inventory_cmd.app, name="inventory")


def main(argv: list[str] | None = None) -> None:
    """Entry point: maps click's usage errors (exit 2) to our usage code 4."""
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
    sys.exit(code if isinstance(code, int) else 0)
