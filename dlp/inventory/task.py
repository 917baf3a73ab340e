"""Scanning one batch of files: the unit of work a local thread or a Dask worker runs.

The batch is scanned with the same pipeline and the same killable worker processes as
``dlp scan`` (time and memory limits per file). On a Dask worker the pool is made once per
worker process; a Dask worker runs as a daemonic process by default, which may not have
children, so there the files are scanned in the worker process itself unless the worker runs
with ``distributed.worker.daemon: false`` (the systemd unit in contrib/ sets it).

A task only reads files and returns small results: the client alone writes the inventory, so
a batch Dask runs twice (a worker lost mid-batch) cannot count anything twice.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import multiprocessing
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from dlp.extract.sniff import sniff
from dlp.model import Item, UnscannableReason, Verdict
from dlp.pipeline import scan_item
from dlp.settings import Settings, SettingsSpec
from dlp.worker import ItemSpec, WorkerPool, cut_short, failure_verdict

log = logging.getLogger("dlp.inventory")

# Per item: the inventory wants every distinct value's fingerprint, not the first 1,000 findings.
MAX_FINDINGS = 200_000

Scanner = Callable[[ItemSpec], Verdict]


@dataclass
class FileResult:
    """What the inventory keeps of one scanned file (no raw value, no clear path besides ``path``,
    which the client seals before it is stored)."""

    path: str
    format: str = ""
    action: str = "allow"
    clause: str | None = None
    counts: dict[str, int] = field(default_factory=dict)  # type -> distinct values
    records: int = 0
    error: str | None = None  # an unscannable reason (encrypted, timeout, …)
    reason: str = ""  # its detail, values masked by the pipeline
    retry: bool = False  # cut short (timeout, worker died): the next run scans it again
    content_key: str | None = None
    values: list[tuple[str, str]] = field(default_factory=list)  # (type, keyed fingerprint)
    complete: bool = True


def content_key(key: bytes, path: str) -> str | None:
    """Keyed SHA-256 of the content: a plain digest of a short file can be brute-forced."""
    try:
        with open(path, "rb") as f:
            digest = hashlib.file_digest(f, "sha256").digest()
    except OSError:
        return None
    return hmac.digest(key, b"content\0" + digest, "sha256").hex()


def result_of(path: str, verdict: Verdict, fmt: str, digest: str | None) -> FileResult:
    values = sorted({(f.type, f.fingerprint) for f in verdict.findings if f.role is None and f.fingerprint})
    first = verdict.unscannable[0] if verdict.unscannable else None
    return FileResult(
        path=path,
        format=fmt,
        action=verdict.action.label,
        clause=verdict.clause,
        counts={t: c.distinct for t, c in sorted(verdict.counts.items()) if c.distinct},
        records=verdict.records,
        error=first.reason.value if first else None,
        reason=first.detail[:300] if first else "",
        retry=cut_short(verdict),
        content_key=digest,
        values=values,
        complete=verdict.complete,
    )


def scan_file(path: str, settings: Settings, scanner: Scanner) -> FileResult:
    """One file: its keyed digest, its format and its verdict."""
    digest = content_key(settings.key, path)
    spec = ItemSpec.for_path(path, channel="inventory")
    try:
        fmt = sniff(Item.from_path(path))[0]
    except Exception:  # unreadable, vanished: the scan says why
        fmt = ""
    try:
        verdict = scanner(spec)
    except Exception as exc:  # the pipeline never raises for an item's sake; a bug must not lose the batch
        verdict = failure_verdict(spec, settings, UnscannableReason.ERROR, f"{type(exc).__name__}: {exc}"[:300])
    return result_of(path, verdict, fmt, digest)


# One per Dask worker process: building the settings compiles the rules (seconds).
_lock = threading.Lock()
_cached: dict[SettingsSpec, tuple[Settings, Scanner]] = {}


def _scanner_for(spec: SettingsSpec) -> tuple[Settings, Scanner]:
    with _lock:
        if spec not in _cached:
            settings = spec.build()
            if multiprocessing.current_process().daemon:
                log.warning(
                    "this Dask worker is a daemonic process: files are scanned in it, without the per-file"
                    " time and memory limits (set distributed.worker.daemon to false)"
                )
                _cached[spec] = (settings, lambda s: scan_item(s.item(), settings))
            else:
                pool = WorkerPool(settings, 1, settings_spec=spec, start_method="spawn")
                _cached[spec] = (settings, pool.scan)
        return _cached[spec]


def scan_batch(spec: SettingsSpec, paths: list[str]) -> list[FileResult]:
    """The Dask task: scan ``paths`` one after another in this worker."""
    settings, scanner = _scanner_for(spec)
    return [scan_file(p, settings, scanner) for p in paths]
