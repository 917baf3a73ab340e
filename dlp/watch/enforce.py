"""What a verdict does to a file in a watched folder.

allow: recorded. warn: the file stays; the folder's owner and the officer are told.
quarantine and block: the file goes into the quarantine store (durably, before the original is
removed) and ``<name>.dlp.txt`` is left in its place saying why and under which id. Monitor-only
folders (and ``--dry-run``) record what would have been done and touch nothing.

Holding is safe against crashes and races: a hold the store already has for this very content
and path (made just before a crash) is reused, not duplicated; a file that changed after it was
scanned is not held on the old verdict but scanned again; a file an officer released earlier
(the store knows its SHA-256) is never held again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from dlp.actions.quarantine import QuarantineStore
from dlp.fsutil import sha256_file
from dlp.model import Action, Verdict
from dlp.services import Services
from dlp.watch.folders import WatchFolder
from dlp.watch.ignore import MARKER_SUFFIX
from dlp.watch.state import Identity, Record, WatchState

log = logging.getLogger("dlp.watch")
ACTOR = "dlp-watch"
NAME_MAX = 255


@dataclass(frozen=True)
class Outcome:
    enforced: str  # what happened, for the audit trail and the logs
    quarantine_id: str | None = None
    rescan: bool = False  # the file changed under us: scan it again, record nothing
    record: bool = True  # remember this verdict for this file identity


class Enforcer:
    def __init__(self, services: Services, state: WatchState) -> None:
        self.services = services
        self.state = state

    @property
    def store(self) -> QuarantineStore:
        return self.services.quarantine

    def apply(self, path: str, folder: WatchFolder, verdict: Verdict, scanned: Identity, sha256: str) -> Outcome:
        action = verdict.action
        if action is Action.ALLOW:
            return Outcome("recorded")
        if folder.dry_run:
            return Outcome(f"dry run: would {'hold' if action >= Action.QUARANTINE else 'warn'}")
        if action is Action.WARN:
            self._notify(path, folder, verdict, None)
            return Outcome("kept, owner and officer told")
        released = self.store.find(sha256, state="released")
        if released:  # an officer let exactly this content go before: do not hold it again
            self._remove_marker(path)
            return Outcome(f"released earlier ({released[-1].id})", released[-1].id)
        return self._hold(path, folder, verdict, scanned, sha256)

    def unreadable(self, path: str, folder: WatchFolder, verdict: Verdict) -> Outcome:
        """A file the watcher may not read cannot be held either: it stays, and people are told."""
        if verdict.action is Action.ALLOW or folder.dry_run:
            return Outcome("recorded" if verdict.action is Action.ALLOW else "dry run: unreadable, would hold")
        log.error("a file in a watched folder is not readable by the watcher; it was left in place")
        self._notify(path, folder, verdict, None)
        return Outcome("unreadable: left in place, officer told")

    def _hold(self, path: str, folder: WatchFolder, verdict: Verdict, scanned: Identity, sha256: str) -> Outcome:
        try:
            now = Identity.of(os.lstat(path))
        except FileNotFoundError:
            return Outcome("gone before it could be held", record=False)
        if now != scanned:
            return Outcome("changed after the scan", rescan=True, record=False)
        earlier = self.store.find(sha256, state="held", path=str(Path(path).resolve()))
        try:
            entry = earlier[-1] if earlier else self.store.put_file(Path(path), verdict, channel="watch", actor=ACTOR)
        except FileNotFoundError:
            return Outcome("gone before it could be held", record=False)
        except PermissionError as exc:
            log.error("cannot hold a file: %s", exc.strerror, extra={"fields": {"item": verdict.redact(path)}})
            self._notify(path, folder, verdict, None)
            return Outcome(f"hold failed: {exc.strerror} (left in place)")
        if entry.sha256 != sha256:  # written to between the scan and the copy: the verdict is stale
            self.store.delete(entry.id, actor=ACTOR, note="changed while being held; scanned again")
            return Outcome("changed while being held", rescan=True, record=False)
        try:
            if Identity.of(os.lstat(path)) != scanned:
                self.store.delete(entry.id, actor=ACTOR, note="changed while being held; scanned again")
                return Outcome("changed while being held", rescan=True, record=False)
            # No fsync of the folder: if a crash undoes this unlink, the file comes back, is
            # scanned again and finds its hold (store.find above) instead of making a second one.
            os.unlink(path)
        except FileNotFoundError:
            pass  # someone removed it meanwhile; the store has it
        except PermissionError as exc:
            log.error("held a copy but cannot remove the original: %s", exc.strerror)
            self._notify(path, folder, verdict, entry.id)
            return Outcome(f"copy held, original not removed: {exc.strerror}", entry.id)
        self._write_marker(path, verdict, entry.id)
        self._notify(path, folder, verdict, entry.id)
        return Outcome("held", entry.id)

    def _notify(self, path: str, folder: WatchFolder, verdict: Verdict, quarantine_id: str | None) -> None:
        notifier = self.services.notifier
        notices = notifier.notices_for(
            verdict,
            channel="watch",
            item=path,
            sender=folder.owner,
            quarantine_id=quarantine_id,
            officer_from=Action.WARN,
        )
        notifier.notify(notices)

    def _write_marker(self, path: str, verdict: Verdict, quarantine_id: str) -> None:
        marker = marker_path(path)
        text = self.services.notifier.marker(verdict, item=path, quarantine_id=quarantine_id)
        folder = os.path.dirname(path)
        temp = os.path.join(folder, f".dlp-{secrets.token_hex(6)}")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with os.fdopen(fd, "wb") as fh:  # a note for people, not a record: no fsync
                fh.write(text.encode("utf-8"))
            os.replace(temp, marker)
            self.state.put(
                marker,
                Record(Identity.of(os.lstat(marker)), self.state.content_key(sha256_file(marker)), kind="marker"),
            )
        except OSError as exc:  # the hold stands; only the note is missing
            log.warning("could not leave a marker beside a held file: %s", exc.strerror or exc)
            with contextlib.suppress(OSError):
                os.unlink(temp)

    def _remove_marker(self, path: str) -> None:
        """A released file is back: its marker (if ours and untouched) goes."""
        marker = marker_path(path)
        record = self.state.get(marker)
        try:
            if record is not None and record.kind == "marker" and Identity.of(os.lstat(marker)) == record.identity:
                os.unlink(marker)
                self.state.forget(marker)
        except OSError:
            pass


def marker_path(path: str) -> str:
    folder, name = os.path.split(path)
    room = NAME_MAX - len(MARKER_SUFFIX.encode())
    encoded = name.encode("utf-8", "surrogateescape")
    if len(encoded) > room:
        name = encoded[:room].decode("utf-8", "ignore")
    return os.path.join(folder, name + MARKER_SUFFIX)
