"""`dlp audit report --format csv`: the report as one table a spreadsheet can pivot.

One row per figure, the same columns for every section, so the file filters and sums in Excel
without reshaping: ``section`` (verdicts, day, channel, type, sender, folder, officer_action),
``name`` (the day, channel, type …), the verdicts by action where that applies, ``total`` (items;
for a type the per-item counts summed) and ``distinct`` (for a type: distinct values across
items, by fingerprint, at least; ``distinct_at_most`` the upper bound, the same when exact).
"""

from __future__ import annotations

import csv
import io
from typing import Any

ACTIONS = ("allow", "warn", "quarantine", "block")
HEADER = ("section", "name", *ACTIONS, "total", "distinct", "distinct_at_most")


def report_csv(summary: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = _Writer(csv.writer(buffer, lineterminator="\r\n"))
    writer.writerow(HEADER)
    writer.writerow(("verdicts", "all", *[""] * len(ACTIONS), summary["verdicts"], "", ""))
    for section, key in (("day", "per_day"), ("channel", "per_channel")):
        for name, counts in summary[key].items():
            writer.writerow((section, name, *(counts.get(a, 0) for a in ACTIONS), sum(counts.values()), "", ""))
    at_most = summary["per_type_at_most"]
    for data_type, n in summary["per_type"].items():
        items = summary["per_type_items"].get(data_type, "")
        writer.writerow(("type", data_type, *[""] * len(ACTIONS), items, n, at_most.get(data_type, n)))
    for section, key in (("sender", "top_senders"), ("folder", "top_folders")):
        for name, n in summary[key]:
            writer.writerow((section, name, *[""] * len(ACTIONS), n, "", ""))
    for name, n in summary["officer_actions"].items():
        writer.writerow(("officer_action", name, *[""] * len(ACTIONS), n, "", ""))
    if summary["skipped_lines"]:
        writer.writerow(("skipped_lines", "unreadable", *[""] * len(ACTIONS), summary["skipped_lines"], "", ""))
    return buffer.getvalue()


class _Writer:
    """A csv writer whose text cells never start a formula: a sender or folder name comes from
    outside, and ``=HYPERLINK(…)`` in a cell is run by Excel (OWASP "CSV injection")."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer

    def writerow(self, row: tuple[Any, ...]) -> None:
        self.writer.writerow([_inert(v) if isinstance(v, str) else v for v in row])


def _inert(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
