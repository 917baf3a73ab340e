"""The human view of `dlp scan`: one block per item, readable in an 80-column terminal.

Two narrow columns (the verdict, then the item) and the long parts of an item (why, what was
found, examples) each on their own line under its path, labelled and wrapped at word
boundaries: nothing is cut with an ellipsis, so clause ids, rule ids and masked values stay
whole however narrow the terminal (a word longer than the line folds onto the next one).
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from dlp.model import Action, Verdict
from dlp.policy import type_name_ja

STYLE = {
    Action.ALLOW: "green",
    Action.WARN: "yellow",
    Action.APPROVAL: "magenta",
    Action.QUARANTINE: "magenta",
    Action.BLOCK: "bold red",
}
EXAMPLES = 3
SEPARATOR = " · "


class TableWriter:
    def __init__(self, out: TextIO, *, show_values: bool = False, explain: bool = False, **_: object) -> None:
        self.console = Console(file=out, soft_wrap=False, highlight=False)
        self.show_values = show_values
        self.explain = explain
        self.rows: list[tuple[Verdict, str]] = []

    def write(self, verdict: Verdict, path: str) -> None:
        self.rows.append((verdict, path))

    def close(self) -> None:
        if self.rows:
            table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, show_edge=False)
            table.add_column("verdict", no_wrap=True, min_width=len("quarantine"))
            table.add_column("item", overflow="fold", ratio=1)
            for n, (verdict, path) in enumerate(self.rows):
                if n:
                    table.add_row()  # a blank line between items
                table.add_row(Text(verdict.action.label, style=STYLE[verdict.action]), self._item(verdict, path))
            self.console.print(table)
        if self.explain:
            for verdict, path in self.rows:
                self._explain(verdict, path)
        totals = Counter(v.action for v, _ in self.rows)
        summary = ", ".join(f"{totals[a]} {a.label}" for a in sorted(totals, reverse=True))
        self.console.print(Text(f"{len(self.rows)} item(s): {summary}" if self.rows else "0 item(s)"))

    def _item(self, verdict: Verdict, path: str) -> Table:
        """The path on its own line, then one labelled line per long column."""
        lines = [("why", _why(verdict)), ("found", _counts(verdict, SEPARATOR)), ("e.g.", self._examples(verdict))]
        inner = Table.grid(padding=(0, 1))
        inner.add_column(style="dim", no_wrap=True, min_width=len("found"))
        inner.add_column(overflow="fold")
        for label, value in lines:
            if value and value != "-":
                inner.add_row(label, Text(value))
        outer = Table.grid()
        outer.add_column(overflow="fold")
        outer.add_row(Text(path if self.show_values else verdict.redact(path), style="bold", overflow="fold"))
        outer.add_row(inner)
        return outer

    def _examples(self, verdict: Verdict) -> str:
        shown: list[str] = []
        seen: set[str] = set()
        for f in sorted(verdict.findings, key=lambda f: (-f.severity, -f.confidence)):
            if f.fingerprint in seen:
                continue
            seen.add(f.fingerprint)
            value = f.value if self.show_values and f.value is not None else f.masked
            where = f":{f.line}" if f.line else ""
            role = f" {f.role}" if f.role else ""
            shown.append(f"{value} ({f.type}{where}{role})")
            if len(shown) == EXAMPLES:
                break
        return SEPARATOR.join(shown)

    def _explain(self, verdict: Verdict, path: str) -> None:
        shown = path if self.show_values else verdict.redact(path)
        self.console.print()
        self.console.print(Text(f"{shown} — {verdict.reason_ja} / {verdict.reason_en}", style="bold"))
        for note in verdict.notes:  # column decisions of each table (header, type, share that fit)
            shown_note = note if self.show_values else verdict.redact(note)
            self.console.print(Padding(Text.assemble(("note", "cyan"), " ", shown_note), (0, 0, 0, 2)))
        for f in verdict.findings:  # the rule id first and whole; the long parts below it, indented
            e = f.explanation
            value = f.value if self.show_values and f.value is not None else f.masked
            locator = f.locator if self.show_values else verdict.redact(f.locator)
            head = f"  {f.rule} {value} {f.confidence.label}"
            if f.role:
                head += f" role={f.role}/{f.role_from}"
            self.console.print(Text(head))
            self.console.print(Padding(Text(f"at {locator}[{f.start}:{f.end}]", overflow="fold"), (0, 0, 0, 6)))
            if e is not None:
                detail = (
                    f"pattern={e.pattern} base={e.base} validator={e.validator}:{e.validator_result}"
                    f" context={e.context} header={e.header}"
                )
                self.console.print(Padding(Text(detail, overflow="fold"), (0, 0, 0, 6)))
        for d in verdict.dropped:  # not counted, with the name of the reason (dlp/detect/exclusions.py)
            locator = d.locator if self.show_values else verdict.redact(d.locator)
            detail = verdict.redact(d.detail) if d.detail else ""
            self.console.print(Text.assemble("  ", ("not counted", "yellow"), f" {d.name} {d.rule} {d.masked}"))
            where = f"at {locator}[{d.start}:{d.end}]" + (f" ({detail})" if detail else "")
            self.console.print(Padding(Text(where, overflow="fold"), (0, 0, 0, 6)))
        for u in verdict.unscannable:
            where = verdict.redact(u.locator)
            detail = f" {where}: {u.reason.value} — {verdict.redact(u.detail)}"
            self.console.print(Text.assemble("  ", ("unscannable", "magenta"), detail))


def _counts(verdict: Verdict, separator: str = "\n") -> str:
    parts = []
    for data_type, count in sorted(verdict.counts.items(), key=lambda kv: -kv[1].distinct):
        medium = count.by_confidence.get("medium", 0)
        if medium:
            parts.append(f"{type_name_ja(data_type)}/{data_type} {medium}")
    if verdict.records:
        parts.append(f"records {verdict.records}")
    return separator.join(parts) or "-"


def _why(verdict: Verdict) -> str:
    lines = []
    if verdict.clause:
        lines.append(f"[{verdict.clause}] {verdict.reason_en}")
    for u in verdict.unscannable[:3]:
        lines.append(f"{u.reason.value}: {verdict.redact(u.detail)}")
    if verdict.quarantine_id:
        lines.append(f"held as {verdict.quarantine_id} (dlp quarantine show {verdict.quarantine_id})")
    return "\n".join(lines) or "-"
