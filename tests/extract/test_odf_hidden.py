"""OpenDocument files (LibreOffice .odt/.ods) with the value where our reader did not look: an
embedded Calc table inside a Writer text (Object 1/content.xml), a Basic macro, a stray file in
the package, a cell comment (office:annotation), a cell without a value type. LibreOffice or
unzip shows each; every one went out as allow.

The packages are written as LibreOffice lays them out (mimetype first and stored, a manifest);
each is read back by Python's zipfile, as unzip would, to prove the value is there."""

from __future__ import annotations

import io
import zipfile

import pytest

from dlp.model import Action, Item
from dlp.pipeline import scan_item

MY_NUMBER = "3470-1288-4109"  # valid check digit, not a real person's
NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"'
)
TEXT = "application/vnd.oasis.opendocument.text"
SHEET = "application/vnd.oasis.opendocument.spreadsheet"


def _package(mimetype: str, parts: dict[str, str], *, holds_value: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # stored, first: as LibreOffice writes it
        for name, content in parts.items():
            z.writestr(name, content)
        entries = "".join(f'<manifest:file-entry manifest:full-path="{n}" manifest:media-type=""/>' for n in parts)
        z.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>{entries}'
            "</manifest:manifest>",
        )
    data = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # what unzip shows
        assert holds_value == any(MY_NUMBER.encode() in z.read(n) for n in z.namelist())
    return data


def _text(body: str) -> str:
    body = f"<office:body><office:text>{body}</office:text></office:body>"
    return f"<office:document-content {NS}>{body}</office:document-content>"


def _sheet(rows: str) -> str:
    return (
        f"<office:document-content {NS}><office:body><office:spreadsheet>"
        f'<table:table table:name="顧客">{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )


CELL = f'<table:table-cell office:value-type="string"><text:p>個人番号 {MY_NUMBER}</text:p></table:table-cell>'

CASES = {
    "embedded_calc_table.odt": (
        TEXT,
        {
            "content.xml": _text(
                '<text:p>別表<draw:frame><draw:object xlink:href="./Object 1"/></draw:frame></text:p>'
            ),
            "Object 1/content.xml": _sheet(f"<table:table-row>{CELL}</table:table-row>"),
        },
    ),
    "basic_macro.odt": (
        TEXT,
        {
            "content.xml": _text("<text:p>議事録</text:p>"),
            "Basic/Standard/Module1.xml": (
                '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1">'
                f"REM 個人番号 {MY_NUMBER}</script:module>"
            ),
        },
    ),
    "stray_file.odt": (
        TEXT,
        {"content.xml": _text("<text:p>議事録</text:p>"), "Configurations2/x.txt": f"個人番号 {MY_NUMBER}"},
    ),
    "cell_comment.ods": (
        SHEET,
        {
            "content.xml": _sheet(
                '<table:table-row><table:table-cell office:value-type="string">'
                f"<office:annotation><text:p>個人番号 {MY_NUMBER}</text:p></office:annotation>"
                "<text:p>確認済</text:p></table:table-cell></table:table-row>"
            )
        },
    ),
    "cell_without_value_type.ods": (
        SHEET,
        {
            "content.xml": _sheet(
                "<table:table-row><table:table-cell>"
                f"<text:p>個人番号 {MY_NUMBER}</text:p></table:table-cell></table:table-row>"
            )
        },
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_odf_value_where_the_reader_did_not_look(settings, name: str) -> None:
    mimetype, parts = CASES[name]
    verdict = scan_item(Item.from_bytes(_package(mimetype, parts), name), settings)
    assert "MY_NUMBER" in verdict.counts, (verdict.action, verdict.unscannable)
    assert verdict.action is Action.BLOCK


def test_plain_odf_stays_allowed(settings) -> None:
    data = _package(TEXT, {"content.xml": _text("<text:p>議事録 2024年1月15日</text:p>")}, holds_value=False)
    assert scan_item(Item.from_bytes(data, "memo.odt"), settings).action is Action.ALLOW
    data = _package(SHEET, {"content.xml": _sheet(CELL.replace(MY_NUMBER, "在庫 120"))}, holds_value=False)
    assert scan_item(Item.from_bytes(data, "stock.ods"), settings).action is Action.ALLOW
