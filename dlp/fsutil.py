"""Small file-system steps that durability and privacy depend on, in one place."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """Make a rename or unlink in ``path`` durable: the entry lives in the folder, not the file."""
    fd = os.open(os.fspath(path) or ".", os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 (and its folder 0700) unless it exists: SQLite and
    log files are then created private, not with the process umask."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    return path


def shred(path: Path) -> None:
    """Overwrite a file with random bytes, fsync, then remove it (with its per-entry key already
    destroyed this is belt and braces: the ciphertext is unreadable either way)."""
    try:  # a delete and a start-up check may shred the same object at once: gone is done
        with path.open("r+b") as fh:
            remaining = os.fstat(fh.fileno()).st_size
            while remaining > 0:
                n = min(remaining, 1024 * 1024)
                fh.write(os.urandom(n))
                remaining -= n
            fh.flush()
            os.fsync(fh.fileno())
    except FileNotFoundError:
        return
    path.unlink(missing_ok=True)


class SymlinkError(OSError):
    """A path component is a symbolic link where we refuse to follow one."""


def path_components(path: Path) -> list[str]:
    """The names of an absolute path, ``..`` and ``.`` resolved by name: with every component
    opened without following links (see ``open_dir_nofollow``), the name is the path."""
    normal = os.path.normpath(os.fspath(path))
    if not os.path.isabs(normal):
        raise ValueError(f"{path}: not an absolute path")
    return [part for part in normal.split(os.sep) if part]


def open_dir_nofollow(parts: list[str], *, create: bool = False) -> int:
    """Open the folder ``/parts[0]/parts[1]/…`` one component at a time from ``/``, each with
    O_NOFOLLOW: a component swapped for a symbolic link (even one the caller may traverse) is
    refused, never followed. With ``create``, missing folders are made (mode 0777 less umask, owned
    by whoever runs this). Returns a file descriptor the caller closes."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open("/", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for depth, name in enumerate(parts):
            try:
                child = os.open(name, flags, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                with contextlib.suppress(FileExistsError):
                    os.mkdir(name, 0o777, dir_fd=fd)
                child = os.open(name, flags, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK) and _is_link(name, fd):
                    where = "/" + "/".join(parts[: depth + 1])
                    raise SymlinkError(errno.ELOOP, f"{where} is a symbolic link; refusing to follow it") from None
                raise
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def _is_link(name: str, dir_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False
