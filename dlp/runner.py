"""Scanning many paths: expanding folders, using every core, keeping input order.

Workers are processes (PDFium is not thread-safe and extraction must be killable); forked ones
inherit the compiled rules, spawned ones build their Settings from a picklable SettingsSpec.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dlp.config import Settings, load_config
from dlp.model import Verdict
from dlp.worker import ItemSpec, WorkerPool


@dataclass(frozen=True)
class SettingsSpec:
    """How to build Settings in another process (rules are compiled there, not pickled)."""

    config_path: Path | None = None
    rules_path: Path | None = None
    policy_path: Path | None = None
    keep_values: bool = False
    explain: bool = False
    key: bytes | None = None
    full: bool = False

    def build(self) -> Settings:
        settings = Settings.load(
            load_config(self.config_path),
            rules_path=self.rules_path,
            policy_path=self.policy_path,
            keep_values=self.keep_values,
            explain=self.explain,
            key=self.key,
        )
        if self.full:
            settings.stop_after_records = None
        return settings


class MissingPath(Exception):
    def __init__(self, paths: list[str]) -> None:
        super().__init__(", ".join(paths))
        self.paths = paths


def expand(paths: list[str]) -> list[str]:
    """Files to scan, in order: files as given, folders walked recursively and sorted.

    Symlinked folders are not followed (no loops); ``-`` stands for standard input.
    """
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    if missing:
        raise MissingPath(missing)
    out: list[str] = []
    for p in paths:
        if p == "-" or not os.path.isdir(p):
            out.append(p)
            continue
        for root, dirs, files in os.walk(p):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(root, name)
                if os.path.isfile(full):
                    out.append(full)
    return out


def spec_for(path: str) -> ItemSpec:
    return ItemSpec.for_path(path)


def _stdin_spec() -> ItemSpec:
    return ItemSpec(data=sys.stdin.buffer.read(), name="stdin", locator="-")


def scan_paths(paths: list[str], spec: SettingsSpec, settings: Settings, jobs: int) -> Iterator[Verdict]:
    """Verdicts in input order, each item scanned in a killable worker process (time and
    memory limits), as many at once as ``jobs``."""
    specs = [_stdin_spec() if p == "-" else spec_for(p) for p in paths]
    with WorkerPool(settings, min(jobs, len(specs)) or 1, settings_spec=spec) as pool:
        yield from pool.map(specs)
