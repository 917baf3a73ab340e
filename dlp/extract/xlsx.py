"""Excel workbooks: cells of every sheet (hidden and very hidden too) as table rows with their
header row, cached values of formulas, and a pass over the workbook's XML for what the cell
readers skip: comments and threaded comments, headers/footers, text boxes and shapes, pivot
caches, external-link caches, document properties, and furigana (as separate readings, never
glued to the name).

Cells are read with python-calamine (8-16x faster than openpyxl, measured) when the workbook is
safe to load whole — calamine holds a sheet in memory and a Rust panic kills the process — and
with openpyxl in read-only mode (constant memory) otherwise. .xls/.xlsb/.ods, which openpyxl
cannot read, always go to calamine.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from python_calamine import CalamineWorkbook, PasswordError

from dlp.extract.delimited import is_header_row
from dlp.extract.limits import Budget
from dlp.extract.ooxml import (
    embedded_parts,
    local,
    paragraphs_segment,
    part_names,
    properties,
    texts_by,
    xml_events,
)
from dlp.extract.zipsafe import check_container, open_zip, read_part
from dlp.model import Item, Segment, Table, Unscannable, UnscannableReason

BLOCK_ROWS = 2000
BLOCK_CHARS = 1_000_000
# calamine only when the sheets' XML is smaller than this and no shared string is very long
# (one 50,000-character string referenced 20,000 times is 10^9 characters in calamine's memory).
CALAMINE_MAX_SHEET_BYTES = 200 * 1024 * 1024
CALAMINE_MAX_STRING = 2000
_LONG_STRING = re.compile(rb"<t(?: [^>]*)?>[^<]{%d,}" % CALAMINE_MAX_STRING)
_HEADER_FOOTER = re.compile(rb"<(?:odd|even|first)(?:Header|Footer)>([^<]*)</")
_HF_CODES = re.compile(r"&(?:[LCRPNDTAZFGHBIUESXY]|\"[^\"]*\"|[0-9]+)")

Part = Segment | Unscannable | Item


def extract_xlsx(item: Item, budget: Budget) -> Iterator[Part]:
    with item.open() as fh, open_zip(fh) as zf:
        check_container(zf, fh, budget.limits)
        use_calamine = _calamine_is_safe(zf)
        extras = list(_xml_extras(item, zf, budget))
    with item.open() as fh:
        if use_calamine:
            yield from _calamine_rows(item, fh)
        else:
            yield from _openpyxl_rows(item, fh)
    yield from extras


def extract_spreadsheet(item: Item, budget: Budget) -> Iterator[Part]:
    """.xls, .xlsb and .ods: calamine only (openpyxl cannot read them)."""
    with item.open() as fh:
        yield from _calamine_rows(item, fh)


def _calamine_is_safe(zf: zipfile.ZipFile) -> bool:
    sheets = [i for i in zf.infolist() if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
    if sum(i.file_size for i in sheets) > CALAMINE_MAX_SHEET_BYTES:
        return False
    try:
        strings = zf.getinfo("xl/sharedStrings.xml")
    except KeyError:
        return True
    if strings.file_size > CALAMINE_MAX_SHEET_BYTES:
        return False
    with zf.open(strings) as fh:
        return _LONG_STRING.search(fh.read()) is None


def _calamine_rows(item: Item, fh: Any) -> Iterator[Part]:
    try:
        workbook = CalamineWorkbook.from_filelike(fh)
    except PasswordError:
        yield Unscannable(item.locator, UnscannableReason.ENCRYPTED, "workbook is password protected")
        return
    for meta in workbook.sheets_metadata:
        sheet = workbook.get_sheet_by_name(meta.name)
        first_row = (sheet.start[0] + 1) if sheet.start else 1
        yield from _sheet_segments(item, meta.name, first_row, sheet.iter_rows())


def _openpyxl_rows(item: Item, fh: Any) -> Iterator[Part]:
    from openpyxl import load_workbook  # only when calamine is not safe: import costs 0.2 s

    workbook = load_workbook(fh, read_only=True, data_only=True, keep_links=False)
    try:
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(values_only=True)
            yield from _sheet_segments(item, sheet.title, sheet.min_row or 1, rows)
    finally:
        workbook.close()


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious .0, dates as ISO dates, no tabs or newlines."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return text


def _sheet_segments(item: Item, sheet: str, first_row: int, rows: Iterable[Iterable[Any]]) -> Iterator[Segment]:
    locator = f"{item.locator}!{sheet}"
    header: tuple[str, ...] = ()
    pending: list[str] = []
    pending_chars = 0
    block_first = first_row
    number = first_row - 1
    for row in rows:
        number += 1
        cells = [cell_text(v) for v in row]
        while cells and not cells[-1]:
            cells.pop()
        if not header and number - first_row < 5 and is_header_row(cells):
            header = tuple(c.strip() for c in cells)
        line = "\t".join(cells)
        pending.append(line)
        pending_chars += len(line)
        # Blocks end at a row count or at a size: one shared string referenced 20,000 times
        # must reach the character budget block by block, not as one 10^9-character string.
        if len(pending) >= BLOCK_ROWS or pending_chars >= BLOCK_CHARS:
            yield _segment(locator, pending, block_first, header)
            block_first += len(pending)
            pending = []
            pending_chars = 0
    if pending and any(pending):
        yield _segment(locator, pending, block_first, header)


def _segment(locator: str, rows: list[str], first_row: int, header: tuple[str, ...]) -> Segment:
    starts = []
    pos = 0
    for row in rows:
        starts.append(pos)
        pos += len(row) + 1
    table = Table(header, first_row, tuple(starts), delimiter="\t")
    return Segment("\n".join(rows), locator, kind="table", table=table)


def _xml_extras(item: Item, zf: zipfile.ZipFile, budget: Budget) -> Iterator[Segment | Item]:
    groups: list[tuple[str, str, set[str], set[str], str]] = [
        (r"xl/comments[0-9]*\.xml", "comments", {"comment"}, {"t"}, "comment"),
        (
            r"xl/threadedComments/threadedComment[0-9]*\.xml",
            "threaded-comments",
            {"threadedComment"},
            {"text"},
            "comment",
        ),
        (r"xl/drawings/drawing[0-9]*\.xml", "shapes", {"p"}, {"t"}, "shape"),
        (r"xl/externalLinks/externalLink[0-9]*\.xml", "external-links", {"cell"}, {"v"}, "cache"),
    ]
    for pattern, where, blocks, texts, kind in groups:
        for name in part_names(zf, pattern):
            data = read_part(zf, name, budget)
            if data:
                segment = paragraphs_segment(item, f"{where}:{name}", list(texts_by(data, blocks, texts)), kind)
                if segment:
                    yield segment
    for name in part_names(zf, r"xl/pivotCache/pivotCache(?:Definition|Records)[0-9]*\.xml"):
        data = read_part(zf, name, budget)
        if data:
            values = [
                str(el.get("v"))  # type: ignore[attr-defined]
                for _e, el in xml_events(data, ("end",))
                if local(el.tag) == "s" and el.get("v")  # type: ignore[attr-defined]
            ]
            segment = paragraphs_segment(item, f"pivot-cache:{name}", values, "cache")
            if segment:
                yield segment
    yield from _headers_footers(item, zf, budget)
    yield from _furigana(item, zf, budget)
    yield from properties(item, zf, budget)
    yield from embedded_parts(item, zf, budget)


def _headers_footers(item: Item, zf: zipfile.ZipFile, budget: Budget) -> Iterator[Segment]:
    """Headers and footers sit at the end of each sheet's XML: only its tail is kept."""
    for name in part_names(zf, r"xl/worksheets/sheet[0-9]*\.xml"):
        if zf.getinfo(name).file_size > budget.limits.max_member_bytes:
            continue  # the cell readers report an oversized sheet; not read twice
        tail = b""
        with zf.open(name) as fh:
            while chunk := fh.read(1024 * 1024):
                tail = (tail + chunk)[-256 * 1024 :]
        found = [_HF_CODES.sub(" ", m.decode("utf-8", "replace")).strip() for m in _HEADER_FOOTER.findall(tail)]
        segment = paragraphs_segment(item, f"header-footer:{name}", [f for f in found if f], "header")
        if segment:
            yield segment


def _furigana(item: Item, zf: zipfile.ZipFile, budget: Budget) -> Iterator[Segment]:
    """Phonetic runs (<rPh>) of shared strings, one reading per line: 山田太郎 stays 山田太郎
    in the cell, its reading ヤマダ タロウ is scanned on its own."""
    data = read_part(zf, "xl/sharedStrings.xml", budget)
    if not data or b"<rPh" not in data:
        return
    readings: list[str] = []
    current: list[str] = []
    in_phonetic = False
    for event, element in xml_events(data):
        tag = local(element.tag)  # type: ignore[attr-defined]
        if tag == "rPh":
            in_phonetic = event == "start"
        elif tag == "t" and event == "end" and in_phonetic and element.text:  # type: ignore[attr-defined]
            current.append(element.text)  # type: ignore[attr-defined]
        elif tag == "si" and event == "end":
            if current:
                readings.append(" ".join(current))
            current = []
            element.clear()  # type: ignore[attr-defined]
    segment = paragraphs_segment(item, "furigana", readings, "furigana")
    if segment:
        yield segment
