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
from dlp.extract.formulas import sheet_lines, workbook_lines
from dlp.extract.limits import Budget
from dlp.extract.numfmt import digit_formats
from dlp.extract.ooxml import local, paragraphs_segment, properties, texts_by, xml_events
from dlp.extract.package import Package, load_package, normalised, read_others, xml_text
from dlp.extract.sst import unused_strings, used_indices
from dlp.extract.zipsafe import check_container, open_zip, read_part
from dlp.model import Item, Segment, Table, Unscannable, UnscannableReason

BLOCK_ROWS = 2000
BLOCK_CHARS = 1_000_000
# calamine only when the sheets' XML is smaller than this and no shared string is very long
# (one 50,000-character string referenced 20,000 times is 10^9 characters in calamine's memory).
CALAMINE_MAX_SHEET_BYTES = 200 * 1024 * 1024
CALAMINE_MAX_STRING = 2000
_LONG_STRING = re.compile(rb"<t(?: [^>]*)?>[^<]{%d,}" % CALAMINE_MAX_STRING)

Part = Segment | Unscannable | Item


def extract_xlsx(item: Item, budget: Budget) -> Iterator[Part]:
    with item.open() as fh, open_zip(fh) as zf:
        check_container(zf, fh, budget.limits)
        package = load_package(zf, budget, "workbook")
        use_calamine = _calamine_is_safe(package)
        extras = list(_xml_extras(item, package, budget))
    with item.open() as fh:
        if use_calamine:
            yield from _calamine_rows(item, fh)
        else:
            yield from _openpyxl_rows(item, fh)
    yield from extras


def extract_spreadsheet(item: Item, budget: Budget) -> Iterator[Part]:
    """.xls, .xlsb and .ods: calamine (openpyxl cannot read them); for .ods also what calamine
    does not return (comments, untyped cells, embedded objects: dlp.extract.odf)."""
    with item.open() as fh:
        yield from _calamine_rows(item, fh)
    if b"opendocument" in item.read(128):  # an ODF package: its stored mimetype comes first
        from dlp.extract.odf import ods_extras

        yield from ods_extras(item, budget)


def _calamine_is_safe(package: Package) -> bool:
    """calamine for a workbook laid out as Excel writes it, whose sheets are not too large and
    whose shared strings hold no very long string. calamine finds xl/workbook.xml and
    xl/sharedStrings.xml by their fixed names (a renamed strings part made it fail); openpyxl,
    which follows the content types, reads any other layout."""
    zf = package.zf
    strings = [p.name for p in package.parts if p.role == "shared-strings"]
    if package.main not in (None, "xl/workbook.xml") or any(name != "xl/sharedStrings.xml" for name in strings):
        return False
    sheets = [zf.getinfo(p.name) for p in package.parts if p.role == "worksheet" or p.name.startswith("xl/worksheets/")]
    if sum(i.file_size for i in sheets) > CALAMINE_MAX_SHEET_BYTES:
        return False
    for name in strings:
        info = zf.getinfo(name)
        if info.file_size > CALAMINE_MAX_SHEET_BYTES:
            return False
        with zf.open(info) as fh:
            if _LONG_STRING.search(fh.read()):
                return False
    return True


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


_PARTS: dict[str, tuple[str, set[str], set[str], str]] = {
    "xl-comments": ("comments", {"comment"}, {"t"}, "comment"),
    "xl-threaded-comments": ("threaded-comments", {"threadedComment"}, {"text"}, "comment"),
    "xl-drawing": ("shapes", {"p"}, {"t"}, "shape"),
    "external-link": ("external-links", {"cell"}, {"v"}, "cache"),
}
_HANDLED = {"workbook", "worksheet", "shared-strings", "properties", *_PARTS}


def _xml_extras(item: Item, package: Package, budget: Budget) -> Iterator[Segment | Item]:
    """What the cell readers skip, part by part as the package's content types name them."""
    zf = package.zf
    read_by_cells = set(package.related(package.main or "xl/workbook.xml", "worksheet"))
    formats: dict[int, str] = {}
    for part in package.parts:
        if normalised(part.content_type) == "spreadsheetml.styles+xml":
            formats.update(digit_formats(read_part(zf, part.name, budget) or b"<styleSheet/>"))
    for part in package.parts:
        if part.role in _PARTS:
            where, blocks, texts, kind = _PARTS[part.role]
            data = read_part(zf, part.name, budget)
            if data:
                segment = paragraphs_segment(item, f"{where}:{part.name}", list(texts_by(data, blocks, texts)), kind)
                if segment:
                    yield segment
        elif part.role == "workbook":
            data = read_part(zf, part.name, budget)
            if data:
                segment = paragraphs_segment(item, f"names:{part.name}", workbook_lines(data), "metadata")
                if segment:
                    yield segment
        elif part.role == "worksheet":
            yield from _worksheet_extras(item, package, part.name, budget, part.name in read_by_cells, formats)
        elif part.role == "shared-strings":
            yield from _furigana(item, zf, part.name, budget)
            yield from _unused_strings(item, package, part.name, budget)
    yield from properties(item, zf, budget, [p.name for p in package.parts if p.role == "properties"])
    yield from read_others(item, package, budget, _HANDLED)


def _unused_strings(item: Item, package: Package, name: str, budget: Budget) -> Iterator[Segment]:
    """Shared strings no cell points to: never on a sheet, but unzip shows them (dlp.extract.sst)."""
    data = read_part(package.zf, name, budget)
    if not data:
        return
    sheets = [p.name for p in package.parts if p.role == "worksheet"]
    lines = unused_strings(data, used_indices(package.zf, sheets))
    segment = paragraphs_segment(item, f"unused-strings:{name}", lines, "text")
    if segment:
        yield segment


def _worksheet_extras(
    item: Item, package: Package, name: str, budget: Budget, read: bool, formats: dict[int, str]
) -> Iterator[Segment]:
    """Formulas, validation lists, numbers as their format shows them (090-1234-5678 for
    9012345678) and headers/footers of a sheet; a sheet the cell readers do not reach (not in
    the workbook's relationships) is read for all its text."""
    zf = package.zf
    if zf.getinfo(name).file_size > budget.limits.max_member_bytes:
        return  # the cell readers report an oversized sheet; not read twice
    if not read:
        data = read_part(zf, name, budget)
        segment = paragraphs_segment(item, f"part:{name}", xml_text(data or b""), "text")
        if segment:
            yield segment
        return
    formulas, headers = sheet_lines(zf, name, formats)
    for where, lines, kind in (("formulas", formulas, "formula"), ("header-footer", headers, "header")):
        segment = paragraphs_segment(item, f"{where}:{name}", lines, kind)
        if segment:
            yield segment


def _furigana(item: Item, zf: zipfile.ZipFile, name: str, budget: Budget) -> Iterator[Segment]:
    """Phonetic runs (<rPh>) of shared strings, one reading per line: 山田太郎 stays 山田太郎
    in the cell, its reading ヤマダ タロウ is scanned on its own."""
    data = read_part(zf, name, budget)
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
