"""Tables inside text: tab- or comma-separated blocks pasted into a mail or a note, HTML tables
(the HTML reader writes a row a line, cells split by tabs).

A block is at least MIN_ROWS consecutive lines that split into the same number of cells (two or
more) by one delimiter. It is handed to the column pass as a table of its own, so a list of
customers pasted into a mail is read column by column like the CSV it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from dlp.model import Segment, Table

MIN_ROWS = 3
_DELIMITERS = ("\t", ",")


@dataclass(frozen=True)
class Block:
    start: int  # offset of the block's first line in the segment text
    end: int  # offset after its last line (before that line's newline)
    first_line: int  # index of its first line in the segment (0-based)
    segment: Segment


# Three lines in a row that hold the delimiter (twice for commas, which prose and amounts use):
# one C-level search before any line is split.
_CANDIDATES = (
    re.compile(r"\t[^\n]*\n[^\n\t]*\t[^\n]*\n[^\n\t]*\t"),
    re.compile(r",[^\n,]*,[^\n]*\n[^\n,]*,[^\n,]*,[^\n]*\n[^\n,]*,[^\n,]*,"),
    # Two columns, one comma a line (氏名,電話番号): the first line a short header without digits
    # (amounts such as 7,063円 never start one); taken only under known header words.
    re.compile(r",[^\n,0-9\uff10-\uff19]{1,12}\n[^\n,]{1,40},[^\n,]{1,40}\n[^\n,]{1,40},"),
)


def might_hold_tables(text: str) -> bool:
    """Cheap test before splitting lines: three lines in a row with the delimiter."""
    if "\t" in text and _CANDIDATES[0].search(text) is not None:
        return True
    commas = text.count(",")
    return (commas >= 2 * MIN_ROWS and _CANDIDATES[1].search(text) is not None) or (
        commas >= MIN_ROWS and _CANDIDATES[2].search(text) is not None
    )


def find_blocks(segment: Segment, is_header: Callable[[list[str]], bool] | None = None) -> list[Block]:
    """The blocks of a text. A comma block needs two commas a line (prose and amounts have
    one), or one under a first line of known header words (``is_header``: 氏名,電話番号)."""
    text = segment.text
    lines = text.split("\n")
    starts: list[int] = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    blocks: list[Block] = []
    i = 0
    n = len(lines)
    while i < n:
        found = None
        for delimiter in _DELIMITERS:
            cells = lines[i].count(delimiter)
            if cells == 0:
                continue
            if delimiter == "," and cells < 2 and (is_header is None or not is_header(lines[i].split(","))):
                continue
            j = i + 1
            while j < n and lines[j].count(delimiter) == cells:
                j += 1
            if j - i >= MIN_ROWS:
                found = (delimiter, j)
                break
        if found is None:
            i += 1
            continue
        delimiter, j = found
        blocks.append(_block(segment, lines, starts, i, j, delimiter))
        i = j
    return blocks


def _block(segment: Segment, lines: list[str], starts: list[int], i: int, j: int, delimiter: str) -> Block:
    start = starts[i]
    end = starts[j - 1] + len(lines[j - 1])
    text = segment.text[start:end]
    row_starts = tuple(s - start for s in starts[i:j])
    first_line = (segment.first_line or 1) + i
    table = Table((), first_line, row_starts, delimiter=delimiter, quoted=False, row_label="line")
    sub = Segment(
        text,
        segment.locator,
        offset=segment.offset + start,
        kind="table",
        table=table,
        first_line=first_line,
    )
    return Block(start, end, i, sub)
