"""Column profiling: every table read column by column, and a classified column checked in bulk.

For one tabular segment: find the header row (the extractor's, or one of the first rows whose
cells are known header words: a title line or extraction conditions may sit above it), give
each column a kind from its header (rules/columns.yaml) or, without a known header, from the
share of sampled cells that fit a kind, then check every cell of a classified column on its
own. A cell that passes is a finding of the column's type and is blanked (same length, so
offsets stay true) in the text the ordinary rules then scan; a cell that fails stays there.
(A long table's blanked text is not made: the rules read its untaken cells, leftover.py.)

Speed: a dense 200,000-row customer export is millions of cells. Cells are split once per
row, checked with one compiled pattern each, and when the caller only counts (``detail`` off)
no Finding is built: the counts go to the tally as batches (type, confidence, count keys,
records). A count key is the per-process keyed ``hash`` of the canonical value: it only
dedupes inside this process and is never written anywhere (a Finding's fingerprint, which is,
stays the HMAC).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import repeat
from operator import add

from dlp.detect.cells import Verdict, check_address, check_name, check_value, clean
from dlp.detect.colpass import CellPass, Records, split_lines
from dlp.detect.columns import ColumnRules, ColumnSpec
from dlp.detect.leftover import Leftover
from dlp.detect.rules import Rule
from dlp.detect.tables import SplitRows, cell_spans, row_span
from dlp.model import Confidence, Dropped, Finding, Segment, Table

HEADER_ROWS = 10  # the header row is looked for in this many first rows
VERDICT_CACHE = 50_000  # cell checks remembered per column kind
FORM_ROWS = 40  # rows looked at to tell a form laid out as a table (label | value) from a list
FORM_SHARE = 0.6  # share of those rows that must be label | value pairs
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
        if self.spec is None and self.how == "header":
            return f"{label}→- (header: not personal data)"
        kind = self.spec.id if self.spec is not None else "-"
        data_type = f"{self.spec.type}" if self.spec is not None and self.spec.type else kind
        share = f"{100 * self.fit / self.cells:.0f}%" if self.cells else "-"
        return f"{label}→{data_type} ({self.how}, {share} of {self.cells} fit)"


# A classified column's cells counted in bulk: type, confidence, count keys, their records, and
# the keys whose values are on some policy's allow list -> those lists (dlp/detect/allow.py).
Batch = tuple[str, Confidence, list[int], list[str], dict[int, frozenset[str]]]


class TableFindings(list[Finding]):
    """Findings of one tabular segment, plus what the classified columns counted in bulk.

    ``batches`` are (type, confidence, count keys, records, allow lists per key) counted by the
    tally; findings in ``kept`` (by id) are column findings already counted there, kept for
    display only."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[Batch] = []
        self.kept: set[int] = set()
        self.unshown = 0  # column cells found but made no finding (never listed: Tally.findings_dropped)
        # Such cells on some policy's allow list, by the lists they are on: not listed only
        # under a policy that does not allow them (Tally.add).
        self.unshown_on_lists: dict[frozenset[str], int] = {}
        self.notes: list[str] = []
        self.dropped: list[Dropped] = []  # with --explain: candidates not counted (engine.detect)

    def __bool__(self) -> bool:
        return len(self) > 0 or bool(self.batches) or bool(self.notes) or bool(self.dropped)


@dataclass
class ColumnResult:
    segment: Segment  # the table's segment (with the header found here), nothing blanked
    findings: list[Finding] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    accepted: list[set[int]] | None = None  # per row, the columns whose cell was taken
    data_from: int = 0  # rows before it are title lines and the header row
    form: bool = False  # label | value rows (one person's form laid out as a table): read as text
    split: SplitRows | None = None  # the rows split plainly (no quoted cell): the engine's cells from them
    leftover: Leftover | None = None  # what the rules read when cells were taken
    unshown: int = 0  # cells that fit a column but made no finding (past the listing, or counted only)
    unshown_on_lists: dict[frozenset[str], int] = field(default_factory=dict)  # such cells on allow lists

    def residual(self) -> Segment:
        """The segment with every taken cell blanked (spaces, same length), made on first use:
        the rules over a long table read ``leftover`` instead (dlp/detect/leftover.py)."""
        if self.leftover is None:
            return self.segment
        return replace(self.segment, text=self.leftover.blanked())


# Header kinds whose cells are checked against the values: a whole address or a value column.
_CHECKED_AGAINST_VALUES = frozenset({"address", "value"})


class Profiler:
    """Compiled once per engine: column rules resolved against the rule set."""

    def __init__(
        self,
        columns: ColumnRules,
        rules: dict[str, Rule],
        fingerprint: Callable[[str, str], str],
        allowed: Callable[[Rule, str], bool],
        allowed_by: Callable[[Rule, str], frozenset[str]],
        allow_kinds: Callable[[Rule, str], tuple[tuple[str, str], ...]],
        *,
        explain: bool,
        keep_values: bool = False,
        listed: frozenset[str] = frozenset(),
        listed_findings: int = 1000,
    ) -> None:
        self.columns = columns
        self.rules = rules
        self.fingerprint = fingerprint  # (type, canonical) -> HMAC fingerprint
        self.allowed = allowed  # (rule, canonical) -> on the rule's own allow list: not counted
        self.allowed_by = allowed_by  # (rule, canonical) -> the policies' allow lists it is on
        self.allow_kinds = allow_kinds  # (rule, canonical) -> (list, how) pairs, for --explain
        self.listed = listed  # types some policy's allow list holds values of
        self.explain = explain
        self.keep_values = keep_values
        # Findings a column makes in detail, at most: the tally lists no more than this many of
        # a scan (its first ones by position), and a column's later cells follow as many of its
        # own; past them its cells are only counted (a dense export's first block: 22,000).
        self.listed_findings = listed_findings
        self._last: tuple[str, str, tuple[str, ...], int] | None = None  # (locator, delimiter, header, row)
        self._verdicts: dict[str, dict[str, Verdict | None]] = {}
        self._sampled: dict[tuple[str, str], Verdict | None] = {}  # (kind, cell) -> _check, from values
        # per column rule: (pattern -> cell -> counted verdict, [cells, hits, on]) (colpass._caches)
        self.counts: dict[str, tuple[dict[int, dict[str, tuple[bool, int] | None]], list[int]]] = {}

    def verdicts(self, spec_id: str) -> dict[str, Verdict | None]:
        """Checks of name and address cells by value, kept across blocks (customers' surnames,
        towns and employers repeat down a long export); emptied when it grows large."""
        cache = self._verdicts.setdefault(spec_id, {})
        if len(cache) > VERDICT_CACHE:
            cache.clear()
        return cache

    # --- rows and header -----------------------------------------------------------------------

    def run(self, segment: Segment, table: Table, *, detail: bool, every: bool = False) -> ColumnResult:
        """The column pass over one tabular segment, with the cyclic garbage collector paused:
        the pass makes millions of short-lived lists, matches and tuples of a dense export
        (none in a cycle, all freed as they go), and the collector, woken every 700 of them,
        only walked the live ones to find nothing (a third of the pass on 200,000 rows).
        ``every``: a finding for every cell (a store list's findings are counted one by one),
        not only for the first ones the tally can list (listed_findings)."""
        if not gc.isenabled():
            return self._run(segment, table, detail=detail, every=every)
        gc.disable()
        try:
            return self._run(segment, table, detail=detail, every=every)
        finally:
            gc.enable()

    def _run(self, segment: Segment, table: Table, *, detail: bool, every: bool = False) -> ColumnResult:
        text = segment.text
        n_rows = len(table.row_starts)
        fast = not table.quoted or '"' not in text
        delimiter = table.delimiter
        lines = split_lines(text, table) if fast else None
        if lines is not None:  # one line a row: split once, no span arithmetic per row
            bounds = list(zip(table.row_starts, map(add, table.row_starts, map(len, lines)), strict=True))
            rows = list(map(str.split, lines, repeat(delimiter)))
        else:
            bounds = [row_span(segment, table, i) for i in range(n_rows)]
            if fast:
                rows = [text[a:b].split(delimiter) for a, b in bounds]
            else:
                rows = [[text[a:b] for a, b in cell_spans(segment, table, i)] for i in range(n_rows)]
        if self._is_form(rows):
            return ColumnResult(segment, form=True)
        header, data_from = self._header(segment, table, rows)
        width = max((len(r) for r in rows[data_from:]), default=0)
        decisions = self._decide(header, rows[data_from:], width)
        if header and not table.header:  # found here: the ordinary rules get it as context too
            table = replace(table, header=header)
            segment = replace(segment, table=table)
        result = ColumnResult(segment, decisions=decisions, data_from=data_from)
        if fast and delimiter.strip():  # blanking keeps the split (a space delimiter would not)
            result.split = SplitRows(bounds, rows, delimiter)
        active = [d for d in decisions if d.spec is not None and d.spec.type and self._rule(d.spec) is not None]
        if not active:
            return result
        accepted: list[set[int]] = [set() for _ in range(n_rows)]
        records = Records(segment.locator, table)
        limit = sys.maxsize if every else self.listed_findings
        ctx = CellPass(self, segment, table, rows, bounds, fast, accepted, records, detail, result, limit)
        # Names before readings: a row's reading is not counted as a second person.
        singles = [d for d in active if d.spec.check not in _GROUPS]  # type: ignore[union-attr]
        singles.sort(key=lambda d: d.spec.check == "kana")  # type: ignore[union-attr]
        groups: dict[str, list[Decision]] = {}
        for d in active:
            group = _GROUPS.get(d.spec.check)  # type: ignore[union-attr]
            if group is not None:
                groups.setdefault(group, []).append(d)
        ordered = sorted(groups.items(), key=lambda g: g[0] == "kana")
        for d in singles:
            if d.spec.check != "kana":  # type: ignore[union-attr]
                ctx.column(d, data_from)
        for group, members in ordered:
            if group != "kana":
                ctx.group(group, members, data_from)
        for d in singles:
            if d.spec.check == "kana":  # type: ignore[union-attr]
                ctx.column(d, data_from)
        for group, members in ordered:
            if group == "kana":
                ctx.group(group, members, data_from)
        if data_from > 0 and any(accepted):
            accepted[data_from - 1].update(self._header_words(rows[data_from - 1]))
        if any(accepted):
            columns = ctx.columns_from(0)
            result.leftover = Leftover(segment, table, bounds, rows, fast, accepted, result.split, columns)
            result.accepted = accepted
        return result

    def _header(self, segment: Segment, table: Table, rows: list[list[str]]) -> tuple[tuple[str, ...], int]:
        """(header, index of the first data row). The extractor's header, or a row among the
        first ones whose cells are header words, or the header this table's previous block had."""
        following = table.first_row + len(rows)
        if table.header and self._known(table.header):
            self._last = (segment.locator, table.delimiter, table.header, following)
            # Sheets and Office tables keep their header row among the rows (under a title
            # line, too): the rows up to it are no data.
            wanted = tuple(h.strip() for h in table.header)
            for i, cells in enumerate(rows[:HEADER_ROWS]):
                if tuple(c.strip(' \t\r"') for c in cells) == wanted:
                    return table.header, i + 1
            return table.header, 0
        last = self._last
        where = (segment.locator, table.delimiter)
        if last is not None and last[2] and last[:2] == where and last[3] == table.first_row:
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

    def _is_form(self, rows: list[list[str]]) -> bool:
        """Label | value rows (氏名 | 山田 太郎, 住所 | …, up to two pairs a row): one person's
        form laid out as a table, not a list of people with a row each."""
        pairs = filled = 0
        for cells in rows[:FORM_ROWS]:
            values = [c.strip(' \t\r"') for c in cells]
            values = [c for c in values if c]
            if len(values) < 2:
                continue
            filled += 1
            if len(values) > 4:
                return False
            if self.columns.match(values[0]) is not None and self.columns.match(values[1]) is None:
                pairs += 1
        return filled >= 2 and pairs >= FORM_SHARE * filled

    def _header_words(self, cells: list[str]) -> list[int]:
        """The cells of a header row kept among the rows that the ordinary rules must not read
        (お名前（フリガナ）<tab>送付先〒 is two headers, not a label and a name): its known header
        words, when they are most of the row. A row of one label and one value (氏名 | 山田 太郎,
        a form laid out as a two-column table) is read as it stands."""
        known, unknown = [], 0
        for i, cell in enumerate(cells):
            cell = cell.strip(' \t\r"')
            if cell:
                if self.columns.match(cell) is not None:
                    known.append(i)
                else:
                    unknown += 1
        return known if len(known) >= 2 and 2 * unknown <= len(known) else []

    @property
    def last_header(self) -> tuple[str, str, tuple[str, ...], int] | None:
        """(locator, delimiter, header, next row) of the last table block: a following block
        without a header of its own takes it (_header)."""
        return self._last

    @last_header.setter
    def last_header(self, value: tuple[str, str, tuple[str, ...], int] | None) -> None:
        self._last = value

    def knows(self, cells: tuple[str, ...]) -> bool:
        """Whether a header names a known column (then a block is read by it alone)."""
        return self._known(cells)

    def _known(self, cells: tuple[str, ...]) -> bool:
        return any(self.columns.match(c) is not None for c in cells if c)

    def is_header(self, cells: list[str]) -> bool:
        """Whether a row is a header of known column words (a block pasted into a mail)."""
        return self._is_header(cells)

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
            # DM送付先 (送付先: an address word) over a column of names: when no sampled cell fits
            # the header's kind, the values decide (they fit one kind, or none)
            if spec is not None and spec.check in _CHECKED_AGAINST_VALUES and not self._fits_any(spec, col, rows):
                by_values = self._from_values(col, name, rows)
                if by_values.spec is not None and by_values.spec.id != spec.id:
                    decisions.append(by_values)
                    continue
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
                verdict = self._sampled_check(spec, rule, cell)
                # names by shape alone would take タオル or 営業部 for people: from values, the
                # surname dictionary must know them
                fit += verdict is not None and (verdict.validator is True or spec.check not in ("name", "kana"))
            if fit >= kind.share * len(sample):
                return Decision(col, name, spec, "values", fit, len(sample))
        return best

    def _fits_any(self, spec: ColumnSpec, col: int, rows: list[list[str]]) -> bool:
        """Whether any of the first sampled cells fits the header's kind."""
        rule = self._rule(spec)
        if rule is None:
            return True
        seen = 0
        for cells in rows:
            if col < len(cells) and (cell := clean(cells[col])):
                if self._check(spec, rule, cell) is not None:
                    return True
                seen += 1
                if seen >= self.columns.sample:
                    break
        return seen == 0

    def _sampled_check(self, spec: ColumnSpec, rule: Rule, cell: str) -> Verdict | None:
        """_check of a sampled cell, remembered per kind: a headerless column is sampled again in
        every block of a long table, and its values (employers, towns) come back block after
        block (six kinds x 60 cells a block were checked anew)."""
        key = (spec.id, cell)
        if key in self._sampled:
            return self._sampled[key]
        if len(self._sampled) > VERDICT_CACHE:
            self._sampled.clear()
        verdict = self._sampled[key] = self._check(spec, rule, cell)
        return verdict

    def _rule(self, spec: ColumnSpec) -> Rule | None:
        return self.rules.get(spec.rule) if spec.rule else None

    def _check(self, spec: ColumnSpec, rule: Rule, cell: str) -> Verdict | None:
        check = spec.check
        if check == "value":
            return check_value(spec, rule, cell)
        if check in ("name", "kana") and self.columns.is_word(cell):
            return None  # 氏名 under a title line: the header itself, no person
        if check == "name":
            return check_name(cell)
        if check == "kana":
            return check_name(cell, kana=True)
        if check == "address":
            return check_address(cell)
        return None
