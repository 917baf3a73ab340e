"""Small file-system steps that durability and privacy depend on, in one place."""

from __future__ import annotations

import hashlib
import os
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


def sha256_file(path: str | os.PathLike[str], chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def shred(path: Path) -> None:
    """Overwrite a file with random bytes, fsync, then remove it (with its per-entry key already
    destroyed this is belt and braces: the ciphertext is unreadable either way)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with path.open("r+b") as fh:
        remaining = size
        while remaining > 0:
            n = min(remaining, 1024 * 1024)
            fh.write(os.urandom(n))
            remaining -= n
        fh.flush()
        os.fsync(fh.fileno())
    path.unlink()
