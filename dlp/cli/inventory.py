"""`dlp inventory run|report`: which folders of the file servers hold which personal data."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dlp.cli.common import ConfigOption, RulesOption, err, fail, load_settings
from dlp.cli.exitcodes import EXIT_INTERRUPTED
from dlp.cli.inventory_html import write_html_report
from dlp.cli.inventory_render import print_table, to_csv, to_json
from dlp.config import load_config
from dlp.inventory import cluster
from dlp.inventory.executors import DaskExecutor, DaskMissing, LocalExecutor
from dlp.inventory.rollup import rollup
from dlp.inventory.run import Batching, Executor, InventoryBusy, exclusive, run_inventory
from dlp.inventory.store import Inventory
from dlp.inventory.task import MAX_FINDINGS
from dlp.settings import SettingsSpec

app = typer.Typer(
    help="Inventory of personal data on file servers (個人データの棚卸し): incremental, resumable, on Dask if asked.",
    no_args_is_help=True,
)
DbOption = Annotated[Path, typer.Option("--db", help="the inventory database (SQLite; created on first run)")]
TlsCa = Annotated[str | None, typer.Option("--tls-ca-file", help="CA certificate (PEM) for TLS between hosts")]
TlsCert = Annotated[str | None, typer.Option("--tls-cert", help="this host's certificate (PEM)")]
TlsKey = Annotated[str | None, typer.Option("--tls-key", help="this host's private key (PEM)")]


@app.command("run")
def run(
    paths: Annotated[list[str], typer.Argument(metavar="PATH", help="folders (or files) to inventory")],
    db: DbOption,
    config: ConfigOption = None,
    rules: RulesOption = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="local worker processes (default: all cores)")] = 0,
    cluster_address: Annotated[
        str | None,
        typer.Option("--cluster", help="Dask scheduler (tcp://host:8786) or local:N for a LocalCluster of N workers"),
    ] = None,
    batch_files: Annotated[int, typer.Option("--batch-files", help="files per batch (one Dask task)")] = 200,
    batch_mb: Annotated[int, typer.Option("--batch-mb", help="bytes per batch, in MiB")] = 256,
    window: Annotated[int, typer.Option("--window", help="batches in flight (default: 2 per worker)")] = 0,
    tls_ca_file: TlsCa = None,
    tls_cert: TlsCert = None,
    tls_key: TlsKey = None,
) -> None:
    """Walk PATH..., scan new and changed files with the same pipeline as `dlp scan`, record the
    results per file (paths sealed, values as keyed fingerprints). A second run scans only what
    changed; a killed run resumes where it stopped."""
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        raise fail([f"no such file or folder: {p}" for p in missing])
    roots = [os.path.abspath(p) for p in paths]
    settings = load_settings(config, rules_path=rules)
    settings.stop_after_records = None
    settings.max_findings = MAX_FINDINGS
    spec = SettingsSpec(
        config.resolve() if config else None,
        rules.resolve() if rules else None,
        None,
        key=settings.key,
        full=True,
        max_findings=MAX_FINDINGS,
    )
    jobs = jobs or os.cpu_count() or 1
    try:
        security = cluster.Tls(tls_ca_file, tls_cert, tls_key).security()
    except ValueError as exc:
        raise fail([str(exc)]) from None
    try:
        with exclusive(db):
            inv = Inventory(db, settings.key)
            try:
                run_id = inv.start_run(roots, "dask" if cluster_address else "local")
                executor: Executor
                if cluster_address:
                    executor = DaskExecutor(cluster_address, settings, spec, run_id, security)
                    workers = max(1, len(executor.client.scheduler_info().get("workers", {})))
                else:
                    executor = LocalExecutor(settings, spec, jobs)
                    workers = jobs
                batching = Batching(batch_files, batch_mb * 1024 * 1024, window or 2 * workers)
                try:
                    stats = run_inventory(inv, roots, executor, settings.key, run_id, batching)
                finally:
                    executor.close()
            finally:
                inv.close()
    except (InventoryBusy, DaskMissing) as exc:
        raise fail([str(exc)]) from None
    except KeyboardInterrupt:
        err.print("interrupted: the batches written are kept; run again to resume")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    err.print(
        f"run #{stats.run}: {stats.seen} files seen, {stats.scanned} scanned, {stats.carried} carried over,"
        f" {stats.unchanged} unchanged, {stats.removed} removed, {stats.unreadable} unreadable"
    )


@app.command("scheduler")
def scheduler(
    host: Annotated[str, typer.Option("--host", help="address to listen on (a private interface, never 0.0.0.0)")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", help="port for workers and runs")] = 8786,
    tls_ca_file: TlsCa = None,
    tls_cert: TlsCert = None,
    tls_key: TlsKey = None,
) -> None:
    """Run the Dask scheduler that `dlp inventory run --cluster tcp://HOST:PORT` sends batches to."""
    try:
        argv = cluster.scheduler_argv(host, port, cluster.Tls(tls_ca_file, tls_cert, tls_key))
    except ValueError as exc:
        raise fail([str(exc)]) from None
    cluster.run(argv)


@app.command("worker")
def worker(
    scheduler: Annotated[str, typer.Argument(help="tcp://HOST:8786 (tls://… with --tls-*)")],
    host: Annotated[str, typer.Option("--host", help="this worker's address (a private interface)")] = "127.0.0.1",
    nworkers: Annotated[int, typer.Option("--nworkers", help="worker processes (default: all cores)")] = 0,
    tls_ca_file: TlsCa = None,
    tls_cert: TlsCert = None,
    tls_key: TlsKey = None,
) -> None:
    """Run Dask workers for inventory batches: one thread each, allowed to start the killable
    scan processes of `dlp scan`. The host must mount the shares at the same paths as the run's."""
    try:
        tls = cluster.Tls(tls_ca_file, tls_cert, tls_key)
        argv = cluster.worker_argv(scheduler, host, nworkers or os.cpu_count() or 1, tls)
    except ValueError as exc:
        raise fail([str(exc)]) from None
    cluster.run(argv, cluster.worker_env())


@app.command("report")
def report(
    db: DbOption,
    config: ConfigOption = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table | csv | json | html")] = "table",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="write to this file (html: one self-contained page)")
    ] = None,
    depth: Annotated[int, typer.Option("--depth", help="folder levels below each root")] = 3,
    top: Annotated[int, typer.Option("--top", help="folders listed by risk")] = 10,
) -> None:
    """Per folder subtree: files, records, distinct people and values, owners, oldest and newest
    files, the top folders by risk and the change since the previous complete run."""
    if output_format not in ("table", "csv", "json", "html"):
        raise fail([f"--format: unknown format {output_format!r} (known: table, csv, json, html)"])
    if not db.is_file():
        raise fail([f"no inventory at {db}"], "Run `dlp inventory run PATH --db FILE` first.")
    if output_format == "html":
        write_html_report(db, config, out, depth, top)
        return
    inv = Inventory(db, load_config(config).fingerprint_key())
    try:
        result = rollup(inv, depth=depth, top=top)
    finally:
        inv.close()
    if output_format == "csv":
        _emit(to_csv(result).encode("utf-8-sig"), out)
    elif output_format == "json":
        _emit((to_json(result) + "\n").encode(), out)
    elif out is not None:
        with out.open("w", encoding="utf-8") as fh:
            print_table(result, Console(file=fh, highlight=False, soft_wrap=True, width=160))
    else:
        print_table(result, Console(highlight=False, soft_wrap=True))


def _emit(data: bytes, out: Path | None) -> None:
    if out is None:
        sys.stdout.buffer.write(data)
    else:
        out.write_bytes(data)
