"""Write-ahead intents: how ``check`` (run by every daemon at start, on a store others are
writing to) tells a hold in progress from the debris of one whose process died.

Each writing process holds an flock on its own file in ``writers/`` for as long as it lives
(the kernel drops the lock when it dies, however it dies; this works across PID namespaces,
where PIDs and their liveness would lie). Before a hold writes its first byte it commits an
intent row naming that writer; its index row replaces the intent in one commit. A temp file or
object whose intent's writer is still locked is left alone; no age threshold is involved, so a
slow hold of a large file is never taken for debris.

The lock file is locked before it gets its visible name (``.<name>.new`` renamed to
``<name>.lock``), so a visible lock file that can be locked belongs to a dead process.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import secrets
import socket
import sqlite3
import threading
import time
from pathlib import Path

from dlp.fsutil import create_private

STALE_NEW_WRITER = 3600.0  # a lock file never renamed into place: its process died at birth


class WriterLock:
    """This process's writer lock in ``folder`` (a forked child makes its own)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._held: tuple[int, int, str] | None = None  # (pid, fd, name)

    def name(self) -> str:
        with self._lock:
            if self._held is None or self._held[0] != os.getpid():
                name = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}"
                fresh = self.folder / f".{name}.new"
                fd = create_private(fresh, os.O_RDWR)
                fcntl.flock(fd, fcntl.LOCK_EX)
                os.rename(fresh, self.folder / f"{name}.lock")
                self._held = (os.getpid(), fd, name)
                atexit.register(self._leave, os.getpid())
            return self._held[2]

    def _leave(self, pid: int) -> None:
        """At a clean exit the lock file goes (a crash leaves it to ``check``): short CLI runs
        that hold a file do not pile them up between daemon starts."""
        if self._held is not None and self._held[0] == pid == os.getpid():
            with contextlib.suppress(OSError):
                (self.folder / f"{self._held[2]}.lock").unlink()


def writer_alive(folder: Path, name: str) -> bool:
    """True while the process that holds writer lock ``name`` lives (its flock is held)."""
    try:
        fd = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # releases our probe lock, if we got it
    return False


def intend(db: sqlite3.Connection, entry_id: str, writer: str) -> None:
    """Commit the intent before the hold writes. No fsync: the row that replaces it is fsynced,
    and after a power cut a file with neither intent nor row was never acknowledged."""
    db.execute("PRAGMA synchronous=NORMAL")
    try:
        db.execute("INSERT INTO intents (id, writer, started) VALUES (?, ?, ?)", (entry_id, writer, time.time()))
    finally:
        db.execute("PRAGMA synchronous=FULL")


def forget(db: sqlite3.Connection, entry_id: str) -> None:
    with contextlib.suppress(sqlite3.Error):
        db.execute("DELETE FROM intents WHERE id = ?", (entry_id,))


def forget_dead(db: sqlite3.Connection, folder: Path, intents: dict[str, str], alive: dict[str, bool]) -> None:
    """Intents of dead writers (after their files were removed), then dead writers' lock files."""
    for entry_id, writer in intents.items():
        if writer in alive and not alive[writer]:
            db.execute("DELETE FROM intents WHERE id = ? AND writer = ?", (entry_id, writer))
    named = {r[0] for r in db.execute("SELECT DISTINCT writer FROM intents")}
    for lock in folder.glob("*.lock"):
        if lock.stem not in named and not writer_alive(folder, lock.stem):
            lock.unlink(missing_ok=True)
    for fresh in folder.glob(".*.new"):
        with contextlib.suppress(OSError):
            if fresh.stat().st_mtime < time.time() - STALE_NEW_WRITER:
                fresh.unlink()
