"""What the watcher has already decided, so a walk or a restart never scans a file twice.

One row per path: the file's identity when it was scanned (device, inode, size, mtime, ctime),
a keyed digest of its content, the verdict and the quarantine id of a held file; markers we
wrote are rows too (``kind = 'marker'``), so their events are recognised. Paths and digests are stored as
HMACs with the installation key: a file name can be a person's name and the digest of a short
file can be brute-forced, and the watcher only ever needs to look them up, never to list them.
Losing this database costs a rescan, nothing else.
"""

from __future__ import annotations

import hmac
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from dlp.fsutil import private_file

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path_key TEXT PRIMARY KEY,
    dev INTEGER NOT NULL,
    ino INTEGER NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    digest TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'file',   -- file | marker (a marker we wrote)
    action TEXT,
    clause TEXT,
    quarantine_id TEXT,
    scanned REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Identity:
    """What says a file is unchanged: where it lives on disk, its size and mtime."""

    dev: int
    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int  # a chmod that makes an unreadable file readable changes only this

    @classmethod
    def of(cls, st: os.stat_result) -> Identity:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass(frozen=True)
class Record:
    identity: Identity
    digest: str
    kind: str = "file"
    action: str | None = None
    clause: str | None = None
    quarantine_id: str | None = None


class WatchState:
    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self._key = key
        private_file(path)
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # a lost row costs a rescan, not data
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def path_key(self, path: str) -> str:
        return hmac.digest(self._key, b"path\0" + os.fsencode(path), "sha256").hex()

    def content_key(self, sha256_hex: str) -> str:
        return hmac.digest(self._key, b"content\0" + bytes.fromhex(sha256_hex), "sha256").hex()

    def get(self, path: str) -> Record | None:
        with self._lock:
            row = self._db.execute(
                "SELECT dev, ino, size, mtime_ns, ctime_ns, digest, kind, action, clause, quarantine_id"
                " FROM files WHERE path_key = ?",
                (self.path_key(path),),
            ).fetchone()
        if row is None:
            return None
        return Record(Identity(*row[:5]), *row[5:])

    def put(self, path: str, record: Record) -> None:
        i = record.identity
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO files (path_key, dev, ino, size, mtime_ns, ctime_ns, digest, kind, action,"
                " clause, quarantine_id, scanned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.path_key(path),
                    i.dev,
                    i.ino,
                    i.size,
                    i.mtime_ns,
                    i.ctime_ns,
                    record.digest,
                    record.kind,
                    record.action,
                    record.clause,
                    record.quarantine_id,
                    time.time(),
                ),
            )

    def forget(self, path: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM files WHERE path_key = ?", (self.path_key(path),))

    def count(self) -> int:
        with self._lock:
            (n,) = self._db.execute("SELECT COUNT(*) FROM files").fetchone()
        return int(n)

    def close(self) -> None:
        with self._lock:
            self._db.close()
