"""Masking what we write about *where* an item is and *what went wrong* reading it.

Paths, member names and exception texts are not content, but they carry it: a folder named
``顧客_090-1234-5678``, a zip member ``マイナンバー/945807302153.txt``, a ``ValueError`` that
quotes the cell it choked on. Every verdict is built in one place (``pipeline.decide``), and
there each path component of every locator goes through the detector and becomes a redaction
(``Verdict.redact`` masks it wherever a locator is written: audit, logs, index, notices,
markers, ``scan --format json``), and each unscannable reason's text is masked in place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from dlp.model import Finding, Segment, Unscannable

_SEPARATORS = re.compile(r"[/\\]")
_DIGIT_RUN = re.compile(r"[0-9０-９](?:[-‐‑–—−－ー ()（）]?[0-9０-９])+")
MIN_DIGITS = 10


class Detector(Protocol):
    def detect(self, segment: Segment, *, detail: bool = True) -> list[Finding]: ...


def mask_text(text: str, engine: Detector) -> str:
    """``text`` with every value the detector finds in it masked (at any confidence: a masked
    order number costs nothing, a raw phone number in a log is a leak)."""
    if not text:
        return text
    spans = sorted((f.start, f.end, f.masked or "***") for f in engine.detect(Segment(text, "", kind="name")))
    out, pos = [], 0
    for start, end, masked in spans:
        if start < pos:  # overlaps the span just masked: mask what sticks out of it
            if end > pos:
                out.append("*" * (end - pos))
                pos = end
            continue
        out += [text[pos:start], masked]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def path_redactions(locators: Iterable[str], engine: Detector, known: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(component, masked component) for every path component of ``locators`` that holds a
    value; ``known`` components (already redacted) are skipped."""
    seen = set(known)
    out = []
    for locator in locators:
        for part in _SEPARATORS.split(locator):
            if part and part not in seen:
                seen.add(part)
                masked = mask_text(part, engine)
                if masked != part:
                    out.append((part, masked))
    return out


def mask_digit_runs(text: str) -> str:
    """Long digit runs (10+ digits, the length of a phone number) the detector did not claim —
    a number with a wrong check digit, an unusual grouping — masked but for the last four:
    an exception message has no business quoting one."""

    def one(m: re.Match[str]) -> str:
        run = m.group()
        digits = sum(c.isdigit() for c in run)
        if digits < MIN_DIGITS:
            return run
        out, seen = [], 0
        for c in run:
            if c.isdigit():
                seen += 1
                c = c if seen > digits - 4 else "*"
            out.append(c)
        return "".join(out)

    return _DIGIT_RUN.sub(one, text)


def mask_unscannable(u: Unscannable, engine: Detector) -> Unscannable:
    """An unscannable reason whose text may quote content (an exception message): masked."""
    detail = mask_digit_runs(mask_text(u.detail, engine))
    return u if detail == u.detail else Unscannable(u.locator, u.reason, detail)


def mask_path(path: str, engine: Detector) -> str:
    """A path with the values in its components masked (for what is logged without a verdict)."""
    for part, masked in sorted(path_redactions([path], engine), key=lambda r: -len(r[0])):
        path = path.replace(part, masked)
    return path
