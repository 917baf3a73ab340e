"""What a crash can leave in the quarantine, found and set right (run by the daemons at start
and by `dlp quarantine check`): temp files of unfinished writes, objects no row points to,
rows whose content is gone, deletes and releases cut short."""

from __future__ import annotations

import time
from glob import escape as glob_escape
from pathlib import Path
from typing import TYPE_CHECKING

from dlp.actions.entries import CheckReport
from dlp.fsutil import fsync_dir, sha256_file, shred

if TYPE_CHECKING:
    from dlp.actions.quarantine import QuarantineStore

STALE_RELEASE = 600.0  # seconds a release may take before check calls it interrupted


def check_store(store: QuarantineStore, *, repair: bool = True, stale_after: float = STALE_RELEASE) -> CheckReport:
    """Find what a crash can leave behind; with ``repair``, clean it.

    A release still ``releasing`` after ``stale_after`` seconds was cut short: a file whose
    target holds the same bytes counts as released, anything else goes back to ``held`` with a
    note (a mail may or may not have reached the next hop; the officer decides). Younger ones
    may be in progress in another process and are left alone.
    """
    report = CheckReport()
    for temp in store.tmp.iterdir():
        report.removed_temp.append(temp.name)
        if repair:
            temp.unlink(missing_ok=True)
    with store._db() as db:
        rows = list(
            db.execute("SELECT id, state, channel, updated, sha256, wrapped_key IS NULL AS shredded FROM entries")
        )
    known = {r["id"] for r in rows}
    for obj in store.objects.glob("*.bin"):
        if obj.stem not in known:
            report.removed_strays.append(obj.stem)
            if repair:
                obj.unlink(missing_ok=True)
    for row in rows:
        entry_id, state = row["id"], row["state"]
        if state in ("deleted", "lost"):
            continue
        if row["shredded"]:  # a delete cut short after its key was destroyed
            report.deleted.append(entry_id)
            if repair:
                shred(store._object(entry_id))
                store._set_state(entry_id, "deleted", "dlp-check", note="delete completed at check")
        elif not store._object(entry_id).exists():
            report.lost.append(entry_id)
            if repair:
                store._set_state(entry_id, "lost", "dlp-check", note="content missing at check")
        elif state == "releasing" and row["updated"] < time.time() - stale_after:
            report.interrupted.append(entry_id)
            if repair:
                _finish_interrupted(store, entry_id, row["channel"], row["sha256"])
    if repair and (report.removed_temp or report.removed_strays or report.deleted):
        fsync_dir(store.objects)
    return report


def _finish_interrupted(store: QuarantineStore, entry_id: str, channel: str, sha256: str) -> None:
    if channel != "mail":
        entry = store.get(entry_id, private=True)
        target = Path(entry.private.get("release_target") or entry.private["path"])
        for temp in target.parent.glob(f".{glob_escape(target.name)}.dlp-*"):
            temp.unlink(missing_ok=True)  # a half-written plain copy
        if target.is_file() and sha256_file(target) == sha256:
            released_to = str(target).replace(entry.private["name"], entry.name)
            store._set_state(entry_id, "released", "dlp-check", released_to=released_to)
            return
    note = (
        "release interrupted; the mail may have reached the next hop, check before releasing again"
        if channel == "mail"
        else "release interrupted; the file was not restored"
    )
    store._set_state(entry_id, "held", "dlp-check", note=note)
