"""`--format csv`: one row per finding (masked), and one row for an item that has none, so a
spreadsheet lists every item scanned with its verdict.

The item's columns (path, verdict, clause, reason, records, unscannable) repeat on each of its
rows so that a filter on one column keeps whole facts. ``value`` is filled only with
--show-values. Written as UTF-8 with a BOM: Excel on a Japanese Windows opens a BOM-less
UTF-8 CSV as CP932 and shows mojibake. A text cell that Excel would run as a formula (a file
named ``=HYPERLINK(…).txt``, a value starting with ``+`` or ``@``) starts with ``'`` instead,
as OWASP advises against CSV injection; numbers stay numbers.
"""

from __future__ import annotations

import csv
from typing import TextIO

from dlp.model import Verdict

COLUMNS = (
    "path",
    "verdict",
    "clause",
    "reason_ja",
    "reason_en",
    "records",
    "unscannable",
    "rule",
    "type",
    "locator",
    "line",
    "column_header",
    "start",
    "end",
    "confidence",
    "severity",
    "role",
    "masked",
    "fingerprint",
    "value",
)


class CsvWriter:
    def __init__(self, out: TextIO, *, show_values: bool = False, **_: object) -> None:
        self.out = out
        self.show_values = show_values
        self.out.write("\ufeff")
        self.csv = csv.writer(out, lineterminator="\r\n")
        self.csv.writerow(COLUMNS)

    def write(self, verdict: Verdict, path: str) -> None:
        redact = (lambda text: text) if self.show_values else verdict.redact
        item = {
            "path": redact(path),
            "verdict": verdict.action.label,
            "clause": verdict.clause or "",
            "reason_ja": verdict.reason_ja,
            "reason_en": verdict.reason_en,
            "records": verdict.records,
            "unscannable": "; ".join(
                f"{redact(u.locator)}: {u.reason.value}" + (f" ({redact(u.detail)})" if u.detail else "")
                for u in verdict.unscannable
            ),
        }
        if not verdict.findings:
            self.csv.writerow([_cell(item.get(c, "")) for c in COLUMNS])
        for f in verdict.findings:
            row = {
                **item,
                "rule": f.rule,
                "type": f.type,
                "locator": redact(f.locator),
                "line": "" if f.line is None else f.line,
                "column_header": f.column or "",
                "start": f.start,
                "end": f.end,
                "confidence": f.confidence.label,
                "severity": f.severity.label,
                "role": f.role or "",
                "masked": f.masked,
                "fingerprint": f.fingerprint,
                "value": f.value if self.show_values and f.value is not None else "",
            }
            self.csv.writerow([_cell(row[c]) for c in COLUMNS])
        self.out.flush()

    def close(self) -> None:
        pass


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """``value``, with a text that a spreadsheet would read as a formula made inert."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
