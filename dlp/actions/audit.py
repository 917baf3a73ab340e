"""The audit trail: append-only JSON Lines, one line per verdict and per officer action.

Never a raw value: findings appear as masked values and keyed fingerprints (HMAC with the
installation's secret, the same key as the scanner's fingerprints, so one My Number seen in
three mails has one fingerprint), file names with detected values are masked, recipients are
kept as domains. Safe for concurrent writers (the watcher and the gateway append to the same
file): lines are appended with write(2) under an exclusive flock and fsynced before write()
returns; threads of one process share the fsync (group commit).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import json
import os
import socket
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dlp.actions.auditchain import derive as derive_chain_key
from dlp.actions.auditchain import last_link, seal_lines
from dlp.fsutil import open_private, private_dir
from dlp.model import Verdict
from dlp.tally import BUSINESS_CONTACT

FINGERPRINTS_PER_TYPE = 50
SAMPLES = 3


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


class AuditLog:
    def __init__(self, path: Path, *, chain_key: bytes | None = None) -> None:
        """``chain_key``: MAC every line into a hash chain (see auditchain.py)."""
        self.path = path
        self._chain = derive_chain_key(chain_key) if chain_key else None
        private_dir(path.parent)
        self.host = socket.gethostname()
        self._cond = threading.Condition()
        self._pending: list[bytes] = []
        self._queued = 0  # lines handed to write()
        self._done = 0  # lines written (or failed)
        self._busy = False
        self._failures: list[tuple[int, int, OSError]] = []

    def write(self, event: str, **fields: Any) -> None:
        """Append one line; returns once it is on disk.

        Threads of one process commit as a group: the first to arrive writes every line waiting
        at that moment in one write(2) and one fsync, under the file lock other processes honour.
        """
        record = {"ts": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="milliseconds"), "event": event}
        record["host"] = self.host
        record.update({k: v for k, v in fields.items() if v is not None})
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        with self._cond:
            self._pending.append(line)
            self._queued += 1
            mine = self._queued
            while self._done < mine:
                if self._busy:
                    self._cond.wait()
                    continue
                self._busy = True
                batch, self._pending = self._pending, []
                first, upto = self._done + 1, self._queued
                self._cond.release()
                try:
                    self._append(batch)
                except OSError as exc:
                    self._failures = [*self._failures[-50:], (first, upto, exc)]
                finally:
                    self._cond.acquire()
                    self._busy = False
                    self._done = upto
                    self._cond.notify_all()
            for first, upto, error in self._failures:
                if first <= mine <= upto:
                    raise OSError(error.errno, f"audit trail {self.path}: {error.strerror or error}")

    def _append(self, lines: list[bytes]) -> None:
        fd = open_private(self.path, os.O_RDWR | os.O_APPEND)  # 0600, or 0660 in a shared folder
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            size = os.fstat(fd).st_size
            # under the lock: the chain's last link is ours to extend
            chain = self._chain
            data = seal_lines(chain, last_link(fd, size), lines) if chain is not None else b"".join(lines)
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data  # a writer died mid-line: end its torn line, keep ours whole
            os.write(fd, data)
            os.fsync(fd)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __call__(self, event: str, **fields: Any) -> None:
        self.write(event, **fields)

    def verdict(
        self,
        verdict: Verdict,
        *,
        channel: str,
        item: str | None = None,
        folder: str | None = None,
        sender: str | None = None,
        recipients: list[str] | None = None,
        enforced: str | None = None,
        quarantine_id: str | None = None,
    ) -> None:
        """One line per verdict: what was decided and why, what was found (masked, fingerprinted)."""
        fingerprints: dict[str, list[str]] = defaultdict(list)
        samples: dict[str, list[str]] = defaultdict(list)
        business = BUSINESS_CONTACT in verdict.counts  # the policy counts business contacts apart
        for f in verdict.findings:
            if f.confidence < 2:
                continue
            # under the type it was counted as, so `audit report` can count distinct values
            kind = BUSINESS_CONTACT if business and f.role is not None else f.type
            if f.fingerprint not in fingerprints[kind] and len(fingerprints[kind]) < FINGERPRINTS_PER_TYPE:
                fingerprints[kind].append(f.fingerprint)
                if len(samples[kind]) < SAMPLES and f.masked:
                    samples[kind].append(f.masked)
        self.write(
            "verdict",
            channel=channel,
            item=verdict.redact(item or verdict.locator),
            folder=verdict.redact(folder) if folder else None,
            action=verdict.action.label,
            clause=verdict.clause,
            reason=verdict.reason_en,
            enforced=enforced,
            quarantine_id=quarantine_id,
            records=verdict.records,
            counts={
                t: c.by_confidence.get("medium", 0) for t, c in verdict.counts.items() if c.by_confidence.get("medium")
            },
            fingerprints=dict(fingerprints),
            samples=dict(samples),
            unscannable=sorted({u.reason.value for u in verdict.unscannable}) or None,
            sender=sender,
            recipient_domains=sorted({r.rpartition("@")[2].lower() for r in recipients}) if recipients else None,
            complete=None if verdict.complete else False,
        )

    def history(self, entry_id: str) -> list[dict[str, Any]]:
        """Every line about one quarantine entry, oldest first (see history.py)."""
        from dlp.actions.history import entry_history

        return entry_history(self.path, entry_id)

    def read(self, since: dt.datetime | None = None, *, unreadable: bool = False) -> Iterator[dict[str, Any]]:
        """Every record (a JSON object per line) from ``since`` on. What is not one — a torn
        line from a crash, bytes that are not UTF-8, another JSON value, a line without a
        readable ``ts`` when ``since`` is given — is skipped, or with ``unreadable`` passed on as
        ``{"unreadable": True}`` for the report to count; never raised: the trail is read by
        officers after incidents, when it may have been damaged or edited."""
        if not self.path.exists():
            return
        if since is not None and since.tzinfo is None:
            since = since.astimezone()
        with self.path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    record = None
                when = timestamp(record) if isinstance(record, dict) else None
                if not isinstance(record, dict) or (since is not None and when is None):
                    if unreadable:
                        yield {UNREADABLE: True}
                    continue
                if since is not None and when is not None and when < since:
                    continue
                yield record


UNREADABLE = "unreadable"


def timestamp(record: dict[str, Any]) -> dt.datetime | None:
    """A record's ``ts`` as an aware datetime (no zone: local time), or None if it has none."""
    value = record.get("ts")
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.astimezone()


def _verdict_fields(record: dict[str, Any]) -> tuple[str, str, str, dict[str, int]] | None:
    """(day, action, channel, counts) of a verdict line, or None if any is missing or odd."""
    when = timestamp(record)
    action, channel = record.get("action", "?"), record.get("channel", "?")
    counts = record.get("counts") or {}
    if when is None or not isinstance(action, str) or not isinstance(channel, str) or not isinstance(counts, dict):
        return None
    if not all(isinstance(k, str) and isinstance(n, int) and not isinstance(n, bool) for k, n in counts.items()):
        return None
    for key in ("sender", "folder"):
        if record.get(key) is not None and not isinstance(record[key], str):
            return None
    return when.date().isoformat(), action, channel, counts


def report(records: Iterator[dict[str, Any]], top: int = 10) -> dict[str, Any]:
    """The summary an officer reads: verdicts per day, per type, per channel, top senders and
    folders, and officer actions; lines it could not read or place are counted, not fatal.

    ``per_type`` counts distinct values across items by their keyed fingerprints: one customer
    in three exports is one. Where lines list fewer fingerprints than they count, it is a lower
    bound and ``per_type_at_most`` has the upper one (see _Distinct). ``per_type_items`` is the
    per-item counts summed (what this report showed before)."""
    per_day: dict[str, Counter[str]] = defaultdict(Counter)
    per_items: Counter[str] = Counter()
    distinct = _Distinct()
    per_channel: dict[str, Counter[str]] = defaultdict(Counter)
    senders: Counter[str] = Counter()
    folders: Counter[str] = Counter()
    actions: Counter[str] = Counter()
    verdicts = 0
    skipped = 0
    for record in records:
        event = record.get("event", "?")
        if record.get(UNREADABLE) or not isinstance(event, str):
            skipped += 1
            continue
        if event != "verdict":
            actions[event] += 1
            continue
        fields = _verdict_fields(record)
        if fields is None:
            skipped += 1
            continue
        day, action, channel, counts = fields
        verdicts += 1
        per_day[day][action] += 1
        per_channel[channel][action] += 1
        fingerprints = record.get("fingerprints")
        for data_type, n in counts.items():
            per_items[data_type] += n
            listed = fingerprints.get(data_type) if isinstance(fingerprints, dict) else None
            distinct.add(data_type, n, listed if isinstance(listed, list) else [])
        if action != "allow":
            if record.get("sender"):
                senders[record["sender"]] += 1
            if record.get("folder"):
                folders[record["folder"]] += 1
    per_type = distinct.at_least()
    return {
        "verdicts": verdicts,
        "per_day": {d: dict(c) for d, c in sorted(per_day.items())},
        "per_type": dict(sorted(per_type.items(), key=lambda kv: (-kv[1], kv[0]))),
        "per_type_items": dict(per_items.most_common()),
        "per_type_at_most": distinct.at_most(),
        "per_channel": {ch: dict(c) for ch, c in sorted(per_channel.items())},
        "top_senders": senders.most_common(top),
        "top_folders": folders.most_common(top),
        "officer_actions": dict(actions.most_common()),
        "skipped_lines": skipped,
    }


class _Distinct:
    """Distinct values per type across items, from the fingerprints each line lists. A line may
    list fewer than its count (values counted in bulk from a table column have no fingerprint
    to write; lines before fingerprints; more than FINGERPRINTS_PER_TYPE): then the type's
    figure is a range, at least the larger of the union and the largest single item's count,
    at most the union plus every unlisted value."""

    def __init__(self) -> None:
        self.seen: dict[str, set[str]] = defaultdict(set)
        self.unlisted: Counter[str] = Counter()
        self.largest: Counter[str] = Counter()

    def add(self, data_type: str, count: int, fingerprints: list[Any]) -> None:
        listed = {f for f in fingerprints if isinstance(f, str)}
        self.seen[data_type] |= listed
        self.unlisted[data_type] += max(0, count - len(listed))
        self.largest[data_type] = max(self.largest[data_type], count)

    def at_least(self) -> dict[str, int]:
        return {t: max(len(self.seen[t]), self.largest[t]) for t in self.largest}

    def at_most(self) -> dict[str, int]:
        """Types whose figure is a range: their upper bound."""
        low = self.at_least()
        high = {t: len(self.seen[t]) + self.unlisted[t] for t in self.largest}
        return {t: high[t] for t in sorted(high) if high[t] > low[t]}
