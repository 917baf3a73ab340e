"""`dlp scan PATH...`: ad-hoc scans for people (a table) and scripts (JSON, exit codes)."""

from __future__ import annotations

import os
import signal
import stat
import sys
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from dlp.cli import startup
from dlp.cli.common import ConfigOption, PolicyOption, RulesOption, err, fail, load_services, load_settings
from dlp.cli.exitcodes import EXIT_INTERRUPTED, exit_code_for, exit_codes_help
from dlp.extract.ocr import status as ocr_status
from dlp.fanout import helpers_for
from dlp.model import Action, Verdict
from dlp.report import FORMATS
from dlp.runner import MissingPath, expand, scan_paths
from dlp.settings import Settings, SettingsSpec

if TYPE_CHECKING:
    from dlp.actions.enforce import Enforcement

HELP = (
    "Scan files and folders (recursively; '-' reads standard input) for personal data.\n\n"
    f"Exit code: {exit_codes_help()}\n\n"
    "Values are masked (090-****-5678) unless --show-values."
)


def scan(
    paths: Annotated[
        list[str], typer.Argument(metavar="PATH", help="files or folders to scan; '-' for standard input")
    ],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=" | ".join(FORMATS), autocompletion=lambda: list(FORMATS))
    ] = "table",
    rules: RulesOption = None,
    policy: PolicyOption = None,
    show_values: Annotated[
        bool, typer.Option("--show-values", help="show found values unmasked (careful: personal data on screen)")
    ] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="per finding: pattern, validator result, context word")
    ] = False,
    full: Annotated[
        bool,
        typer.Option("--full", help="count everything even once the verdict is block (slower on huge exports)"),
    ] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            help="processes (default: all cores): items at once; with fewer items, a long table's blocks too",
        ),
    ] = 0,
    hold: Annotated[
        bool,
        typer.Option(
            "--quarantine", help="move files whose verdict is quarantine or block into the quarantine (audited)"
        ),
    ] = False,
    audit: Annotated[bool, typer.Option("--audit", help="write every verdict to the audit trail")] = False,
    only_flagged: Annotated[
        bool,
        typer.Option("--only-flagged", help="list only items whose verdict is not allow (the exit code counts all)"),
    ] = False,
    config: ConfigOption = None,
) -> int:
    if output_format not in FORMATS:
        raise fail([f"--format: unknown format {output_format!r} (known: {', '.join(FORMATS)})"])
    try:
        files = expand(paths)
    except MissingPath as exc:
        raise fail(
            [f"no such file or folder: {p}" for p in exc.paths], "Check the path(s); nothing was scanned."
        ) from None
    settings = load_settings(config, rules_path=rules, policy_path=policy, keep_values=show_values, explain=explain)
    if full:
        settings.stop_after_records = None
    _ocr_notice(settings)
    jobs = jobs or os.cpu_count() or 1
    # More cores than items: a long table's blocks are detected in helper processes too.
    settings.detect_helpers = helpers_for(jobs, len(files))
    spec = SettingsSpec(
        config, rules, policy, show_values, explain, settings.key, full, detect_helpers=settings.detect_helpers
    )
    writer = FORMATS[output_format](sys.stdout, show_values=show_values, explain=explain, rules=settings.rules.rules)
    enforcement = _enforcement(config) if hold or audit else None
    settings.engine  # noqa: B018 - compiled here, as the worker pool would before forking its workers
    startup.resume()  # what the scan keeps is loaded: the collector runs again (startup.py)
    actions: list[Action] = []
    progress = _progress(len(files))
    verdicts = scan_paths(files, spec, settings, jobs)
    stop = _CtrlC()
    with stop:
        try:
            with progress:
                task = progress.add_task("scanning", total=len(files))
                for path, verdict in zip(files, verdicts, strict=True):
                    if enforcement is not None:  # first: the output lists the hold id
                        _enforce(enforcement, path, verdict, hold=hold, audit=audit)
                    if verdict.action > Action.ALLOW or not only_flagged:
                        writer.write(verdict, path)
                    actions.append(verdict.action)
                    progress.advance(task)
                    if stop.requested:
                        break
        except KeyboardInterrupt:  # a second Ctrl-C: stop waiting for the items in progress
            stop.requested = True
        finally:
            stop.close(verdicts)  # the rest never start
    writer.close()  # what was finished is listed, in every format
    if stop.requested:
        err.print(f"interrupted: {len(actions)} of {len(files)} item(s) scanned and listed; the rest were not scanned")
        raise typer.Exit(EXIT_INTERRUPTED)
    if only_flagged and Action.ALLOW in actions:
        err.print(f"{actions.count(Action.ALLOW)} allowed item(s) not listed (--only-flagged)")
    return exit_code_for(actions)


def _ocr_notice(settings: Settings) -> None:
    """Said once per run, not per image: without Tesseract every image and scanned page is
    ``no_text`` (held by the default policy), never silently allowed."""
    if not settings.limits.ocr:
        return
    ok, message = ocr_status()
    if not ok:
        print(f"warning: {message}", file=sys.stderr)


def _enforcement(config: Path | None) -> Enforcement:
    """The quarantine and the audit trail, for --quarantine and --audit only: a plain scan
    does not load their stores, crypto and mailers."""
    from dlp.actions.audit import current_user
    from dlp.actions.enforce import Enforcement

    return Enforcement(load_services(config), "scan", actor=current_user())


def _enforce(enforcement: Enforcement, path: str, verdict: Verdict, *, hold: bool, audit: bool) -> None:
    """Hold the file if its verdict asks for it (the original goes only once the store has it,
    and the watcher's note takes its place); record held items, and every verdict with --audit."""
    from dlp.actions.marker import leave_marker

    quarantine_id = None
    enforced = None
    if hold and verdict.action >= Action.APPROVAL:
        if path == "-":
            err.print("standard input cannot be held; it was only scanned")
        elif not _regular_file(path):  # an unreadable folder, a FIFO (opening it would block)
            err.print(f"not a regular file, not held: {escape(verdict.redact(path))}")
            enforced = "hold failed"
        else:
            try:
                entry = enforcement.hold_file(Path(path), verdict)
                os.unlink(path)
            except OSError as exc:
                err.print(
                    f"[red]error:[/] could not hold {escape(verdict.redact(path))}: {escape(str(exc.strerror or exc))}"
                )
                enforced = "hold failed"
            else:
                quarantine_id, enforced = entry.id, "held"
                leave_marker(enforcement.services, path, verdict, entry.id)
                err.print(f"held {entry.id}: {escape(entry.locator)}")
    if audit or enforced:
        enforcement.record(verdict, item=path, enforced=enforced, quarantine_id=quarantine_id)


class _CtrlC:
    """Ctrl-C during a scan: the items in progress finish (each within limits.timeout) and are
    listed with everything finished before them, the rest are not scanned, and the exit code
    is 130. A second Ctrl-C stops waiting at once. Where SIGINT was ignored (nohup) it stays so."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: object = None

    def __enter__(self) -> _CtrlC:
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]

    def close(self, verdicts: Generator[Verdict, None, None]) -> None:
        """End the scan: what was not started never starts; a Ctrl-C while the items in
        progress finish stops the wait, and what was finished is still listed."""
        try:
            verdicts.close()
        except KeyboardInterrupt:
            self.requested = True

    def _handle(self, signum: int, frame: object) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        sys.stderr.write("stopping: the items in progress finish, the rest are not scanned (Ctrl-C again: now)\n")


def _regular_file(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _progress(total: int) -> Progress:
    """A progress bar on stderr, only when stderr is a terminal (never in pipes or CI logs)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not sys.stderr.isatty() or total < 2,
    )
