"""Column profiling: every table read column by column, and a classified column checked in bulk.

For one tabular segment: find the header row (the extractor's, or one of the first rows whose
cells are known header words: a title line or extraction conditions may sit above it), give
each column a kind from its header (rules/columns.yaml) or, without a known header, from the
share of sampled cells that fit a kind, then check every cell of a classified column on its
own. A cell that passes is a finding of the column's type and is blanked (same length, so
offsets stay true) in the text the ordinary rules then scan; a cell that fails stays there.

Speed: a dense 200,000-row customer export is millions of cells. Cells are split once per
row, checked with one compiled pattern each, and when the caller only counts (``detail`` off)
no Finding is built: the counts go to the tally as batches (type, confidence, count keys,
records). A count key is the per-process keyed ``hash`` of the canonical value: it only
dedupes inside this process and is never written anywhere (a Finding's fingerprint, which is,
stays the HMAC).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from dlp.detect.cells import _STRIP, Verdict, check_address, check_name, check_name_part, check_value, clean
from dlp.detect.columns import ColumnRules, ColumnSpec
from dlp.detect.rules import Rule
from dlp.detect.tables import cell_spans, row_span
from dlp.model import Confidence, Explanation, Finding, Segment, Table

HEADER_ROWS = 10  # the header row is looked for in this many first rows
MAX_COLUMNS = 256  # columns profiled per table (a 10,000-column sheet must not cost 10,000 profiles)
_GROUPS = {"surname": "name", "given": "name", "surname_kana": "kana", "given_kana": "kana", "address_part": "address"}


@dataclass
class Decision:
    """What one column was taken for, and why (shown by ``dlp scan --explain``)."""

    column: int
    header: str
    spec: ColumnSpec | None
    how: str  # header | values | none
    fit: int = 0
    cells: int = 0

    def describe(self) -> str:
        # A header that is no known word may itself be a value (a headerless list's first row):
        # only known header words are shown, other columns by number.
        label = self.header if self.header and self.how == "header" else f"#{self.column + 1}"
        kind = self.spec.id if self.spec is not None else "-"
        data_type = f"{self.spec.type}" if self.spec is not None and self.spec.type else kind
        share = f"{100 * self.fit / self.cells:.0f}%" if self.cells else "-"
        return f"{label}→{data_type} ({self.how}, {share} of {self.cells} fit)"


class TableFindings(list[Finding]):
    """Findings of one tabular segment, plus what the classified columns counted in bulk.

    ``batches`` are (type, confidence, count keys, records) counted by the tally; findings in
    ``kept`` (by id) are column findings already counted there, kept for display only."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[tuple[str, Confidence, list[int], list[str]]] = []
        self.kept: set[int] = set()
        self.notes: list[str] = []

    def __bool__(self) -> bool:
        return len(self) > 0 or bool(self.batches) or bool(self.notes)


@dataclass
class ColumnResult:
    residual: Segment
    findings: list[Finding] = field(default_factory=list)
    batches: list[tuple[str, Confidence, list[int], list[str]]] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    accepted: list[set[int]] | None = None  # per row, the columns whose cell was taken


class Profiler:
    """Compiled once per engine: column rules resolved against the rule set."""

    def __init__(
        self,
        columns: ColumnRules,
        rules: dict[str, Rule],
        fingerprint,
        allowed,
        *,
        explain: bool,
        keep_values: bool = False,
    ) -> None:  # type: ignore[no-untyped-def]
        self.columns = columns
        self.rules = rules
        self.fingerprint = fingerprint  # (rule, canonical) -> HMAC fingerprint
        self.allowed = allowed  # (rule, canonical) -> on the company's allow list
        self.explain = explain
        self.keep_values = keep_values
        self._last: tuple[str, str, tuple[str, ...], int] | None = None  # (locator, delimiter, header, row)

    # --- rows and header -----------------------------------------------------------------------

    def run(self, segment: Segment, table: Table, *, detail: bool) -> ColumnResult:
        text = segment.text
        n_rows = len(table.row_starts)
        fast = not table.quoted or '"' not in text
        delimiter = table.delimiter
        lines = _lines(text, table) if fast else None
        if lines is not None:  # one line a row: split once, no span arithmetic per row
            bounds = [(a, a + len(line)) for a, line in zip(table.row_starts, lines, strict=True)]
            rows = [line.split(delimiter) for line in lines]
        else:
            bounds = [row_span(segment, table, i) for i in range(n_rows)]
            if fast:
                rows = [text[a:b].split(delimiter) for a, b in bounds]
            else:
                rows = [[text[a:b] for a, b in cell_spans(segment, table, i)] for i in range(n_rows)]
        header, data_from = self._header(segment, table, rows)
        width = max((len(r) for r in rows[data_from:]), default=0)
        decisions = self._decide(header, rows[data_from:], width)
        if header and not table.header:  # found here: the ordinary rules get it as context too
            table = replace(table, header=header)
            segment = replace(segment, table=table)
        result = ColumnResult(segment, decisions=decisions)
        active = [d for d in decisions if d.spec is not None and d.spec.type and self._rule(d.spec) is not None]
        if not active:
            return result
        accepted: list[set[int]] = [set() for _ in range(n_rows)]
        records = _Records(segment.locator, table)
        ctx = _Ctx(self, segment, table, rows, bounds, fast, accepted, records, detail, result)
        singles = [d for d in active if d.spec.check not in _GROUPS]  # type: ignore[union-attr]
        for d in singles:
            ctx.column(d, data_from)
        groups: dict[str, list[Decision]] = {}
        for d in active:
            group = _GROUPS.get(d.spec.check)  # type: ignore[union-attr]
            if group is not None:
                groups.setdefault(group, []).append(d)
        for group, members in groups.items():
            ctx.group(group, members, data_from)
        if any(accepted):
            result.residual = _blank(segment, table, bounds, rows, fast, accepted)
            result.accepted = accepted
        return result

    def _header(self, segment: Segment, table: Table, rows: list[list[str]]) -> tuple[tuple[str, ...], int]:
        """(header, index of the first data row). The extractor's header, or a row among the
        first ones whose cells are header words, or the header this table's previous block had."""
        following = table.first_row + len(rows)
        if table.header and self._known(table.header):
            self._last = (segment.locator, table.delimiter, table.header, following)
            return table.header, 0
        last = self._last
        if last is not None and last[:2] == (segment.locator, table.delimiter) and last[3] == table.first_row:
            self._last = (*last[:3], following)  # the next block of a table seen before
            return last[2], 0
        # No header, or the extractor's names no known column (a title or an extraction
        # condition of two cells): the real header may be one of the first rows.
        for i, cells in enumerate(rows[:HEADER_ROWS]):
            if self._is_header(cells):
                header = tuple(c.strip(' \t\r"') for c in cells)
                self._last = (segment.locator, table.delimiter, header, following)
                return header, i + 1
        self._last = (segment.locator, table.delimiter, table.header, following)
        return table.header, 0

    def _known(self, cells: tuple[str, ...]) -> bool:
        return any(self.columns.match(c) is not None for c in cells if c)

    def _is_header(self, cells: list[str]) -> bool:
        filled = [c.strip(' \t\r"') for c in cells if c.strip(' \t\r"')]
        if not filled or any(sum(ch.isdigit() for ch in c) >= 4 or len(c) > 24 for c in filled):
            return False
        known = sum(1 for c in filled if (s := self.columns.match(c)) is not None and s.check != "ignore")
        return known >= 2 or (known == 1 and len(filled) == 1 and len(cells) == 1)

    # --- classification ------------------------------------------------------------------------

    def _decide(self, header: tuple[str, ...], rows: list[list[str]], width: int) -> list[Decision]:
        decisions: list[Decision] = []
        for col in range(min(MAX_COLUMNS, max(width, len(header)))):  # wider: the rules read the rest
            name = header[col].strip() if col < len(header) else ""
            spec = self.columns.match(name) if name else None
            if spec is not None:
                decisions.append(Decision(col, name, spec if spec.check != "ignore" else None, "header"))
                continue
            decisions.append(self._from_values(col, name, rows))
        return decisions

    def _from_values(self, col: int, name: str, rows: list[list[str]]) -> Decision:
        sample: list[str] = []
        for cells in rows:
            if col < len(cells) and (cell := clean(cells[col])):
                sample.append(cell)
                if len(sample) >= self.columns.sample:
                    break
        best = Decision(col, name, None, "none", 0, len(sample))
        if len(sample) < self.columns.min_cells or len(set(sample)) * 2 < len(sample):
            return best  # a value repeated down the column (a product, a store) is no list of people
        for kind in self.columns.from_values:
            spec = self.columns.spec(kind.column)
            rule = self._rule(spec) if spec is not None else None
            if spec is None or rule is None:
                continue
            fit = 0
            for cell in sample:
                if kind.value is not None and kind.value.fullmatch(cell) is None:
                    continue
                verdict = self._check(spec, rule, cell)
                # names by shape alone would take タオル or 営業部 for people: from values, the
                # surname dictionary must know them
                fit += verdict is not None and (verdict.validator is True or spec.check not in ("name", "kana"))
            if fit >= kind.share * len(sample):
                return Decision(col, name, spec, "values", fit, len(sample))
        return best

    def _rule(self, spec: ColumnSpec) -> Rule | None:
        return self.rules.get(spec.rule) if spec.rule else None

    @staticmethod
    def _check(spec: ColumnSpec, rule: Rule, cell: str) -> Verdict | None:
        check = spec.check
        if check == "value":
            return check_value(spec, rule, cell)
        if check == "name":
            return check_name(cell)
        if check == "kana":
            return check_name(cell, kana=True)
        if check == "address":
            return check_address(cell)
        return None


@dataclass
class _Counts:
    """Count keys and rows of one column's cells, by confidence (high, medium)."""

    high_keys: list[int] = field(default_factory=list)
    high_rows: list[int] = field(default_factory=list)
    keys: list[int] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


def _lines(text: str, table: Table) -> list[str] | None:
    """The rows of a segment whose rows are its lines (no quoted line breaks), without line
    ends; None when the lines and the rows do not agree."""
    lines = text.split("\n")
    if lines and not lines[-1] and len(lines) == len(table.row_starts) + 1:
        lines.pop()
    if len(lines) != len(table.row_starts):
        return None
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    return lines


class _Records:
    """The record of each row (``file.csv#row12``), as the engine names them."""

    def __init__(self, locator: str, table: Table) -> None:
        prefix = f"{locator}#{table.row_label}"
        self.names = [f"{prefix}{table.first_row + r}" for r in range(len(table.row_starts))]

    def __getitem__(self, row: int) -> str:
        return self.names[row]


@dataclass
class _Ctx:
    """The state of one segment's column pass."""

    profiler: Profiler
    segment: Segment
    table: Table
    rows: list[list[str]]
    bounds: list[tuple[int, int]]
    fast: bool
    accepted: list[set[int]]
    records: _Records
    detail: bool
    result: ColumnResult
    _spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict)

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
        cache: dict[str, Verdict | None] = {}
        by_value = spec.check == "value"
        patterns = list(rule.patterns)  # tried in order of their last success
        accepted = self.accepted
        allow = bool(rule.allow_values or rule.allow_domains)
        allowed = self.profiler.allowed
        check = self.profiler._check
        detail = self.detail
        high = Confidence.HIGH
        column = [row[col] if col < len(row) else "" for row in self.rows[data_from:]]
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
                    if len(cache) < 20_000:
                        cache[cell] = verdict
            if verdict is None:
                continue
            fit += 1
            accepted[r].add(col)
            if allow and allowed(rule, verdict.canonical):
                continue
            if verdict.confidence is high:
                high_keys.append(hash(verdict.canonical))
                high_rows.append(r)
            else:
                keys.append(hash(verdict.canonical))
                rows_.append(r)
            if detail:
                self.result.findings.append(self._finding(spec, rule, verdict, r, (col,), d.header))
        if d.how == "header":
            d.fit, d.cells = fit, cells
        self._flush(spec, counts)

    def group(self, group: str, members: list[Decision], data_from: int) -> None:
        """Split columns (姓/名, セイ/メイ, 住所1/住所2 …) joined per row into one value."""
        members.sort(key=lambda d: d.column)
        first = members[0].spec
        assert first is not None
        rule = self.profiler.rules[first.rule]  # type: ignore[index]
        cols = tuple(d.column for d in members)
        given_only = group != "address" and all(d.spec.check.startswith("given") for d in members)  # type: ignore[union-attr]
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
                if not all(check_name_part(p) for p in parts):
                    continue
                verdict = check_name(" ".join(parts), kana=group == "kana")
            if verdict is None:
                continue
            for col in used:
                fits[col] += 1
                self.accepted[r].add(col)
            self._count(first, rule, verdict, r, counts, tuple(used), members[0].header)
        for d in members:
            d.fit, d.cells = fits[d.column], totals[d.column]
        self._flush(first, counts)

    def _count(
        self,
        spec: ColumnSpec,
        rule: Rule,
        verdict: Verdict,
        r: int,
        counts: _Counts,
        cols: tuple[int, ...],
        header: str,
    ) -> None:
        if (rule.allow_values or rule.allow_domains) and self.profiler.allowed(rule, verdict.canonical):
            return
        if verdict.confidence is Confidence.HIGH:
            counts.high_keys.append(hash(verdict.canonical))
            counts.high_rows.append(r)
        else:
            counts.keys.append(hash(verdict.canonical))
            counts.rows.append(r)
        if self.detail:
            self.result.findings.append(self._finding(spec, rule, verdict, r, cols, header))

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


def _blank(
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
            pieces.append(delimiter.join(" " * len(c) if i in cols else c for i, c in enumerate(cells)))
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
