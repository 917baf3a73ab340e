"""Listing a share: os.scandir, no symlink followed, nothing skipped silently.

A folder that cannot be listed is reported (``Unreadable``), not dropped as ``os.walk`` does by
default. Snapshot and recycle folders hold copies of what is elsewhere on the share: walking them
would count every customer list two or three times.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass

SKIP_DIRS = frozenset({".snapshot", "~snapshot", "#recycle", "$RECYCLE.BIN", ".zfs"})


@dataclass(frozen=True)
class Entry:
    """A regular file and what lstat said about it."""

    path: str
    folder: str
    st: os.stat_result


@dataclass(frozen=True)
class Unreadable:
    """A folder or file that could not be listed or stat'ed, and why."""

    path: str
    folder: str
    error: str


def walk(root: str) -> Iterator[Entry | Unreadable]:
    """Regular files under ``root`` (or ``root`` itself), folders in sorted order, depth first.

    Symlinks, FIFOs, sockets and devices are not files we scan and are not followed (a link to
    ``/`` would walk the whole machine; a FIFO blocks its reader).
    """
    try:
        st = os.lstat(root)
    except OSError as exc:
        yield Unreadable(root, os.path.dirname(root), _why(exc))
        return
    if not stat.S_ISDIR(st.st_mode):
        if stat.S_ISREG(st.st_mode):
            yield Entry(root, os.path.dirname(root), st)
        return
    stack = [root]
    visited = {(st.st_dev, st.st_ino)}  # a bind mount of a parent inside the tree would loop
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Unreadable(folder, os.path.dirname(folder), _why(exc))
            continue
        subfolders: list[str] = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name in SKIP_DIRS:
                        continue
                    sub = entry.stat(follow_symlinks=False)
                    if (sub.st_dev, sub.st_ino) not in visited:
                        visited.add((sub.st_dev, sub.st_ino))
                        subfolders.append(entry.path)
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue
                yield Entry(entry.path, folder, entry.stat(follow_symlinks=False))
            except OSError as exc:
                yield Unreadable(entry.path, folder, _why(exc))
        stack.extend(reversed(subfolders))


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__
