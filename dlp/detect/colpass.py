"""The pass over the cells of a table's classified columns (see dlp/detect/profile.py).

One tight loop per column: a dense 200,000-row export is millions of cells, so when the caller
only counts nothing is built per cell beyond a count key and a row number; Findings (with mask,
HMAC fingerprint and offsets) are made only while the tally still keeps findings in detail.
"""

from __future__ import annotations

import functools
import heapq
import re
import sys
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, cast

from dlp.detect.cells import _STRIP, Verdict, check_address, check_split_name, check_value, clean
from dlp.detect.colbulk import judge_in_bulk
from dlp.detect.columns import ColumnSpec
from dlp.detect.rules import Rule
from dlp.detect.tables import cell_spans
from dlp.model import Confidence, Explanation, Finding, Segment, Table

if TYPE_CHECKING:
    from dlp.detect.profile import ColumnResult, Decision, Profiler


_ON_NO_LIST: frozenset[str] = frozenset()
_CANONICAL = attrgetter("canonical")
_CONFIDENCE = attrgetter("confidence")
_NFKC = functools.partial(unicodedata.normalize, "NFKC")
_FIRST, _SECOND = itemgetter(0), itemgetter(1)
_MEMO_SIZE = 50_000  # cells remembered per pattern of a ``check: value`` kind
_MEMO_TRIAL = 5000  # cells after which a kind whose values hardly repeat stops remembering them
_MEMO_RETRY = 500_000
_SPACES = 256
_BLANKS = tuple(" " * n for n in range(_SPACES))  # a blanked cell of n characters: _BLANKS[n]
BLANKS = _BLANKS
_STRIPPED = (" ", "\t", "\r", "\n", '"', "\u3000")


def _cells_of(column: list[str], data_from: int) -> tuple[list[int], list[str]]:
    """(rows, cells) of the non-empty cells of a column as the checks see them (cells.clean:
    trimmed, NFKC, one space), multi-line cells left out. The column at once where it can be:
    trimmed only when something is there to trim, NFKC asked of the joined cells once ("\n"
    between them is a starter that composes with nothing: the column is normalised exactly
    when each cell is), each cell normalised only when it is not."""
    joined = "".join(column)
    if "\n" in joined:
        return _cells_one_by_one(column, data_from)
    if any(ch in joined for ch in _STRIPPED):
        column = list(map(str.strip, column, repeat(_STRIP)))
    if all(column):
        rows, cells = list(range(data_from, data_from + len(column))), list(column)
    else:
        rows = [r for r, cell in enumerate(column, data_from) if cell]
        cells = [cell for cell in column if cell]
    if joined.isascii() or not cells:
        return rows, cells
    normal = "\n".join(cells)
    if not unicodedata.is_normalized("NFKC", normal):
        cells = list(map(_NFKC, cells))
        normal = "\n".join(cells)
    if "  " in normal or "\t" in normal:
        return _cells_one_by_one(column, data_from)
    return rows, cells


def _cells_one_by_one(column: list[str], data_from: int) -> tuple[list[int], list[str]]:
    rows, cells = [], []
    for r, raw in enumerate(column, data_from):
        if not raw:
            continue
        cell = raw.strip(_STRIP)
        if not cell or "\n" in cell:
            continue
        if not cell.isascii():
            cell = clean(cell)
        rows.append(r)
        cells.append(cell)
    return rows, cells


def _judge(
    rule: Rule, cells: list[str], ms: list[re.Match[str] | None], k: int, group: int, marked: bool
) -> list[tuple[bool, int] | None]:
    """(high, count key) of cells matched alike (pattern ``k``, -1 the column's own regex; a
    cell whose match is None did not fit), None where the rule's validator rejects the value:
    cells.check_value's value, validator and canonical form, over the cells at once."""
    if None in ms:  # the column's own regex: only the cells it fits
        fitting = [i for i, m in enumerate(ms) if m is not None]
        out: list[tuple[bool, int] | None] = [None] * len(cells)
        if fitting:
            judged = _judge(rule, [cells[i] for i in fitting], [ms[i] for i in fitting], k, group, marked)
            for i, result in zip(fitting, judged, strict=True):
                out[i] = result
        return out
    matched = cast("list[re.Match[str]]", ms)  # every cell fits here (None in ms returned above)
    if k < 0:
        values = [c.replace("〒", "").strip() if "〒" in c else c for c in cells] if marked else cells
    elif group:
        values = list(map(re.Match.group, matched, repeat(group)))
        if None in values or "" in values:  # an empty group: the whole cell, as check_value
            values = [v or c for v, c in zip(values, cells, strict=True)]
    else:
        values = cells
    validator, canonical = rule.validator, rule.canonical
    bulk = judge_in_bulk(validator, canonical, values, matched)
    if bulk is not None:
        return bulk
    if validator is None:
        return [(False, key) for key in map(hash, map(canonical, values, matched))]
    verdicts = list(map(validator, values, matched))
    if False in verdicts:  # no canonical form of a rejected value
        return [
            None if v is False else (bool(v), hash(canonical(value, m)))
            for v, value, m in zip(verdicts, values, matched, strict=True)
        ]
    keys = map(hash, map(canonical, values, matched))
    return [(bool(v), key) for v, key in zip(verdicts, keys, strict=True)]


def _match_runs(
    cells: list[str], patterns: list[tuple[Callable[[str], re.Match[str] | None], int]]
) -> tuple[list[re.Match[str] | None], list[tuple[int, int, int, int]]]:
    """Each cell's match by the first of ``patterns`` that fits it whole, the pattern that
    fitted the previous odd cell tried first (cells.check_value's order, so the same pattern
    decides), and runs (start, end, pattern, value group) of cells matched alike. The first
    pattern is mapped over a stretch of cells at once; only a cell it does not fit is tried
    against the others one by one. A stretch grows while the pattern keeps fitting."""
    n = len(cells)
    ms: list[re.Match[str] | None] = [None] * n
    runs: list[tuple[int, int, int, int]] = []
    order = list(range(len(patterns)))
    i = 0
    stretch = 64
    while i < n:
        k = order[0]
        fullmatch, group = patterns[k]
        found = list(map(fullmatch, cells[i : i + stretch]))
        try:
            j = found.index(None)
        except ValueError:
            j = len(found)
        if j:
            ms[i : i + j] = found[:j]
            if runs and runs[-1][1] == i and runs[-1][2] == k:  # the same pattern on: one run
                runs[-1] = (runs[-1][0], i + j, k, group)
            else:
                runs.append((i, i + j, k, group))
        if j == len(found):
            i += j
            stretch = min(stretch * 2, 65536)
            continue
        i += j  # cell i: the first pattern does not fit it
        stretch = max(4, 2 * j)
        for pos in range(1, len(order)):
            kk = order[pos]
            m = patterns[kk][0](cells[i])
            if m is not None:
                order.insert(0, order.pop(pos))
                ms[i] = m
                runs.append((i, i + 1, kk, patterns[kk][1]))
                break
        i += 1
    return ms, runs


def _take(accepted: list[set[int]], rows: list[int], col: int) -> None:
    """Marks the cell of ``col`` taken in each of ``rows`` (set.add mapped in C, no Python step
    per row: a dense export's column is 200,000 rows)."""
    deque(map(set.add, map(accepted.__getitem__, rows), repeat(col)), maxlen=0)


@dataclass
class _Counts:
    """Count keys and rows of one column's cells, by confidence (high, medium)."""

    high_keys: list[int] = field(default_factory=list)
    high_rows: list[int] = field(default_factory=list)
    keys: list[int] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    allowed: dict[int, frozenset[str]] = field(default_factory=dict)  # key -> policies' allow lists


def split_lines(text: str, table: Table) -> list[str] | None:
    """The rows of a segment whose rows are its lines (no quoted line breaks), without line
    ends; None when the lines and the rows do not agree."""
    crs = text.count("\r")  # each count walks the whole segment: each is made once
    pairs = text.count("\r\n") if crs else 0
    if crs != pairs:
        return None  # a lone CR ends a row too (the extractor splits there): lines are no rows
    crlf = crs > 0 and pairs == text.count("\n")  # every line ends CRLF: split there
    lines = text.split("\r\n" if crlf else "\n")
    if lines and not lines[-1] and len(lines) == len(table.row_starts) + 1:
        lines.pop()
    if len(lines) != len(table.row_starts):
        return None
    if crs and not crlf:
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
    limit: int  # findings a column makes at most (the rest of its cells counted only)
    _spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # Rows whose person was counted from a name column: a reading (フリガナ, セイ/メイ) in the
    # same row is that person's, reported but not counted again (N people read as N, not 2N).
    named: set[int] = field(default_factory=set)
    # Rows of the findings made so far, and the last row a finding can still be listed from: once
    # ``limit`` findings lie in rows up to it, a later row's follow them all (``_settle``).
    _made: list[int] = field(default_factory=list)
    _last_row: int = sys.maxsize
    _columns: tuple[int, list[list[str]]] | None = None  # (first data row, cells by column)

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
        listed = rule.type in self.profiler.listed  # some policy's allow list may hold these values
        allowed_by = self.profiler.allowed_by
        on_lists = counts.allowed
        check = self.profiler._check
        detail = self.detail
        high = Confidence.HIGH
        column = self._column(col, data_from)
        reading = spec.check == "kana"
        naming = spec.type == "PERSON" and not reading
        named = self.named
        if by_value and not allow and not listed:
            fit, cells = self._count_values(spec, rule, column, data_from, counts, col)
            shown = self._show(d, rule, column, data_from) if detail else 0
            self.result.unshown += fit - shown
            self._settle()
            if d.how == "header":
                d.fit, d.cells = fit, cells
            self._flush(spec, counts)
            return
        rows, cleaned = _cells_of(column, data_from)  # a multi-line cell is left to the ordinary rules
        cells = len(cleaned)
        if by_value:
            verdicts = [check_value(spec, rule, cell, patterns) for cell in cleaned]
        else:  # what each cell was judged before (False: not yet), then the others
            verdicts = list(map(cache.get, cleaned, repeat(False)))  # type: ignore[arg-type]
            if False in verdicts:
                for i, verdict in enumerate(verdicts):
                    if verdict is False:
                        cell = cleaned[i]
                        verdict = cache.get(cell, False)
                        if verdict is False:
                            verdict = cache[cell] = check(spec, rule, cell)
                        verdicts[i] = verdict
        if not allow and not listed:  # counted: the column at once; shown: its first cells
            shown = self._show_verdicts(d, rule, rows, verdicts) if detail else 0
            fit = self._count_verdicts(col, rows, verdicts, counts, reading=reading, naming=naming)
            self.result.unshown += fit - shown
            self._settle()
            if d.how == "header":
                d.fit, d.cells = fit, cells
            self._flush(spec, counts)
            return
        shown = unshown = 0
        for r, verdict in zip(rows, verdicts, strict=True):
            if verdict is None:
                continue
            fit += 1
            accepted[r].add(col)
            if allow and allowed(rule, verdict.canonical):
                continue
            lists = allowed_by(rule, verdict.canonical) if listed else _ON_NO_LIST
            if lists:
                on_lists[hash(verdict.canonical)] = lists
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
            if lists:  # on some policy's list: the deciding one lists none, so no place is taken
                if detail:
                    self.result.findings.append(self._finding(spec, rule, verdict, r, (col,), d.header, lists))
                else:
                    self._unshown_on(lists, 1)
            elif detail and shown < self.limit and r <= self._last_row:
                shown += 1
                self._made.append(r)
                self.result.findings.append(self._finding(spec, rule, verdict, r, (col,), d.header, lists))
            else:
                unshown += 1
        self.result.unshown += unshown
        self._settle()
        if d.how == "header":
            d.fit, d.cells = fit, cells
        self._flush(spec, counts)

    def _show_verdicts(self, d: Decision, rule: Rule, rows: list[int], verdicts: list[Verdict | None]) -> int:
        """The findings of a column's first fitting cells, up to ``limit`` (what the tally
        can list: a column's later cells follow as many findings of its own, so none of them
        would be listed); how many were made."""
        spec = d.spec
        assert spec is not None
        findings = self.result.findings
        made = 0
        for r, verdict in zip(rows, verdicts, strict=True):
            if verdict is None:
                continue
            if made >= self.limit or r > self._last_row:
                break
            made += 1
            self._made.append(r)
            findings.append(self._finding(spec, rule, verdict, r, (d.column,), d.header))
        return made

    def _show(self, d: Decision, rule: Rule, column: list[str], data_from: int) -> int:
        """_show_verdicts for a ``check: value`` column counted in bulk (_count_values, which
        makes no Verdict): its first fitting cells checked one by one, as the counting judged."""
        spec = d.spec
        assert spec is not None
        rows, cleaned = _cells_of(column, data_from)
        patterns = list(rule.patterns)
        shown: list[tuple[int, Verdict | None]] = []
        for r, cell in zip(rows, cleaned, strict=True):
            if len(shown) >= self.limit or r > self._last_row:
                break
            verdict = check_value(spec, rule, cell, patterns)
            if verdict is not None:
                shown.append((r, verdict))
        return self._show_verdicts(d, rule, [r for r, _ in shown], [v for _, v in shown])

    def _count_verdicts(
        self,
        col: int,
        rows: list[int],
        verdicts: list[Verdict | None],
        counts: _Counts,
        *,
        reading: bool,
        naming: bool,
    ) -> int:
        """The counting of ``column``'s loop (no allow list, no findings kept) over the column
        at once: the rows whose cell fits are taken, a reading in a row whose name was counted
        is not counted again, the others counted by confidence; the number that fit."""
        if None in verdicts:
            fitting = [(r, v) for r, v in zip(rows, verdicts, strict=True) if v is not None]
            rows = [r for r, _ in fitting]
            verdicts = [v for _, v in fitting]
        good = cast("list[Verdict]", verdicts)
        _take(self.accepted, rows, col)
        counted_rows, counted = rows, good
        if reading and self.named:
            named = self.named
            kept = [(r, v) for r, v in zip(rows, good, strict=True) if r not in named]
            counted_rows = [r for r, _ in kept]
            counted = [v for _, v in kept]
        high = Confidence.HIGH
        keys = list(map(hash, map(_CANONICAL, counted)))
        confidences = list(map(_CONFIDENCE, counted))  # Confidence members: == is identity
        highs = confidences.count(high)
        if highs == len(confidences):
            counts.high_keys.extend(keys)
            counts.high_rows.extend(counted_rows)
        elif not highs:
            counts.keys.extend(keys)
            counts.rows.extend(counted_rows)
        else:
            levels = [c is high for c in confidences]
            for r, key, is_high in zip(counted_rows, keys, levels, strict=True):
                (counts.high_keys if is_high else counts.keys).append(key)
                (counts.high_rows if is_high else counts.rows).append(r)
        if naming:
            self.named.update(rows)
        return len(rows)

    def columns_from(self, data_from: int) -> list[list[str]] | None:
        """The cells by column from row ``data_from`` on, when they were made (read only)."""
        if self._columns is None or self._columns[0] != data_from or not self._columns[1]:
            return None
        return self._columns[1]

    def _column(self, col: int, data_from: int) -> list[str]:
        """The cells of one column below the header ("" where a row is short). The rows are
        turned into columns once per segment when they all have the same width (one C pass)."""
        if self._columns is None:
            body = self.rows[data_from:]
            width = len(body[0]) if body else 0
            self._columns = (
                (data_from, [list(c) for c in zip(*body, strict=True)])
                if all(len(row) == width for row in body)
                else (data_from, [])
            )
        start, columns = self._columns
        if start == data_from and col < len(columns):
            return columns[col]
        return [row[col] if col < len(row) else "" for row in self.rows[data_from:]]

    def _count_values(
        self, spec: ColumnSpec, rule: Rule, column: list[str], data_from: int, counts: _Counts, col: int
    ) -> tuple[int, int]:
        """``check: value`` cells only counted, the column in bulk: each of the rule's patterns
        is matched over a stretch of cells at once (``map`` of the compiled ``fullmatch``: no
        Python step per cell), the first pattern that fits a cell decides as in
        cells.check_value, and validator and canonical form run once per distinct cell (dates
        of birth, postal codes and towns repeat down a long export; kept across blocks)."""
        rows, cells = _cells_of(column, data_from)
        if not cells:
            return 0, 0
        if spec.value is not None:
            own = spec.value
            ms = list(map(own.fullmatch, cells))
            marked = "〒" in "".join(cells)
            runs = [(0, len(cells), -1, 0)]
        else:
            ms, runs = _match_runs(cells, [(p.regex.fullmatch, p.value_group) for p in rule.patterns])
            marked = False
        out: list[tuple[bool, int] | None] = [None] * len(cells)
        caches, stats = self._caches(spec)
        lookups = hits = 0
        for start, end, k, group in runs:
            run_cells = cells[start:end]
            run_ms = ms[start:end]
            if not stats[2]:  # values that hardly repeat (phones, mails): no cache
                out[start:end] = _judge(rule, run_cells, run_ms, k, group, marked)
                continue
            cache = caches.setdefault(k, {})
            known = list(map(cache.get, run_cells))
            lookups += len(known)
            missing = [i for i, x in enumerate(known) if x is None]
            hits += len(known) - len(missing)
            if missing:
                judged = _judge(rule, [run_cells[i] for i in missing], [run_ms[i] for i in missing], k, group, marked)
                for i, result in zip(missing, judged, strict=True):
                    known[i] = cache[run_cells[i]] = result
            out[start:end] = known
        stats[0] += lookups
        stats[1] += hits
        if stats[2] and stats[0] >= _MEMO_TRIAL:  # on while at least 1 cell in 20 was seen before
            stats[2] = stats[1] * 20 >= stats[0]
        n = len(cells)
        if None in out:
            fitting = [i for i, x in enumerate(out) if x is not None]
            rows = [rows[i] for i in fitting]
            out = [out[i] for i in fitting]
        _take(self.accepted, rows, col)
        flags = list(map(_FIRST, out))  # type: ignore[arg-type]
        if True not in flags:
            counts.keys.extend(map(_SECOND, out))  # type: ignore[arg-type]
            counts.rows.extend(rows)
        elif False not in flags:
            counts.high_keys.extend(map(_SECOND, out))  # type: ignore[arg-type]
            counts.high_rows.extend(rows)
        else:
            for r, (high, key) in zip(rows, out, strict=True):  # type: ignore[misc]
                (counts.high_keys if high else counts.keys).append(key)
                (counts.high_rows if high else counts.rows).append(r)
        return len(rows), n

    def _caches(self, spec: ColumnSpec) -> tuple[dict[int, dict[str, tuple[bool, int] | None]], list[int]]:
        """What cells of a ``check: value`` kind counted as, per pattern that fitted them (-1:
        the column's own regex), kept across blocks: dates of birth and postal codes repeat
        down a long export. With [cells, hits, on]: a kind whose cells hardly repeat (phones,
        mails) stops remembering after _MEMO_TRIAL cells, where it would only cost; tried
        again every _MEMO_RETRY."""
        caches, stats = self.profiler.counts.setdefault(spec.id, ({}, [0, 0, 1]))
        if stats[0] >= _MEMO_RETRY:
            caches.clear()
            stats[:] = [0, 0, 1]
        for table in caches.values():
            if len(table) > _MEMO_SIZE:
                table.clear()
        return caches, stats

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
        shown = 0
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
            lists = (
                self.profiler.allowed_by(rule, verdict.canonical)
                if counted and rule.type in self.profiler.listed
                else _ON_NO_LIST
            )
            if lists:
                counts.allowed[hash(verdict.canonical)] = lists
            if counted and lists and not self.detail:
                self._unshown_on(lists, len(used))
            elif counted and not lists and not (self.detail and shown < self.limit and r <= self._last_row):
                self.result.unshown += len(used)
            elif counted:
                if not lists:  # on some policy's list: the deciding one lists none, no place taken
                    shown += 1  # rows shown: a later row follows this many findings of the group
                    self._made.extend(repeat(r, len(used)))
                # One finding per cell, each with its own span and header: a reader (and a
                # labeller) sees 山根 | 清良 as two values of one person, and a finding spanning
                # both cells would hide the delimiter between them. The row is counted once above.
                for col, part in zip(used, parts, strict=True):
                    member = by_col[col]
                    assert member.spec is not None  # a group is made of columns with a spec, as ``first``
                    piece = verdict._replace(value=part, canonical=part.replace(" ", ""))
                    finding = self._finding(member.spec, rule, piece, r, (col,), member.header, lists)
                    self.result.findings.append(finding)
        for d in members:
            d.fit, d.cells = fits[d.column], totals[d.column]
        self._settle()
        self._flush(first, counts)

    def _unshown_on(self, lists: frozenset[str], cells: int) -> None:
        """Cells on some policy's allow list that made no finding: not listed under a policy
        that does not allow them (Tally.add), allowed under one that does."""
        on = self.result.unshown_on_lists
        on[lists] = on.get(lists, 0) + cells

    def _settle(self) -> None:
        """After a column: the last row whose findings the tally may still list. The tally lists
        the first ``limit`` findings by position, so once that many were made in rows up to some
        row, a finding further down is never listed (nor made)."""
        if len(self._made) >= self.limit:
            self._made = heapq.nsmallest(self.limit, self._made)
            self._last_row = self._made[-1] if self._made else -1  # a limit of 0: no row

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
                batch = (spec.type, confidence, keys, list(map(names.__getitem__, rows)), counts.allowed)
                self.result.batches.append(batch)  # type: ignore[arg-type]

    def _finding(
        self,
        spec: ColumnSpec,
        rule: Rule,
        verdict: Verdict,
        r: int,
        cols: tuple[int, ...],
        header: str,
        allowed_by: frozenset[str] = frozenset(),
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
            allowed_by=allowed_by,
            explanation=Explanation(
                pattern=f"column:{spec.id}/{verdict.pattern}",
                base=Confidence.MEDIUM.label,
                validator=rule.validator_name,
                validator_result=verdict.validator,
                context=header or None,
                header=header or None,
                allowed=keep.allow_kinds(rule, verdict.canonical) if allowed_by else (),
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
    spaces = _BLANKS
    for r, cols in enumerate(accepted):
        if not cols:
            continue
        a, b = bounds[r]
        if fast:
            # A copy of the row's list is blanked (leftover.Leftover still reads the cells),
            # one store per taken cell, of a string of spaces made once (not a new one for
            # each of a dense export's millions of cells).
            cells = list(rows[r])
            for i in cols:
                n = len(cells[i])
                cells[i] = spaces[n] if n < _SPACES else " " * n
            pieces.append(text[pos:a])
            pieces.append(delimiter.join(cells))
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
