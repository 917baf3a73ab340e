"""Accounts, sessions, login throttling and CSRF tokens of the console, in one small SQLite file.

Why server-side sessions: Starlette's session cookie is signed, not revocable; the cookie only
carries a session id that must still be in the ``sessions`` table, so logout and disabling an
account take effect on the next request. Why a SQLite throttle: counts kept in process memory
would reset with each restart and differ between workers."""

from __future__ import annotations

import contextlib
import hmac
import secrets
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dlp.fsutil import private_file

ROLES = ("officer", "approver", "auditor")
SESSION_SECONDS = 8 * 3600
FAILURE_WINDOW = 15 * 60  # failures older than this are forgotten
FAILURES_ALLOWED = 5  # then each further attempt waits 2**(n-5) seconds, up to the window

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, hash TEXT NOT NULL, role TEXT NOT NULL, department TEXT,
    disabled INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, user TEXT NOT NULL, csrf TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS failures (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS failures_key ON failures(key, at);
"""


class AccountError(Exception):
    """An account operation that cannot be done (the message says why)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    department: str | None


@dataclass(frozen=True)
class Session:
    id: str
    user: User
    csrf: str


class Accounts:
    def __init__(self, path: Path) -> None:
        self.path = path
        private_file(path)
        self.hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory parameters
        self._dummy = self.hasher.hash(secrets.token_hex(16))  # unknown users cost the same time
        with self._db() as db:
            db.executescript(_SCHEMA)

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """A connection for one step (autocommit), closed after it."""
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            yield db
        finally:
            db.close()

    # --- accounts ----------------------------------------------------------------------------------

    def add(self, name: str, password: str, role: str, department: str | None = None) -> User:
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        if role == "approver" and not department:
            raise AccountError("an approver needs a department (--department)")
        if not name or len(password) < 12:
            raise AccountError("a user name and a password of at least 12 characters are needed")
        try:
            with self._db() as db:
                db.execute(
                    "INSERT INTO users (name, hash, role, department, created) VALUES (?, ?, ?, ?, ?)",
                    (name, self.hasher.hash(password), role, department, time.time()),
                )
        except sqlite3.IntegrityError:
            raise AccountError(f"user {name!r} exists (use `dlp console user passwd`)") from None
        return User(name, role, department)

    def passwd(self, name: str, password: str) -> None:
        if len(password) < 12:
            raise AccountError("a password of at least 12 characters is needed")
        with self._db() as db:
            changed = db.execute("UPDATE users SET hash = ? WHERE name = ?", (self.hasher.hash(password), name))
            if not changed.rowcount:
                raise AccountError(f"no user {name!r}")
            db.execute("DELETE FROM sessions WHERE user = ?", (name,))  # signed out everywhere

    def disable(self, name: str) -> None:
        with self._db() as db:
            if not db.execute("UPDATE users SET disabled = 1 WHERE name = ?", (name,)).rowcount:
                raise AccountError(f"no user {name!r}")
            db.execute("DELETE FROM sessions WHERE user = ?", (name,))

    def user(self, name: str) -> User | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM users WHERE name = ? AND disabled = 0", (name,)).fetchone()
        return User(row["name"], row["role"], row["department"]) if row else None

    def verify(self, name: str, password: str) -> User | None:
        """The user if the password is right (argon2 verify; CPU-bound: call from a thread)."""
        with self._db() as db:
            row = db.execute("SELECT * FROM users WHERE name = ? AND disabled = 0", (name,)).fetchone()
        try:
            self.hasher.verify(row["hash"] if row else self._dummy, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if self.hasher.check_needs_rehash(row["hash"]):
            with self._db() as db:
                db.execute("UPDATE users SET hash = ? WHERE name = ?", (self.hasher.hash(password), name))
        return User(row["name"], row["role"], row["department"])

    # --- throttling --------------------------------------------------------------------------------

    def wait_seconds(self, *keys: str) -> float:
        """How long the next login for these keys (account, client address) must wait: 0 until
        FAILURES_ALLOWED recent failures, then doubling with each one."""
        now = time.time()
        worst = 0.0
        with self._db() as db:
            db.execute("DELETE FROM failures WHERE at < ?", (now - FAILURE_WINDOW,))
            for key in keys:
                n, last = db.execute("SELECT count(*), max(at) FROM failures WHERE key = ?", (key,)).fetchone()
                if n >= FAILURES_ALLOWED:
                    delay = min(2.0 ** (n - FAILURES_ALLOWED), FAILURE_WINDOW)
                    worst = max(worst, last + delay - now)
        return max(worst, 0.0)

    def throttled(self) -> list[tuple[str, int, float]]:
        """What waits now: (key, recent failures, last failure) for each account (``user:NAME``)
        or client address (``ip:ADDR``) with FAILURES_ALLOWED or more, newest first."""
        with self._db() as db:
            rows = db.execute(
                "SELECT key, count(*), max(at) FROM failures WHERE at >= ? GROUP BY key HAVING count(*) >= ?"
                " ORDER BY max(at) DESC",
                (time.time() - FAILURE_WINDOW, FAILURES_ALLOWED),
            ).fetchall()
        return [(key, n, last) for key, n, last in rows]

    def unlock(self, key: str) -> int:
        """Forget the failures of one key (an officer's unlock); how many there were."""
        with self._db() as db:
            return db.execute("DELETE FROM failures WHERE key = ?", (key,)).rowcount

    def failed(self, *keys: str) -> None:
        with self._db() as db:
            db.executemany("INSERT INTO failures (key, at) VALUES (?, ?)", [(k, time.time()) for k in keys])

    # --- sessions ----------------------------------------------------------------------------------

    def open_session(self, user: User) -> Session:
        session = Session(secrets.token_urlsafe(32), user, secrets.token_urlsafe(32))
        with self._db() as db:
            db.execute(
                "INSERT INTO sessions (id, user, csrf, created) VALUES (?, ?, ?, ?)",
                (session.id, user.name, session.csrf, time.time()),
            )
        return session

    def session(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        with self._db() as db:
            row = db.execute(
                "SELECT * FROM sessions WHERE id = ? AND created > ?", (session_id, time.time() - SESSION_SECONDS)
            ).fetchone()
        user = self.user(row["user"]) if row else None
        return Session(row["id"], user, row["csrf"]) if row and user else None

    def close_session(self, session_id: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))


def csrf_ok(session: Session | None, given: str | None) -> bool:
    """The form's token is the session's (constant-time compare)."""
    if session is None or not given:
        return False
    return hmac.compare_digest(session.csrf.encode(), given.encode())
