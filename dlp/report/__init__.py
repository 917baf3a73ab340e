"""Output formats for `dlp scan`: one module per format, chosen from ``FORMATS``.

A writer is built with the output stream and options, gets ``write(verdict, path)`` per item
in input order, and ``close()`` at the end.
"""

from __future__ import annotations

from dlp.report import jsonout, table

FORMATS: dict[str, type] = {
    "table": table.TableWriter,
    "json": jsonout.JsonWriter,
    "jsonl": jsonout.JsonLinesWriter,
}
