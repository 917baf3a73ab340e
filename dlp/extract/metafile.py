"""Text drawn by an Enhanced Metafile (EMF) picture.

Excel's "Copy as Picture" and Word's paste of a range as a picture give an EMF whose text
records draw each cell: the reader sees a table of names and numbers, the file holds a
"picture". Each EMR_EXTTEXTOUTW/A record ([MS-EMF] 2.3.5.7-8) carries its string; records on
one baseline are joined left to right into a line, without a space where one record ends
where the next begins (a number drawn in pieces stays one number).

Text drawn by glyph index (ETO_GLYPH_INDEX) cannot be mapped back without the font; it is
left out.
"""

from __future__ import annotations

import struct

EMR_EXTTEXTOUTA = 83
EMR_EXTTEXTOUTW = 84
EMR_EOF = 14
ETO_GLYPH_INDEX = 0x10
MAX_RECORDS = 1_000_000


def is_emf(head: bytes) -> bool:
    return head.startswith(b"\x01\x00\x00\x00") and head[40:44] == b" EMF"


def emf_text(data: bytes) -> list[str]:
    """Lines of text an EMF draws (empty when it draws none)."""
    runs: list[tuple[int, int, str, int | None]] = []  # (y, x, text, width or None)
    pos = 0
    for _ in range(MAX_RECORDS):
        if pos + 8 > len(data):
            break
        kind, size = struct.unpack_from("<II", data, pos)
        if size < 8 or size % 4 or pos + size > len(data) or kind == EMR_EOF:
            break
        if kind in (EMR_EXTTEXTOUTA, EMR_EXTTEXTOUTW) and size >= 76:
            run = _text_run(data[pos : pos + size], wide=kind == EMR_EXTTEXTOUTW)
            if run is not None:
                runs.append(run)
        pos += size
    return _lines(runs)


def _text_run(record: bytes, *, wide: bool) -> tuple[int, int, str, int | None] | None:
    x, y, count, offset, options = struct.unpack_from("<iiIII", record, 36)
    off_dx = struct.unpack_from("<I", record, 72)[0]
    if options & ETO_GLYPH_INDEX or count == 0:
        return None
    width = 2 * count if wide else count
    raw = record[offset : offset + width]
    text = raw.decode("utf-16-le" if wide else "cp932", "replace").replace("\x00", "")
    advance = None
    if off_dx and off_dx + 4 * count <= len(record):
        advance = sum(struct.unpack_from(f"<{count}i", record, off_dx))
    return y, x, text, advance


def _lines(runs: list[tuple[int, int, str, int | None]]) -> list[str]:
    by_line: dict[int, list[tuple[int, str, int | None]]] = {}
    for y, x, text, advance in runs:
        by_line.setdefault(y, []).append((x, text, advance))
    lines = []
    for y in sorted(by_line):
        pieces: list[str] = []
        end: int | None = None
        for x, text, advance in sorted(by_line[y], key=lambda r: r[0]):
            if pieces and (end is None or x > end + 1):
                pieces.append(" ")
            pieces.append(text)
            end = x + advance if advance is not None else None
        line = "".join(pieces).strip()
        if line:
            lines.append(line)
    return lines
