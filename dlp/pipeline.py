"""scan_item(item, settings) -> Verdict: the one pipeline every entry point calls.

Item --extract--> Segments --detect--> Findings --tally/policy--> Verdict. Entry points (the
CLI, the watcher, the mail gateway) only build Items and enforce Verdicts.
"""

from __future__ import annotations

import time

from dlp.extract import extract
from dlp.fanout import detections
from dlp.masking import mask_unscannable, path_redactions
from dlp.model import Action, Item, Segment, Verdict
from dlp.policy import Policy, ScanContext
from dlp.settings import Settings
from dlp.tally import Tally


def scan_item(item: Item, settings: Settings, ctx: ScanContext | None = None) -> Verdict:
    started = time.monotonic()
    ctx = ctx or ScanContext(channel=item.channel)
    policy = settings.policy_for(ctx)
    tally = policy.new_tally(settings.max_findings)
    engine = settings.engine
    engine.list_findings(settings.max_findings)
    can_stop = settings.stop_after_records is not None and policy.monotone
    parts = extract(item, settings.limits)
    detected = detections(parts, engine, tally, settings.detect_helpers)
    for part, findings in detected:
        if isinstance(part, Segment):
            names = part.kind == "name"
            if findings and part.kind == "ocr":
                from dlp.extract.ocr_parts import ocr_position  # with OCR text only: no image library for a CSV

                findings = ocr_position(part, findings)
            if findings:
                if names:
                    tally.redactions.append((part.text, redact_name(part.text, findings)))
                tally.add(findings)
                if can_stop and _decided(tally, policy, ctx, settings.stop_after_records):
                    detected.close()
                    parts.close()
                    tally.notes.append(
                        f"stopped early: the verdict is block and {tally.records:,} records were found; "
                        "counts are lower bounds (use --full to count everything)"
                    )
                    tally.complete = False
                    break
        else:
            tally.add_unscannable(part)
    return decide(item.locator, tally, settings, ctx, started)


def redact_name(name: str, findings: list) -> str:  # type: ignore[type-arg]
    """A file or member name with the personal values found in it masked (山田太郎_源泉徴収票.pdf
    -> 山**_源泉徴収票.pdf), for logs, the audit trail and notices."""
    out = name
    for f in sorted(findings, key=lambda f: f.start, reverse=True):
        out = out[: f.start] + (f.masked or "***") + out[f.end :]
    return out


def _decided(tally: Tally, policy: Policy, ctx: ScanContext, records: int | None) -> bool:
    """Nothing later in the item can change the verdict: it is block already (the most severe)
    and the record count has passed the horizon that matters for reporting (1,000 people is
    the APPI threshold for a report to the PPC)."""
    return records is not None and tally.records >= records and policy.decide(tally, ctx).action is Action.BLOCK


def decide(locator: str, tally: Tally, settings: Settings, ctx: ScanContext, started: float) -> Verdict:
    """The verdict, and the one place where what it says about places and errors is masked:
    values in any path component of its locators become redactions, values quoted in an
    unscannable reason's text (an exception message) are masked (dlp/masking.py)."""
    decision = settings.policy_for(ctx).decide(tally, ctx)
    engine = settings.engine
    unscannable = [mask_unscannable(u, engine) for u in tally.unscannable]
    locators = dict.fromkeys([locator, *(f.locator for f in tally.findings), *(u.locator for u in unscannable)])
    redactions = list(tally.redactions)
    redactions += path_redactions(locators, engine, known=(name for name, _ in redactions))
    return Verdict(
        locator=locator,
        action=decision.action,
        clause=decision.clause.id if decision.clause else None,
        reason_ja=decision.reason_ja,
        reason_en=decision.reason_en,
        counts=tally.counts(),
        records=tally.records,
        findings=tally.findings,
        findings_dropped=tally.findings_dropped,
        unscannable=unscannable,
        notes=list(tally.notes),
        complete=tally.complete,
        redactions=redactions,
        elapsed=time.monotonic() - started,
        dropped=tally.explained_drops(),
    )
