"""CSV and TSV (often CP932 from Excel): rows are records, the header row is context.

The decoded lines are kept exactly as in the file, so offsets point into the decoded file and
quoted cells keep their quotes; the engine finds cells (and their column header) only for
rows that have findings. Rows are split the way Excel reads them: a quote opens a quoted cell
only at the start of a cell, and a quoted cell may span lines. A stray quote must not merge a
150-customer list into one record, so when quoting breaks (a quoted cell still open at the end
of the file or after MAX_CELL_LINES lines, or a multi-line row with another number of cells
than the first row) every line of that row is a row of its own.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
from collections import deque
from collections.abc import Iterable, Iterator

from dlp.extract.decode import DecodeState, iter_decoded, sniff_stream
from dlp.extract.limits import Budget
from dlp.model import Item, Segment, Table, Unscannable, UnscannableReason

BLOCK_ROWS = 2000
MAX_CELL_LINES = 200  # a quoted cell open for longer than this is a stray quote
_DELIMITERS = (",", "\t", ";", "|")
_HEADER_HINTS = (
    "名", "番号", "住所", "電話", "メール", "生年月日", "日付", "ID", "id", "No", "コード", "カナ",
    "フリガナ", "性別", "年齢", "区分", "備考", "〒", "TEL", "mail", "name", "address", "phone",
)  # fmt: skip


def extract_delimited(item: Item, budget: Budget) -> Iterator[Segment | Unscannable]:
    with item.open() as fh:
        encoding = sniff_stream(fh)
        state = DecodeState()
        chunks = iter_decoded(fh, encoding, state)
        first = next(chunks, "")
        delimiter = _delimiter("".join(first[:65536].splitlines(keepends=True)[:20]))
        batches = _rows(itertools.chain([first], chunks), delimiter)
        pending: list[str] = []
        for batch in batches:  # the first rows, to tell a header row
            pending += batch
            if len(pending) >= 20:
                break
        if not pending:
            return
        offset = 0
        header: tuple[str, ...] = ()
        row_number = 1
        if is_header_row(_parse_row(pending[0], delimiter)):
            first = pending.pop(0)
            header = tuple(c.strip() for c in _parse_row(first, delimiter))
            # The header row as a one-row table: read as a table's row (its cells by the rules
            # and column words), not as running text (カナ氏名 is no カナ-san).
            header_table = Table((), 1, (0,), delimiter=delimiter, quoted=True)
            yield Segment(first, item.locator, offset=0, kind="header", table=header_table, first_line=1)
            offset = len(first)
            row_number = 2
        block_first = row_number
        for batch in itertools.chain([[]], batches):
            pending += batch
            whole = len(pending) - len(pending) % BLOCK_ROWS
            # A chunk of short lines holds hundreds of blocks: each cut from where it starts,
            # the rest kept once (not copied again after every block: 3x the CPU on "1\n" lines).
            for start in range(0, whole, BLOCK_ROWS):
                block = pending[start : start + BLOCK_ROWS]
                yield _segment(item, block, offset, block_first, header, delimiter)
                offset += sum(map(len, block))
                block_first += len(block)
            if whole:
                pending = pending[whole:]
        if pending:
            yield _segment(item, pending, offset, block_first, header, delimiter)
    if state.lossy:
        yield Unscannable(
            item.locator, UnscannableReason.LOSSY_DECODE, f"bytes that are not valid {encoding.codec} were replaced"
        )


def _segment(
    item: Item, rows: list[str], offset: int, first_row: int, header: tuple[str, ...], delimiter: str
) -> Segment:
    starts = (0, *itertools.accumulate(map(len, rows[:-1]))) if rows else ()
    table = Table(header, first_row, starts, delimiter=delimiter, quoted=True)
    return Segment("".join(rows), item.locator, offset=offset, kind="table", table=table, first_line=first_row)


# A line ends at LF, CRLF or a lone CR: Excel opens a CR-only file (classic Mac OS, some
# exports) as rows, and split on LF alone 150 customers were one row, one record.
_LINE_END = re.compile(r"\r\n|\n|\r")


class _Lines:
    """The lines of the decoded chunks, with their line ends: a chunk's complete lines at once
    (``plain``) while none of them holds a quote and none is waiting, else one by one."""

    def __init__(self, chunks: Iterable[str]) -> None:
        self._chunks = iter(chunks)
        self._carry = ""
        self._waiting: deque[str] = deque()
        self._done = False
        self._quoted = False  # whether the last chunk read (with the carry before it) holds a quote

    def _next_chunk(self) -> list[str] | None:
        """The complete lines of the next chunk (the carry of the last one first), None at the
        end (the last carry, if any, is a line of its own)."""
        if self._done:
            return None
        chunk = next(self._chunks, None)
        if chunk is None:
            self._done = True
            carry, self._carry = self._carry, ""
            self._quoted = '"' in carry
            return [carry] if carry else None
        text = self._carry + chunk
        self._quoted = '"' in text
        if text.count("\r") == text.count("\r\n"):  # no lone CR: lines end at each LF (one C split)
            lines = text.split("\n")
            self._carry = lines.pop()
            return [line + "\n" for line in lines]
        out = []
        start = 0
        for m in _LINE_END.finditer(text):
            if m.end() == len(text) and m.group() == "\r":
                break  # maybe the first half of a CRLF cut by the chunk: wait for the next chunk
            out.append(text[start : m.end()])
            start = m.end()
        self._carry = text[start:]
        return out

    def plain(self) -> list[str] | None:
        """The next chunk's lines when nothing waits and none holds a quote (each is a row:
        _rows' common case), else None (the lines wait, to be read one by one)."""
        if self._waiting:
            return None
        lines = self._next_chunk()
        if lines is None:
            return None
        if self._quoted:  # (or only its carry: then read one by one all the same)
            self._waiting.extend(lines)
            return None
        return lines

    def next(self) -> str | None:
        while not self._waiting:
            lines = self._next_chunk()
            if lines is None:
                return None
            self._waiting.extend(lines)
        return self._waiting.popleft()


def _scan(line: str, delimiter: str, in_quotes: bool) -> tuple[bool, int]:
    """(still inside a quoted cell, delimiters outside quotes) after one line, as Excel reads
    it: a quote opens a quoted cell only at the start of a cell, ``""`` inside one is a quote,
    any other quote inside one closes it, and a quote elsewhere is just a character."""
    if not in_quotes:
        if '"' not in line:  # the common row: no quote at all
            return False, line.count(delimiter)
        well_formed, quoted = _well_formed(delimiter)
        if well_formed.fullmatch(line):  # every quote opens and closes a whole cell
            return False, quoted.sub("", line).count(delimiter)
    delimiters = 0
    cell_start = -1 if in_quotes else 0  # where the current cell starts (-1: inside quotes)
    skip = -1
    n = len(line)
    for m in _special(delimiter).finditer(line):
        i = m.start()
        if i <= skip:
            continue
        if in_quotes:
            if line[i] == '"':
                if i + 1 < n and line[i + 1] == '"':
                    skip = i + 1
                    continue
                in_quotes = False
        elif line[i] == '"':
            in_quotes = i == cell_start
        else:
            delimiters += 1
            cell_start = i + 1
    return in_quotes, delimiters


@functools.cache
def _special(delimiter: str) -> re.Pattern[str]:
    return re.compile(f'"|{re.escape(delimiter)}')


@functools.cache
def _well_formed(delimiter: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    d = re.escape(delimiter)
    cell = f'(?:"[^"]*(?:""[^"]*)*"|[^"{d}\r\n]*)'
    return re.compile(f"{cell}(?:{d}{cell})*\r?\n?"), re.compile('"[^"]*(?:""[^"]*)*"')


def _rows(chunks: Iterable[str], delimiter: str) -> Iterator[list[str]]:
    """Rows with their line ends, a list at a time: a chunk's lines whole when none holds a
    quote (one row each), else row by row (see the module docstring for broken quoting)."""
    lines = _Lines(chunks)
    again: deque[str] = deque()  # lines of a broken row, read again as rows of their own
    expected: int | None = None
    while True:
        if not again:
            plain = lines.plain()
            if plain is not None:
                if plain:
                    if expected is None:
                        expected = plain[0].count(delimiter) + 1
                    yield plain
                continue
        line = again.popleft() if again else lines.next()
        if line is None:
            return
        if '"' not in line:  # the common row (_scan's first case, its count needed once)
            if expected is None:
                expected = line.count(delimiter) + 1
            yield [line]
            continue
        in_quotes, delimiters = _scan(line, delimiter, False)
        if not in_quotes:  # a row on one line: the common case
            if expected is None:
                expected = delimiters + 1
            yield [line]
            continue
        pending = [line]
        while len(pending) < MAX_CELL_LINES and (more := again.popleft() if again else lines.next()) is not None:
            in_quotes, found = _scan(more, delimiter, True)
            delimiters += found
            pending.append(more)
            if not in_quotes:
                break
        if in_quotes or (expected is not None and delimiters + 1 != expected):
            yield [pending[0]]  # broken quoting: each line is a row of its own
            again.extendleft(reversed(pending[1:]))
            continue
        if expected is None:
            expected = delimiters + 1
        yield ["".join(pending)]


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
    """A first row of short labels without digits (or with a known header word) is a header.
    Without a known word, a cell written as a name is (山田 太郎, ヤマダ　タロウ: two words with a
    space between) or a mail address makes the row data: a headerless list's first person."""
    filled = [c.strip() for c in cells if c.strip()]
    if len(filled) < 2:
        return False
    if any(any(h in c for h in _HEADER_HINTS) and len(c) <= 20 for c in filled):
        return not any(sum(ch.isdigit() for ch in c) >= 4 for c in filled)
    if any(_VALUE_LIKE.search(c) for c in filled):
        return False
    return all(len(c) <= 20 and not any(ch.isdigit() for ch in c) for c in filled)


_WORD_CHAR = "\u4e00-\u9fff\u3005\u3041-\u3096\u30a1-\u30fa\u30fc"  # kanji, 々, kana, ー
_VALUE_LIKE = re.compile(f"[{_WORD_CHAR}][ \u3000][{_WORD_CHAR}]|@")
