"""The quarantine: one durable, encrypted store for held files and mails.

Layout under the store directory (0700): ``objects/<id>.bin`` (content, AES-GCM with a data key
per entry), ``tmp/`` (writes in progress), ``index.sqlite3`` (WAL; one row per entry).

Durability: content is written to ``tmp/``, fsynced, renamed into ``objects/``, the directory
fsynced, and only then is the index row committed; the caller acknowledges (answers 250, moves
the original away) only after ``put`` returns. A crash at any point leaves a complete entry or
none: ``check`` (run at start) removes temp files and objects that never got a row — their
source was never acknowledged, so it still exists — and reports rows whose object is missing.

Release happens exactly once: a release first moves the row from ``held`` to ``releasing`` in
one UPDATE … WHERE state='held'; of two racing releases only one can win that update.

Personal data in the index: counts, masked findings and names with detected values masked are
in clear (for listing); the original path, locator and recipients are sealed with the master key.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from dlp.actions.crypto import (
    IntegrityError,
    decrypt_stream,
    encrypt_stream,
    new_data_key,
    seal,
    unseal,
    unwrap_key,
    wrap_key,
)
from dlp.actions.entries import (
    CheckReport,
    Entry,
    Envelope,
    QuarantineError,
    new_entry_id,
    verdict_summary,
)
from dlp.actions.plaincopy import write_plain
from dlp.actions.repair import STALE_RELEASE, check_store
from dlp.fsutil import fsync_dir, private_file, shred
from dlp.model import Verdict

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
    note TEXT
);
CREATE INDEX IF NOT EXISTS entries_created ON entries (created);
CREATE INDEX IF NOT EXISTS entries_state ON entries (state);
CREATE INDEX IF NOT EXISTS entries_sha256 ON entries (sha256);
"""


# A mail relay: (envelope, message bytes) -> None, raising on failure.
Relay = Callable[[Envelope, bytes], None]
AuditHook = Callable[..., None]


class QuarantineStore:
    def __init__(self, directory: Path, master_key: bytes, *, audit: AuditHook | None = None) -> None:
        self.directory = directory
        self.objects = directory / "objects"
        self.tmp = directory / "tmp"
        self.index = directory / "index.sqlite3"
        self.master_key = master_key
        self.audit = audit
        self._local = threading.local()
        for path in (directory, self.objects, self.tmp):
            path.mkdir(parents=True, exist_ok=True, mode=0o700)
        private_file(self.index)  # 0600 before SQLite creates it (its -wal/-shm follow)
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    # --- plumbing --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection (autocommit, fsync on every commit), opened once: a hold
        makes several small queries, and opening a connection costs more than each of them."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # first use here, or a forked child
            db = sqlite3.connect(self.index, timeout=30, isolation_level=None)
            db.execute("PRAGMA synchronous=FULL")
            db.row_factory = sqlite3.Row
            local.db, local.pid = db, os.getpid()
        yield local.db

    def _object(self, entry_id: str) -> Path:
        return self.objects / f"{entry_id}.bin"

    def _audit(self, event: str, entry: Entry, actor: str, **fields: Any) -> None:
        if self.audit is not None:
            self.audit(event, entry_id=entry.id, channel=entry.channel, actor=actor, item=entry.locator, **fields)

    # --- writing ---------------------------------------------------------------------------------

    def put_file(self, path: Path, verdict: Verdict, *, channel: str, actor: str = "dlp") -> Entry:
        """Hold a file's content. The caller removes the original only after this returns."""
        with path.open("rb") as source:
            info = os.fstat(source.fileno())
            private = {
                "path": str(path.resolve()),
                "locator": str(path),
                "name": path.name,
                "mode": info.st_mode & 0o7777,
                "uid": info.st_uid,  # a release is for this owner only (the watcher's "released earlier")
                "mtime": info.st_mtime,
            }
            return self._put(
                source, verdict, channel=channel, name=path.name, locator=str(path), private=private, actor=actor
            )

    def put_mail(
        self,
        message: bytes,
        verdict: Verdict,
        envelope: Envelope,
        *,
        locator: str,
        channel: str = "mail",
        actor: str = "dlp",
        entry_id: str | None = None,
    ) -> Entry:
        """Hold a mail with its envelope, to be released as it was sent (``entry_id``: the
        incident id the gateway already gave the sender)."""
        import io

        private = {
            "locator": locator,
            "name": locator,
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "mail_options": list(envelope.mail_options),
        }
        return self._put(
            io.BytesIO(message),
            verdict,
            channel=channel,
            name=locator,
            locator=locator,
            private=private,
            sender=envelope.mail_from,
            recipient_domains=sorted({r.rpartition("@")[2].lower() for r in envelope.rcpt_tos}),
            actor=actor,
            entry_id=entry_id,
        )

    def _put(
        self,
        source: BinaryIO,
        verdict: Verdict,
        *,
        channel: str,
        name: str,
        locator: str,
        private: dict[str, Any],
        actor: str,
        sender: str | None = None,
        recipient_domains: list[str] | None = None,
        entry_id: str | None = None,
    ) -> Entry:
        entry_id = entry_id or new_entry_id()
        data_key = new_data_key()
        temp = self.tmp / f"{entry_id}.part"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as target:
                size, digest = encrypt_stream(data_key, entry_id, source, target)
                target.flush()
                os.fsync(target.fileno())
            os.replace(temp, self._object(entry_id))
            fsync_dir(self.objects)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        now = time.time()
        summary = verdict_summary(verdict)
        entry = Entry(
            id=entry_id,
            channel=channel,
            state="held",
            created=now,
            updated=now,
            name=verdict.redact(name),
            locator=verdict.redact(locator),
            size=size,
            sha256=digest.hex(),
            sender=sender,
            recipient_domains=recipient_domains or [],
            action=verdict.action.label,
            clause=verdict.clause,
            verdict=summary,
            private=private,
        )
        try:
            with self._db() as db:
                db.execute(
                    "INSERT INTO entries (id, channel, state, created, updated, name, locator, size, sha256, sender,"
                    " recipient_domains, action, clause, verdict, types, wrapped_key, private)"
                    " VALUES (?, ?, 'held', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        entry.id,
                        channel,
                        now,
                        now,
                        entry.name,
                        entry.locator,
                        size,
                        entry.sha256,
                        sender,
                        json.dumps(entry.recipient_domains),
                        entry.action,
                        entry.clause,
                        json.dumps(summary, ensure_ascii=False),
                        " ".join(sorted(summary["counts"])),
                        wrap_key(self.master_key, data_key, entry_id),
                        seal(self.master_key, json.dumps(private, ensure_ascii=False).encode(), entry_id),
                    ),
                )
        except BaseException:
            self._object(entry_id).unlink(missing_ok=True)
            raise
        self._audit("quarantine.put", entry, actor, action=entry.action, clause=entry.clause, size=size)
        return entry

    # --- reading ---------------------------------------------------------------------------------

    def get(self, entry_id: str, *, private: bool = False) -> Entry:
        with self._db() as db:
            row = db.execute("SELECT * FROM entries WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise QuarantineError(f"no quarantine entry {entry_id!r} (see `dlp quarantine list`)")
        return self._entry(row, private=private)

    def list(
        self,
        *,
        channel: str | None = None,
        state: str | None = None,
        since: float | None = None,
        until: float | None = None,
        data_type: str | None = None,
    ) -> list[Entry]:
        where, args = [], []
        for column, value in (("channel", channel), ("state", state)):
            if value:
                where.append(f"{column} = ?")
                args.append(value)
        if since is not None:
            where.append("created >= ?")
            args.append(since)
        if until is not None:
            where.append("created < ?")
            args.append(until)
        if data_type:
            where.append("(' ' || types || ' ') LIKE ?")
            args.append(f"% {data_type} %")
        sql = "SELECT * FROM entries" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY created"
        with self._db() as db:
            rows = db.execute(sql, args).fetchall()
        return [self._entry(r) for r in rows]

    def find(self, sha256: str, *, state: str | None = None, path: str | None = None) -> list[Entry]:
        """Entries holding exactly this content (and, with ``path``, taken from that path): the
        watcher uses it to recognise a released file, and a hold it already made before a crash."""
        sql, args = "SELECT * FROM entries WHERE sha256 = ?", [sha256]
        if state:
            sql += " AND state = ?"
            args.append(state)
        with self._db() as db:
            rows = db.execute(sql + " ORDER BY created", args).fetchall()
        entries = [self._entry(r, private=path is not None) for r in rows]
        if path is not None:
            entries = [e for e in entries if e.private.get("path") == path]
        return entries

    def _entry(self, row: sqlite3.Row, *, private: bool = False) -> Entry:
        entry = Entry(
            id=row["id"],
            channel=row["channel"],
            state=row["state"],
            created=row["created"],
            updated=row["updated"],
            name=row["name"],
            locator=row["locator"],
            size=row["size"],
            sha256=row["sha256"],
            sender=row["sender"],
            recipient_domains=json.loads(row["recipient_domains"]),
            action=row["action"],
            clause=row["clause"],
            verdict=json.loads(row["verdict"]),
            acted_by=row["acted_by"],
            acted_at=row["acted_at"],
            released_to=row["released_to"],
            note=row["note"],
        )
        if private:
            entry.private = json.loads(unseal(self.master_key, row["private"], row["id"]))
        return entry

    def _data_key(self, entry_id: str) -> bytes:
        with self._db() as db:
            row = db.execute("SELECT wrapped_key FROM entries WHERE id = ?", (entry_id,)).fetchone()
        if row is None or row["wrapped_key"] is None:
            raise QuarantineError(f"{entry_id}: content was deleted")
        return unwrap_key(self.master_key, row["wrapped_key"], entry_id)

    def content(self, entry_id: str) -> bytes:
        """The decrypted content, authenticated (for mail release, tests and exports)."""
        key = self._data_key(entry_id)
        with self._object(entry_id).open("rb") as source:
            return b"".join(decrypt_stream(key, entry_id, source))

    # --- officer actions ---------------------------------------------------------------------------

    def export(self, entry_id: str, target: Path, *, actor: str) -> Path:
        """Decrypt an entry to ``target`` (mode 0600) for an officer to inspect."""
        entry = self.get(entry_id)
        if entry.state in ("deleted", "lost"):
            raise QuarantineError(f"{entry_id} is {entry.state}: nothing to export")
        write_plain(self._data_key(entry_id), entry_id, self._object(entry_id), target, overwrite=False)
        self._audit("quarantine.export", entry, actor, to="file")
        return target

    def release(self, entry_id: str, *, actor: str, to: Path | None = None, relay: Relay | None = None) -> Entry:
        """Give the content back: a file to its original path (or ``to``), a mail to the next hop
        with its original envelope. Exactly once, however many releases race."""
        entry = self._claim(entry_id, actor)
        try:
            if entry.channel == "mail":
                if relay is None:
                    raise QuarantineError(f"{entry_id}: no mail relay configured ([mail] next_hop in dlp.toml)")
                data = self.content(entry_id)
                envelope = Envelope(
                    entry.private["mail_from"], tuple(entry.private["rcpt_tos"]), tuple(entry.private["mail_options"])
                )
                relay(envelope, _released_header(entry_id, actor) + data)
                destination = "next hop"
            else:
                target = (to or Path(entry.private["path"])).absolute()
                self._reseal(entry_id, {**entry.private, "release_target": str(target)})
                write_plain(
                    self._data_key(entry_id),
                    entry_id,
                    self._object(entry_id),
                    target,
                    overwrite=False,
                    mode=entry.private.get("mode"),
                )
                if entry.private.get("mtime"):
                    os.utime(target, (entry.private["mtime"], entry.private["mtime"]))
                back = str(target) == entry.private.get("path")  # its own place: the masked locator says it
                destination = entry.locator if back else str(target).replace(entry.private["name"], entry.name)
        except BaseException as exc:
            self._set_state(entry_id, "held", actor, note=f"release failed: {type(exc).__name__}")
            raise
        self._set_state(entry_id, "released", actor, released_to=destination)
        released = self.get(entry_id)
        self._audit("quarantine.release", released, actor, to="next hop" if entry.channel == "mail" else "file")
        return released

    def _claim(self, entry_id: str, actor: str) -> Entry:
        with self._db() as db:
            cursor = db.execute(
                "UPDATE entries SET state = 'releasing', updated = ?, acted_by = ? WHERE id = ? AND state = 'held'",
                (time.time(), actor, entry_id),
            )
            won = cursor.rowcount == 1
        entry = self.get(entry_id, private=won)
        if not won:
            raise QuarantineError(f"{entry_id} is {entry.state}, not held: nothing to release")
        return entry

    def _reseal(self, entry_id: str, private: dict[str, Any]) -> None:
        sealed = seal(self.master_key, json.dumps(private, ensure_ascii=False).encode(), entry_id)
        with self._db() as db:
            db.execute("UPDATE entries SET private = ? WHERE id = ?", (sealed, entry_id))

    def _set_state(self, entry_id: str, state: str, actor: str, *, note: str | None = None, **fields: Any) -> None:
        sets = ["state = ?", "updated = ?", "acted_by = ?", "acted_at = ?"]
        now = time.time()
        args: list[Any] = [state, now, actor, now]
        if note is not None:
            sets.append("note = ?")
            args.append(note)
        for column, value in fields.items():
            sets.append(f"{column} = ?")
            args.append(value)
        with self._db() as db:
            db.execute(f"UPDATE entries SET {', '.join(sets)} WHERE id = ?", (*args, entry_id))

    def delete(self, entry_id: str, *, actor: str, note: str | None = None) -> Entry:
        """Shred the content (wrapped key destroyed, object overwritten and removed); the index row
        stays, so the decision remains on record."""
        entry = self.get(entry_id)
        if entry.state == "deleted":
            raise QuarantineError(f"{entry_id} is already deleted")
        with self._db() as db:
            db.execute("UPDATE entries SET wrapped_key = NULL WHERE id = ?", (entry_id,))
        shred(self._object(entry_id))
        fsync_dir(self.objects)
        self._set_state(entry_id, "deleted", actor, note=note)
        deleted = self.get(entry_id)
        self._audit("quarantine.delete", deleted, actor, note=note)
        return deleted

    def purge(self, older_than: float, *, actor: str) -> list[Entry]:
        """Retention: delete every entry older than ``older_than`` seconds that still has content."""
        cutoff = time.time() - older_than
        stale = [e for e in self.list(until=cutoff) if e.state in ("held", "released")]
        return [self.delete(e.id, actor=actor, note="retention") for e in stale]

    # --- consistency ---------------------------------------------------------------------------------

    def check(self, *, repair: bool = True, stale_after: float = STALE_RELEASE) -> CheckReport:
        """Find what a crash can leave behind; with ``repair``, clean it (see repair.py)."""
        return check_store(self, repair=repair, stale_after=stale_after)


def _released_header(entry_id: str, actor: str) -> bytes:
    return f"X-DLP-Released: {entry_id} by {actor}\r\n".encode("utf-8", "replace")


__all__ = ["CheckReport", "Entry", "Envelope", "IntegrityError", "QuarantineError", "QuarantineStore", "Relay"]
