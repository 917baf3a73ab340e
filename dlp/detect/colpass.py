"""The pass over the cells of a table's classified columns (see dlp/detect/profile.py).

One tight loop per column: a dense 200,000-row export is millions of cells, so when the caller
only counts nothing is built per cell beyond a count key and a row number; Findings (with mask,
HMAC fingerprint and offsets) are made only while the tally still keeps findings in detail.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from dlp.detect.cells import _STRIP, Verdict, check_address, check_split_name, check_value, clean
from dlp.detect.columns import ColumnSpec
from dlp.detect.rules import Rule
from dlp.detect.tables import cell_spans
from dlp.model import Confidence, Explanation, Finding, Segment, Table

if TYPE_CHECKING:
    from dlp.detect.profile import ColumnResult, Decision, Profiler


# Cells of a block after which a column whose values hardly repeat stops remembering them.
_MEMO_TRIAL = 5000
_MEMO_RETRY = 500_000
_MEMO_SIZE = 50_000
_UNSEEN = object()


@dataclass
class _Counts:
    """Count keys and rows of one column's cells, by confidence (high, medium)."""

    high_keys: list[int] = field(default_factory=list)
    high_rows: list[int] = field(default_factory=list)
    keys: list[int] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


def split_lines(text: str, table: Table) -> list[str] | None:
    """The rows of a segment whose rows are its lines (no quoted line breaks), without line
    ends; None when the lines and the rows do not agree."""
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return None  # a lone CR ends a row too (the extractor splits there): lines are no rows
    lines = text.split("\n")
    if lines and not lines[-1] and len(lines) == len(table.row_starts) + 1:
        lines.pop()
    if len(lines) != len(table.row_starts):
        return None
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    return lines


class Records:
    """The record of each row (``file.csv#row12``), as the engine names them."""

    def __init__(self, locator: str, table: Table) -> None:
        prefix = f"{locator}#{table.row_label}"
        self.names = [f"{prefix}{table.first_row + r}" for r in range(len(table.row_starts))]

    def __getitem__(self, row: int) -> str:
        return self.names[row]


@dataclass
class CellPass:
    """The state of one segment's column pass."""

    profiler: Profiler
    segment: Segment
    table: Table
    rows: list[list[str]]
    bounds: list[tuple[int, int]]
    fast: bool
    accepted: list[set[int]]
    records: Records
    detail: bool
    result: ColumnResult
    _spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # Rows whose person was counted from a name column: a reading (フリガナ, セイ/メイ) in the
    # same row is that person's, reported but not counted again (N people read as N, not 2N).
    named: set[int] = field(default_factory=set)

    def column(self, d: Decision, data_from: int) -> None:
        """Every cell of one classified column, in one tight loop (this is the hot path of a
        dense export: no call per cell beyond the check itself)."""
        spec = d.spec
        assert spec is not None and spec.type is not None
        rule = self.profiler.rules[spec.rule]  # type: ignore[index]
        col = d.column
        counts = _Counts()
        high_keys, high_rows, keys, rows_ = counts.high_keys, counts.high_rows, counts.keys, counts.rows
        fit = cells = 0
        cache = self.profiler.verdicts(spec.id)
        by_value = spec.check == "value"
        patterns = list(rule.patterns)  # tried in order of their last success
        accepted = self.accepted
        allow = bool(rule.allow_values or rule.allow_domains)
        allowed = self.profiler.allowed
        check = self.profiler._check
        detail = self.detail
        high = Confidence.HIGH
        column = [row[col] if col < len(row) else "" for row in self.rows[data_from:]]
        reading = spec.check == "kana"
        naming = spec.type == "PERSON" and not reading
        named = self.named
        if by_value and not detail and not allow:
            fit, cells = self._count_values(spec, rule, column, data_from, counts, col)
            if d.how == "header":
                d.fit, d.cells = fit, cells
            self._flush(spec, counts)
            return
        for r, raw in enumerate(column, data_from):
            if not raw:
                continue
            cell = raw.strip(_STRIP)
            if not cell or "\n" in cell:  # a multi-line cell is left to the ordinary rules
                continue
            if not cell.isascii():
                cell = clean(cell)
            cells += 1
            if by_value:
                verdict = check_value(spec, rule, cell, patterns)
            else:
                verdict = cache.get(cell, False)  # type: ignore[arg-type]
                if verdict is False:
                    verdict = check(spec, rule, cell)
                    cache[cell] = verdict
            if verdict is None:
                continue
            fit += 1
            accepted[r].add(col)
            if allow and allowed(rule, verdict.canonical):
                continue
            if reading and r in named:
                pass  # the reading of a name counted in this row
            elif verdict.confidence is high:
                high_keys.append(hash(verdict.canonical))
                high_rows.append(r)
            else:
                keys.append(hash(verdict.canonical))
                rows_.append(r)
            if naming:
                named.add(r)
            if detail:
                self.result.findings.append(self._finding(spec, rule, verdict, r, (col,), d.header))
        if d.how == "header":
            d.fit, d.cells = fit, cells
        self._flush(spec, counts)

    def _count_values(
        self, spec: ColumnSpec, rule: Rule, column: list[str], data_from: int, counts: _Counts, col: int
    ) -> tuple[int, int]:
        """``check: value`` cells only counted: the checks of cells.check_value inlined, the
        pattern that fitted the previous cell tried first, no object made per cell."""
        high_keys, high_rows, keys, rows_ = counts.high_keys, counts.high_rows, counts.keys, counts.rows
        accepted = self.accepted
        validator, canonical = rule.validator, rule.canonical
        own = spec.value
        patterns = [(p.regex.fullmatch, p.value_group, i) for i, p in enumerate(rule.patterns)] if own is None else []
        memos, stats = self._memos(spec)
        memo = memos.setdefault(tuple(e[2] for e in patterns), {}) if stats[0] < _MEMO_TRIAL or stats[2] else None
        fit = cells = hits = 0
        for r, raw in enumerate(column, data_from):
            if not raw:
                continue
            cell = raw.strip(_STRIP)
            if not cell or "\n" in cell:
                continue
            if not cell.isascii():
                cell = clean(cell)
            cells += 1
            if memo is not None:
                known = memo.get(cell, _UNSEEN)
                if known is not _UNSEEN:
                    hits += 1
                    if known is None:
                        continue
                    fit += 1
                    accepted[r].add(col)
                    if known[0]:
                        high_keys.append(known[1])
                        high_rows.append(r)
                    else:
                        keys.append(known[1])
                        rows_.append(r)
                    continue
            if own is not None:
                m = own.fullmatch(cell)
                if m is None:
                    if memo is not None:
                        memo[cell] = None
                    continue
                value = cell.replace("〒", "").strip() if "〒" in cell else cell
            else:
                for k, entry in enumerate(patterns):
                    m = entry[0](cell)
                    if m is not None:
                        if k:  # another pattern first from now on: cells are remembered per order
                            patterns.insert(0, patterns.pop(k))
                            if memo is not None:
                                memo = memos.setdefault(tuple(e[2] for e in patterns), {})
                        break
                else:
                    if memo is not None:
                        memo[cell] = None
                    continue
                value = (m.group(entry[1]) or cell) if entry[1] else cell
            verdict = validator(value, m) if validator is not None else None
            if verdict is False:
                if memo is not None:
                    memo[cell] = None
                continue
            fit += 1
            accepted[r].add(col)
            key = hash(canonical(value, m))
            if verdict:
                high_keys.append(key)
                high_rows.append(r)
            else:
                keys.append(key)
                rows_.append(r)
            if memo is not None:
                memo[cell] = (bool(verdict), key)
        stats[0] += cells
        if memo is not None:
            stats[1] += hits
            if stats[0] >= _MEMO_TRIAL:  # on while at least 1 cell in 20 was seen before
                stats[2] = stats[1] * 20 >= stats[0]
        return fit, cells

    def _memos(self, spec: ColumnSpec) -> tuple[dict, list[int]]:  # type: ignore[type-arg]
        """What cells of a ``check: value`` kind counted as, by cell (None: it did not fit), one
        table per order of the rule's patterns (the first that fits a cell decides), kept across
        blocks: dates of birth, postal codes and towns repeat down a long export. With
        [cells, hits, on]: a kind whose cells hardly repeat (phones, mails) stops remembering
        after _MEMO_TRIAL cells, where it would only cost; tried again every _MEMO_RETRY."""
        memos = self.profiler.verdicts(f"{spec.id}/count")
        stats = memos.get(None)
        if stats is None or stats[0] >= _MEMO_RETRY:
            memos.clear()
            stats = memos[None] = [0, 0, 1]
        for key, table in memos.items():
            if key is not None and len(table) > _MEMO_SIZE:
                table.clear()
        return memos, stats  # type: ignore[return-value]

    def group(self, group: str, members: list[Decision], data_from: int) -> None:
        """Split columns (姓/名, セイ/メイ, 住所1/住所2 …): checked and counted per row as one
        value (one person, one address), reported per cell (each cell is a value of its own)."""
        members.sort(key=lambda d: d.column)
        first = members[0].spec
        assert first is not None
        rule = self.profiler.rules[first.rule]  # type: ignore[index]
        cols = tuple(d.column for d in members)
        given_only = group != "address" and all(d.spec.check.startswith("given") for d in members)  # type: ignore[union-attr]
        by_col = {d.column: d for d in members}
        counts = _Counts()
        fits = dict.fromkeys(cols, 0)
        totals = dict.fromkeys(cols, 0)
        for r in range(data_from, len(self.rows)):
            row = self.rows[r]
            parts = []
            used = []
            for col in cols:
                if col < len(row) and "\n" not in row[col] and (cell := clean(row[col])):
                    parts.append(cell)
                    used.append(col)
                    totals[col] += 1
            if not parts or given_only:
                continue
            if group == "address":
                verdict = check_address("".join(parts))
            else:
                verdict = check_split_name(parts, kana=group == "kana")
            if verdict is None:
                continue
            for col in used:
                fits[col] += 1
                self.accepted[r].add(col)
            if group == "kana" and r in self.named:
                counted = not (rule.allow_values or rule.allow_domains) or not self.profiler.allowed(
                    rule, verdict.canonical
                )  # the reading of a name counted in this row: reported, not counted again
            else:
                counted = self._count(first, rule, verdict, r, counts)
                if counted and group == "name":
                    self.named.add(r)
            if counted and self.detail:
                # One finding per cell, each with its own span and header: a reader (and a
                # labeller) sees 山根 | 清良 as two values of one person, and a finding spanning
                # both cells would hide the delimiter between them. The row is counted once above.
                for col, part in zip(used, parts, strict=True):
                    member = by_col[col]
                    piece = verdict._replace(value=part, canonical=part.replace(" ", ""))
                    self.result.findings.append(self._finding(member.spec, rule, piece, r, (col,), member.header))
        for d in members:
            d.fit, d.cells = fits[d.column], totals[d.column]
        self._flush(first, counts)

    def _count(self, spec: ColumnSpec, rule: Rule, verdict: Verdict, r: int, counts: _Counts) -> bool:
        """Counts one row's joined value once (a split name is one person, not two); False when
        the value is on the allow list."""
        if (rule.allow_values or rule.allow_domains) and self.profiler.allowed(rule, verdict.canonical):
            return False
        if verdict.confidence is Confidence.HIGH:
            counts.high_keys.append(hash(verdict.canonical))
            counts.high_rows.append(r)
        else:
            counts.keys.append(hash(verdict.canonical))
            counts.rows.append(r)
        return True

    def _flush(self, spec: ColumnSpec, counts: _Counts) -> None:
        records = self.records
        for confidence, keys, rows in (
            (Confidence.HIGH, counts.high_keys, counts.high_rows),
            (Confidence.MEDIUM, counts.keys, counts.rows),
        ):
            if keys:
                names = records.names
                self.result.batches.append((spec.type, confidence, keys, [names[r] for r in rows]))  # type: ignore[arg-type]

    def _finding(
        self, spec: ColumnSpec, rule: Rule, verdict: Verdict, r: int, cols: tuple[int, ...], header: str
    ) -> Finding:
        spans = self._spans.get(r)
        if spans is None:
            spans = self._spans[r] = cell_spans(self.segment, self.table, r)
        start = spans[cols[0]][0] if cols[0] < len(spans) else self.bounds[r][0]
        end = spans[cols[-1]][1] if cols[-1] < len(spans) else self.bounds[r][1]
        text = self.segment.text
        while start < end and text[start] in ' \t"\u3000':
            start += 1
        while end > start and text[end - 1] in ' \t\r"\u3000':
            end -= 1
        record = self.records[r]
        keep = self.profiler
        return Finding(
            rule=rule.id,
            type=spec.type or rule.type,
            locator=record,
            start=self.segment.offset + start,
            end=self.segment.offset + end,
            confidence=verdict.confidence,
            severity=rule.severity,
            masked=rule.mask(verdict.value),
            fingerprint=keep.fingerprint(spec.type or rule.type, verdict.canonical),
            record=record,
            column=header or None,
            line=self.table.first_row + r,
            value=verdict.value if keep.keep_values else None,
            explanation=Explanation(
                pattern=f"column:{spec.id}/{verdict.pattern}",
                base=Confidence.MEDIUM.label,
                validator=rule.validator_name,
                validator_result=verdict.validator,
                context=header or None,
                header=header or None,
            )
            if keep.explain
            else None,
        )


def blank(
    segment: Segment,
    table: Table,
    bounds: list[tuple[int, int]],
    rows: list[list[str]],
    fast: bool,
    accepted: list[set[int]],
) -> Segment:
    """The segment with every accepted cell replaced by spaces of the same length."""
    text = segment.text
    pieces: list[str] = []
    pos = 0
    delimiter = table.delimiter
    for r, cols in enumerate(accepted):
        if not cols:
            continue
        a, b = bounds[r]
        if fast:
            cells = rows[r]
            pieces.append(text[pos:a])
            pieces.append(delimiter.join([" " * len(c) if i in cols else c for i, c in enumerate(cells)]))
            pos = b
        else:
            for col, (s, e) in enumerate(cell_spans(segment, table, r)):
                if col in cols:
                    pieces.append(text[pos:s])
                    pieces.append(" " * (e - s))
                    pos = e
    pieces.append(text[pos:])
    residual = "".join(pieces)
    assert len(residual) == len(text)
    return replace(segment, text=residual)
