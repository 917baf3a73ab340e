"""One settled file: skip it if already decided, else scan it, enforce the verdict, record it.

Skipped without a scan: the same identity (device, inode, size, mtime, ctime) as when it was
decided, or the same content (keyed digest) as a file that was allowed or warned about — a
touch, a chmod or a copy of the same bytes. Recorded: the audit line first, then the state, so
a crash between the two means a second audit line at the next start, never a verdict without one.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from collections.abc import Callable

from dlp.model import Action, UnscannableReason, Verdict
from dlp.policy import ScanContext
from dlp.services import Services
from dlp.watch.enforce import Enforcer
from dlp.watch.folders import WatchFolder
from dlp.watch.links import NotRegular, refusal, sha256_regular, through_link
from dlp.watch.metrics import WatchMetrics
from dlp.watch.state import Identity, Record, WatchState
from dlp.worker import ItemSpec, WorkerPool, cut_short, failure_verdict

log = logging.getLogger("dlp.watch")


class FileProcessor:
    def __init__(
        self,
        *,
        state: WatchState,
        services: Services,
        pool: Callable[[], WorkerPool],
        metrics: WatchMetrics,
        stopping: threading.Event,
        rescan: Callable[[str, WatchFolder], None],
        symlinks: str = "refuse",
    ) -> None:
        self.state = state
        self.services = services
        self.enforcer = Enforcer(services, state)
        self.pool = pool  # the current pool: a reload swaps it
        self.metrics = metrics
        self.stopping = stopping
        self.rescan = rescan
        self.symlinks = symlinks

    def process(self, path: str, folder: WatchFolder, ready_at: float) -> None:
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            self.metrics.inc("gone")
            return
        if through_link(path, folder.path):
            return  # reached through a linked folder: the link itself gets the verdict
        link = stat.S_ISLNK(st.st_mode)
        if not (stat.S_ISREG(st.st_mode) or link):
            return
        identity = Identity.of(st)
        record = self.state.get(path)
        if record is not None and record.identity == identity:
            self.metrics.inc("unchanged")
            return
        if link:
            why = refusal(path, self.symlinks)
            if why is not None:
                self._refuse_link(path, folder, identity, why, ready_at)
                return
        try:
            sha256: str | None = sha256_regular(path)
        except FileNotFoundError:
            self.metrics.inc("gone")
            return
        except NotRegular:  # swapped for a pipe or device (or a link retargeted): decide afresh
            self.rescan(path, folder)
            return
        except OSError:
            sha256 = None  # unreadable: the scan says so, and the policy decides
        digest = self.state.content_key(sha256) if sha256 else ""
        if record is not None and digest and record.digest == digest and record.action in ("allow", "warn"):
            self.state.put(path, Record(identity, digest, action=record.action, clause=record.clause))
            self.metrics.inc("unchanged")
            return  # touched, chmod-ed or copied over with the same bytes: same verdict
        pool = self.pool()
        log.debug("scanning a file of %d bytes", identity.size)  # no name: it is scanned for names first
        verdict = pool.scan(
            ItemSpec.for_path(path, channel="watch"), ScanContext(channel="watch", policy=folder.policy)
        )
        if self.stopping.is_set() and cut_short(verdict):
            log.info("scan abandoned at shutdown; the file is scanned at the next start")
            return
        if sha256 is None:
            outcome = self.enforcer.unreadable(path, folder, verdict)
        else:
            outcome = self.enforcer.apply(path, folder, verdict, identity, sha256)
        if outcome.rescan:
            self.metrics.inc("rescans")
            self.rescan(path, folder)
            return
        # The audit line first: a crash between the two rescans the file and audits it again
        # (at least once), never leaves a verdict without its line.
        self._record(path, folder, verdict, outcome.enforced, outcome.quarantine_id, ready_at)
        if outcome.record:
            self.state.put(
                path,
                Record(
                    identity,
                    digest,
                    action=verdict.action.label,
                    clause=verdict.clause,
                    quarantine_id=outcome.quarantine_id,
                ),
            )

    def _refuse_link(self, path: str, folder: WatchFolder, identity: Identity, why: str, ready_at: float) -> None:
        """A link that is not followed: a verdict of its own (the policy decides; by default it
        holds), enforced on the link alone."""
        pool = self.pool()
        spec = ItemSpec(name=os.path.basename(path), locator=path, channel="watch")
        ctx = ScanContext(channel="watch", policy=folder.policy)
        verdict = failure_verdict(spec, pool.settings, UnscannableReason.UNSUPPORTED, why, ctx)
        outcome = self.enforcer.refuse_link(path, folder, verdict, identity)
        if outcome.rescan:
            self.rescan(path, folder)
            return
        self._record(path, folder, verdict, outcome.enforced, None, ready_at)
        self.state.put(path, Record(identity, "", action=verdict.action.label, clause=verdict.clause))

    def _record(
        self, path: str, folder: WatchFolder, verdict: Verdict, enforced: str, quarantine_id: str | None, at: float
    ) -> None:
        self.enforcer.enforcement.record(
            verdict, item=path, folder=folder.path, enforced=enforced, quarantine_id=quarantine_id
        )
        latency = time.monotonic() - at
        self.metrics.verdict(verdict.action.label, verdict.elapsed)
        self.metrics.observe_latency(latency)
        log.log(
            logging.DEBUG if verdict.action is Action.ALLOW else logging.INFO,  # allow is the audit's business
            "%s: %s",
            verdict.action.label,
            enforced,
            extra={
                "fields": {
                    "item": verdict.redact(path),
                    "clause": verdict.clause,
                    "quarantine_id": quarantine_id,
                    "records": verdict.records,
                    "seconds": round(latency, 3),
                }
            },
        )
