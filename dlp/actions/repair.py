"""What a crash can leave in the quarantine, found and set right (run by the daemons at start
and by `dlp quarantine check`): temp files of unfinished writes, objects no row points to,
rows whose content is gone, deletes and releases cut short.

Every daemon runs this at start on the shared store while others are holding, so it must never
take a hold in progress for debris. A hold commits a write-ahead intent naming its process's
writer lock before it writes a byte, and replaces the intent by its row in one commit. The check
lists the files first and reads the index after: any file of a live hold is then explained by
its row or by an intent whose writer still holds its lock, and is left alone. Only files whose
intent's writer is dead (its flock is free), or with neither intent nor row, are removed.

Rows whose MAC fails are reported as tampered and never repaired (see rows.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING

from dlp.actions.entries import CheckReport
from dlp.actions.intents import forget_dead, writer_alive
from dlp.actions.rows import TamperedError, verify_row
from dlp.actions.store import Store
from dlp.fsutil import fsync_dir, open_dir_nofollow, path_components, shred

if TYPE_CHECKING:
    import sqlite3

STALE_RELEASE = 600.0  # seconds a release may take before check calls it interrupted


def check_store(store: Store, *, repair: bool = True, stale_after: float = STALE_RELEASE) -> CheckReport:
    """Find what a crash can leave behind; with ``repair``, clean it.

    A release still ``releasing`` after ``stale_after`` seconds was cut short: a file whose
    target holds the same bytes counts as released, anything else goes back to ``held`` with a
    note (a mail may or may not have reached the next hop; the officer decides). Younger ones
    may be in progress in another process and are left alone.
    """
    report = CheckReport()
    temps = sorted(store.tmp.iterdir())
    objects = sorted(store.objects.glob("*.bin"))
    with store.connection() as db:  # after listing (see the module docstring), in one snapshot
        db.execute("BEGIN")
        try:
            rows = list(db.execute("SELECT * FROM entries"))
            intents = {r["id"]: r["writer"] for r in db.execute("SELECT id, writer FROM intents")}
        finally:
            db.execute("COMMIT")
    alive: dict[str, bool] = {}

    def in_progress(entry_id: str) -> bool:
        writer = intents.get(entry_id)
        if writer is None:
            return False
        if writer not in alive:
            alive[writer] = writer_alive(store.writers, writer)
        return alive[writer]

    known = {r["id"] for r in rows}
    for temp in temps:
        entry_id = temp.name.removesuffix(".part")
        if in_progress(entry_id):
            report.in_progress.append(entry_id)
            continue
        report.removed_temp.append(temp.name)
        if repair:
            temp.unlink(missing_ok=True)
    candidates = [obj for obj in objects if obj.stem not in known]
    live = {obj.stem for obj in candidates if in_progress(obj.stem)}  # probes the writers now
    # A writer found dead may have committed its row after our snapshot and then exited (a CLI
    # run that held one file): once dead it commits nothing more, so the index read again after
    # the probe is the truth about its objects (the last hold of a short run was deleted as a
    # stray, then marked lost).
    committed = _committed(store, [obj.stem for obj in candidates if obj.stem not in live])
    for obj in candidates:
        if obj.stem in live:
            report.in_progress.append(obj.stem)
        elif obj.stem not in committed:
            report.removed_strays.append(obj.stem)
            if repair:
                obj.unlink(missing_ok=True)
    if repair:
        with store.connection() as db:
            forget_dead(db, store.writers, intents, alive)
    for row in rows:
        _check_row(store, row, report, repair=repair, stale_after=stale_after)
    if repair and (report.removed_temp or report.removed_strays or report.deleted):
        fsync_dir(store.objects)
    return report


def _committed(store: Store, entry_ids: list[str]) -> set[str]:
    """Which of these ids have an index row now."""
    found: set[str] = set()
    with store.connection() as db:
        for start in range(0, len(entry_ids), 500):
            chunk = entry_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            found.update(r["id"] for r in db.execute(f"SELECT id FROM entries WHERE id IN ({marks})", chunk))
    return found


def _check_row(store: Store, row: sqlite3.Row, report: CheckReport, *, repair: bool, stale_after: float) -> None:
    entry_id, state = row["id"], row["state"]
    try:
        verify_row(store.mac_key, row)
    except TamperedError:
        report.tampered.append(entry_id)
        return
    if state in ("deleted", "lost"):
        return
    if row["wrapped_key"] is None:  # a delete cut short after its key was destroyed
        report.deleted.append(entry_id)
        if repair:
            shred(store.object_path(entry_id))
            store.set_state(entry_id, "deleted", "dlp-check", note="delete completed at check")
    elif not store.object_path(entry_id).exists():
        obj = store.object_path(entry_id)
        # under the write lock: a delete that began after our snapshot is not a loss
        if not repair or store.set_state(
            entry_id,
            "lost",
            "dlp-check",
            note="content missing at check",
            when=lambda now: now["state"] == state and now["wrapped_key"] is not None and not obj.exists(),
        ):
            report.lost.append(entry_id)
    elif state == "releasing" and row["updated"] < time.time() - stale_after:
        report.interrupted.append(entry_id)
        if repair:
            _finish_interrupted(store, entry_id, row["channel"], row["sha256"], row["updated"])


def _finish_interrupted(store: Store, entry_id: str, channel: str, sha256: str, updated: float) -> None:
    def unchanged(now: sqlite3.Row) -> bool:
        return now["state"] == "releasing" and now["updated"] == updated

    if channel != "mail":
        entry = store.get(entry_id, private=True)
        target = Path(entry.private.get("release_target") or entry.private["path"])
        if _restored(target, sha256):
            released_to = str(target).replace(entry.private["name"], entry.name)
            store.set_state(entry_id, "released", "dlp-check", released_to=released_to, when=unchanged)
            return
    note = (
        "release interrupted; the mail may have reached the next hop, check before releasing again"
        if channel == "mail"
        else "release interrupted; the file was not restored"
    )
    store.set_state(entry_id, "held", "dlp-check", note=note, when=unchanged)


def _restored(target: Path, sha256: str) -> bool:
    """Remove a half-written plain copy beside ``target`` and say whether ``target`` holds the
    released bytes — through the same no-symlink folder walk a release uses (check runs as root
    too), reading only a regular file, never through a link."""
    parts = path_components(target)
    try:
        folder = open_dir_nofollow(parts[:-1])
    except OSError:
        return False
    try:
        for name in os.listdir(folder):
            if name.startswith(f".{parts[-1]}.dlp-"):
                with contextlib.suppress(OSError):
                    os.unlink(name, dir_fd=folder)
        try:
            fd = os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=folder)
        except OSError:
            return False
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return False
            digest = hashlib.sha256()
            while block := fh.read(1 << 20):
                digest.update(block)
        return digest.hexdigest() == sha256
    finally:
        os.close(folder)
