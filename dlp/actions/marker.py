"""The note left in a held file's place: ``<name>.dlp.txt`` saying why and under which id.

One writer for every channel that holds files (`dlp watch`, `dlp scan --quarantine`), so a
person finds the same note whoever moved the file. The note goes at the first free name
(``<name>.dlp.txt``, ``<name>.dlp-2.txt`` …), created exclusively in the folder opened without
following links: a user's own file of that name, or a link planted there, is never overwritten
or followed.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dlp.model import Verdict
    from dlp.services import Services

log = logging.getLogger("dlp.actions")
MARKER_SUFFIX = ".dlp.txt"
NAME_MAX = 255
MAX_MARKERS = 100  # free names tried for a marker before giving up on it


def marker_path(path: str, n: int = 1) -> str:
    """``<name>.dlp.txt``, then ``<name>.dlp-2.txt`` … (the name shortened to fit NAME_MAX)."""
    folder, name = os.path.split(path)
    suffix = MARKER_SUFFIX if n == 1 else f".dlp-{n}.txt"
    room = NAME_MAX - len(suffix.encode())
    encoded = name.encode("utf-8", "surrogateescape")
    if len(encoded) > room:
        name = encoded[:room].decode("utf-8", "ignore")
    return os.path.join(folder, name + suffix)


def marker_paths(path: str) -> list[str]:
    return [marker_path(path, n) for n in range(1, MAX_MARKERS + 1)]


def write_marker(path: str, text: bytes) -> tuple[str, os.stat_result] | None:
    """Leave ``text`` beside ``path`` (the held file, already gone) at the first free marker
    name; returns where and the marker's stat, or None when no note could be left (the hold
    stands either way: the note is for people, not a record, so it is not fsynced)."""
    folder = os.path.dirname(path) or "."
    try:
        # the folder itself must not have become a link since the hold: open it without following
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        log.warning("could not leave a marker beside a held file: %s", exc.strerror or exc)
        return None
    try:
        if os.path.realpath(folder) != os.path.abspath(folder):
            log.warning("a folder became a symbolic link after a hold; no marker left")
            return None
        return _create(path, dir_fd, text)
    finally:
        os.close(dir_fd)


def _create(path: str, dir_fd: int, text: bytes) -> tuple[str, os.stat_result] | None:
    for marker in marker_paths(path):
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
            fd = os.open(os.path.basename(marker), flags, 0o644, dir_fd=dir_fd)
        except FileExistsError:
            continue  # someone's file (or link) has this name: try the next one
        except OSError as exc:
            log.warning("could not leave a marker beside a held file: %s", exc.strerror or exc)
            return None
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(text)
                fh.flush()
                return marker, os.fstat(fh.fileno())
        except OSError as exc:
            log.warning("could not finish a marker beside a held file: %s", exc.strerror or exc)
            return None
    log.warning("no free marker name beside a held file; no marker left")
    return None


def leave_marker(services: Services, path: str, verdict: Verdict, quarantine_id: str) -> str | None:
    """The note for a file an entry point just held, with the text a watcher leaves."""
    text = services.notifier.marker(verdict, item=path, quarantine_id=quarantine_id).encode("utf-8")
    left = write_marker(path, text)
    return left[0] if left else None
