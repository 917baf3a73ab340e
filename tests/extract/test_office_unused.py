"""Office text a reader does not show on the page but anyone can read with unzip (or a
macro reads): Word document variables (w:docVars in settings.xml) and Excel shared strings
that no cell uses. Documents are made by python-docx and openpyxl, then edited in the package
as an attacker would; each went out as allow before."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import xlsxwriter

from dlp.model import Action, Item
from dlp.pipeline import scan_item

MY_NUMBER = "3470-1288-4109"  # valid check digit, not a real person's


def _edit(data: bytes, name: str, change) -> bytes:  # type: ignore[no-untyped-def]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, change(content) if info.filename == name else content)
    return out.getvalue()


def _saved(document) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_document_variable_is_read(settings) -> None:
    document = docx.Document()
    document.add_paragraph("議事録")
    variables = f'<w:docVars><w:docVar w:name="customer" w:val="個人番号 {MY_NUMBER}"/></w:docVars></w:settings>'
    data = _edit(_saved(document), "word/settings.xml", lambda x: x.replace(b"</w:settings>", variables.encode()))
    verdict = scan_item(Item.from_bytes(data, "minutes.docx"), settings)
    assert "MY_NUMBER" in verdict.counts
    assert verdict.action is Action.BLOCK


def _workbook_with_unused_string(text: str) -> bytes:
    """Written by XlsxWriter (shared strings as Excel writes them), then one string added that
    no cell points to."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet("在庫")
    sheet.write("A1", "在庫")
    sheet.write("B1", "確認済")
    book.close()

    def add(content: bytes) -> bytes:
        content = content.replace(b'uniqueCount="2"', b'uniqueCount="3"')
        return content.replace(b"</sst>", f"<si><t>{text}</t></si></sst>".encode())

    return _edit(buffer.getvalue(), "xl/sharedStrings.xml", add)


def test_shared_string_no_cell_uses_is_read(settings) -> None:
    data = _workbook_with_unused_string(f"個人番号 {MY_NUMBER}")
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # unzip -p shows it
        assert MY_NUMBER.encode() in z.read("xl/sharedStrings.xml")
    verdict = scan_item(Item.from_bytes(data, "stock.xlsx"), settings)
    assert "MY_NUMBER" in verdict.counts
    assert verdict.action is Action.BLOCK


def test_used_shared_strings_are_not_counted_twice(settings) -> None:
    """A list of 60 customers stays 60 records (quarantine), not 120 (block)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["氏名", "電話番号"])
    for i in range(60):
        sheet.append([f"顧客{i:03d}", f"090-{1000 + i:04d}-{5000 + i:04d}"])
    verdict = scan_item(Item.from_bytes(_saved(book), "list.xlsx"), settings)
    assert verdict.records == 60
    assert verdict.action is Action.QUARANTINE
