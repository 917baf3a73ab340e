"""`dlp gateway serve|check`: the Postfix content filter and its pre-flight check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from dlp.cli.common import ConfigOption, daemon_logging, fail

app = typer.Typer(help="The outbound mail filter for Postfix (after-queue, FILTER_README style).", no_args_is_help=True)
out = Console(highlight=False, soft_wrap=True)


@app.command("serve")
def serve(
    listen: Annotated[
        str | None, typer.Option(help="HOST:PORT to listen on (default [gateway] listen_host:listen_port)")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="scan worker processes (default: [gateway] jobs)")] = 0,
    config: ConfigOption = None,
) -> int:
    """Run the filter in the foreground (systemd runs it so). Mail passes, is held or is rejected;
    any failure answers 451 so Postfix keeps the mail and retries."""
    from dlp.gateway.server import Gateway
    from dlp.runtime import StartError

    daemon_logging(config, "gateway")
    try:
        return Gateway(config, listen=listen, jobs=jobs).run()
    except StartError as exc:
        raise fail(str(exc).splitlines(), "The gateway is not running; Postfix defers mail until it is.") from None


@app.command("check")
def check(
    config: ConfigOption = None,
    postfix_config: Annotated[
        Path | None, typer.Option(help="Postfix's configuration folder, read with postconf (default /etc/postfix)")
    ] = None,
) -> int:
    """Verify the set-up, also while the gateway runs: configuration and rules load; who answers on
    the filter port (connecting, never binding it); the next hop (Postfix's re-injection smtpd)
    answers EHLO with SMTPUTF8 and 8BITMIME; internal domains are set (else no notices); the
    quarantine opens; which Postfix services use the filter."""
    from dlp.gateway.server import check as run_checks

    results = run_checks(config, postfix_config)
    for what, ok, detail in results:
        mark = "[green]ok[/]  " if ok else "[red]FAIL[/]"
        out.print(f"{mark} {escape(what)}: {escape(detail)}")
    return 0 if all(ok for _, ok, _ in results) else 1
