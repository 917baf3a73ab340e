"""Figures for the dashboard and the monthly report, aggregated from the audit trail.

The trail (dlp/actions/audit.py) is the one record every channel writes, so the figures are
what the gateway, the watcher and the officers actually did; it is read with AuditLog.read,
which skips damaged lines (counted here, never fatal). Values stay as the trail keeps them:
masked samples are not used at all, sender addresses as written by the gateway."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dlp.actions.audit import UNREADABLE, timestamp
from dlp.actions.entries import Entry
from dlp.console.departments import department_of

TOP = 10
# held-queue age buckets: (upper bound in hours, label); the last is open-ended
AGE_BUCKETS: tuple[tuple[float, str], ...] = (
    (1, "<1h"),
    (4, "1-4h"),
    (24, "4-24h"),
    (72, "1-3d"),
    (168, "3-7d"),
    (float("inf"), ">7d"),
)


@dataclass
class Stats:
    """One window's figures; ``days`` lists every day of the window, quiet days included."""

    start: dt.date
    end: dt.date  # exclusive
    days: list[str] = field(default_factory=list)
    per_day_channel: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    per_day_type: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    actions: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    clauses: Counter[str] = field(default_factory=Counter)
    senders: Counter[str] = field(default_factory=Counter)
    departments: Counter[str] = field(default_factory=Counter)
    decisions: Counter[str] = field(default_factory=Counter)  # released / rejected / deleted
    held_age: Counter[str] = field(default_factory=Counter)
    verdicts: int = 0
    skipped: int = 0

    def series(self, per_day: Mapping[str, Counter[str]], keys: Iterable[str]) -> dict[str, list[int]]:
        """Per key, its count on each day of the window (the charts' and tables' rows)."""
        return {k: [per_day[d][k] if d in per_day else 0 for d in self.days] for k in keys}

    def release_ratio(self) -> float | None:
        """Released out of released + rejected: how often a held item was let go after review."""
        decided = self.decisions["released"] + self.decisions["rejected"]
        return self.decisions["released"] / decided if decided else None

    def tables(self) -> dict[str, list[tuple[str, ...]]]:
        """Every table of the dashboard as rows of text (for the CSV export)."""
        rows: dict[str, list[tuple[str, ...]]] = {}
        rows["per_day_channel"] = [
            (d, ch, str(n)) for d in self.days for ch, n in sorted(self.per_day_channel.get(d, Counter()).items())
        ]
        rows["per_day_type"] = [
            (d, t, str(n)) for d in self.days for t, n in sorted(self.per_day_type.get(d, Counter()).items())
        ]
        rows["actions"] = [(k, str(n)) for k, n in self.actions.most_common()]
        rows["top_clauses"] = [(k, str(n)) for k, n in self.clauses.most_common(TOP)]
        rows["top_senders"] = [(k, str(n)) for k, n in self.senders.most_common(TOP)]
        rows["top_departments"] = [(k, str(n)) for k, n in self.departments.most_common(TOP)]
        rows["decisions"] = [(k, str(self.decisions[k])) for k in ("released", "rejected", "deleted")]
        rows["held_age"] = [(label, str(self.held_age[label])) for _, label in AGE_BUCKETS]
        return rows


def window(end: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """The ``days`` days up to and including ``end``."""
    return end - dt.timedelta(days=days - 1), end + dt.timedelta(days=1)


def month_window(month: str) -> tuple[dt.date, dt.date]:
    """``2026-11`` -> (2026-11-01, 2026-12-01); ValueError for anything else."""
    year, _, mon = month.partition("-")
    if len(year) != 4 or len(mon) != 2:
        raise ValueError(month)
    start = dt.date(int(year), int(mon), 1)
    nxt = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, nxt


def aggregate(
    records: Iterable[dict[str, Any]],
    start: dt.date,
    end: dt.date,
    *,
    departments: Mapping[str, list[str]],
    department: str | None = None,
    held: Iterable[Entry] = (),
    entry_senders: Mapping[str, str | None] | None = None,
    now: float | None = None,
) -> Stats:
    """The figures of [start, end) (local days). ``department``: only that department's senders
    (an approver's view); officer decisions are attributed through the verdict that held the
    entry (``quarantine_id`` -> sender), so an approver sees only decisions on their own mail;
    ``entry_senders`` (the quarantine store's id -> sender) covers entries whose verdict is older
    than the lines read. ``held``: the entries still held, bucketed by age at ``now``."""
    stats = Stats(start=start, end=end)
    day = start
    while day < end:
        stats.days.append(day.isoformat())
        day += dt.timedelta(days=1)
    sender_of: dict[str, str | None] = dict(entry_senders or {})
    decisions: list[tuple[str, str, str]] = []  # (day, entry id, outcome)
    for record in records:
        if record.get(UNREADABLE):
            stats.skipped += 1
            continue
        when = timestamp(record)
        event = record.get("event")
        if when is None or not isinstance(event, str):
            stats.skipped += 1
            continue
        local = when.astimezone().date()
        if event == "verdict":
            if isinstance(record.get("quarantine_id"), str):
                sender = record.get("sender")
                # the store's sender (MAC-checked) wins over the line's
                sender_of.setdefault(record["quarantine_id"], sender if isinstance(sender, str) else None)
            if start <= local < end:
                _verdict(stats, record, local.isoformat(), departments, department)
        elif event in ("quarantine.release", "quarantine.delete") and start <= local < end:
            entry_id = record.get("entry_id")
            if isinstance(entry_id, str):
                decisions.append((local.isoformat(), entry_id, _outcome(event, record.get("note"))))
    for _, entry_id, outcome in decisions:
        if department is None or department_of(sender_of.get(entry_id), departments) == department:
            stats.decisions[outcome] += 1
    now = dt.datetime.now().timestamp() if now is None else now
    for entry in held:
        if department is None or department_of(entry.sender, departments) == department:
            stats.held_age[age_bucket((now - entry.created) / 3600)] += 1
    return stats


def _verdict(
    stats: Stats, record: dict[str, Any], day: str, departments: Mapping[str, list[str]], only: str | None
) -> None:
    sender = record.get("sender") if isinstance(record.get("sender"), str) else None
    dept = department_of(sender, departments)
    if only is not None and dept != only:
        return
    action, channel = record.get("action"), record.get("channel")
    counts = record.get("counts") or {}
    if not isinstance(action, str) or not isinstance(channel, str) or not isinstance(counts, dict):
        stats.skipped += 1
        return
    stats.verdicts += 1
    stats.actions[action] += 1
    stats.channels[channel] += 1
    stats.per_day_channel[day][channel] += 1
    for data_type in counts:
        if isinstance(data_type, str):
            stats.per_day_type[day][data_type] += 1  # items with that type, not values
            stats.types[data_type] += 1
    if action == "allow":
        return  # tops are about what the policy acted on
    clause = record.get("clause")
    if isinstance(clause, str) and clause:
        stats.clauses[clause] += 1
    if sender:
        stats.senders[sender] += 1
    if dept:
        stats.departments[dept] += 1
    elif sender:
        stats.departments["(未設定 / unmapped)"] += 1


def _outcome(event: str, note: object) -> str:
    if event == "quarantine.release":
        return "released"
    return "rejected" if isinstance(note, str) and note.startswith("rejected") else "deleted"


def age_bucket(hours: float) -> str:
    for bound, label in AGE_BUCKETS:
        if hours < bound:
            return label
    return AGE_BUCKETS[-1][1]
