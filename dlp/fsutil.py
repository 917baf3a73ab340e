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


def shared_group(folder: Path) -> int | None:
    """The group of ``folder`` when the administrator shared it with one: set-group-ID and group
    rwx (``install -d -m 2770 -g dlp /var/lib/dlp``). What dlp creates in such a folder is that
    group's too, so the console can run as its own user in that group (SECURITY.md, "The
    console's user"); in any other folder files stay 0600 and folders 0700, as before."""
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        return None
    shared = info.st_mode & stat.S_ISGID and info.st_mode & 0o070 == 0o070
    return info.st_gid if shared else None


def adopt(fd: int, folder: Path, *, group_writes: bool = True) -> None:
    """Give a file we just created the access of its folder: 0600, or in a shared folder its
    group with 0660 (``group_writes``) or 0640. Explicit, so the process umask (UMask=0077 in
    the units) cannot take the group's access away."""
    gid = shared_group(folder)
    mode = 0o600 if gid is None else (0o660 if group_writes else 0o640)
    info = os.fstat(fd)
    if info.st_uid != os.geteuid():
        return
    if gid is not None and info.st_gid != gid:
        os.fchown(fd, -1, gid)
    if info.st_mode & 0o777 != mode:
        os.fchmod(fd, mode)


def create_private(path: Path, flags: int = os.O_WRONLY, *, group_writes: bool = True) -> int:
    """``os.open`` with O_CREAT|O_EXCL and the folder's access (see ``adopt``); FileExistsError
    as os.open raises it."""
    fd = os.open(path, flags | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        adopt(fd, path.parent, group_writes=group_writes)
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_private(path: Path, flags: int) -> int:
    """``os.open`` with O_CREAT: a file made here gets its folder's access (see ``adopt``)."""
    for _ in range(3):  # a file removed between the two calls (a log rotated away): create it then
        try:
            return create_private(path, flags)
        except FileExistsError:
            pass
        try:
            return os.open(path, flags | os.O_CLOEXEC)
        except FileNotFoundError:
            continue
    return os.open(path, flags | os.O_CREAT | os.O_CLOEXEC, 0o600)


def private_dir(path: Path) -> Path:
    """Make ``path`` and its missing parents: 0700, or 2770 with the group of a shared parent
    (see ``shared_group``), whatever the umask."""
    missing = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        gid = shared_group(folder.parent)
        if gid is not None:
            os.chown(folder, -1, gid)
            os.chmod(folder, 0o2770)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 (0660 with the group in a shared folder, see
    ``shared_group``), and its folder, unless it exists: SQLite and log files are then created
    private, not with the process umask (SQLite gives its -wal/-shm files the same mode and owner)."""
    private_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(create_private(path))
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
