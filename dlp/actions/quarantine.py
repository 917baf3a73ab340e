"""The quarantine: one durable, encrypted store for held files and mails.

Layout under the store directory (0700): ``objects/<id>.bin`` (content, AES-GCM with a data key
per entry), ``tmp/`` (writes in progress), ``writers/`` (one flock'ed file per writing process),
``index.sqlite3`` (WAL; one row per entry, each with a MAC, see rows.py; write-ahead intents).

Durability: a hold first commits an intent naming its process's writer lock, then writes the
content to ``tmp/``, fsyncs, renames it into ``objects/``, fsyncs the directory, and only then
commits the index row (replacing the intent in the same commit); the caller acknowledges
(answers 250, moves the original away) only after ``put`` returns. A crash at any point leaves
a complete entry or none: ``check`` (run at start by every daemon, while others hold) removes
the files of holds whose writer is dead and never those of a hold in progress (see repair.py),
and reports rows whose object is missing.

Release happens exactly once: a release first moves the row from ``held`` to ``releasing`` under
SQLite's write lock, after checking the row's MAC and opening its sealed fields; of two racing
releases only one wins, and any failure after that puts the row back to ``held``. A file is
written back as its owner, never set-uid, never through a symbolic link (see plaincopy.py).

Personal data in the index: counts, masked findings and names with detected values masked are
in clear (for listing); the original path, owner, locator and recipients are sealed with the
master key.
"""

from __future__ import annotations

import builtins  # list[...] in annotations below QuarantineStore.list
import contextlib
import errno
import json
import os
import sqlite3
import stat
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
from dlp.actions.intents import WriterLock, forget, intend
from dlp.actions.mailrelease import ReleaseIncomplete, release_mail
from dlp.actions.plaincopy import Owner, write_plain
from dlp.actions.repair import STALE_RELEASE, check_store
from dlp.actions.rows import (
    SCHEMA,
    TamperedError,
    check_key,
    derive,
    migrate,
    require_key,
    row_mac,
    tampered_entry,
    verify_row,
)
from dlp.actions.smtp import Delivery
from dlp.fsutil import create_private, fsync_dir, private_dir, private_file, shred
from dlp.keys import key_from_env_or_file
from dlp.model import Verdict

# A mail relay: (envelope, message bytes) -> the outcome per recipient (see smtp.relay).
Relay = Callable[[Envelope, bytes], Delivery]
AuditHook = Callable[..., None]


def open_store(
    directory: Path, key_file: Path, key_env: str | None, *, audit: AuditHook | None = None
) -> QuarantineStore:
    """The store with its master key: never a new key beside held items (see rows.require_key),
    never a key other than the one the store was made with (rows.check_key)."""
    require_key(directory, key_file, key_env)
    key = key_from_env_or_file(key_env, key_file)
    source = f"${key_env}" if key_env and os.environ.get(key_env) else str(key_file)
    return QuarantineStore(directory, key, audit=audit, key_source=source)


class QuarantineStore:
    def __init__(
        self,
        directory: Path,
        master_key: bytes,
        *,
        audit: AuditHook | None = None,
        key_source: str = "the master key given",
    ) -> None:
        self.directory = directory
        self.objects = directory / "objects"
        self.tmp = directory / "tmp"
        self.writers = directory / "writers"
        self.index = directory / "index.sqlite3"
        self.master_key = master_key
        self.audit = audit
        self.mac_key = derive(master_key, "index rows")
        self._local = threading.local()
        self._writer = WriterLock(self.writers)  # see intents.py
        for path in (directory, self.objects, self.tmp, self.writers):
            private_dir(path)  # 0700, or 2770 for the console's group (fsutil.shared_group)
        private_file(self.index)  # 0600 (0660) before SQLite creates it (its -wal/-shm follow)
        with self.connection() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            try:
                migrate(db)
            except sqlite3.OperationalError as exc:  # another process added the column first
                if "duplicate column" not in str(exc):
                    raise
            check_key(db, master_key, key_source, directory)

    # --- plumbing --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection (autocommit, fsync on every commit), opened once: a hold
        makes several small queries, and opening a connection costs more than each of them."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # first use here, or a forked child
            db = sqlite3.connect(self.index, timeout=30, isolation_level=None)
            db.execute("PRAGMA synchronous=FULL")
            db.row_factory = sqlite3.Row
            local.db, local.pid = db, os.getpid()
        yield local.db

    def object_path(self, entry_id: str) -> Path:
        return self.objects / f"{entry_id}.bin"

    def record(self, event: str, entry: Entry, actor: str, **fields: Any) -> None:
        if self.audit is not None:
            self.audit(event, entry_id=entry.id, channel=entry.channel, actor=actor, item=entry.locator, **fields)

    def _verified(self, row: sqlite3.Row) -> sqlite3.Row:
        verify_row(self.mac_key, row)
        return row

    def _row(self, entry_id: str) -> sqlite3.Row:
        with self.connection() as db:
            row = db.execute("SELECT * FROM entries WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise QuarantineError(f"no quarantine entry {entry_id!r} (see `dlp quarantine list`)")
        return self._verified(row)

    def _update(
        self, entry_id: str, changes: dict[str, Any], *, when: Callable[[sqlite3.Row], bool] | None = None
    ) -> sqlite3.Row | None:
        """Change columns of one row and its MAC in one transaction, after checking the MAC it
        had; with ``when``, only if the row (as it is now, under the write lock) passes it —
        None otherwise. Of two racing updates with the same ``when``, one wins."""
        with self.connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT * FROM entries WHERE id = ?", (entry_id,)).fetchone()
                if row is None:
                    raise QuarantineError(f"no quarantine entry {entry_id!r} (see `dlp quarantine list`)")
                self._verified(row)
                if when is not None and not when(row):
                    db.execute("ROLLBACK")
                    return None
                new = dict(row)
                new.update(changes)
                new["mac"] = row_mac(self.mac_key, new)
                columns = [*changes, "mac"]
                db.execute(
                    f"UPDATE entries SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
                    (*(new[c] for c in columns), entry_id),
                )
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        return self._row(entry_id)

    # --- writing ---------------------------------------------------------------------------------

    def put_file(self, path: Path, verdict: Verdict, *, channel: str, actor: str = "dlp") -> Entry:
        """Hold a file's content. The caller removes the original only after this returns.

        Opened without blocking and checked to be a regular file: a path swapped for a named
        pipe between a scan and its hold would otherwise block the caller (a watcher's
        dispatcher thread) for good."""
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise OSError(errno.EINVAL, "not a regular file (replaced after the scan?)")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as source:
            info = os.fstat(source.fileno())
            private = {
                "path": str(path.resolve()),
                "locator": str(path),
                "name": path.name,
                "mode": info.st_mode & 0o7777,  # as found; a release never restores set-uid/set-gid
                "uid": info.st_uid,  # a release (as root) writes as this owner
                "gid": info.st_gid,
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
        hold: dict[str, Any] | None = None,
    ) -> Entry:
        """Hold a mail with its envelope, to be released as it was sent (``entry_id``: the
        incident id the gateway already gave the sender; ``hold``: sealed facts about the hold,
        e.g. ``delay_until`` of 送信一時保留)."""
        import io

        private = {
            **(hold or {}),
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
        self._intend(entry_id)
        temp = self.tmp / f"{entry_id}.part"
        try:
            fd = create_private(temp)  # 0600, or 0660: a console in the group reads and shreds it
            try:
                with os.fdopen(fd, "wb") as target:
                    size, digest = encrypt_stream(data_key, entry_id, source, target)
                    target.flush()
                    os.fsync(target.fileno())
                os.replace(temp, self.object_path(entry_id))
                fsync_dir(self.objects)
            except BaseException:
                temp.unlink(missing_ok=True)
                raise
        except BaseException:
            self._forget_intent(entry_id)
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
        row: dict[str, Any] = {
            "id": entry.id,
            "channel": channel,
            "state": "held",
            "created": now,
            "updated": now,
            "name": entry.name,
            "locator": entry.locator,
            "size": size,
            "sha256": entry.sha256,
            "sender": sender,
            "recipient_domains": json.dumps(entry.recipient_domains),
            "action": entry.action,
            "clause": entry.clause,
            "verdict": json.dumps(summary, ensure_ascii=False),
            "types": " ".join(sorted(summary["counts"])),
            "wrapped_key": wrap_key(self.master_key, data_key, entry_id),
            "private": seal(self.master_key, json.dumps(private, ensure_ascii=False).encode(), entry_id),
            "acted_by": None,
            "acted_at": None,
            "released_to": None,
            "note": None,
        }
        row["mac"] = row_mac(self.mac_key, row)
        try:
            with self.connection() as db:
                db.execute("BEGIN IMMEDIATE")
                try:  # the row replaces the intent in one commit: check sees one or the other
                    db.execute(
                        f"INSERT INTO entries ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                        tuple(row.values()),
                    )
                    db.execute("DELETE FROM intents WHERE id = ?", (entry_id,))
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
        except BaseException:
            self.object_path(entry_id).unlink(missing_ok=True)
            self._forget_intent(entry_id)
            raise
        self.record("quarantine.put", entry, actor, action=entry.action, clause=entry.clause, size=size)
        return entry

    def _intend(self, entry_id: str) -> None:
        writer = self._writer.name()
        with self.connection() as db:
            intend(db, entry_id, writer)

    def _forget_intent(self, entry_id: str) -> None:
        with self.connection() as db:
            forget(db, entry_id)

    # --- reading ---------------------------------------------------------------------------------

    def get(self, entry_id: str, *, private: bool = False) -> Entry:
        """One entry; a row that fails its MAC is refused (TamperedError, a QuarantineError)."""
        return self._entry(self._row(entry_id), private=private)

    def list(
        self,
        *,
        channel: str | None = None,
        state: str | None = None,
        since: float | None = None,
        until: float | None = None,
        data_type: str | None = None,
    ) -> list[Entry]:
        """Entries, oldest first; a row that fails its MAC is listed as state ``tampered``, with
        none of its (untrustworthy) columns but its id."""
        where: list[str] = []
        args: list[str | float] = []
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
        with self.connection() as db:
            rows = db.execute(sql, args).fetchall()
        entries = []
        for row in rows:
            try:
                entries.append(self._entry(self._verified(row)))
            except TamperedError as exc:
                entries.append(tampered_entry(row, str(exc)))
        return entries

    def find(self, sha256: str, *, state: str | None = None, path: str | None = None) -> builtins.list[Entry]:
        """Entries holding exactly this content (and, with ``path``, taken from that path): the
        watcher uses it to recognise a released file, and a hold it already made before a crash.
        Rows that fail their MAC are left out: a forged "released" row lets nothing through."""
        sql, args = "SELECT * FROM entries WHERE sha256 = ?", [sha256]
        if state:
            sql += " AND state = ?"
            args.append(state)
        with self.connection() as db:
            rows = db.execute(sql + " ORDER BY created", args).fetchall()
        entries = []
        for row in rows:
            try:
                entries.append(self._entry(self._verified(row), private=path is not None))
            except (TamperedError, IntegrityError):
                continue
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
        row = self._row(entry_id)
        if row["wrapped_key"] is None:
            raise QuarantineError(f"{entry_id}: content was deleted")
        return unwrap_key(self.master_key, row["wrapped_key"], entry_id)

    def content(self, entry_id: str) -> bytes:
        """The decrypted content, authenticated (for mail release, tests and exports)."""
        key = self._data_key(entry_id)
        with self.object_path(entry_id).open("rb") as source:
            return b"".join(decrypt_stream(key, entry_id, source))

    # --- officer actions ---------------------------------------------------------------------------

    def export(self, entry_id: str, target: Path, *, actor: str) -> Path:
        """Decrypt an entry to ``target`` (mode 0600, never over a file, never through a symbolic
        link) for an officer to inspect."""
        entry = self.get(entry_id)
        if entry.state in ("deleted", "lost"):
            raise QuarantineError(f"{entry_id} is {entry.state}: nothing to export")
        write_plain(self._data_key(entry_id), entry_id, self.object_path(entry_id), target.absolute(), mode=0o600)
        self.record("quarantine.export", entry, actor, to="file")
        return target

    def release(
        self, entry_id: str, *, actor: str, to: Path | None = None, relay: Relay | None = None, force: bool = False
    ) -> Entry:
        """Give the content back: a file to its original path (or ``to``), a mail to the next hop
        with its original envelope. Exactly once, however many releases race. A file is written
        as its owner (see plaincopy.py); any failure puts the entry back to ``held``. A mail goes
        to each recipient at most once; an unknown outcome blocks further releases unless
        ``force`` (see mailrelease.py)."""
        entry = self._claim(entry_id, actor)
        try:
            if entry.channel == "mail":
                if relay is None:
                    raise QuarantineError(f"{entry_id}: no mail relay configured ([mail] next_hop in dlp.toml)")
                result = release_mail(
                    self, entry, relay, actor=actor, force=force, header=_released_header(entry_id, actor)
                )
                if not result.complete:
                    raise ReleaseIncomplete(entry_id, result)
                destination = f"next hop ({result.summary()})"
            else:
                private = entry.private
                target = Path(os.path.normpath((to or Path(private["path"])).absolute()))
                self._reseal(entry_id, {**private, "release_target": str(target)})
                owner = Owner(private["uid"], private["gid"]) if "uid" in private else None
                try:
                    write_plain(
                        self._data_key(entry_id),
                        entry_id,
                        self.object_path(entry_id),
                        target,
                        mode=private.get("mode"),
                        owner=owner,
                        mtime=private.get("mtime"),
                        as_folder_owner=owner is None,
                    )
                except QuarantineError as exc:  # it names the path: as the index shows it, masked
                    raise QuarantineError(_masked_path_text(str(exc), private.get("path"), entry.locator)) from None
                back = str(target) == private.get("path")  # its own place: the masked locator says it
                destination = entry.locator if back else str(target).replace(private["name"], entry.name)
        except BaseException as exc:
            note = getattr(exc, "note", None) or f"release failed: {type(exc).__name__}"
            self.set_state(entry_id, "held", actor, note=note)
            raise
        self.set_state(entry_id, "released", actor, released_to=destination)
        released = self.get(entry_id)
        self.record(
            "quarantine.release", released, actor, to="next hop" if entry.channel == "mail" else "file", forced=force
        )
        return released

    def _claim(self, entry_id: str, actor: str) -> Entry:
        """Move a held entry to ``releasing``; everything that can fail before the release starts
        (the row's MAC, the key opening its sealed fields) is checked first, so a refusal leaves
        it ``held``."""
        entry = self.get(entry_id, private=True)
        claimed = self._update(
            entry_id,
            {"state": "releasing", "updated": time.time(), "acted_by": actor},
            when=lambda row: row["state"] == "held",
        )
        if claimed is None:
            raise QuarantineError(f"{entry_id} is {self.get(entry_id).state}, not held: nothing to release")
        entry.state = "releasing"
        return entry

    def _reseal(self, entry_id: str, private: dict[str, Any]) -> None:
        sealed = seal(self.master_key, json.dumps(private, ensure_ascii=False).encode(), entry_id)
        self._update(entry_id, {"private": sealed})

    def set_state(
        self,
        entry_id: str,
        state: str,
        actor: str,
        *,
        note: str | None = None,
        when: Callable[[sqlite3.Row], bool] | None = None,
        **fields: Any,
    ) -> bool:
        now = time.time()
        changes: dict[str, Any] = {"state": state, "updated": now, "acted_by": actor, "acted_at": now}
        if note is not None:
            changes["note"] = note
        changes.update(fields)
        return self._update(entry_id, changes, when=when) is not None

    def delete(self, entry_id: str, *, actor: str, note: str | None = None, only_held: bool = False) -> Entry:
        """Shred the content (wrapped key destroyed, object overwritten and removed); the index row
        stays, so the decision remains on record. ``only_held`` (a rejection: 上長承認, its timeout)
        first moves it from ``held`` to ``deleted`` in one update, so of a racing release and a
        rejection exactly one wins; QuarantineError if it is no longer held."""
        entry = self.get(entry_id)
        if entry.state == "deleted":
            raise QuarantineError(f"{entry_id} is already deleted")
        if only_held and not self.set_state(entry_id, "deleted", actor, note=note, when=lambda r: r["state"] == "held"):
            raise QuarantineError(f"{entry_id} is {self.get(entry_id).state}, not held: nothing to reject")
        self._update(entry_id, {"wrapped_key": None})
        shred(self.object_path(entry_id))
        fsync_dir(self.objects)
        if not only_held:
            self.set_state(entry_id, "deleted", actor, note=note)
        deleted = self.get(entry_id)
        self.record("quarantine.delete", deleted, actor, note=note)
        return deleted

    def purge(self, older_than: float, *, actor: str) -> builtins.list[Entry]:
        """Retention: delete every entry older than ``older_than`` seconds that still has content."""
        cutoff = time.time() - older_than
        stale = [e for e in self.list(until=cutoff) if e.state in ("held", "released")]
        return [self.delete(e.id, actor=actor, note="retention") for e in stale]

    def sign_unsigned(self, *, actor: str) -> builtins.list[str]:
        """Give rows written before row MACs existed their MAC (an officer's decision, audited:
        a row whose MAC was removed after an edit would be signed too)."""
        with self.connection() as db:
            ids = [r["id"] for r in db.execute("SELECT id FROM entries WHERE mac IS NULL")]
        for entry_id in ids:
            with self.connection() as db:
                row = db.execute("SELECT * FROM entries WHERE id = ?", (entry_id,)).fetchone()
                mac = row_mac(self.mac_key, row)
                db.execute("UPDATE entries SET mac = ? WHERE id = ? AND mac IS NULL", (mac, entry_id))
            if self.audit is not None:
                self.audit("quarantine.sign_unsigned", entry_id=entry_id, actor=actor)
        return ids

    # --- consistency ---------------------------------------------------------------------------------

    def check(self, *, repair: bool = True, stale_after: float = STALE_RELEASE) -> CheckReport:
        """Find what a crash can leave behind; with ``repair``, clean it (see repair.py)."""
        return check_store(self, repair=repair, stale_after=stale_after)


def _released_header(entry_id: str, actor: str) -> bytes:
    return f"X-DLP-Released: {entry_id} by {actor}\r\n".encode("utf-8", "replace")


__all__ = [
    "CheckReport",
    "Entry",
    "Envelope",
    "IntegrityError",
    "QuarantineError",
    "QuarantineStore",
    "Relay",
    "TamperedError",
    "open_store",
]


def _masked_path_text(text: str, raw_path: str | None, masked_path: str) -> str:
    """``text`` with the components of the held file's raw path that the masked locator masks
    (a phone number in a folder name) replaced by their masked form, longest first."""
    if not raw_path:
        return text
    raw, masked = Path(raw_path).parts, Path(masked_path).parts
    if len(raw) != len(masked):
        return text.replace(raw_path, masked_path)
    for a, b in sorted({(a, b) for a, b in zip(raw, masked, strict=True) if a != b}, key=lambda p: -len(p[0])):
        text = text.replace(a, b)
    return text
