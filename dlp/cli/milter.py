"""`dlp milter serve|check`: the before-queue Milter for Postfix's submission service."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from dlp.cli.common import ConfigOption, daemon_logging, fail

app = typer.Typer(
    help="The outbound mail Milter for Postfix (smtpd_milters on submission): answers in the sender's session.",
    no_args_is_help=True,
)
out = Console(highlight=False, soft_wrap=True)


@app.command("serve")
def serve(
    socket: Annotated[str | None, typer.Option(help="unix socket path (default [milter] socket)")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="scan worker processes (default: [milter] jobs)")] = 0,
    config: ConfigOption = None,
) -> int:
    """Run the Milter in the foreground (systemd runs it so). Block: 550 in the sender's client;
    hold: kept in the quarantine; any failure: 451, never an unscanned accept."""
    from dlp.milter.server import MilterDaemon
    from dlp.runtime import StartError

    daemon_logging(config, "milter")
    try:
        return MilterDaemon(config, socket=socket, jobs=jobs).run()
    except StartError as exc:
        raise fail(str(exc).splitlines(), "The Milter is not running; Postfix answers 451 until it is.") from None


@app.command("check")
def check(
    postfix_config: Annotated[str, typer.Option(help="Postfix's configuration folder (postconf -c)")] = "/etc/postfix",
    config: ConfigOption = None,
) -> int:
    """Verify the set-up while it runs: configuration and rules load, the socket answers the
    Milter handshake, Postfix's submission service uses it fail-closed, the release path answers."""
    from dlp.milter.check import run_checks

    results = run_checks(config, postfix_config)
    for what, ok, detail in results:
        mark = "[green]ok[/]  " if ok else "[red]FAIL[/]"
        out.print(f"{mark} {escape(what)}: {escape(detail)}")
    return 0 if all(ok for _, ok, _ in results) else 1
