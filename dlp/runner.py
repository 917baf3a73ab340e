"""Scanning many paths: expanding folders, using every core, keeping input order.

Workers are processes (PDFium is not thread-safe and extraction must be killable); each builds
its Settings once from a picklable SettingsSpec.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from dlp.config import Settings, load_config
from dlp.model import Item, Verdict
from dlp.pipeline import scan_item

_settings: Settings | None = None


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


def _init_worker(spec: SettingsSpec) -> None:
    global _settings
    if _settings is None:  # spawned, not forked: build our own
        _settings = spec.build()


def _scan_in_worker(path: str) -> Verdict:
    assert _settings is not None
    return scan_path(path, _settings)


def scan_path(path: str, settings: Settings) -> Verdict:
    if path == "-":
        return _scan_stdin(settings)
    return scan_item(Item.from_path(path), settings)


def _scan_stdin(settings: Settings) -> Verdict:
    with tempfile.NamedTemporaryFile(prefix="dlp-stdin-") as tmp:
        while chunk := sys.stdin.buffer.read(1024 * 1024):
            tmp.write(chunk)
        tmp.flush()
        item = Item.from_path(tmp.name)
        item.name = "stdin"
        item.locator = "-"
        item.path = None
        return scan_item(item, settings)


def scan_paths(paths: list[str], spec: SettingsSpec, settings: Settings, jobs: int) -> Iterator[Verdict]:
    """Verdicts in input order; in-process for a few files, a process pool for many."""
    if jobs <= 1 or len(paths) < 4 or "-" in paths:
        for path in paths:
            yield scan_path(path, settings)
        return
    global _settings
    _settings = settings  # forked workers inherit the compiled rules instead of loading them again
    settings.engine  # noqa: B018 - compile before forking
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(spec,)) as pool:
        yield from pool.map(_scan_in_worker, paths, chunksize=max(1, min(32, len(paths) // (jobs * 8))))
