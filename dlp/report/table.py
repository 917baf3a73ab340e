"""The human view of `dlp scan`: one row per file, masked examples, the clause that fired."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dlp.model import Action, Verdict
from dlp.policy import type_name_ja

STYLE = {Action.ALLOW: "green", Action.WARN: "yellow", Action.QUARANTINE: "magenta", Action.BLOCK: "bold red"}
EXAMPLES = 3


class TableWriter:
    def __init__(self, out: TextIO, *, show_values: bool = False, explain: bool = False) -> None:
        self.console = Console(file=out, soft_wrap=False)
        self.show_values = show_values
        self.explain = explain
        self.rows: list[tuple[Verdict, str]] = []

    def write(self, verdict: Verdict, path: str) -> None:
        self.rows.append((verdict, path))

    def close(self) -> None:
        table = Table(show_lines=False, header_style="bold")
        table.add_column("file")
        table.add_column("verdict")
        table.add_column("found (distinct)")
        table.add_column("examples")
        table.add_column("why")
        for verdict, path in self.rows:
            table.add_row(
                escape(path if self.show_values else verdict.redact(path)),
                f"[{STYLE[verdict.action]}]{verdict.action.label}[/]",
                escape(_counts(verdict)),
                escape(self._examples(verdict)),
                escape(_why(verdict)),
            )
        self.console.print(table)
        if self.explain:
            for verdict, path in self.rows:
                self._explain(verdict, path)
        totals = Counter(v.action for v, _ in self.rows)
        summary = ", ".join(f"{totals[a]} {a.label}" for a in sorted(totals, reverse=True))
        self.console.print(f"{len(self.rows)} item(s): {summary}")

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
        return "\n".join(shown)

    def _explain(self, verdict: Verdict, path: str) -> None:
        shown = path if self.show_values else verdict.redact(path)
        self.console.print(f"\n[bold]{escape(shown)}[/] — {escape(verdict.reason_ja)} / {escape(verdict.reason_en)}")
        for note in verdict.notes:  # column decisions of each table (header, type, share that fit)
            self.console.print(f"  [cyan]note[/] {escape(note if self.show_values else verdict.redact(note))}")
        for f in verdict.findings:
            e = f.explanation
            value = f.value if self.show_values and f.value is not None else f.masked
            locator = f.locator if self.show_values else verdict.redact(f.locator)
            line = f"  {f.rule} {escape(value)} @{escape(locator)}[{f.start}:{f.end}] {f.confidence.label}"
            if f.role:
                line += f" role={f.role}/{f.role_from}"
            if e is not None:
                line += (
                    f"  pattern={e.pattern} base={e.base} validator={e.validator}:{e.validator_result}"
                    f" context={escape(str(e.context))} header={escape(str(e.header))}"
                )
            self.console.print(line)
        for u in verdict.unscannable:
            where = verdict.redact(u.locator)
            self.console.print(
                f"  [magenta]unscannable[/] {escape(where)}: {u.reason.value} — {escape(verdict.redact(u.detail))}"
            )


def _counts(verdict: Verdict) -> str:
    parts = []
    for data_type, count in sorted(verdict.counts.items(), key=lambda kv: -kv[1].distinct):
        medium = count.by_confidence.get("medium", 0)
        if medium:
            parts.append(f"{type_name_ja(data_type)}/{data_type} {medium}")
    if verdict.records:
        parts.append(f"records {verdict.records}")
    return "\n".join(parts) or "-"


def _why(verdict: Verdict) -> str:
    lines = []
    if verdict.clause:
        lines.append(f"[{verdict.clause}] {verdict.reason_en}")
    for u in verdict.unscannable[:3]:
        lines.append(f"{u.reason.value}: {verdict.redact(u.detail)}")
    if verdict.quarantine_id:
        lines.append(f"held as {verdict.quarantine_id} (dlp quarantine show {verdict.quarantine_id})")
    return "\n".join(lines) or "-"
