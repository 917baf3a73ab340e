"""The `dlp` command: one typer app, one module per command group.

Exit codes (one tested function, ``exit_code_for``): 0 allow, 1 warn, 2 quarantine, 3 block,
4 usage, configuration or rule-file error, 5 internal error.
"""

from __future__ import annotations

import sys

import typer
from typer.exceptions import Abort, TyperException

from dlp.cli import rules as rules_cmd
from dlp.cli import scan as scan_cmd
from dlp.cli.common import EXIT_USAGE

app = typer.Typer(
    name="dlp",
    help="Find Japanese personal information in files, folders and outbound mail.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("scan", help=scan_cmd.HELP)(scan_cmd.scan)
app.add_typer(rules_cmd.app, name="rules")


def main(argv: list[str] | None = None) -> None:
    """Entry point: maps click's usage errors (exit 2) to our usage code 4."""
    try:
        code = app(args=argv, standalone_mode=False, prog_name="dlp")
    except Abort:
        code = 130
    except TyperException as exc:  # usage errors: unknown option, missing argument, bad value
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            print(f"error: {exc}", file=sys.stderr)
        code = EXIT_USAGE
    sys.exit(code if isinstance(code, int) else 0)
