"""Tables for an 80-column terminal, shared by the commands that list things.

Two columns: the key (a hold id, a rule id, a notice number) never wraps and is never cut, and
one cell with the rest, a line per part, so the long parts (a path, a name in two languages, a
reason) get the width of the terminal instead of a sliver of it. Cells are plain text, never
rich markup: ``[gateway]`` in a reason prints as written. ``dlp scan``'s table
(dlp/report/table.py) follows the same layout.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.table import Table
from rich.text import Text


def record_table(key: str, detail: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, show_edge=False)
    table.add_column(key, no_wrap=True)
    table.add_column(detail, overflow="fold", ratio=1)
    return table


def add_record(table: Table, key: str, lines: Iterable[str]) -> None:
    """One record: its key, and its other parts each on a line of their own (empty ones left out)."""
    table.add_row(Text(key), Text("\n".join(line for line in lines if line), overflow="fold"))
