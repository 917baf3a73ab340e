"""scan_item(item, settings) -> Verdict: the one pipeline every entry point calls.

Item --extract--> Segments --detect--> Findings --tally/policy--> Verdict. Entry points (the
CLI, the watcher, the mail gateway) only build Items and enforce Verdicts.
"""

from __future__ import annotations

import time
from dataclasses import replace

from dlp.config import Settings
from dlp.extract import extract
from dlp.model import Finding, Item, Segment, Verdict
from dlp.policy import ScanContext
from dlp.tally import Tally


def scan_item(item: Item, settings: Settings, ctx: ScanContext | None = None) -> Verdict:
    started = time.monotonic()
    ctx = ctx or ScanContext(channel=item.channel)
    tally = settings.policy.new_tally(settings.max_findings)
    engine = settings.engine
    for part in extract(item, settings.limits):
        if isinstance(part, Segment):
            findings = engine.detect(part)
            if findings:
                tally.add(with_lines(findings, part))
        else:
            tally.add_unscannable(part)
    return decide(item.locator, tally, settings, ctx, started)


def decide(locator: str, tally: Tally, settings: Settings, ctx: ScanContext, started: float) -> Verdict:
    decision = settings.policy.decide(tally, ctx)
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
        unscannable=list(tally.unscannable),
        notes=list(tally.notes),
        elapsed=time.monotonic() - started,
    )


def with_lines(findings: list[Finding], segment: Segment) -> list[Finding]:
    """Line numbers for findings in line-based text (findings arrive sorted by start)."""
    if segment.first_line is None:
        return findings
    text = segment.text
    line = segment.first_line
    pos = 0
    out = []
    for f in findings:
        local = f.start - segment.offset
        if local < pos:  # not sorted (should not happen): count from the start
            line, pos = segment.first_line, 0
        line += text.count("\n", pos, local)
        pos = local
        out.append(replace(f, line=line))
    return out
