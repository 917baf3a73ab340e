"""A durable outbox: rows recorded now, delivered later by a background thread, retried with
back-off, parked (kept, with the reason) when they cannot be delivered.

The mechanism of the notices' outbox (notify.py), for any sink that sends one message to one
destination: ``add`` records (and fsyncs, SQLite's WAL with ``synchronous=FULL``) before the
caller goes on, so nothing recorded is lost to a crash or a restart; ``due`` lists what is to be
sent now; the sink reports each row as ``sent``, ``failed`` (retried after ``RETRY_DELAYS``,
parked after the last) or ``park``-ed at once. ``run_in_background`` calls the sink's deliver
function when woken, else every ``interval`` seconds. A row is deleted only once sent: a crash
between sending and deleting sends it again, so a receiver deduplicates on the row's key.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from dlp.fsutil import private_file

log = logging.getLogger("dlp.outbox")
RETRY_DELAYS = (60, 300, 1800, 7200, 21600)  # seconds after each failed attempt

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    message BLOB NOT NULL,
    created REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL,
    last_error TEXT,
    parked REAL
);
"""


@dataclass(frozen=True)
class Row:
    id: int
    recipient: str
    message: bytes
    attempts: int
    created: float


@dataclass(frozen=True)
class ParkedRow:
    id: int
    recipient: str
    created: float
    parked: float
    attempts: int
    reason: str


class Outbox:
    def __init__(self, path: Path, retry_delays: tuple[int, ...] = RETRY_DELAYS) -> None:
        self.path = path
        self.retry_delays = retry_delays
        private_file(path)  # what waits here is about people: masked, but private
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(outbox)")}
            if "parked" not in columns:  # an outbox from before parking existed
                db.execute("ALTER TABLE outbox ADD COLUMN parked REAL")
        self.wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA synchronous=FULL")
        try:
            yield db
        finally:
            db.close()

    def add(self, recipient: str, message: bytes, *, when: float | None = None) -> int:
        """Record one message (on disk when this returns) and wake the delivery thread."""
        now = time.time() if when is None else when
        with self._db() as db:
            cursor = db.execute(
                "INSERT INTO outbox (recipient, message, created, next_try) VALUES (?, ?, ?, ?)",
                (recipient, message, now, now),
            )
        self.wake.set()
        return int(cursor.lastrowid or 0)

    def due(self, now: float | None = None) -> list[Row]:
        now = time.time() if now is None else now
        with self._db() as db:
            rows = db.execute(
                "SELECT id, recipient, message, attempts, created FROM outbox"
                " WHERE next_try <= ? AND parked IS NULL ORDER BY id",
                (now,),
            ).fetchall()
        return [Row(r[0], str(r[1]), r[2], r[3], r[4]) for r in rows]

    def sent(self, row_id: int) -> None:
        with self._db() as db:
            db.execute("DELETE FROM outbox WHERE id = ?", (row_id,))

    drop = sent  # given up on without parking (a notice over the rate limit)

    def failed(self, row: Row, reason: str, *, now: float | None = None) -> bool:
        """A failed attempt: retried after the next delay, or parked after the last one.
        Returns True if it was parked. ``reason`` must already be free of personal data."""
        attempts = row.attempts + 1
        if attempts > len(self.retry_delays):
            self.park(row.id, attempts, reason)
            return True
        now = time.time() if now is None else now
        with self._db() as db:
            db.execute(
                "UPDATE outbox SET attempts = ?, next_try = ?, last_error = ? WHERE id = ?",
                (attempts, now + self.retry_delays[attempts - 1], reason[:200], row.id),
            )
        return False

    def park(self, row_id: int, attempts: int, reason: str) -> None:
        with self._db() as db:
            db.execute(
                "UPDATE outbox SET attempts = ?, last_error = ?, parked = ? WHERE id = ?",
                (attempts, reason[:200], time.time(), row_id),
            )

    def pending(self) -> int:
        """Rows still to be sent (parked ones not counted)."""
        with self._db() as db:
            (count,) = db.execute("SELECT COUNT(*) FROM outbox WHERE parked IS NULL").fetchone()
        return int(count)

    def parked(self) -> list[ParkedRow]:
        with self._db() as db:
            rows = db.execute(
                "SELECT id, recipient, created, parked, attempts, last_error FROM outbox"
                " WHERE parked IS NOT NULL ORDER BY id"
            ).fetchall()
        return [ParkedRow(r[0], str(r[1]), r[2], r[3], r[4], r[5] or "") for r in rows]

    def retry(self, row_id: int) -> bool:
        """Put a parked row back in the queue (the officer fixed what was wrong)."""
        with self._db() as db:
            cursor = db.execute(
                "UPDATE outbox SET parked = NULL, attempts = 0, next_try = ? WHERE id = ? AND parked IS NOT NULL",
                (time.time(), row_id),
            )
        self.wake.set()
        return cursor.rowcount == 1

    # --- background delivery ---------------------------------------------------------------------

    def run_in_background(self, deliver: Callable[[], object], name: str, interval: float = 30.0) -> None:
        """Call ``deliver`` in a thread: at once when woken, else every ``interval`` seconds."""
        if self._thread is not None:
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    deliver()
                except Exception:  # delivery must outlive any one failure
                    log.exception("%s: delivery failed", name)
                self.wake.wait(interval)
                self.wake.clear()

        self._thread = threading.Thread(target=loop, name=name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
