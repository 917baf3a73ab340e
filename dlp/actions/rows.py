"""The quarantine index as something an attacker with write access to the data folder, but not
to the master key, cannot bend: every row carries an HMAC (key derived from the master key) over
all its columns and its id, so an edit made with sqlite3 (block turned into allow, a forged
"released", another path or owner, a row's MAC copied onto another row) is detected, and the
row is refused for show and release and reported by ``check``.

What the MAC cannot stop: a whole row (or the whole index) put back as it was earlier, e.g. a
released entry restored to ``held`` from a copy of the index. Only a record outside the data
folder could, and the audit trail (elsewhere) still shows the first release.

Also here: the key check (an HMAC of a constant under the master key, kept in ``meta``) that
makes a store refuse to open with another key instead of sealing new entries nobody can open
alongside the old ones, and the check that a missing key file is never silently replaced.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from dlp.actions.entries import Entry, QuarantineError
from dlp.keys import KeyFileError

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('held', 'releasing', 'released', 'deleted', 'lost')),
    created REAL NOT NULL,
    updated REAL NOT NULL,
    name TEXT NOT NULL,
    locator TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    sender TEXT,
    recipient_domains TEXT NOT NULL DEFAULT '[]',
    action TEXT NOT NULL,
    clause TEXT,
    verdict TEXT NOT NULL,
    types TEXT NOT NULL DEFAULT '',
    wrapped_key BLOB,
    private BLOB NOT NULL,
    acted_by TEXT,
    acted_at REAL,
    released_to TEXT,
    note TEXT,
    mac BLOB
);
CREATE INDEX IF NOT EXISTS entries_created ON entries (created);
CREATE INDEX IF NOT EXISTS entries_state ON entries (state);
CREATE INDEX IF NOT EXISTS entries_sha256 ON entries (sha256);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS intents (id TEXT PRIMARY KEY, writer TEXT NOT NULL, started REAL NOT NULL);
"""

# Every column but the MAC itself, in a fixed order; numbers normalised to the column's type so
# a value read back from SQLite gives the same bytes as the one written.
MAC_COLUMNS: tuple[str, ...] = (
    "id",
    "channel",
    "state",
    "created",
    "updated",
    "name",
    "locator",
    "size",
    "sha256",
    "sender",
    "recipient_domains",
    "action",
    "clause",
    "verdict",
    "types",
    "wrapped_key",
    "private",
    "acted_by",
    "acted_at",
    "released_to",
    "note",
)
_REAL = {"created", "updated", "acted_at"}
_INTEGER = {"size"}


class TamperedError(QuarantineError):
    """An index row whose MAC does not match: edited outside dlp (or written before row MACs).
    Refused for show and release; `dlp quarantine check` lists it."""


def derive(master: bytes, purpose: str) -> bytes:
    return hmac.new(master, f"dlp quarantine {purpose}".encode(), hashlib.sha256).digest()


def _value(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in _REAL:
        return repr(float(value))
    if column in _INTEGER:
        return int(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"hex": bytes(value).hex()}
    if not isinstance(value, str):
        raise TamperedError(f"{column}: unexpected {type(value).__name__}")
    return value


def row_mac(mac_key: bytes, row: dict[str, Any] | sqlite3.Row) -> bytes:
    body = json.dumps([[c, _value(c, row[c])] for c in MAC_COLUMNS], separators=(",", ":"), ensure_ascii=True)
    return hmac.new(mac_key, body.encode(), hashlib.sha256).digest()


def verify_row(mac_key: bytes, row: sqlite3.Row) -> None:
    """Raise TamperedError unless the row's MAC matches its columns."""
    stored = row["mac"]
    if stored is None:
        raise TamperedError(
            f"{row['id']}: index row has no MAC (tampered, or written before row MACs); refused."
            " If the store predates row MACs, check the entries and run `dlp quarantine check --sign-unsigned`"
        )
    try:
        expected = row_mac(mac_key, row)
    except (TamperedError, TypeError, ValueError):
        expected = b""
    if not hmac.compare_digest(bytes(stored), expected):
        raise TamperedError(
            f"{row['id']}: index row was tampered with (its MAC does not match); refused."
            " Compare it with the audit trail (`dlp audit tail`) before acting on it"
        )


def migrate(db: sqlite3.Connection) -> None:
    """Stores made before row MACs get the column; their rows stay unsigned (refused) until an
    officer signs them with ``dlp quarantine check --sign-unsigned``."""
    columns = {r[1] for r in db.execute("PRAGMA table_info(entries)")}
    if "mac" not in columns:
        db.execute("ALTER TABLE entries ADD COLUMN mac BLOB")


def check_key(db: sqlite3.Connection, master: bytes, key_source: str, directory: Path) -> None:
    """Refuse a master key that is not the one this store was made with."""
    from dlp.actions.crypto import IntegrityError, unseal

    check = derive(master, "key check").hex()
    row = db.execute("SELECT value FROM meta WHERE name = 'key_check'").fetchone()
    if row is None:
        sample = db.execute("SELECT id, private FROM entries LIMIT 1").fetchone()
        if sample is not None:
            try:
                unseal(master, sample["private"], sample["id"])
            except IntegrityError:
                raise KeyFileError(_wrong_key(key_source, directory)) from None
        db.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('key_check', ?)", (check,))
        row = db.execute("SELECT value FROM meta WHERE name = 'key_check'").fetchone()
    if not hmac.compare_digest(row["value"], check):
        raise KeyFileError(_wrong_key(key_source, directory))


def _wrong_key(key_source: str, directory: Path) -> str:
    return (
        f"the quarantine key ({key_source}) does not open the quarantine in {directory}: it was made with"
        " another key. Use the key it was made with (restore the key file from your backup, or set"
        " $DLP_QUARANTINE_KEY to it); nothing was changed"
    )


def require_key(directory: Path, key_file: Path, env: str | None) -> None:
    """Before a key file is created: refuse when it is missing but the store holds items sealed
    with it (a new key would silently make every one of them unopenable)."""
    if env and os.environ.get(env):
        return
    if key_file.exists():  # a dangling symbolic link counts as missing
        return
    index = directory / "index.sqlite3"
    held = 0
    if index.exists() and index.stat().st_size:
        try:
            with sqlite3.connect(f"file:{index}?mode=ro", uri=True, timeout=30) as db:
                held = db.execute("SELECT count(*) FROM entries").fetchone()[0]
        except sqlite3.Error:
            held = -1
    objects = directory / "objects"
    if held == 0 and objects.is_dir() and any(objects.glob("*.bin")):
        held = -1
    if held:
        count = f"{held} item(s)" if held > 0 else "items"
        raise KeyFileError(
            f"{key_file} is missing, but the quarantine in {directory} holds {count} sealed with it."
            f" Restore {key_file} from your backup (mode 0600) or set ${env or 'DLP_QUARANTINE_KEY'};"
            " a new key could open none of them, so none is made. To start over with an empty"
            f" quarantine, move {directory} away first"
        )


def tampered_entry(row: sqlite3.Row, reason: str) -> Entry:
    """What may be shown of a row that failed its MAC: its id, and that it cannot be trusted."""
    return Entry(
        id=str(row["id"]),
        channel="?",
        state="tampered",
        created=0.0,
        updated=0.0,
        name="?",
        locator="?",
        size=0,
        sha256="",
        sender=None,
        recipient_domains=[],
        action="?",
        clause=None,
        verdict={},
        note=reason,
    )
