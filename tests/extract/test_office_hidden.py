"""Office content that Word, Excel and PowerPoint show but a scanner reading fixed part names
misses (issue 9, item 5). Every file is made by the real library (python-docx, python-pptx,
openpyxl, XlsxWriter); where a library cannot make the structure, its package API adds the
part, or a script edits the zip the way an attacker would. Each of these was an ``allow``
with the value in plain sight before the fix.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import pytest

from dlp.extract import extract
from dlp.extract.limits import Limits
from dlp.model import Action, Item, Segment, Unscannable
from dlp.pipeline import scan_item

PHONE = "090-1234-5678"
LINE = f"携帯 {PHONE}"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _verdict(settings, data: bytes, name: str):
    return scan_item(Item.from_bytes(data, name), settings)


def _assert_found(settings, data: bytes, name: str, data_type: str = "PHONE") -> None:
    verdict = _verdict(settings, data, name)
    assert data_type in verdict.counts, (verdict.action, verdict.unscannable)
    assert verdict.action is not Action.ALLOW


def _rewrite(data: bytes, edit: Callable[[str, bytes], tuple[str, bytes] | None]) -> bytes:
    """Copy a zip, letting ``edit`` rename, change or (returning None) drop each member."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            result = edit(info.filename, src.read(info))
            if result is not None:
                dst.writestr(result[0], result[1])
    return out.getvalue()


# --- Word ---------------------------------------------------------------------------------------


def _docx(text: str = "ご案内") -> object:
    from docx import Document

    doc = Document()
    doc.add_paragraph(text)
    return doc


def _save(doc: object) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def _add_alt_chunk(doc: object, partname: str, content_type: str, blob: bytes) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    part = Part(PackURI(partname), content_type, blob, doc.part.package)  # type: ignore[attr-defined]
    rid = doc.part.relate_to(part, RT.A_F_CHUNK)  # type: ignore[attr-defined]
    chunk = parse_xml(f'<w:altChunk xmlns:w="{W}" xmlns:r="{R}" r:id="{rid}"/>')
    doc.element.body.sectPr.addprevious(chunk)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("partname", "content_type", "blob"),
    [
        ("/word/afchunk.htm", "text/html", f"<html><body><p>{LINE}</p></body></html>".encode()),
        ("/word/afchunk.txt", "text/plain", LINE.encode()),
        (
            "/word/afchunk.mht",
            "message/rfc822",
            f"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>{LINE}</p>\r\n".encode(),
        ),
    ],
)
def test_word_alt_chunk_is_scanned(settings, partname: str, content_type: str, blob: bytes) -> None:
    doc = _docx()
    _add_alt_chunk(doc, partname, content_type, blob)
    _assert_found(settings, _save(doc), "altchunk.docx")


def test_word_alt_chunk_with_a_nested_docx(settings) -> None:
    """Word imports a whole .docx through altChunk (the Open XML SDK's content type for it is
    the main-document one, on a zip)."""
    inner = _save(_docx(LINE))
    doc = _docx()
    _add_alt_chunk(
        doc,
        "/word/afchunk.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        inner,
    )
    _assert_found(settings, _save(doc), "nested.docx")


def test_word_alt_chunks_nested_too_deep_are_not_allowed(settings) -> None:
    data = _save(_docx(LINE))
    for _ in range(8):
        doc = _docx()
        _add_alt_chunk(
            doc,
            "/word/afchunk.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            data,
        )
        data = _save(doc)
    verdict = _verdict(settings, data, "deep.docx")
    assert "too_deep" in {u.reason.value for u in verdict.unscannable}
    assert verdict.action is not Action.ALLOW


_SMARTART = (
    f'<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" xmlns:a="{A}">'
    '<dgm:ptLst><dgm:pt modelId="{00000000-0000-0000-0000-000000000001}" type="doc"><dgm:prSet/><dgm:spPr/>'
    "<dgm:t><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr/></a:p></dgm:t></dgm:pt>"
    '<dgm:pt modelId="{00000000-0000-0000-0000-000000000002}"><dgm:prSet/><dgm:spPr/>'
    "<dgm:t><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>携帯 090-1234-</a:t></a:r><a:r><a:t>5678</a:t></a:r></a:p></dgm:t>"
    "</dgm:pt></dgm:ptLst><dgm:cxnLst/><dgm:bg/><dgm:whole/></dgm:dataModel>"
)
_DIAGRAM_DATA = "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml"


def test_word_smartart_text_is_scanned(settings) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    doc = _docx()
    part = Part(PackURI("/word/diagrams/data1.xml"), _DIAGRAM_DATA, _SMARTART.encode(), doc.part.package)
    doc.part.relate_to(part, RT.DIAGRAM_DATA)
    _assert_found(settings, _save(doc), "smartart.docx")


def test_word_main_document_at_a_renamed_part(settings) -> None:
    """word/document.xml moved to word/x/foo.xml with the relationships and content types
    fixed: Word opens it, and the body must still be read."""
    data = _save(_docx(LINE))

    def edit(name: str, blob: bytes) -> tuple[str, bytes]:
        if name == "word/document.xml":
            return "word/x/foo.xml", blob
        if name == "word/_rels/document.xml.rels":
            fixed = re.sub(rb'Target="(?!http)([^"/][^"]*)"', rb'Target="../\1"', blob)
            return "word/x/_rels/foo.xml.rels", fixed
        if name in ("_rels/.rels", "[Content_Types].xml"):
            return name, blob.replace(b"word/document.xml", b"word/x/foo.xml")
        return name, blob

    renamed = _rewrite(data, edit)
    assert "word/document.xml" not in zipfile.ZipFile(io.BytesIO(renamed)).namelist()
    _assert_found(settings, renamed, "renamed.docx")


def test_word_header_at_a_renamed_part(settings) -> None:
    doc = _docx()
    doc.sections[0].header.paragraphs[0].text = LINE  # type: ignore[attr-defined]
    data = _save(doc)

    def edit(name: str, blob: bytes) -> tuple[str, bytes]:
        if name == "word/header1.xml":
            return "word/parts/h.xml", blob
        if name in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
            return name, blob.replace(b"header1.xml", b"parts/h.xml")
        return name, blob

    _assert_found(settings, _rewrite(data, edit), "header.docx")


def test_word_embedded_workbook_outside_embeddings_folder(settings) -> None:
    """An embedded object is wherever its relationship points, not only in word/embeddings/."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = LINE
    inner = io.BytesIO()
    book.save(inner)
    doc = _docx()
    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    part = Part(PackURI("/word/media/data.bin"), xlsx_type, inner.getvalue(), doc.part.package)
    doc.part.relate_to(part, RT.PACKAGE)
    _assert_found(settings, _save(doc), "embedded.docx")


# --- PowerPoint ---------------------------------------------------------------------------------


def _pptx() -> object:
    from pptx import Presentation

    return Presentation()


def _textbox(shapes: object, text: str) -> None:
    from pptx.shapes.autoshape import Shape

    tree = shapes._spTree  # type: ignore[attr-defined]
    sp = tree.add_textbox(900, "hidden", 0, 0, 914400, 914400)
    Shape(sp, shapes).text_frame.text = text


@pytest.mark.parametrize("where", ["master", "layout", "notes_master"])
def test_pptx_master_layout_and_notes_master_text(settings, where: str) -> None:
    prs = _pptx()
    prs.slides.add_slide(prs.slide_layouts[6]).shapes.add_textbox(0, 0, 100, 100).text_frame.text = "ご案内"
    target = {
        "master": lambda: prs.slide_master,
        "layout": lambda: prs.slide_layouts[6],
        "notes_master": lambda: prs.notes_master,
    }[where]()
    _textbox(target.shapes, LINE)
    buffer = io.BytesIO()
    prs.save(buffer)
    _assert_found(settings, buffer.getvalue(), f"{where}.pptx")


def test_pptx_chart_cache_without_its_workbook(settings) -> None:
    """A chart shows its cached categories; the embedded workbook behind it may be gone."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE

    prs = _pptx()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    chart_data = CategoryChartData()
    chart_data.categories = ["山田 " + PHONE, "佐藤 080-2222-3333"]
    chart_data.add_series("件数", (1, 2))
    slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, 0, 0, 4000000, 3000000, chart_data)
    buffer = io.BytesIO()
    prs.save(buffer)

    def edit(name: str, blob: bytes) -> tuple[str, bytes] | None:
        if "/embeddings/" in name:
            return None
        if name.startswith("ppt/charts/_rels/"):
            return name, re.sub(rb"<Relationship [^>]*embeddings[^>]*/>", b"", blob)
        if name.startswith("ppt/charts/chart"):
            return name, re.sub(rb"<c:externalData .*?</c:externalData>", b"", blob, flags=re.S)
        return name, blob

    stripped = _rewrite(buffer.getvalue(), edit)
    assert not [n for n in zipfile.ZipFile(io.BytesIO(stripped)).namelist() if "embeddings" in n]
    _assert_found(settings, stripped, "chart.pptx")


def test_pptx_smartart_text(settings) -> None:
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI

    prs = _pptx()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    part = Part(PackURI("/ppt/diagrams/data1.xml"), _DIAGRAM_DATA, slide.part.package, _SMARTART.encode())
    slide.part.relate_to(part, RT.DIAGRAM_DATA)
    buffer = io.BytesIO()
    prs.save(buffer)
    _assert_found(settings, buffer.getvalue(), "smartart.pptx")


def test_pptx_slide_at_a_renamed_part(settings) -> None:
    prs = _pptx()
    prs.slides.add_slide(prs.slide_layouts[6]).shapes.add_textbox(0, 0, 100, 100).text_frame.text = LINE
    buffer = io.BytesIO()
    prs.save(buffer)

    def edit(name: str, blob: bytes) -> tuple[str, bytes]:
        if name == "ppt/slides/slide1.xml":
            return "ppt/s/a.xml", blob
        if name == "ppt/slides/_rels/slide1.xml.rels":
            return "ppt/s/_rels/a.xml.rels", blob
        if name in ("ppt/_rels/presentation.xml.rels", "[Content_Types].xml"):
            return name, blob.replace(b"slides/slide1.xml", b"s/a.xml")
        return name, blob

    _assert_found(settings, _rewrite(buffer.getvalue(), edit), "renamed.pptx")


# --- Excel --------------------------------------------------------------------------------------


def _xlsx(fill: Callable[[object, object], None]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet["A1"] = "連絡先"
    fill(book, sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "formula",
    [
        '="携帯 090-1234-"&"5678"',
        '=CONCAT("携帯 ","090","-1234","-5678")',
        '=CONCATENATE("携帯 090-",1234,"-5678")',
        '=TEXTJOIN("-",TRUE,"携帯 090","1234","5678")',
        '="携帯 090"&CHAR(45)&"1234"&CHAR(45)&"5678"',
    ],
)
def test_xlsx_value_only_inside_a_formula(settings, formula: str) -> None:
    """openpyxl writes formulas without a cached value; Excel computes and shows them."""
    data = _xlsx(lambda book, sheet: sheet.__setitem__("B2", formula))
    assert not re.search(rb"<v>[^<]", zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml"))
    _assert_found(settings, data, "formula.xlsx")


def test_xlsx_formula_with_an_empty_cached_value(settings) -> None:
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as book:
        sheet = book.add_worksheet()
        sheet.write_formula("A1", '="携帯 090-"&"1234-5678"', None, "")
    _assert_found(settings, buffer.getvalue(), "cached.xlsx")


def test_xlsx_defined_name_holding_a_value(settings) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    def fill(book: object, sheet: object) -> None:
        book.defined_names["連絡先"] = DefinedName("連絡先", attr_text=f'"{LINE}"')  # type: ignore[attr-defined]

    _assert_found(settings, _xlsx(fill), "names.xlsx")


def test_xlsx_data_validation_list(settings) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    def fill(book: object, sheet: object) -> None:
        validation = DataValidation(type="list", formula1=f'"{LINE},080-2222-3333"')
        sheet.add_data_validation(validation)  # type: ignore[attr-defined]
        validation.add("B2")

    _assert_found(settings, _xlsx(fill), "validation.xlsx")


def test_xlsx_hidden_rows_and_columns_are_read(settings) -> None:
    def fill(book: object, sheet: object) -> None:
        sheet["C5"] = LINE  # type: ignore[index]
        sheet.row_dimensions[5].hidden = True  # type: ignore[attr-defined]
        sheet.column_dimensions["C"].hidden = True  # type: ignore[attr-defined]

    _assert_found(settings, _xlsx(fill), "hidden.xlsx")


def test_xlsx_comment_at_a_renamed_part(settings) -> None:
    from openpyxl.comments import Comment

    def fill(book: object, sheet: object) -> None:
        sheet["B2"] = "メモ"  # type: ignore[index]
        sheet["B2"].comment = Comment(LINE, "担当")  # type: ignore[index]

    data = _xlsx(fill)
    assert "PHONE" in _verdict(settings, data, "comment.xlsx").counts  # the plain case works

    def edit(name: str, blob: bytes) -> tuple[str, bytes]:
        if re.fullmatch(r"xl/comments/?comment1\.xml|xl/comments1\.xml", name):
            return "xl/notes/n.xml", blob
        if name.endswith(".rels") or name == "[Content_Types].xml":
            return name, re.sub(
                rb"(/xl/|\.\./)comments/?comment1\.xml|(/xl/|\.\./)comments1\.xml", rb"\1notes/n.xml", blob
            )
        return name, blob

    renamed = _rewrite(data, edit)
    assert "xl/notes/n.xml" in zipfile.ZipFile(io.BytesIO(renamed)).namelist()
    _assert_found(settings, renamed, "renamed-comment.xlsx")


def test_xlsx_workbook_at_a_renamed_part(settings) -> None:
    data = _xlsx(lambda book, sheet: sheet.__setitem__("A2", LINE))

    def edit(name: str, blob: bytes) -> tuple[str, bytes]:
        if name == "xl/workbook.xml":
            return "xl/main/book.xml", blob
        if name == "xl/_rels/workbook.xml.rels":
            return "xl/main/_rels/book.xml.rels", re.sub(rb'Target="(?!/)([^"]*)"', rb'Target="../\1"', blob)
        if name in ("_rels/.rels", "[Content_Types].xml"):
            return name, blob.replace(b"xl/workbook.xml", b"xl/main/book.xml")
        return name, blob

    _assert_found(settings, _rewrite(data, edit), "renamed.xlsx")


def test_xlsx_chart_cache_of_cleared_cells(settings) -> None:
    """The chart keeps showing its cached categories after the cells behind it were cleared."""
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as book:
        sheet = book.add_worksheet("data")
        sheet.write_column("A1", ["山田 " + PHONE, "佐藤 080-2222-3333"])
        sheet.write_column("B1", [1, 2])
        chart = book.add_chart({"type": "column"})
        chart.add_series({"categories": "=data!$A$1:$A$2", "values": "=data!$B$1:$B$2"})
        sheet.insert_chart("D2", chart)

    def edit(name: str, blob: bytes) -> tuple[str, bytes]:
        if name == "xl/worksheets/sheet1.xml":
            return name, re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData/>", blob, flags=re.S)
        if name == "xl/sharedStrings.xml":
            return name, blob.replace(PHONE.encode(), b"000")
        return name, blob

    cleared = _rewrite(buffer.getvalue(), edit)
    assert PHONE.encode() in zipfile.ZipFile(io.BytesIO(cleared)).read("xl/charts/chart1.xml")
    _assert_found(settings, cleared, "chart.xlsx")


def test_formula_pass_does_not_invent_text_for_plain_formulas() -> None:
    """=SUM(A1:A3) carries no literal: nothing extra is scanned for it."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in range(1, 4):
        sheet.cell(row, 1, row)
    sheet["A4"] = "=SUM(A1:A3)"
    buffer = io.BytesIO()
    book.save(buffer)
    parts = list(extract(Item.from_bytes(buffer.getvalue(), "sum.xlsx"), Limits()))
    assert not [p for p in parts if isinstance(p, Unscannable)]
    assert [p for p in parts if isinstance(p, Segment) and p.kind == "table"]
    assert not [p for p in parts if isinstance(p, Segment) and "#formulas:" in p.locator]


# --- embedded OLE objects -----------------------------------------------------------------------


def _cfb(stream_name: str, content: bytes) -> bytes:
    """A compound file with one stream, written to [MS-CFB] (version 3, 512-byte sectors). No
    library here writes new compound files (olefile only reads and patches), so this does:
    header, one FAT sector, one directory sector, then the stream in regular sectors (padded
    to the 4,096-byte mini-stream cutoff so that no mini FAT is needed)."""
    import struct

    end, free, fat_sect, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    size = max(len(content), 4096)
    body = content.ljust(size, b"\0")
    body += b"\0" * (-len(body) % 512)
    sectors = len(body) // 512
    assert sectors + 2 <= 128
    fat = [fat_sect, end] + [3 + i for i in range(sectors - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108

    def entry(name: str, kind: int, child: int, start: int, length: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", no_stream, no_stream, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, length)
        )

    empty = b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", no_stream, no_stream, no_stream)
    empty += b"\0" * 36 + struct.pack("<IQ", 0, 0)
    directory = entry("Root Entry", 5, 1, end, 0) + entry(stream_name, 2, no_stream, 2, size) + empty * 2
    return header + struct.pack("<128I", *fat) + directory + body


def _packager(name: str, payload: bytes) -> bytes:
    """The Ole10Native stream Windows' Packager writes for Insert > Object > Create from file."""
    import struct

    path = f"C:\\Users\\user\\Desktop\\{name}".encode("cp932") + b"\0"
    body = struct.pack("<H", 2) + name.encode("cp932") + b"\0" + path + struct.pack("<I", 0x00030000)
    body += struct.pack("<I", len(path)) + path + struct.pack("<I", len(payload)) + payload
    return struct.pack("<I", len(body)) + body


def test_packaged_file_inside_an_ole_object(settings) -> None:
    """A CSV packaged into oleObject1.bin (Ole10Native) shows as an icon in Word; a double
    click opens it. Before, the object was 'an OLE file of an unknown kind'."""
    import olefile
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    csv = f"氏名,電話\n山田太郎,{PHONE}\n".encode("cp932")
    ole = _cfb("\x01Ole10Native", _packager("顧客.csv", csv))
    with olefile.OleFileIO(io.BytesIO(ole)) as check:
        assert check.listdir() == [["\x01Ole10Native"]]
    doc = _docx()
    part = Part(
        PackURI("/word/embeddings/oleObject1.bin"),
        "application/vnd.openxmlformats-officedocument.oleObject",
        ole,
        doc.part.package,
    )
    doc.part.relate_to(part, RT.OLE_OBJECT)
    data = _save(doc)
    _assert_found(settings, data, "ole.docx")
    parts = list(extract(Item.from_bytes(data, "ole.docx"), Limits()))
    assert any(isinstance(p, Segment) and p.locator.endswith("oleObject1.bin/顧客.csv") for p in parts)


def _with_picture(partname: str, content_type: str, blob: bytes) -> bytes:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    doc = _docx()
    part = Part(PackURI(partname), content_type, blob, doc.part.package)
    doc.part.relate_to(part, RT.IMAGE)
    return _save(doc)


@pytest.mark.parametrize("prefix", [b"", b"GIF89a,"])
def test_text_in_a_picture_part(settings, prefix: bytes) -> None:
    """A customer list stored as word/media/image1.png (or behind a GIF signature) is text."""
    csv = prefix + f"氏名,電話\n山田太郎,{PHONE}\n佐藤花子,080-2222-3333\n".encode()
    _assert_found(settings, _with_picture("/word/media/image1.png", "image/png", csv), "picture.docx")


def test_real_pictures_add_nothing(settings) -> None:
    from docx.shared import Inches
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(picture, "PNG")
    doc = _docx("ご案内")
    doc.add_picture(io.BytesIO(picture.getvalue()), width=Inches(1))  # type: ignore[attr-defined]
    verdict = _verdict(settings, _save(doc), "picture.docx")
    assert verdict.action is Action.ALLOW and not verdict.unscannable


def _emf(runs: list[tuple[int, int, str]]) -> bytes:
    """An Enhanced Metafile that draws ``runs`` (x, y, text) with EMR_EXTTEXTOUTW records, as
    Excel's Copy as Picture does ([MS-EMF]; no library here writes EMF)."""
    import struct

    records = []
    for x, y, text in runs:
        encoded = text.encode("utf-16-le")
        encoded += b"\0" * (-len(encoded) % 4)
        dx = struct.pack(f"<{len(text)}i", *([10] * len(text)))
        size = 76 + len(encoded) + len(dx)
        record = struct.pack("<II4iIff", 84, size, 0, 0, 1000, 1000, 1, 1.0, 1.0)
        record += struct.pack("<iiIII4iI", x, y, len(text), 76, 0, 0, 0, 1000, 1000, 76 + len(encoded))
        records.append(record + encoded + dx)
    eof = struct.pack("<IIIII", 14, 20, 0, 16, 20)
    body = b"".join(records) + eof
    total = 88 + len(body)
    header = struct.pack("<II4i4i", 1, 88, 0, 0, 1000, 1000, 0, 0, 26458, 26458)
    header += struct.pack(
        "<IIIIHHIIIiiii", 0x464D4520, 0x10000, total, len(records) + 2, 1, 0, 0, 0, 0, 1024, 768, 320, 240
    )
    return header + body


def test_text_drawn_by_a_pasted_picture(settings) -> None:
    """A range pasted as a picture (EMF): the reader sees the names and numbers it draws."""
    from PIL import Image

    emf = _emf([(0, 0, "山田太郎"), (100, 0, "携帯 090-1234-"), (220, 0, "5678"), (0, 40, "佐藤花子")])
    assert Image.open(io.BytesIO(emf)).format == "WMF"  # Pillow reads it as a metafile (EMF)
    _assert_found(settings, _with_picture("/word/media/image1.emf", "image/x-emf", emf), "emf.docx")


@pytest.mark.parametrize("chunk", [1_048_576, 4096, 777])
def test_formula_with_a_namespace_prefix_anywhere_in_a_long_sheet(settings, monkeypatch, chunk: int) -> None:
    """The formula pass streams the sheet: a formula across a chunk boundary, written with a
    namespace prefix (<x:f>, as some generators do), is still read."""
    from dlp.extract import formulas

    def fill(book: object, sheet: object) -> None:
        for row in range(1, 3000):
            sheet.cell(row, 1, f"備考 {row}")  # type: ignore[attr-defined]
        sheet["B1500"] = '="携帯 090-1234-"&"5678"'  # type: ignore[index]

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    def edit(name: str, blob: bytes) -> tuple[str, bytes]:
        if name == "xl/worksheets/sheet1.xml":
            blob = blob.replace(b"<f>", f'<x:f xmlns:x="{main}">'.encode()).replace(b"</f>", b"</x:f>")
        return name, blob

    data = _rewrite(_xlsx(fill), edit)
    assert b"<x:f " in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    monkeypatch.setattr(formulas, "CHUNK", chunk)
    _assert_found(settings, data, "prefixed.xlsx")


def test_text_in_a_part_typed_as_formatting(settings) -> None:
    """A customer list in word/fontTable.xml: Word ignores it, unzip shows it."""
    csv = f"氏名,電話\n山田太郎,{PHONE}\n".encode()
    data = _rewrite(_save(_docx()), lambda name, blob: (name, csv if name == "word/fontTable.xml" else blob))
    _assert_found(settings, data, "fonttable.docx")


def test_two_parts_with_one_name_are_not_allowed(settings) -> None:
    """zipfile reads the last of two word/document.xml entries; the first would go unseen."""
    import warnings

    data = _save(_docx(LINE))
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        first = src.read("word/document.xml")
    out = io.BytesIO(data)
    with warnings.catch_warnings(), zipfile.ZipFile(out, "a") as zf:
        warnings.simplefilter("ignore")
        zf.writestr("word/document.xml", first.replace(LINE.encode(), "ご案内".encode()))
    verdict = _verdict(settings, out.getvalue(), "twice.docx")
    assert "corrupt" in {u.reason.value for u in verdict.unscannable}
    assert verdict.action is not Action.ALLOW


def test_xlsx_shared_strings_at_a_renamed_part(settings) -> None:
    """calamine looks for xl/sharedStrings.xml by name and failed on a renamed one."""
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as book:
        book.add_worksheet("S").write("A1", LINE)

    def edit(name: str, blob: bytes) -> tuple[str, bytes]:
        if name == "xl/sharedStrings.xml":
            return "xl/strings/s.xml", blob
        if name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
            return name, blob.replace(b"sharedStrings.xml", b"strings/s.xml")
        return name, blob

    _assert_found(settings, _rewrite(buffer.getvalue(), edit), "strings.xlsx")


@pytest.mark.parametrize("number_format", ["000-0000-0000", '"0"00-0000-0000', "000\\-0000\\-0000"])
def test_xlsx_number_shown_through_a_digit_format(settings, number_format: str) -> None:
    """A phone typed as a number (9012345678) that Excel shows as 090-1234-5678."""

    def fill(book: object, sheet: object) -> None:
        sheet["A2"] = "携帯"  # type: ignore[index]
        sheet["B2"] = 9012345678  # type: ignore[index]
        sheet["B2"].number_format = number_format  # type: ignore[index]

    _assert_found(settings, _xlsx(fill), "formatted.xlsx")


def test_alt_text_of_pictures_and_shapes(settings) -> None:
    """Alt text is shown by the Alt Text pane and read aloud by screen readers."""
    from docx.shared import Inches
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(picture, "PNG")
    doc = _docx()
    shape = doc.add_picture(io.BytesIO(picture.getvalue()), width=Inches(1))  # type: ignore[attr-defined]
    shape._inline.docPr.set("descr", LINE)
    _assert_found(settings, _save(doc), "alt.docx")

    prs = _pptx()
    box = prs.slides.add_slide(prs.slide_layouts[6]).shapes.add_textbox(0, 0, 100, 100)
    box._element.nvSpPr.cNvPr.set("title", "連絡先")
    box._element.nvSpPr.cNvPr.set("descr", LINE)
    buffer = io.BytesIO()
    prs.save(buffer)
    _assert_found(settings, buffer.getvalue(), "alt.pptx")
