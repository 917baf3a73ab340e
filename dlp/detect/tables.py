"""Rows and cells of tabular segments: which row and column a match falls in."""

from __future__ import annotations

from bisect import bisect_right

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
