"""Rows and cells of tabular segments: which row and column a match falls in."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import compress, repeat
from operator import add, contains, itemgetter, not_

from dlp.model import Segment, Table


def row_index(table: Table, pos: int) -> int:
    return max(0, bisect_right(table.row_starts, pos) - 1)


def row_span(segment: Segment, table: Table, index: int) -> tuple[int, int]:
    start = table.row_starts[index]
    if index + 1 < len(table.row_starts):
        end = table.row_starts[index + 1] - 1  # the newline between rows
    else:
        end = len(segment.text)
        if segment.text.endswith("\n"):
            end -= 1
    if end > start and segment.text[end - 1] == "\r":
        end -= 1
    return start, end


def cell_spans(segment: Segment, table: Table, index: int) -> list[tuple[int, int]]:
    """Spans of the cells of one row, inside the quotes for quoted CSV cells."""
    start, end = row_span(segment, table, index)
    text = segment.text
    delimiter = table.delimiter
    if not table.quoted or '"' not in text[start:end]:
        spans = []
        pos = start
        for cell in text[start:end].split(delimiter):
            spans.append((pos, pos + len(cell)))
            pos += len(cell) + len(delimiter)
        return spans
    return _quoted_spans(text, start, end, delimiter)


def _quoted_spans(text: str, start: int, end: int, delimiter: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = start
    while pos <= end:
        if pos < end and text[pos] == '"':
            close = pos + 1
            while True:
                close = text.find('"', close, end)
                if close == -1:
                    close = end
                    break
                if close + 1 < end and text[close + 1] == '"':
                    close += 2
                    continue
                break
            spans.append((pos + 1, close))
            nxt = text.find(delimiter, close, end)
            pos = end + 1 if nxt == -1 else nxt + len(delimiter)
        else:
            nxt = text.find(delimiter, pos, end)
            stop = end if nxt == -1 else nxt
            spans.append((pos, stop))
            pos = stop + len(delimiter)
            if nxt == -1:
                break
    return spans


def header_of(table: Table, col: int | None) -> str | None:
    if col is None or col >= len(table.header):
        return None
    return table.header[col] or None


@dataclass
class SplitRows:
    """A table's rows as the column pass split them (dlp/detect/profile.py), when no cell is
    quoted and the delimiter is no space: row r's text is ``bounds[r]``, its cells ``rows[r]``
    split at the delimiter, so cell c starts after the lengths of the cells before it and their
    delimiters (what ``cell_spans`` finds row by row). Blanking a taken cell keeps its length."""

    bounds: list[tuple[int, int]]
    rows: list[list[str]]
    delimiter: str

    def column_spans(
        self, cols: set[int], first: int, done: list[set[int]] | None
    ) -> dict[int, list[tuple[int, int]]] | None:
        """Per column in ``cols``, (start, end) of its non-empty cells in rows ``first`` on, in
        row order, leaving out the cells ``done`` marks as taken; None when the rows are not all
        of one width (then row by row). One pass over the rows per column, not per cell."""
        body = self.rows[first:]
        if not body or not cols:
            return {col: [] for col in cols}
        width = len(body[0])
        if len(set(map(len, body))) != 1:
            return None
        dlen = len(self.delimiter)
        taken = done[first:] if done is not None else [set()] * len(body)
        out: dict[int, list[tuple[int, int]]] = {col: [] for col in cols}
        # Per column, the rows whose cell was not taken (all of them without ``done``); a column
        # taken in every row (one intersection of the rows' sets) has none.
        everywhere = set.intersection(*taken) if done is not None else set()
        rows_ = range(len(body))
        left = {
            c: list(compress(rows_, map(not_, map(contains, taken, repeat(c))))) if done is not None else rows_
            for c in sorted(cols)
            if c < width and c not in everywhere
        }
        wanted = [c for c, rows in left.items() if rows]  # the offsets are summed up to the last
        if not wanted:
            return out
        # A column mostly taken (a cell here and there its check refused): its few cells are
        # placed one by one, not by summing every column before it down every row.
        if done is not None and wanted and sum(map(len, left.values())) * width <= len(body):
            for col, rows in left.items():
                for r in rows:
                    cells = body[r]
                    start = self.bounds[first + r][0] + sum(map(len, cells[:col])) + col * dlen
                    if cells[col]:
                        out[col].append((start, start + len(cells[col])))
            return {col: out[col] for col in cols}
        offsets = [a for a, _ in self.bounds[first:]]  # where cell ``col`` starts, column by column
        for col in range(wanted[-1] + 1 if wanted else 0):
            lengths = list(map(len, map(itemgetter(col), body)))
            if col in wanted:
                spans = zip(offsets, lengths, taken, strict=True)
                out[col] = [(s, s + n) for s, n, cells in spans if n and col not in cells]
            offsets = [s + dlen for s in map(add, offsets, lengths)]
        return {col: out[col] for col in cols}
