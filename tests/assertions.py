"""One way to say "this finding, this span, this confidence" (presidio's assert helper)."""

from __future__ import annotations

from dlp.model import Confidence, Finding


def only(findings: list[Finding], data_type: str) -> list[Finding]:
    return [f for f in findings if f.type == data_type]


def assert_finding(
    findings: list[Finding],
    data_type: str,
    text: str,
    value: str,
    confidence: str | None = None,
) -> Finding:
    """Exactly one finding of ``data_type`` whose original span is ``value`` in ``text``."""
    start = text.index(value)
    matches = [f for f in findings if f.type == data_type and (f.start, f.end) == (start, start + len(value))]
    assert matches, f"no {data_type} at {start}:{start + len(value)} ({value!r}); got {_show(findings)}"
    finding = matches[0]
    if confidence is not None:
        assert finding.confidence == Confidence.parse(confidence), (
            f"{data_type} {value!r}: confidence {finding.confidence.label}, expected {confidence}"
        )
    return finding


def assert_none(findings: list[Finding], data_type: str, at_least: str = "low") -> None:
    floor = Confidence.parse(at_least)
    hits = [f for f in findings if f.type == data_type and f.confidence >= floor]
    assert not hits, f"unexpected {data_type}: {_show(hits)}"


def _show(findings: list[Finding]) -> str:
    return ", ".join(f"{f.type}[{f.start}:{f.end}]={f.value!r}({f.confidence.label})" for f in findings) or "nothing"
