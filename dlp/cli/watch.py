"""`dlp watch [DIR...]`: run the folder watcher in the foreground (systemd runs it so)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dlp.cli.common import ConfigOption, daemon_logging, fail

HELP = """Watch export folders and act on files as they land (runs until SIGTERM).

Folders come from the command line and from [[watch.folders]] in dlp.toml (each with its own
policy, owner and dry_run). allow is recorded; warn notifies the folder's owner and the officer;
quarantine and block move the file into the quarantine and leave <name>.dlp.txt in its place.
SIGHUP reloads the configuration and rules. Logs are JSON lines on standard error.
"""


def watch(
    folders: Annotated[list[Path] | None, typer.Argument(help="folders to watch (plus those in dlp.toml)")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="monitor only: record what would be done, touch no file")
    ] = False,
    polling: Annotated[
        bool, typer.Option("--polling", help="poll every folder (network mounts are polled anyway)")
    ] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="scan worker processes (default: [watch] jobs)")] = 0,
    config: ConfigOption = None,
) -> int:
    from dlp.runtime import StartError
    from dlp.watch.daemon import Watcher

    daemon_logging(config, "watch")
    try:
        watcher = Watcher(config, folders or [], dry_run=dry_run, polling=polling, jobs=jobs)
    except StartError as exc:
        raise fail(str(exc).splitlines(), "Nothing is being watched.") from None
    return watcher.run()
