"""Verdict -> plain dict, the stable JSON contract of `dlp scan --format json|jsonl`.

Per item: locator, action, clause, reason (ja/en), counts, records, unscannable, findings;
``quarantine_id`` when `dlp scan --quarantine` held it.
Per finding: rule, type, locator, start, end (character offsets into that segment's text; for
a plain-text or CSV file, into the decoded file), line, column, confidence, severity, masked,
fingerprint; ``role`` ("business": an organisation's own contact data, reported but not
counted as a customer's) with ``role_from`` ("block": a letterhead or signature; "store": a
store's block in a store guide; "table": a store list's row) when set; ``value`` only with
--show-values; ``explain`` only with --explain.
With --explain, ``not_counted``: candidates found and not counted, each with the name of its
reason (``validator:luhn``, ``allow_list:value``, ``context:exclude_word``, ``dedup:overlap``,
``business_contact:table`` …: dlp/detect/exclusions.py), rule, type, locator, start, end,
masked and a detail (the exclusion word, the surer rule, the allow list).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dlp.model import Dropped, Finding, Verdict


def verdict_to_dict(verdict: Verdict, *, path: str | None = None, show_values: bool = False) -> dict[str, Any]:
    """The JSON object of one item. Personal data found in file and folder names is masked in
    paths and locators (山田太郎_源泉徴収票.pdf -> 山**_源泉徴収票.pdf) unless values are asked for."""
    redact = (lambda text: text) if show_values else verdict.redact
    return {
        "path": redact(path if path is not None else verdict.locator),
        "locator": redact(verdict.locator),
        "action": verdict.action.label,
        "exit_code": verdict.exit_code,
        "clause": verdict.clause,
        "reason": {"ja": verdict.reason_ja, "en": verdict.reason_en},
        "records": verdict.records,
        "complete": verdict.complete,
        "notes": verdict.notes,
        "counts": {
            t: {
                "matches": c.matches,
                "distinct": c.distinct,
                "distinct_by_confidence": c.by_confidence,
                **({"saturated": True} if c.saturated else {}),
            }
            for t, c in verdict.counts.items()
        },
        "unscannable": [
            {"locator": redact(u.locator), "reason": u.reason.value, "detail": redact(u.detail)}
            for u in verdict.unscannable
        ],
        "findings": [finding_to_dict(f, redact) for f in verdict.findings],
        "findings_not_listed": verdict.findings_dropped,
        "elapsed_ms": round(verdict.elapsed * 1000, 1),
        **({"quarantine_id": verdict.quarantine_id} if verdict.quarantine_id else {}),
        **({"not_counted": [_dropped(d, redact) for d in verdict.dropped]} if verdict.dropped else {}),
    }


def _dropped(d: Dropped, redact: Callable[[str], str]) -> dict[str, Any]:
    return {
        "name": d.name,
        "rule": d.rule,
        "type": d.type,
        "locator": redact(d.locator),
        "start": d.start,
        "end": d.end,
        "masked": d.masked,
        "detail": redact(d.detail),
    }


def finding_to_dict(f: Finding, redact: Callable[[str], str] = str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": f.rule,
        "type": f.type,
        "locator": redact(f.locator),
        "start": f.start,
        "end": f.end,
        "line": f.line,
        "column": f.column,
        "confidence": f.confidence.label,
        "severity": f.severity.label,
        "masked": f.masked,
        "fingerprint": f.fingerprint,
    }
    if f.role is not None:
        out["role"] = f.role
        out["role_from"] = f.role_from
    if f.value is not None:
        out["value"] = f.value
    if f.explanation is not None:
        e = f.explanation
        out["explain"] = {
            "pattern": e.pattern,
            "base_confidence": e.base,
            "validator": e.validator,
            "validator_result": e.validator_result,
            "context": e.context,
            "header": e.header,
        }
    return out
