"""The inventory: one SQLite database (WAL) that a run writes and reports read meanwhile.

SQLite, not DuckDB: DuckDB holds an exclusive lock (a report could not even open the file
read-only during a scan), installs its SQLite scanner by downloading it, and upserts row by row
in milliseconds where SQLite takes microseconds (bench/bench_inventory_store.py, 8,000 upserts
in batches of 200: SQLite WAL 5 µs a row, DuckDB 2.0 4.7 ms a row).

Paths are personal data (a file named after a customer), so a path is stored twice and never
in clear: an HMAC with the installation key to look it up (``path_key``), and AES-GCM sealed
under a key derived from it so a report can show folders. Values are keyed fingerprints only.

Every write is an upsert keyed by ``path_key`` inside one transaction per batch: a batch that
is written twice (a Dask retry, a resumed run) replaces its rows, it never adds to them.
"""

from __future__ import annotations

import hmac
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlp.actions.crypto import seal, unseal
from dlp.fsutil import private_file
from dlp.inventory.task import FileResult
from dlp.watch.state import Identity

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started REAL NOT NULL,
    finished REAL,
    status TEXT NOT NULL,              -- running | complete | interrupted
    roots TEXT NOT NULL,               -- JSON list of root keys
    seen INTEGER NOT NULL DEFAULT 0,
    scanned INTEGER NOT NULL DEFAULT 0,
    carried INTEGER NOT NULL DEFAULT 0,  -- renamed or same content: result carried over
    unchanged INTEGER NOT NULL DEFAULT 0,
    removed INTEGER NOT NULL DEFAULT 0,
    unreadable INTEGER NOT NULL DEFAULT 0,
    engine TEXT NOT NULL DEFAULT 'local'
);
CREATE TABLE IF NOT EXISTS folders (
    folder_key TEXT PRIMARY KEY,
    sealed BLOB NOT NULL,
    root_key TEXT NOT NULL,
    seen_run INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    path_key TEXT PRIMARY KEY,
    sealed BLOB NOT NULL,
    folder_key TEXT NOT NULL,
    root_key TEXT NOT NULL,
    dev INTEGER NOT NULL, ino INTEGER NOT NULL, size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
    uid INTEGER NOT NULL, owner TEXT NOT NULL,
    format TEXT NOT NULL, action TEXT NOT NULL, clause TEXT,
    counts TEXT NOT NULL,              -- JSON: type -> distinct values in this file
    records INTEGER NOT NULL,
    error TEXT, reason TEXT NOT NULL DEFAULT '',
    retry INTEGER NOT NULL DEFAULT 0,  -- cut short: scanned again by the next run
    complete INTEGER NOT NULL DEFAULT 1,
    content_key TEXT,
    scanned_run INTEGER NOT NULL,      -- the run that scanned it (a carried result keeps its own)
    seen_run INTEGER NOT NULL,         -- the last run that found it on disk (mark and sweep)
    scanned_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS files_inode ON files(dev, ino);
CREATE INDEX IF NOT EXISTS files_content ON files(content_key);
CREATE INDEX IF NOT EXISTS files_folder ON files(folder_key);
CREATE INDEX IF NOT EXISTS files_size ON files(size, mtime_ns);
CREATE TABLE IF NOT EXISTS file_values (
    path_key TEXT NOT NULL,
    type TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    PRIMARY KEY (path_key, type, fingerprint)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS values_by_fingerprint ON file_values(type, fingerprint);
CREATE TABLE IF NOT EXISTS unreadable (
    path_key TEXT PRIMARY KEY,
    sealed BLOB NOT NULL,
    folder_key TEXT NOT NULL,
    root_key TEXT NOT NULL,
    error TEXT NOT NULL,
    seen_run INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS folder_history (  -- per complete run: each folder's own files
    run INTEGER NOT NULL,
    folder_key TEXT NOT NULL,
    files INTEGER NOT NULL,
    records INTEGER NOT NULL,
    flagged INTEGER NOT NULL,
    PRIMARY KEY (run, folder_key)
) WITHOUT ROWID;
"""

_FILE_COLUMNS = (
    "path_key, sealed, folder_key, root_key, dev, ino, size, mtime_ns, ctime_ns, uid, owner, format, action,"
    " clause, counts, records, error, reason, retry, complete, content_key, scanned_run, seen_run, scanned_at"
)
_RESULT_COLUMNS = "format, action, clause, counts, records, error, reason, retry, complete, content_key, scanned_run"


@dataclass(frozen=True)
class Known:
    """A file's row as the walk needs it: its identity when scanned, and whether to scan it again."""

    identity: Identity
    retry: bool
    content_key: str | None


@dataclass(frozen=True)
class Placed:
    """Where a file is and what it is now: everything of a row except the scan result."""

    path: str
    folder: str
    root: str
    identity: Identity
    uid: int
    owner: str


class Inventory:
    """The inventory database. One writer (the run's client), any number of readers."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self._key = key
        self._seal_key = hmac.digest(key, b"dlp inventory: sealing paths, v1", "sha256")
        private_file(path)
        self.db = sqlite3.connect(path, timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # a lost batch after a power cut is scanned again
        self.db.executescript(SCHEMA)

    # keys and sealing
    def key_of(self, path: str, kind: str = "path") -> str:
        return hmac.digest(self._key, kind.encode() + b"\0" + os.fsencode(path), "sha256").hex()

    def seal_path(self, path: str) -> bytes:
        return seal(self._seal_key, os.fsencode(path), "inventory-path")

    def unseal_path(self, sealed: bytes) -> str:
        return os.fsdecode(unseal(self._seal_key, sealed, "inventory-path"))

    # runs
    def start_run(self, roots: list[str], engine: str) -> int:
        with self.transaction():
            self.db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            cur = self.db.execute(
                "INSERT INTO runs (started, status, roots, engine) VALUES (?, 'running', ?, ?)",
                (time.time(), json.dumps(sorted(self.key_of(r, "root") for r in roots)), engine),
            )
        return int(cur.lastrowid or 0)

    def count_run(self, run: int, **deltas: int) -> None:
        sets = ", ".join(f"{k} = {k} + ?" for k in deltas)
        self.db.execute(f"UPDATE runs SET {sets} WHERE id = ?", (*deltas.values(), run))

    def finish_run(self, run: int, *, complete: bool) -> None:
        status = "complete" if complete else "interrupted"
        self.db.execute("UPDATE runs SET status = ?, finished = ? WHERE id = ?", (status, time.time(), run))

    def runs(self) -> list[sqlite3.Row]:
        self.db.row_factory = sqlite3.Row
        try:
            return list(self.db.execute("SELECT * FROM runs ORDER BY id"))
        finally:
            self.db.row_factory = None

    # lookups during the walk
    def known(self, path: str) -> Known | None:
        row = self.db.execute(
            "SELECT dev, ino, size, mtime_ns, ctime_ns, retry, content_key FROM files WHERE path_key = ?",
            (self.key_of(path),),
        ).fetchone()
        if row is None:
            return None
        return Known(Identity(*row[:5]), bool(row[5]), row[6])

    def moved_from(self, identity: Identity, path: str) -> str | None:
        """The path key of another row with this inode, size and mtime: a rename keeps all three.
        (The same path with a new ctime is no rename: a write that put the mtime back does that.)"""
        row = self.db.execute(
            "SELECT path_key FROM files WHERE dev = ? AND ino = ? AND size = ? AND mtime_ns = ? AND retry = 0"
            " AND error IS NULL AND path_key != ? LIMIT 1",
            (identity.dev, identity.ino, identity.size, identity.mtime_ns, self.key_of(path)),
        ).fetchone()
        return row[0] if row else None

    def same_content(self, content_key: str) -> str | None:
        row = self.db.execute(
            "SELECT path_key FROM files WHERE content_key = ? AND retry = 0 AND error IS NULL LIMIT 1", (content_key,)
        ).fetchone()
        return row[0] if row else None

    def copy_candidate(self, identity: Identity) -> bool:
        """A row with this size and mtime: a copy that kept its timestamps (cp -p, rsync -a, robocopy)
        may be one of them, worth a hash. A new file matching none is scanned without one, so a
        first run does not read every file twice."""
        row = self.db.execute(
            "SELECT 1 FROM files WHERE size = ? AND mtime_ns = ? LIMIT 1", (identity.size, identity.mtime_ns)
        ).fetchone()
        return row is not None

    # writes: callers group them in one transaction per batch
    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    def mark_seen(self, run: int, place: Placed) -> None:
        """An unchanged file: only its run mark (and the owner, which a chown changes with ctime)."""
        self.db.execute(
            "UPDATE files SET seen_run = ?, folder_key = ?, root_key = ? WHERE path_key = ?",
            (run, self.key_of(place.folder, "folder"), self.key_of(place.root, "root"), self.key_of(place.path)),
        )

    def folder(self, run: int, folder: str, root: str) -> None:
        self.db.execute(
            "INSERT INTO folders (folder_key, sealed, root_key, seen_run) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(folder_key) DO UPDATE SET seen_run = excluded.seen_run, root_key = excluded.root_key",
            (self.key_of(folder, "folder"), self.seal_path(folder), self.key_of(root, "root"), run),
        )

    def put(self, run: int, place: Placed, result: FileResult) -> None:
        """Upsert a scanned file and replace its values."""
        key = self.key_of(place.path)
        self._put_place(run, place, key, scanned_run=run, result=result)
        self.db.execute("DELETE FROM file_values WHERE path_key = ?", (key,))
        self.db.executemany(
            "INSERT OR IGNORE INTO file_values (path_key, type, fingerprint) VALUES (?, ?, ?)",
            [(key, t, fp) for t, fp in result.values],
        )

    def carry(self, run: int, place: Placed, source_key: str) -> None:
        """Copy the result of ``source_key`` (the same file renamed, or the same content) to ``place``."""
        key = self.key_of(place.path)
        if key == source_key:
            self._put_place(run, place, key, scanned_run=None, result=None)
            return
        row = self.db.execute(f"SELECT {_RESULT_COLUMNS} FROM files WHERE path_key = ?", (source_key,)).fetchone()
        if row is None:
            raise KeyError(source_key)
        result = FileResult(
            path=place.path,
            format=row[0],
            action=row[1],
            clause=row[2],
            counts=json.loads(row[3]),
            records=row[4],
            error=row[5],
            reason=row[6],
            retry=bool(row[7]),
            complete=bool(row[8]),
            content_key=row[9],
        )
        self._put_place(run, place, key, scanned_run=row[10], result=result)
        self.db.execute("DELETE FROM file_values WHERE path_key = ?", (key,))
        self.db.execute(
            "INSERT OR IGNORE INTO file_values (path_key, type, fingerprint)"
            " SELECT ?, type, fingerprint FROM file_values WHERE path_key = ?",
            (key, source_key),
        )

    def _put_place(
        self, run: int, place: Placed, key: str, *, scanned_run: int | None, result: FileResult | None
    ) -> None:
        i = place.identity
        if result is None:  # same row, new identity (a touch with unchanged content)
            self.db.execute(
                "UPDATE files SET dev = ?, ino = ?, size = ?, mtime_ns = ?, ctime_ns = ?, uid = ?, owner = ?,"
                " seen_run = ? WHERE path_key = ?",
                (i.dev, i.ino, i.size, i.mtime_ns, i.ctime_ns, place.uid, place.owner, run, key),
            )
            return
        self.db.execute(
            f"INSERT OR REPLACE INTO files ({_FILE_COLUMNS}) VALUES ({', '.join('?' * 24)})",
            (
                key,
                self.seal_path(place.path),
                self.key_of(place.folder, "folder"),
                self.key_of(place.root, "root"),
                i.dev,
                i.ino,
                i.size,
                i.mtime_ns,
                i.ctime_ns,
                place.uid,
                place.owner,
                result.format,
                result.action,
                result.clause,
                json.dumps(result.counts, sort_keys=True),
                result.records,
                result.error,
                result.reason,
                int(result.retry),
                int(result.complete),
                result.content_key,
                scanned_run if scanned_run is not None else run,
                run,
                time.time(),
            ),
        )

    def put_unreadable(self, run: int, path: str, folder: str, root: str, error: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO unreadable (path_key, sealed, folder_key, root_key, error, seen_run)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                self.key_of(path),
                self.seal_path(path),
                self.key_of(folder, "folder"),
                self.key_of(root, "root"),
                error,
                run,
            ),
        )

    def sweep(self, run: int, roots: Iterable[str]) -> int:
        """After a complete walk: rows under ``roots`` this run did not see are deleted files."""
        root_keys = [self.key_of(r, "root") for r in roots]
        marks = ", ".join("?" * len(root_keys))
        with self.transaction():
            gone = [
                k
                for (k,) in self.db.execute(
                    f"SELECT path_key FROM files WHERE root_key IN ({marks}) AND seen_run != ?", (*root_keys, run)
                )
            ]
            self.db.executemany("DELETE FROM file_values WHERE path_key = ?", [(k,) for k in gone])
            self.db.executemany("DELETE FROM files WHERE path_key = ?", [(k,) for k in gone])
            for table in ("unreadable", "folders"):
                self.db.execute(f"DELETE FROM {table} WHERE root_key IN ({marks}) AND seen_run != ?", (*root_keys, run))
            self.db.execute(
                "INSERT OR REPLACE INTO folder_history (run, folder_key, files, records, flagged)"
                " SELECT ?, folder_key, COUNT(*), SUM(records), SUM(action != 'allow') FROM files GROUP BY folder_key",
                (run,),
            )
        return len(gone)

    # reading
    def rows(self, sql: str, params: tuple[object, ...] = ()) -> Iterator[tuple[Any, ...]]:
        yield from self.db.execute(sql, params)

    def close(self) -> None:
        self.db.close()


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT (ROLLBACK on an exception): a batch is written whole or not at all."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
