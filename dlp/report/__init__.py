"""Output formats for `dlp scan`: one module per format, chosen from ``FORMATS``.

A writer is built with the output stream and options, gets ``write(verdict, path)`` per item
in input order, and ``close()`` at the end. Options a writer does not use (``rules``: the
rule pack, for formats that describe it) are taken and ignored. A new format is one module
and one line here.
"""

from __future__ import annotations

from dlp.report import csvout, jsonout, sarif, table

FORMATS: dict[str, type] = {
    "table": table.TableWriter,
    "json": jsonout.JsonWriter,
    "jsonl": jsonout.JsonLinesWriter,
    "csv": csvout.CsvWriter,
    "sarif": sarif.SarifWriter,
}
