"""CSV and TSV (often CP932 from Excel): rows are records, the header row is context.

The decoded lines are kept exactly as in the file, so offsets point into the decoded file and
quoted cells keep their quotes; the engine finds cells (and their column header) only for
rows that have findings. A quoted cell may span lines: a row ends where the quotes balance.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator

from dlp.extract.decode import DecodeState, iter_decoded, sniff_stream
from dlp.extract.limits import Budget
from dlp.model import Item, Segment, Table, Unscannable, UnscannableReason

BLOCK_ROWS = 2000
_DELIMITERS = (",", "\t", ";", "|")
_HEADER_HINTS = (
    "名", "番号", "住所", "電話", "メール", "生年月日", "日付", "ID", "id", "No", "コード", "カナ",
    "フリガナ", "性別", "年齢", "区分", "備考", "〒", "TEL", "mail", "name", "address", "phone",
)  # fmt: skip


def extract_delimited(item: Item, budget: Budget) -> Iterator[Segment | Unscannable]:
    with item.open() as fh:
        encoding = sniff_stream(fh)
        state = DecodeState()
        rows = _rows(iter_decoded(fh, encoding, state))
        peek = list(itertools.islice(rows, 20))
        if not peek:
            return
        delimiter = _delimiter("".join(peek))
        rows = itertools.chain(peek, rows)
        offset = 0
        header: tuple[str, ...] = ()
        row_number = 1
        if is_header_row(_parse_row(peek[0], delimiter)):
            first = next(rows)
            header = tuple(c.strip() for c in _parse_row(first, delimiter))
            yield Segment(first, item.locator, offset=0, kind="header", first_line=1)
            offset = len(first)
            row_number = 2
        pending: list[str] = []
        block_first = row_number
        for row in rows:
            pending.append(row)
            if len(pending) >= BLOCK_ROWS:
                yield _segment(item, pending, offset, block_first, header, delimiter)
                offset += sum(len(r) for r in pending)
                block_first += len(pending)
                pending = []
        if pending:
            yield _segment(item, pending, offset, block_first, header, delimiter)
    if state.lossy:
        yield Unscannable(
            item.locator, UnscannableReason.LOSSY_DECODE, f"bytes that are not valid {encoding.codec} were replaced"
        )


def _segment(
    item: Item, rows: list[str], offset: int, first_row: int, header: tuple[str, ...], delimiter: str
) -> Segment:
    starts = []
    pos = 0
    for row in rows:
        starts.append(pos)
        pos += len(row)
    table = Table(header, first_row, tuple(starts), delimiter=delimiter, quoted=True)
    return Segment("".join(rows), item.locator, offset=offset, kind="table", table=table, first_line=first_row)


def _rows(chunks: Iterator[str]) -> Iterator[str]:
    """Rows with their line ends; a row continues while its double quotes are unbalanced."""
    carry = ""
    row_parts: list[str] = []
    quotes = 0
    for chunk in chunks:
        text = carry + chunk
        lines = text.split("\n")
        carry = lines.pop()
        for line in lines:
            row_parts.append(line + "\n")
            quotes += line.count('"')
            if quotes % 2 == 0:
                yield "".join(row_parts)
                row_parts = []
                quotes = 0
    if carry or row_parts:
        row_parts.append(carry)
        yield "".join(row_parts)


def _delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in _DELIMITERS}
        best = max(counts, key=counts.__getitem__)
        return best if counts[best] else ","


def _parse_row(row: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(row), delimiter=delimiter), [])
    except csv.Error:
        return row.rstrip("\r\n").split(delimiter)


def is_header_row(cells: list[str]) -> bool:
    """A first row of short labels without digits (or with a known header word) is a header."""
    filled = [c.strip() for c in cells if c.strip()]
    if len(filled) < 2:
        return False
    if any(any(h in c for h in _HEADER_HINTS) and len(c) <= 20 for c in filled):
        return not any(sum(ch.isdigit() for ch in c) >= 4 for c in filled)
    return all(len(c) <= 20 and not any(ch.isdigit() for ch in c) for c in filled)
