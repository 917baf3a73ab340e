"""Scanning many paths: expanding folders, using every core, keeping input order.

Workers are processes (PDFium is not thread-safe and extraction must be killable); forked ones
inherit the compiled rules, spawned ones build their Settings from a picklable SettingsSpec
(dlp.settings).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Generator

from dlp.model import Verdict
from dlp.settings import Settings, SettingsSpec
from dlp.worker import ItemSpec, WorkerPool


class MissingPath(Exception):
    def __init__(self, paths: list[str]) -> None:
        super().__init__(", ".join(paths))
        self.paths = paths


def expand(paths: list[str]) -> list[str]:
    """Files to scan, in order: files as given, folders walked recursively and sorted.

    Symlinked folders are not followed (no loops); ``-`` stands for standard input. Nothing in
    a folder is skipped silently: a subfolder that cannot be listed, a symlinked folder, a
    dangling link or a FIFO is listed too, and its scan says why it was not read
    (``dlp.extract`` checks what a path is before opening it).
    """
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    if missing:
        raise MissingPath(missing)
    out: list[str] = []
    unreadable: list[str] = []
    for p in paths:
        if p == "-" or not os.path.isdir(p):
            out.append(p)
            continue
        for root, dirs, files in os.walk(p, onerror=lambda exc: unreadable.append(str(exc.filename))):
            dirs.sort()
            entries = sorted([*files, *(d for d in dirs if os.path.islink(os.path.join(root, d)))])
            out.extend(os.path.join(root, name) for name in entries)
        out.extend(unreadable)
        unreadable.clear()
    return out


def spec_for(path: str) -> ItemSpec:
    return ItemSpec.for_path(path)


def _stdin_spec() -> ItemSpec:
    return ItemSpec(data=sys.stdin.buffer.read(), name="stdin", locator="-")


def scan_paths(paths: list[str], spec: SettingsSpec, settings: Settings, jobs: int) -> Generator[Verdict, None, None]:
    """Verdicts in input order, each item scanned in a killable worker process (time and
    memory limits), as many at once as ``jobs``."""
    specs = [_stdin_spec() if p == "-" else spec_for(p) for p in paths]
    with WorkerPool(settings, min(jobs, len(specs)) or 1, settings_spec=spec) as pool:
        yield from pool.map(specs)
