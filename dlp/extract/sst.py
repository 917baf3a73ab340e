"""Excel shared strings that no cell uses.

Excel keeps every string of a workbook once in xl/sharedStrings.xml and cells point to it by
index; the cell readers (calamine, openpyxl) only see strings a cell points to. A string added
to the table with no cell using it is never on a sheet, but unzip shows it to anyone: a
customer list hidden there went out as allow. Strings no cell points to are read on their own
(strings that cells use are not read twice: a list of 60 people must stay 60 records).
"""

from __future__ import annotations

import re
import zipfile

from dlp.extract.ooxml import local, xml_events

CHUNK = 1024 * 1024
OVERLAP = 4096
# <c r="A1" s="1" t="s"><v>12</v></c>: a cell pointing to shared string 12. A cell written
# with another prefix or layout is simply not seen here, so its string is read: the error
# goes toward reading more, never less.
_SHARED_CELL = re.compile(
    rb'<(?:\w+:)?c\b[^>]*?\bt="s"[^>]*>(?:(?!</(?:\w+:)?c>).){0,2048}?<(?:\w+:)?v>\s*(\d+)\s*<', re.S
)


def used_indices(zf: zipfile.ZipFile, sheets: list[str]) -> set[int]:
    """Indices of shared strings that the cells of ``sheets`` point to (streamed)."""
    used: set[int] = set()
    for name in sheets:
        carry = b""
        with zf.open(name) as fh:
            while True:
                chunk = fh.read(CHUNK)
                buffer = carry + chunk
                used.update(int(m.group(1)) for m in _SHARED_CELL.finditer(buffer))
                if not chunk:
                    break
                carry = buffer[-OVERLAP:]
    return used


def unused_strings(data: bytes, used: set[int]) -> list[str]:
    """The texts (runs joined, phonetic readings left out) of the <si> entries not in ``used``."""
    out: list[str] = []
    index = 0
    pieces: list[str] = []
    phonetic = False
    for event, element in xml_events(data):
        tag = local(element.tag)  # type: ignore[attr-defined]
        if tag == "rPh":
            phonetic = event == "start"
        elif event == "end" and tag == "t" and not phonetic and element.text:  # type: ignore[attr-defined]
            pieces.append(element.text)  # type: ignore[attr-defined]
        elif event == "end" and tag == "si":
            text = "".join(pieces).strip()
            if text and index not in used:
                out.append(text)
            index += 1
            pieces = []
            element.clear()  # type: ignore[attr-defined]
    return out
