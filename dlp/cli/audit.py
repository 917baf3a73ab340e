"""`dlp audit tail|report`: read the audit trail (masked values and fingerprints only)."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dlp.actions.audit import report as audit_report
from dlp.actions.auditcsv import report_csv
from dlp.cli.common import ConfigOption, fail, load_services, since_timestamp

app = typer.Typer(help="Read the audit trail.", no_args_is_help=True)
out = Console(highlight=False, soft_wrap=True)


@app.command("tail")
def tail(
    lines: Annotated[int, typer.Option("-n", help="how many of the last lines")] = 20,
    follow: Annotated[bool, typer.Option("--follow", "-F", help="keep printing new lines")] = False,
    config: ConfigOption = None,
) -> None:
    """The last lines of the audit trail, as JSON."""
    log = load_services(config).audit
    for record in list(log.read())[-lines:]:
        print(json.dumps(record, ensure_ascii=False))
    if not follow:
        return
    size = log.path.stat().st_size if log.path.exists() else 0
    try:
        while True:
            time.sleep(1)
            if log.path.exists() and log.path.stat().st_size > size:
                with log.path.open(encoding="utf-8") as fh:
                    fh.seek(size)
                    sys.stdout.write(fh.read())
                    sys.stdout.flush()
                    size = fh.tell()
    except KeyboardInterrupt:
        return


@app.command("report")
def report(
    since: Annotated[str, typer.Option(help="from how long ago (7d, 24h) or a date")] = "7d",
    output_format: Annotated[str, typer.Option("--format", "-f", help="table | json | csv")] = "table",
    config: ConfigOption = None,
) -> None:
    """Verdicts per day, per type and per channel, top senders and folders, officer actions.
    Types count distinct values across items (by fingerprint: one customer in three exports is
    one). --format csv: one row per figure, for a spreadsheet (UTF-8 with BOM, as Excel wants)."""
    if output_format not in ("table", "json", "csv"):
        raise fail([f"--format: unknown format {output_format!r} (known: table, json, csv)"])
    start = since_timestamp(since)
    log = load_services(config).audit
    summary = audit_report(log.read(dt.datetime.fromtimestamp(start).astimezone() if start else None, unreadable=True))
    if output_format == "json":
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    if output_format == "csv":
        sys.stdout.flush()
        sys.stdout.buffer.write(report_csv(summary).encode("utf-8-sig"))
        sys.stdout.buffer.flush()
        return
    out.print(f"[bold]{summary['verdicts']} verdicts since {since}[/]")
    if summary["skipped_lines"]:
        out.print(
            f"[yellow]{summary['skipped_lines']} line(s) skipped[/]: not a record, or without a readable"
            " ts/action/channel/counts (damaged or edited; see `dlp audit tail`)"
        )
    days = Table("day", "allow", "warn", "quarantine", "block", title="per day")
    for day, counts in summary["per_day"].items():
        days.add_row(day, *(str(counts.get(a, 0)) for a in ("allow", "warn", "quarantine", "block")))
    out.print(days)
    channels = Table("channel", "allow", "warn", "quarantine", "block", title="per channel")
    for channel, counts in summary["per_channel"].items():
        channels.add_row(channel, *(str(counts.get(a, 0)) for a in ("allow", "warn", "quarantine", "block")))
    out.print(channels)
    types = Table("type", "distinct values", "found per item, summed", title="per type")
    at_most = summary["per_type_at_most"]
    for data_type, n in summary["per_type"].items():
        shown = f"{n}-{at_most[data_type]}" if data_type in at_most else str(n)
        types.add_row(data_type, shown, str(summary["per_type_items"][data_type]))
    out.print(types)
    if at_most:
        out.print(
            "a range: some values were counted without a fingerprint in the audit trail (table columns"
            " counted in bulk, or more than 50 of a type in one item); at least the first figure"
        )
    for title, key in (("top senders", "top_senders"), ("top folders", "top_folders")):
        table = Table("who / where", "items not allowed", title=title)
        table.columns[0].overflow = "fold"  # a folder path wraps, never cut: it names where to look
        for name, n in summary[key]:
            table.add_row(escape(name), str(n))
        out.print(table)
    if summary["officer_actions"]:
        actions = Table("action", "count", title="officer actions")
        for name, n in summary["officer_actions"].items():
            actions.add_row(name, str(n))
        out.print(actions)


@app.command("verify")
def verify(config: ConfigOption = None) -> int:
    """Check the audit trail's hash chain: no line edited, inserted, deleted or moved since it was
    written (lines cut off at the end cannot be seen; see SECURITY.md)."""
    from dlp.actions.auditchain import verify as verify_chain

    services = load_services(config)
    chain = verify_chain(services.audit.path, services.config.fingerprint_key())
    if chain.unsigned:
        shown = ", ".join(map(str, chain.unsigned[:10])) + (" …" if len(chain.unsigned) > 10 else "")
        out.print(f"{len(chain.unsigned)} line(s) without a MAC (written before chaining, or torn by a crash): {shown}")
    if chain.intact:
        out.print(f"audit trail intact: {chain.lines} line(s) chained")
        return 0
    for number in chain.broken[:20]:
        out.print(
            f"[red]broken[/]: line {number} does not follow the one before it"
            " (edited, inserted, moved, or lines removed)"
        )
    return 1
