"""SplitRows.column_spans: a column's cell spans from the column pass's split, as cell_spans
finds them row by row (in the text where taken cells are blanked, lengths kept)."""

from __future__ import annotations

import random

from dlp.detect.tables import SplitRows, cell_spans
from dlp.model import Segment, Table
from tests.fakes import FakeJP


def _table(rows: list[list[str]], delimiter: str, end: str) -> tuple[Segment, SplitRows]:
    lines = [delimiter.join(cells) for cells in rows]
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + len(end)
    text = end.join(lines) + end
    table = Table(("a",), 1, tuple(starts), delimiter=delimiter, quoted=True)
    bounds = [(a, a + len(line)) for a, line in zip(starts, lines, strict=True)]
    return Segment(text, "t.csv", table=table), SplitRows(bounds, [list(r) for r in rows], delimiter)


def test_column_spans_are_the_cells_row_by_row() -> None:
    fake = FakeJP(3)
    rnd = random.Random(3)
    for delimiter, end in [(",", "\r\n"), ("\t", "\n"), ("||", "\n")]:
        rows = [
            [fake.person().name, "" if rnd.random() < 0.2 else fake.mobile(), fake.address(), "", "x"]
            for _ in range(60)
        ]
        segment, split = _table(rows, delimiter, end)
        done = [set(rnd.sample(range(5), rnd.randint(0, 3))) for _ in rows]
        for first in (0, 1, 7):
            spans = split.column_spans({0, 1, 2, 3, 4}, first, done)
            assert spans is not None
            for col in range(5):
                expected = []
                for r in range(first, len(rows)):
                    s, e = cell_spans(segment, segment.table, r)[col]  # type: ignore[arg-type]
                    if e > s and col not in done[r]:
                        expected.append((s, e))
                assert spans[col] == expected, (delimiter, first, col)
        assert split.column_spans({1, 9}, 0, None) == {1: split.column_spans({1}, 0, None)[1], 9: []}  # type: ignore[index]


def test_rows_of_other_widths_are_left_to_the_row_by_row_path() -> None:
    _, split = _table([["a", "b"], ["c"], ["d", "e"]], ",", "\n")
    assert split.column_spans({0}, 0, None) is None
    assert split.column_spans({0}, 2, None) == {0: [(split.bounds[2][0], split.bounds[2][0] + 1)]}


def test_a_column_taken_but_for_a_few_cells_places_those_cells_alone() -> None:
    """A dense export's column where the check refused a cell here and there: the few cells are
    placed one by one (the other path), at the same spans as row by row."""
    fake = FakeJP(5)
    rnd = random.Random(5)
    rows = [[fake.person().name, fake.mobile(), fake.address(), "メモ"] for _ in range(400)]
    segment, split = _table(rows, ",", "\r\n")
    left = set(rnd.sample(range(400), 6))
    done = [{0, 1, 2} if r not in left else {0, 3} for r in range(400)]
    spans = split.column_spans({1, 2}, 1, done)
    assert spans is not None
    for col in (1, 2):
        expected = [
            cell_spans(segment, segment.table, r)[col]  # type: ignore[arg-type]
            for r in range(1, 400)
            if col not in done[r]
        ]
        assert spans[col] == expected and len(expected) >= 5
