"""`dlp notices list|retry`: notices that could not be sent (parked), for the officer."""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console

from dlp.actions.audit import current_user
from dlp.actions.entries import iso
from dlp.actions.notify import mask_address
from dlp.cli.common import ActorOption, ConfigOption, FormatOption, fail, load_services
from dlp.cli.tables import add_record, record_table

app = typer.Typer(help="Notices that could not be sent.", no_args_is_help=True)
out = Console(highlight=False, soft_wrap=True)


@app.command("list")
def list_parked(output_format: FormatOption = "table", config: ConfigOption = None) -> None:
    """Parked notices (given up on after retries, or refused for good), with the reason."""
    notifier = load_services(config).notifier
    parked = notifier.parked()
    rows = [
        {
            "id": p.id,
            "recipient": mask_address(p.recipient),
            "created": iso(p.created),
            "parked": iso(p.parked),
            "attempts": p.attempts,
            "reason": p.reason,
        }
        for p in parked
    ]
    if output_format == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    table = record_table("id", "recipient / parked · attempts / reason")
    for row in rows:
        lines = [str(row["recipient"]), f"{str(row['parked'])[:16]} · {row['attempts']} attempt(s)", str(row["reason"])]
        add_record(table, str(row["id"]), lines)
    out.print(table)
    out.print(f"{len(rows)} parked notice(s); {notifier.pending()} waiting to be sent")


@app.command("retry")
def retry(notice_id: int, actor: ActorOption = None, config: ConfigOption = None) -> None:
    """Queue a parked notice again (after fixing the address or the mail server)."""
    services = load_services(config)
    if not services.notifier.retry(notice_id):
        raise fail([f"no parked notice {notice_id} (see `dlp notices list`)"])
    services.audit.write("notify.retry", actor=actor or current_user(), notice=notice_id)
    out.print(f"notice {notice_id} queued again; the gateway or watcher sends it")
