"""Rows of cells as one tabular segment, the way sheets, document tables and JSON records
reach the engine: cells joined by tabs, a row a line (``row_starts`` gives each row's span, so
a line break inside a cell stays inside its row)."""

from __future__ import annotations

from dlp.extract.delimited import is_header_row
from dlp.model import Segment, Table


def tab_table(
    locator: str,
    rows: list[list[str]],
    *,
    header: tuple[str, ...] | None = None,
    first_row: int = 1,
    row_label: str = "row",
) -> Segment:
    """``header`` given, or the first row when it reads as one (its row stays among the rows)."""
    if header is None:
        header = tuple(rows[0]) if rows and is_header_row(rows[0]) else ()
    lines = ["\t".join(r) for r in rows]
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    table = Table(header, first_row, tuple(starts), delimiter="\t", row_label=row_label)
    return Segment("\n".join(lines), locator, kind="table", table=table)
