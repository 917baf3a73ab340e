# ruff: noqa: E501  (documents as the applications write them, long lines included)
"""Documents an application renders from markup: SVG, flat ODF (.fodt/.fods), Word 2003 XML
and RTF (issue 9, item 7). Each file is written the way the application writes it, with the
value split over runs (a tspan, a styled span, a Word run, an RTF group) or written as escapes,
and must be found as the application shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlp.extract import extract
from dlp.extract.limits import Limits
from dlp.extract.markup import render_markup_parts
from dlp.extract.rtf import extract_rtf
from dlp.model import Action, Item, Segment, Unscannable
from dlp.pipeline import scan_item

SVG = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="600" height="200"
     viewBox="0 0 600 200" version="1.1">
  <title>名刺</title>
  <rect x="0" y="0" width="600" height="200" fill="#fff"/>
  <text x="20" y="60" font-family="IPAexGothic" font-size="20">
    <tspan x="20" y="60">携帯</tspan>
    <tspan x="80" y="60">090-12</tspan>
    <tspan x="152" y="60">34-5678</tspan>
  </text>
  <text x="20" y="120">個人番号 <tspan>1234 56</tspan><tspan font-weight="bold">78 9018</tspan></text>
</svg>
"""

FODT = """<?xml version="1.0" encoding="UTF-8"?>

<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta><meta:generator>LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/e19e193f88cd6c0525a17fb7a176ed8e6a3e2aa1</meta:generator></office:meta>
 <office:font-face-decls>
  <style:font-face style:name="IPAexGothic" svg:font-family="IPAexGothic" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"/>
 </office:font-face-decls>
 <office:automatic-styles>
  <style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
  <style:style style:name="T2" style:family="text"><style:text-properties fo:color="#c9211e"/></style:style>
 </office:automatic-styles>
 <office:body>
  <office:text>
   <text:p text:style-name="Standard">顧客連絡先</text:p>
   <text:p text:style-name="Standard">携帯<text:s/><text:span text:style-name="T1">090-12</text:span><text:span text:style-name="T2">34</text:span>-5678</text:p>
   <text:p text:style-name="Standard">マイナンバー<text:s/>1234<text:s/><text:span text:style-name="T1">5678</text:span><text:s/>90<text:bookmark text:name="x"/>18</text:p>
  </office:text>
 </office:body>
</office:document>
"""

FODS = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 <office:body>
  <office:spreadsheet>
   <table:table table:name="顧客">
    <table:table-row>
     <table:table-cell office:value-type="string"><text:p>氏名</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>携帯</text:p></table:table-cell>
    </table:table-row>
    <table:table-row>
     <table:table-cell office:value-type="string"><text:p>山田 太郎</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>090-<text:span text:style-name="T1">1234</text:span>-5678</text:p></table:table-cell>
    </table:table-row>
   </table:table>
  </office:spreadsheet>
 </office:body>
</office:document>
"""

WORD2003 = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<?mso-application progid="Word.Document"?>
<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"
 xmlns:wx="http://schemas.microsoft.com/office/word/2003/auxHint"
 xmlns:o="urn:schemas-microsoft-com:office:office" w:macrosPresent="no" w:embeddedObjPresent="no" w:ocxPresent="no"
 xml:space="preserve">
 <o:DocumentProperties><o:Author>sales</o:Author></o:DocumentProperties>
 <w:body>
  <wx:sect>
   <w:p><w:r><w:rPr><w:rFonts w:hint="fareast"/></w:rPr><w:t>携帯 090-12</w:t></w:r>
    <w:proofErr w:type="spellStart"/>
    <w:r><w:rPr><w:b/></w:rPr><w:t>34</w:t></w:r>
    <w:r><w:t>-5678</w:t></w:r></w:p>
   <w:p><w:r><w:t>個人番号 1234</w:t></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>
    <w:r><w:rPr><w:i/></w:rPr><w:t>5678 90</w:t></w:r><w:r><w:t>18</w:t></w:r></w:p>
   <w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>
  </wx:sect>
 </w:body>
</w:wordDocument>
"""

# What Word (Japanese) writes: code page 932, a Japanese font, text as \'xx escapes of CP932
# bytes, full-width digits, formatting groups splitting the number, \u escapes whose
# fallback is \uc bytes long.
RTF = (
    r"{\rtf1\adeflang1025\ansi\ansicpg932\uc1\adeff31507\deff0\stshfdbch31505\deflang1033\deflangfe1041"
    r"{\fonttbl{\f0\fbidi \froman\fcharset0\fprq2 Times New Roman;}"
    r"{\f1\fbidi \fmodern\fcharset128\fprq1 \'82\'6c\'82\'72 \'96\'be\'92\'a9;}}"
    r"{\*\generator Microsoft Word 16.0;}"
    r"{\info{\author sales}}"
    "\r\n"
    r"\pard\plain \f1\fs21\lang1041 \'8c\'67\'91\'d1\'81\'46\'82\'4f\'82\'58\'82\'4f-{\b \'82\'50\'82\'51}"
    r"\'82\'52\'82\'53-5678\par"
    "\r\n"
    r"\pard {\uc2\u20491\'8c\'c2\u20154\'90\'6c\u30058\'94\'d4\u21495\'8d\'86} 1234 {\i 5678} 90\u49\'31\u56\'38\par}"
)


def _verdict(tmp_path: Path, name: str, data: bytes, settings):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(data)
    return scan_item(Item.from_path(path), settings)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("card.svg", SVG.encode("utf-8")),
        ("customers.fodt", FODT.encode("utf-8")),
        ("customers_sjis.fodt", FODT.replace('encoding="UTF-8"', 'encoding="Shift_JIS"').encode("cp932")),
        ("customers.xml", WORD2003.encode("utf-8")),
        ("customers.doc", WORD2003.encode("utf-8")),
        ("letter.rtf", RTF.encode("ascii")),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_split_runs_are_read_as_shown(tmp_path: Path, settings, name: str, data: bytes) -> None:
    verdict = _verdict(tmp_path, name, data, settings)
    assert "PHONE" in verdict.counts, f"{name}: phone split over runs not found"
    assert "MY_NUMBER" in verdict.counts, f"{name}: My Number split over runs not found"
    assert verdict.action is Action.BLOCK


def test_flat_spreadsheet_cell_with_runs(tmp_path: Path, settings) -> None:
    verdict = _verdict(tmp_path, "customers.fods", FODS.encode("utf-8"), settings)
    assert "PHONE" in verdict.counts
    assert verdict.action >= Action.WARN


def test_rendered_text_joins_runs_and_keeps_paragraphs_apart() -> None:
    (text,), dialect, _ = render_markup_parts(WORD2003.encode("utf-8"))
    assert dialect == "word2003"
    assert "携帯 090-1234-5678" in text.splitlines()
    assert "個人番号 1234 5678 9018" in text.splitlines()
    texts, dialect, _ = render_markup_parts(SVG.encode("utf-8"))
    assert dialect == "svg"
    assert "携帯090-1234-5678" in texts[0]  # tspans placed one by one
    assert "携帯 090-12 34-5678" in texts[1]  # or flowing, with the whitespace between them shown
    (text,), _, _ = render_markup_parts(FODS.encode("utf-8"))
    assert "山田 太郎\t090-1234-5678" in text


def test_space_between_runs_keeps_two_numbers_apart(tmp_path: Path, settings) -> None:
    """A space between two styled runs is a space in ODF (and in flowing SVG): joining the runs
    must not glue two numbers into one long digit string that matches neither."""
    fodt = FODT.replace(
        '<text:p text:style-name="Standard">顧客連絡先</text:p>',
        '<text:p text:style-name="Standard">連絡先 <text:span text:style-name="T1">03-1111-2222</text:span> '
        '<text:span text:style-name="T2">090-8765-4321</text:span></text:p>',
    )
    parts = list(extract(Item.from_bytes(fodt.encode(), "two.fodt"), Limits()))
    rendered = [p.text for p in parts if isinstance(p, Segment) and p.locator.endswith("#odf")]
    assert rendered and "03-1111-2222 090-8765-4321" in rendered[0]
    svg = SVG.replace('<tspan x="20" y="60">携帯</tspan>', "<tspan>03-1111-2222</tspan> <tspan>携帯</tspan>")
    texts, _, _ = render_markup_parts(svg.encode())
    assert any("03-1111-2222 携帯" in t for t in texts)
    verdict = _verdict(tmp_path, "two.svg", svg.encode(), settings)
    assert verdict.counts["PHONE"].distinct == 2


def test_rtf_escapes_in_code_page_932() -> None:
    parts = list(extract_rtf(Item.from_bytes(RTF.encode("ascii"), "letter.rtf"), _budget()))
    text = "\n".join(p.text for p in parts if isinstance(p, Segment))
    assert "携帯：０９０-１２３４-5678" in text
    assert "個人番号 1234 5678 9018" in text


def test_entities_in_svg_are_an_unscannable_reason(tmp_path: Path, settings) -> None:
    """defusedxml refuses entity declarations: the item is held, and the raw text still scanned."""
    svg = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY tel "090-1234-5678">]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>携帯 &tel;</text></svg>\n'
    )
    verdict = _verdict(tmp_path, "entity.svg", svg.encode(), settings)
    assert "unsupported" in {u.reason.value for u in verdict.unscannable}
    assert verdict.action >= Action.QUARANTINE


def test_external_entity_is_never_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("携帯 090-1234-5678", encoding="utf-8")
    svg = (
        f'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>\n'
    )
    parts = list(extract(Item.from_bytes(svg.encode(), "xxe.svg"), Limits()))
    assert not any(isinstance(p, Segment) and "1234" in p.text for p in parts)
    assert any(isinstance(p, Unscannable) for p in parts)


def test_plain_documents_stay_allowed(tmp_path: Path, settings) -> None:
    clean = FODT.replace("090-12", "お世話").replace("34</text:span>-5678", "に</text:span>なります")
    clean = clean.replace("1234", "一").replace("5678", "二").replace("90<", "三<").replace(">18<", ">四<")
    assert _verdict(tmp_path, "clean.fodt", clean.encode(), settings).action is Action.ALLOW


def _budget():  # type: ignore[no-untyped-def]
    from dlp.extract.limits import Budget

    return Budget(Limits())


def test_rtf_with_an_embedded_workbook_object(tmp_path: Path, settings) -> None:
    """An Excel sheet embedded in a Word letter saved as RTF: \\objdata hex holding the package."""
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("顧客")
    sheet.write_row(0, 0, ["氏名", "マイナンバー"])
    sheet.write_row(1, 0, ["山田 太郎", "1234 5678 9018"])
    workbook.close()
    ole1 = b"\x01\x05\x00\x00\x02\x00\x00\x00\x0d\x00\x00\x00Excel.Sheet.12\x00" + b"\x00" * 8
    payload = (ole1 + buffer.getvalue()).hex()
    lines = "\r\n".join(payload[i : i + 128] for i in range(0, len(payload), 128))
    rtf = (
        r"{\rtf1\ansi\ansicpg932\deff0 \pard \'8c\'da\'8b\'71\'88\'ea\'97\'97\par "
        r"{\object\objemb\objw2000\objh1000{\*\objclass Excel.Sheet.12}{\*\objdata " + lines + r"}}\par}"
    )
    verdict = _verdict(tmp_path, "letter_with_sheet.rtf", rtf.encode("ascii"), settings)
    assert "MY_NUMBER" in verdict.counts
    assert verdict.action is Action.BLOCK


def _workbook_with_my_number() -> bytes:
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("顧客")
    sheet.write_row(0, 0, ["氏名", "マイナンバー"])
    sheet.write_row(1, 0, ["山田 太郎", "1234 5678 9018"])
    workbook.close()
    return buffer.getvalue()


# Word 2007+ "Word XML Document (*.xml)": the package flattened into one XML file.
FLAT_OPC = """<?xml version="1.0" standalone="yes"?>
<?mso-application progid="Word.Document"?>
<pkg:package xmlns:pkg="http://schemas.microsoft.com/office/2006/xmlPackage">
 <pkg:part pkg:name="/_rels/.rels" pkg:contentType="application/vnd.openxmlformats-package.relationships+xml" pkg:padding="512">
  <pkg:xmlData><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships></pkg:xmlData>
 </pkg:part>
 <pkg:part pkg:name="/word/document.xml" pkg:contentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml">
  <pkg:xmlData>
   <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
    <w:p><w:r><w:t xml:space="preserve">携帯 090-</w:t></w:r><w:proofErr w:type="gramStart"/><w:r><w:rPr><w:b/></w:rPr><w:t>1234</w:t></w:r><w:r><w:t>-5678</w:t></w:r></w:p>
   </w:body></w:document>
  </pkg:xmlData>
 </pkg:part>
 <pkg:part pkg:name="/word/embeddings/Microsoft_Excel_Worksheet.xlsx" pkg:contentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" pkg:compression="store">
  <pkg:binaryData>BINARY</pkg:binaryData>
 </pkg:part>
</pkg:package>
"""


def test_word_xml_document_with_split_runs_and_an_embedded_sheet(tmp_path: Path, settings) -> None:
    import base64

    blob = base64.encodebytes(_workbook_with_my_number()).decode("ascii")
    verdict = _verdict(tmp_path, "letter.xml", FLAT_OPC.replace("BINARY", blob).encode("utf-8"), settings)
    assert "PHONE" in verdict.counts
    assert "MY_NUMBER" in verdict.counts  # from the embedded workbook
    assert verdict.action is Action.BLOCK


def test_word2003_bindata_holding_a_workbook(tmp_path: Path, settings) -> None:
    import base64

    blob = base64.encodebytes(_workbook_with_my_number()).decode("ascii")
    doc = (
        WORD2003.replace(
            "<w:sectPr>",
            f'<w:p><w:r><w:pict><w:binData w:name="wordml://oledata.mso">{blob}</w:binData></w:pict></w:r></w:p><w:sectPr>',
        )
        .replace("携帯 090-12", "連絡先")
        .replace(">34<", "><")
        .replace("個人番号 1234", "")
    )
    verdict = _verdict(tmp_path, "letter2003.xml", doc.encode("utf-8"), settings)
    assert "MY_NUMBER" in verdict.counts
    assert verdict.action is Action.BLOCK


def test_svg_foreign_object_with_xhtml_spans(tmp_path: Path, settings) -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60"><foreignObject width="300" height="60">'
        '<div xmlns="http://www.w3.org/1999/xhtml">携帯 <span>090-12</span><b>34-5678</b></div>'
        "</foreignObject></svg>\n"
    )
    verdict = _verdict(tmp_path, "label.svg", svg.encode(), settings)
    assert "PHONE" in verdict.counts
