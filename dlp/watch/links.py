"""Symbolic links in a watched folder: each gets a verdict, never silence.

A link shows whatever it points to — a customer list outside the folder, a folder of them — to
anything that copies the folder on. ``[watch] symlinks`` says what the watcher does:

- ``"refuse"`` (the default): the link is not followed. Its verdict carries the unscannable
  reason ``unsupported`` ("symbolic link … not followed"), so the default policy holds it: the
  link (never its target) is removed, a marker says why, the owner and the officer are told.
- ``"scan"``: a link to a regular file of the link's owner is scanned as that file, and held
  like one (the content is stored, the link removed, the target left alone). Links to folders,
  devices, pipes, anything under /proc, /sys or /dev, to another user's file, broken or looping
  links are refused as above, in either mode: following them could loop, hang on a device, or
  have a watcher running as root read what the user who planted the link may not.
"""

from __future__ import annotations

import hashlib
import os
import stat

SPECIAL_TREES = ("/proc", "/sys", "/dev")


def refusal(path: str, mode: str) -> str | None:
    """Why the link at ``path`` is not followed (one line, English), or None to scan its target."""
    try:
        link = os.lstat(path)
        real = os.path.realpath(path, strict=True)  # ELOOP for a loop, ENOENT for a broken link
        target = os.stat(real)
    except OSError as exc:
        return f"symbolic link that is broken or loops ({exc.strerror or type(exc).__name__}): not followed"
    if any(real == tree or real.startswith(tree + "/") for tree in SPECIAL_TREES):
        return "symbolic link into /proc, /sys or /dev: not followed"
    if stat.S_ISDIR(target.st_mode):
        return "symbolic link to a folder: not followed (folders behind links are never walked)"
    if not stat.S_ISREG(target.st_mode):
        return "symbolic link to a device, pipe or socket: not followed"
    if mode != "scan":
        return 'symbolic link: not followed (watch.symlinks = "refuse")'
    if target.st_uid != link.st_uid:
        return "symbolic link to another user's file: not followed"
    return None


def through_link(path: str, root: str) -> bool:
    """True if a folder between ``root`` (a watched folder, itself resolved) and ``path`` is a
    symbolic link: a path reached through a link is not inside the watched folder."""
    parent = os.path.dirname(path)
    return parent != root and os.path.realpath(parent) != parent


MARKER_NOTE = (
    "\nシンボリックリンクは追跡せずに削除しました（リンク先のファイルはそのままです）。\n"
    "The symbolic link was removed without following it; what it pointed to is untouched.\n"
)


class NotRegular(OSError):
    """What the path names now is no regular file (swapped for a pipe or a device meanwhile)."""


def sha256_regular(path: str, chunk: int = 1 << 20) -> str:
    """The SHA-256 of the regular file at ``path`` (following a link). Opened non-blocking and
    checked before reading: a path swapped for a pipe after it was looked at must not hang the
    thread that hashes it."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegular(f"not a regular file any more: {os.path.basename(path)}")
        digest = hashlib.sha256()
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()
