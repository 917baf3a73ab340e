"""The records of the quarantine: an entry as the index keeps it, the envelope of a held mail,
what a consistency check found, and the verdict summary stored with each entry (masked
findings only, never a raw value)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from dlp.model import Finding, Verdict
from dlp.report.serialize import finding_to_dict

STORED_FINDINGS = 200


class QuarantineError(Exception):
    """An operation on the quarantine that cannot be done (the message says why and what to do)."""


@dataclass(frozen=True)
class Envelope:
    """The SMTP envelope of a held mail, kept to release it exactly as it was sent."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    mail_options: tuple[str, ...] = ()


@dataclass
class Entry:
    id: str
    channel: str
    state: str
    created: float
    updated: float
    name: str
    locator: str
    size: int
    sha256: str
    sender: str | None
    recipient_domains: list[str]
    action: str
    clause: str | None
    verdict: dict[str, Any]
    acted_by: str | None = None
    acted_at: float | None = None
    released_to: str | None = None
    note: str | None = None
    private: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def types(self) -> list[str]:
        return sorted(self.verdict.get("counts", {}))

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "channel": self.channel,
            "state": self.state,
            "created": iso(self.created),
            "updated": iso(self.updated),
            "name": self.name,
            "locator": self.locator,
            "size": self.size,
            "sha256": self.sha256,
            "sender": self.sender,
            "recipient_domains": self.recipient_domains,
            "action": self.action,
            "clause": self.clause,
            "verdict": self.verdict,
            "acted_by": self.acted_by,
            "acted_at": iso(self.acted_at) if self.acted_at else None,
            "released_to": self.released_to,
            "note": self.note,
        }


@dataclass
class CheckReport:
    removed_temp: list[str] = field(default_factory=list)
    removed_strays: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    interrupted: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    tampered: list[str] = field(default_factory=list)  # rows whose MAC fails: never repaired, reported
    in_progress: list[str] = field(default_factory=list)  # holds whose writer still runs: left alone

    @property
    def clean(self) -> bool:
        return not (
            self.removed_temp or self.removed_strays or self.lost or self.interrupted or self.deleted or self.tampered
        )


def new_entry_id(prefix: str = "Q") -> str:
    """Q20261129-3fa2c1d0: sortable by day, unguessable, short enough to read out on the phone."""
    return f"{prefix}{dt.datetime.now().strftime('%Y%m%d')}-{secrets.token_hex(4)}"


def stored_finding(f: Finding, verdict: Verdict) -> dict[str, Any]:
    """The index outlives the scan and is read by people who may not see the content: never a raw value,
    whatever ``keep_values`` said for the scan that produced the finding."""
    out = finding_to_dict(f, verdict.redact)
    out.pop("value", None)
    out.pop("explain", None)
    return out


def verdict_summary(verdict: Verdict) -> dict[str, Any]:
    return {
        "action": verdict.action.label,
        "clause": verdict.clause,
        "reason": {"ja": verdict.reason_ja, "en": verdict.reason_en},
        "records": verdict.records,
        "complete": verdict.complete,
        "counts": {
            t: c.by_confidence.get("medium", 0) for t, c in verdict.counts.items() if c.by_confidence.get("medium")
        },
        "findings": [stored_finding(f, verdict) for f in verdict.findings[:STORED_FINDINGS] if f.confidence >= 2],
        "unscannable": [
            {"locator": verdict.redact(u.locator), "reason": u.reason.value, "detail": verdict.redact(u.detail)}
            for u in verdict.unscannable
        ],
    }


def iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).astimezone().isoformat(timespec="seconds")
