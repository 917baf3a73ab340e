"""What a verdict does to a file in a watched folder.

allow: recorded. warn: the file stays; the folder's owner and the officer are told.
quarantine and block: the file goes into the quarantine store (durably, before the original is
removed) and ``<name>.dlp.txt`` is left in its place saying why and under which id (at the
first free name: ``<name>.dlp-2.txt`` … — a user's own file or a planted link there is never
overwritten or followed). Monitor-only folders (and ``--dry-run``) record what would have been
done and touch nothing. Symbolic links: see links.py.

Holding is safe against crashes and races: a hold the store already has for this very content
and path (made just before a crash) is reused, not duplicated; a file that changed after it was
scanned is not held on the old verdict but scanned again; a file an officer released is not held
again at the path (and for the owner) it was released to — the same bytes anywhere else are.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from dlp.actions.enforce import Enforcement
from dlp.actions.entries import Entry
from dlp.actions.marker import marker_paths, write_marker
from dlp.actions.quarantine import QuarantineStore
from dlp.model import Action, Verdict
from dlp.services import Services
from dlp.watch.folders import WatchFolder
from dlp.watch.links import MARKER_NOTE, refusal
from dlp.watch.state import Identity, Record, WatchState

log = logging.getLogger("dlp.watch")
ACTOR = "dlp-watch"


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
        self.enforcement = Enforcement(services, "watch", actor=ACTOR)  # hold, audit, notices

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
        released = self._released_here(path, sha256)
        if released is not None:  # an officer let exactly this content go to exactly here
            self._remove_marker(path)
            return Outcome(f"released earlier ({released.id})", released.id)
        return self._hold(path, folder, verdict, scanned, sha256)

    def _released_here(self, path: str, sha256: str) -> Entry | None:
        """The release that put exactly these bytes at exactly this path, for the same owner.

        A release is a decision about one file in one place: the same bytes copied to another
        name or folder (or chown-ed to someone else) are a new file and are held again."""
        try:
            uid = os.lstat(path).st_uid
        except OSError:
            return None
        here = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
        for entry in reversed(self.store.find(sha256, state="released")):
            private = self.store.get(entry.id, private=True).private
            if private.get("release_target", private.get("path")) != here:
                continue
            if private.get("uid", uid) != uid:
                continue
            return entry
        return None

    def unreadable(self, path: str, folder: WatchFolder, verdict: Verdict) -> Outcome:
        """A file the watcher may not read cannot be held either: it stays, and people are told."""
        if verdict.action is Action.ALLOW or folder.dry_run:
            return Outcome("recorded" if verdict.action is Action.ALLOW else "dry run: unreadable, would hold")
        log.error("a file in a watched folder is not readable by the watcher; it was left in place")
        self._notify(path, folder, verdict, None)
        return Outcome("unreadable: left in place, officer told")

    def refuse_link(self, path: str, folder: WatchFolder, verdict: Verdict, scanned: Identity) -> Outcome:
        """A symbolic link that is not followed: kept for allow and warn, removed (never its
        target) with a marker for quarantine and block; people are told as for any file."""
        action = verdict.action
        if action is Action.ALLOW:
            return Outcome("recorded: symbolic link not followed")
        if folder.dry_run:
            return Outcome("dry run: would refuse the symbolic link")
        self._notify(path, folder, verdict, None)
        if action is Action.WARN:
            return Outcome("refused: symbolic link not followed, kept; owner and officer told")
        try:
            if Identity.of(os.lstat(path)) != scanned:
                return Outcome("changed before it could be refused", rescan=True, record=False)
            os.unlink(path)  # removes the link itself, never what it points to
        except FileNotFoundError:
            return Outcome("refused: symbolic link gone before it could be removed")
        except OSError as exc:
            log.error("cannot remove a refused symbolic link: %s", exc.strerror or exc)
            return Outcome(f"refused: symbolic link not followed, not removed: {exc.strerror or exc}")
        self._write_marker(path, verdict, "-", note=MARKER_NOTE)
        return Outcome("refused: symbolic link removed, not followed")

    def _hold(self, path: str, folder: WatchFolder, verdict: Verdict, scanned: Identity, sha256: str) -> Outcome:
        try:
            now = Identity.of(os.lstat(path))
        except FileNotFoundError:
            return Outcome("gone before it could be held", record=False)
        if now != scanned:
            return Outcome("changed after the scan", rescan=True, record=False)
        if os.path.islink(path) and refusal(path, "scan") is not None:  # its target changed: decide again
            return Outcome("link changed after the scan", rescan=True, record=False)
        earlier = self.store.find(sha256, state="held", path=str(Path(path).resolve()))
        try:
            entry = earlier[-1] if earlier else self.enforcement.hold_file(Path(path), verdict)
        except FileNotFoundError:
            return Outcome("gone before it could be held", record=False)
        except PermissionError as exc:
            log.error("cannot hold a file: %s", exc.strerror, extra={"fields": {"item": verdict.redact(path)}})
            self._notify(path, folder, verdict, None)
            return Outcome(f"hold failed: {exc.strerror} (left in place)")
        except OSError as exc:  # replaced by a pipe, a folder …: what is there now is scanned again
            log.warning("not held, changed after the scan: %s", exc.strerror or type(exc).__name__)
            return Outcome("changed after the scan", rescan=True, record=False)
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
        self.enforcement.notify(verdict, item=path, sender=folder.owner, quarantine_id=quarantine_id)

    def _write_marker(self, path: str, verdict: Verdict, quarantine_id: str, note: str = "") -> None:
        """Leave the note (see actions/marker.py) and remember it as ours: the walk skips it, and
        a release removes it only while it is untouched."""
        text = (self.services.notifier.marker(verdict, item=path, quarantine_id=quarantine_id) + note).encode("utf-8")
        left = write_marker(path, text)
        if left is None:
            return
        marker, st = left
        try:
            digest = self.state.content_key(hashlib.sha256(text).hexdigest())
            self.state.put(marker, Record(Identity.of(st), digest, kind="marker"))
        except OSError as exc:
            log.warning("could not record a marker beside a held file: %s", exc.strerror or exc)

    def _remove_marker(self, path: str) -> None:
        """A released file is back: its marker (if ours and untouched) goes; others' files stay."""
        for marker in marker_paths(path):
            record = self.state.get(marker)
            try:
                st = os.lstat(marker)
            except FileNotFoundError:
                if record is None:
                    return  # past the last name in use
                continue
            except OSError:
                continue
            if record is not None and record.kind == "marker" and Identity.of(st) == record.identity:
                try:
                    os.unlink(marker)
                    self.state.forget(marker)
                except OSError:
                    pass
