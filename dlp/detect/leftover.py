"""What the column pass left of a table, read without blanking the whole text.

The ordinary rules read a table after the column pass took its classified cells: the text
where every taken cell is spaces (colpass.blank). On a dense 200,000-row export that text is 50
million characters, four fifths of them spaces, and making it and running the trigger scans
over it was a fifth of the scan. A ``Leftover`` gives the rules what they read of it instead:

- ``pieces``: the cells not taken, a column at a time, joined by line breaks (``shift`` puts
  a position in them back into the segment). The trigger scans find the same matches there
  as in the blanked text when no trigger can run across a delimiter or a line end (the
  engine checks that, Engine._keeps_apart): a match then lies inside one cell, and the
  characters around a cell (a delimiter, a line end) end a match as the joining break does.
- ``between``: the blanked text of a stretch (the regions around the few windows), made from
  the rows it overlaps.
- ``blanked``: the whole blanked text, made only when something still needs it (a business
  table's roles, a block of a mail, a table whose rows are not split plainly).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from operator import add, contains, itemgetter

from dlp.detect.colpass import BLANKS, blank
from dlp.detect.tables import SplitRows
from dlp.model import Segment, Table

_LINE_ENDS = "\r\n"
_SPACES = len(BLANKS)


@dataclass
class Piece:
    """Cells of one column joined by "\\n" (or the text outside the rows, as it stands, with
    ``column`` -1): cell k is ``cells[k]``, of row ``rows[k]``."""

    text: str
    cells: list[str]
    rows: Sequence[int]
    column: int
    _joined: list[int] | None = field(default=None, repr=False)
    shifts: dict[int, int] = field(default_factory=dict, repr=False)  # cell -> Leftover.shift

    def joined(self) -> list[int]:
        """Where each cell starts in ``text``: made for the few pieces a trigger is found in."""
        if self._joined is None:
            self._joined = [0, *accumulate(map(add, map(len, self.cells[:-1]), repeat(1)))]
        return self._joined


@dataclass
class Leftover:
    """The table's segment (its own text, nothing blanked), its rows as the column pass split
    them and the cells it took per row."""

    segment: Segment
    table: Table
    bounds: list[tuple[int, int]]
    rows: list[list[str]]
    fast: bool
    accepted: list[set[int]]
    split: SplitRows | None
    columns: list[list[str]] | None = None  # the cells by column, all rows (the column pass's)
    _blanked: str | None = field(default=None, repr=False)
    _starts: list[int] | None = field(default=None, repr=False)

    def columnar(self) -> bool:
        """Whether the rows were split plainly, all of one width, with nothing but line ends
        between and around them: then ``pieces`` and ``between`` stand for the blanked text."""
        split, bounds, text = self.split, self.bounds, self.segment.text
        if split is None or not bounds or len(split.rows) != len(bounds):
            return False
        width = len(self.rows[0])
        if any(len(row) != width for row in self.rows):
            return False
        head, tail = text[: bounds[0][0]], text[bounds[-1][1] :]
        return (not head or head[-1] in _LINE_ENDS) and (not tail or tail[0] in _LINE_ENDS)

    def pieces(self) -> list[Piece]:
        """The cells not taken, a column at a time (a column all taken is left out), and the
        text before the first row and after the last (each a piece of its own)."""
        text, rows, accepted = self.segment.text, self.rows, self.accepted
        out: list[Piece] = []
        head_end, tail_start = self.bounds[0][0], self.bounds[-1][1]
        if head_end:
            out.append(Piece(text[:head_end], [text[:head_end]], [0], -1))
        everywhere = set.intersection(*accepted)  # columns taken in every row: no piece
        anywhere = set().union(*accepted)
        for col in range(len(rows[0])):
            if col in everywhere:
                continue
            which: Sequence[int]
            if col in anywhere:
                taken = list(map(contains, accepted, repeat(col)))
                which = [r for r, t in enumerate(taken) if not t]
                cells = list(map(itemgetter(col), map(rows.__getitem__, which)))
            else:
                which = range(len(rows))
                cells = self.columns[col] if self.columns is not None else list(map(itemgetter(col), rows))
            out.append(Piece("\n".join(cells), cells, which, col))
        if tail_start < len(text):
            out.append(Piece(text[tail_start:], [text[tail_start:]], [-1], -1))
        return out

    def shift(self, piece: Piece, start: int) -> int:
        """What to add to a position in a piece (a match's start, and its end: a match lies in
        one cell) to make it a position in the segment. Kept per cell: a note's 住所 and 宛 are
        two triggers in one cell."""
        if piece.column < 0:  # text outside the rows
            return 0 if piece.rows[0] == 0 else self.bounds[-1][1]
        joined = piece.joined()
        k = bisect_right(joined, start) - 1
        shift = piece.shifts.get(k)
        if shift is None:
            shift = piece.shifts[k] = self.cell_start(piece.rows[k], piece.column) - joined[k]
        return shift

    def cell_start(self, row: int, col: int) -> int:
        """Where the cell of ``col`` in ``row`` starts in the segment."""
        return self.bounds[row][0] + sum(map(len, self.rows[row][:col])) + col * len(self.table.delimiter)

    def chars(self, pieces: list[Piece]) -> str:
        """A string holding the characters of the blanked text (prefilter.cannot_hold asks only
        which characters a text holds): the pieces, a space, the delimiter and line ends."""
        return "".join([p.text for p in pieces]) + " " + self.table.delimiter + _LINE_ENDS

    def between(self, start: int, end: int) -> str:
        """The blanked text of [start, end): the rows it overlaps with their taken cells as
        spaces, the rest as it stands."""
        text, bounds, accepted = self.segment.text, self.bounds, self.accepted
        if self._starts is None:
            self._starts = [a for a, _ in bounds]
        r = max(0, bisect_right(self._starts, start) - 1)
        pieces: list[str] = []
        pos = start
        while r < len(bounds) and bounds[r][0] < end:
            a, b = bounds[r]
            if accepted[r] and b > pos:
                if a > pos:
                    pieces.append(text[pos:a])
                    pos = a
                row = self._blank_row(r)
                hi = min(b, end)
                pieces.append(row[pos - a : hi - a])
                pos = hi
            r += 1
        if pos < end:
            pieces.append(text[pos:end])
        return "".join(pieces)

    def _blank_row(self, r: int) -> str:
        cells = list(self.rows[r])
        for i in self.accepted[r]:
            n = len(cells[i])
            cells[i] = BLANKS[n] if n < _SPACES else " " * n  # the cached blank: no new string
        return self.table.delimiter.join(cells)

    def blanked(self) -> str:
        """The whole segment with the taken cells as spaces (colpass.blank), made once."""
        if self._blanked is None:
            residual = blank(self.segment, self.table, self.bounds, self.rows, self.fast, self.accepted)
            self._blanked = residual.text
        return self._blanked
