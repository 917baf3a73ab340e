"""PDF content a viewer shows but page text does not carry (issue 9, item 4).

Every hostile file is made the way an attacker would make it: reportlab writes an ordinary PDF
(or a form), pypdf adds annotations, outlines, labels, attachments and raw objects (ToUnicode
streams, XFA packets, XMP), and a Type3 font is written as raw PDF bytes because no library
here writes one. The value only lives in the hidden place; the visible page says nothing.
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from dlp.extract import extract
from dlp.extract.limits import Limits
from dlp.model import Action, Item, Segment
from dlp.pipeline import scan_item

MY_NUMBER = "398259791905"  # fake, with a valid check digit (tests/fakes.py FakeJP(3))
SECRET = f"My Number {MY_NUMBER}"


def _cover(text: str = "Quarterly report. Nothing personal here.") -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    c.setFont("Helvetica", 12)
    c.drawString(72, 760, text)
    c.showPage()
    c.save()
    return buffer.getvalue()


def _writer(data: bytes | None = None) -> PdfWriter:
    return PdfWriter(clone_from=PdfReader(io.BytesIO(data or _cover())))


def _bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _verdict(settings, data: bytes, name: str = "hostile.pdf"):
    return scan_item(Item.from_bytes(data, name), settings)


def _helvetica() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )


def _appearance(writer: PdfWriter, text: str, width: float = 300, height: float = 20) -> object:
    """A Form XObject that draws ``text`` in Helvetica: what a viewer paints for the annotation."""
    stream = DecodedStreamObject()
    stream.set_data(f"BT /Helv 11 Tf 2 5 Td ({text}) Tj ET".encode("latin-1"))
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)]),
            NameObject("/Resources"): DictionaryObject(
                {NameObject("/Font"): DictionaryObject({NameObject("/Helv"): writer._add_object(_helvetica())})}
            ),
        }
    )
    return writer._add_object(stream)


def _annotation(writer: PdfWriter, subtype: str, contents: str, text: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): ArrayObject([FloatObject(72), FloatObject(600), FloatObject(372), FloatObject(620)]),
            NameObject("/F"): NumberObject(4),  # Print
            NameObject("/Contents"): TextStringObject(contents),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): _appearance(writer, text)}),
        }
    )


def _rendered_differs(data: bytes, other: bytes) -> bool:
    """The page a viewer paints is not the same as the page without the hostile part."""
    images = []
    for blob in (data, other):
        document = pdfium.PdfDocument(blob)
        images.append(document[0].render(scale=0.5, may_draw_forms=True).to_pil().tobytes())
        document.close()
    return images[0] != images[1]


# --- annotation and form-field appearance streams ---------------------------------------------


@pytest.mark.parametrize("subtype", ["/FreeText", "/Stamp", "/Square"])
def test_text_only_in_annotation_appearance_is_scanned(settings, subtype: str) -> None:
    """/Contents says something harmless (or nothing); the appearance a viewer paints says more."""
    writer = _writer()
    writer.add_annotation(0, _annotation(writer, subtype, "" if subtype == "/FreeText" else "Approved", SECRET))
    data = _bytes(writer)
    assert _rendered_differs(data, _cover())
    verdict = _verdict(settings, data)
    assert "MY_NUMBER" in verdict.counts
    assert verdict.action is Action.BLOCK


def _form(value: str) -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    c.setFont("Helvetica", 12)
    c.drawString(72, 760, "Application form")
    c.acroForm.textfield(name="member", value=value, x=72, y=700, width=300, height=20, fontName="Helvetica")
    c.showPage()
    c.save()
    return buffer.getvalue()


def test_widget_appearance_without_value_is_scanned(settings) -> None:
    """The field's /V was removed: only its appearance stream still shows the number."""
    writer = _writer(_form(SECRET))
    for field in writer._root_object["/AcroForm"]["/Fields"]:
        field.get_object().pop("/V", None)
    data = _bytes(writer)
    assert not PdfReader(io.BytesIO(data)).get_fields()["member"].get("/V")
    verdict = _verdict(settings, data)
    assert "MY_NUMBER" in verdict.counts
    assert verdict.action is Action.BLOCK


def test_field_only_in_acroform_fields_is_scanned(settings) -> None:
    """The widget is taken off the page's /Annots; the field's value stays in /AcroForm /Fields."""
    writer = _writer(_form(SECRET))
    writer.pages[0].pop("/Annots", None)
    data = _bytes(writer)
    verdict = _verdict(settings, data)
    assert "MY_NUMBER" in verdict.counts


def test_cyclic_field_tree_ends(settings) -> None:
    """A field whose /Kids contains itself must neither hang the walk nor hide the value."""
    writer = _writer(_form(SECRET))
    field = writer._root_object["/AcroForm"]["/Fields"][0]
    field.get_object()[NameObject("/Kids")] = ArrayObject([field])
    verdict = _verdict(settings, _bytes(writer))
    assert "MY_NUMBER" in verdict.counts


def test_xfa_datasets_are_scanned(settings) -> None:
    """An XFA form keeps its data in XML packets under /AcroForm /XFA; XFA viewers show it."""
    writer = _writer(_form("x"))
    packets = ArrayObject()
    for name, xml in (
        ("template", '<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/"><subform name="f"/></template>'),
        (
            "datasets",
            '<xfa:datasets xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/"><xfa:data>'
            f"<f><member>{SECRET}</member></f></xfa:data></xfa:datasets>",
        ),
    ):
        stream = DecodedStreamObject()
        stream.set_data(xml.encode())
        packets += [TextStringObject(name), writer._add_object(stream)]
    writer._root_object["/AcroForm"][NameObject("/XFA")] = packets
    verdict = _verdict(settings, _bytes(writer))
    assert "MY_NUMBER" in verdict.counts
    assert verdict.action is Action.BLOCK


# --- outlines, metadata, labels, names --------------------------------------------------------


def test_outline_titles_are_scanned(settings) -> None:
    writer = _writer()
    parent = writer.add_outline_item(title="Chapter 1", page_number=0)
    writer.add_outline_item(title=SECRET, page_number=0, parent=parent)
    verdict = _verdict(settings, _bytes(writer))
    assert "MY_NUMBER" in verdict.counts


def test_cyclic_outline_ends(settings) -> None:
    """An outline whose /Next points back at itself must neither hang nor hide the title."""
    writer = _writer()
    item = writer.add_outline_item(title=SECRET, page_number=0)
    item.get_object()[NameObject("/Next")] = item
    verdict = _verdict(settings, _bytes(writer))
    assert "MY_NUMBER" in verdict.counts


def test_custom_info_entry_is_scanned(settings) -> None:
    """Document Properties > Custom in Acrobat lists every /Info key, not only Title/Author."""
    writer = _writer()
    writer.add_metadata({"/Customer": SECRET})
    verdict = _verdict(settings, _bytes(writer))
    assert "MY_NUMBER" in verdict.counts


def test_xmp_metadata_is_scanned(settings) -> None:
    writer = _writer()
    stream = DecodedStreamObject()
    stream.set_data(
        (
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description><rdf:Alt>'
            f'<rdf:li xml:lang="x-default">{SECRET}</rdf:li></rdf:Alt></dc:description></rdf:Description>'
            "</rdf:RDF></x:xmpmeta>"
        ).encode()
    )
    stream.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
    verdict = _verdict(settings, _bytes(writer))
    assert "MY_NUMBER" in verdict.counts


def test_page_label_is_scanned(settings) -> None:
    """A viewer's page box shows the label instead of the page number."""
    writer = _writer()
    writer.set_page_label(0, 0, prefix=SECRET)
    verdict = _verdict(settings, _bytes(writer))
    assert "MY_NUMBER" in verdict.counts


def test_named_destination_is_scanned(settings) -> None:
    """Acrobat's Destinations panel lists the names of named destinations."""
    writer = _writer()
    writer.add_named_destination(SECRET, 0)
    verdict = _verdict(settings, _bytes(writer))
    assert "MY_NUMBER" in verdict.counts


def test_javascript_that_fills_a_field_is_scanned(settings) -> None:
    """Acrobat runs the document-open script and shows the value it writes into a field."""
    from pypdf.actions import JavaScript

    writer = _writer(_form(""))
    writer.add_open_action(JavaScript(f'this.getField("member").value = "{SECRET}";'))
    verdict = _verdict(settings, _bytes(writer))
    assert "MY_NUMBER" in verdict.counts


# --- file attachments -------------------------------------------------------------------------


def _attachment_annotation(writer: PdfWriter, name: str, payload: bytes) -> DictionaryObject:
    embedded = DecodedStreamObject()
    embedded.set_data(payload)
    embedded[NameObject("/Type")] = NameObject("/EmbeddedFile")
    filespec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject(name),
            NameObject("/UF"): TextStringObject(name),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(embedded)}),
        }
    )
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([FloatObject(72), FloatObject(600), FloatObject(92), FloatObject(620)]),
            NameObject("/FS"): writer._add_object(filespec),
            NameObject("/Contents"): TextStringObject("attachment"),
        }
    )


def test_file_attachment_annotation_is_scanned(settings) -> None:
    """A paper-clip annotation carries its own embedded file, outside the /EmbeddedFiles tree."""
    writer = _writer()
    csv = f"氏名,マイナンバー\n山田 太郎,{MY_NUMBER}\n".encode()
    writer.add_annotation(0, _attachment_annotation(writer, "members.csv", csv))
    data = _bytes(writer)
    assert not PdfReader(io.BytesIO(data)).attachments
    verdict = _verdict(settings, data)
    assert "MY_NUMBER" in verdict.counts
    assert verdict.action is Action.BLOCK


def test_embedded_files_tree_is_still_scanned(settings) -> None:
    writer = _writer()
    writer.add_attachment("members.txt", f"{SECRET}\n".encode())
    verdict = _verdict(settings, _bytes(writer))
    assert "MY_NUMBER" in verdict.counts


@pytest.mark.parametrize("depth", [0, 40])
def test_embedded_file_deep_in_the_name_tree_is_scanned(settings, depth: int) -> None:
    """PDFium lists no attachment below about 32 levels of /Kids; the file is still there."""
    writer = _writer()
    embedded = DecodedStreamObject()
    embedded.set_data(f"{SECRET}\n".encode())
    embedded[NameObject("/Type")] = NameObject("/EmbeddedFile")
    spec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject("members.txt"),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(embedded)}),
        }
    )
    node = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("members.txt"), writer._add_object(spec)])}
    )
    for _ in range(depth):
        node = DictionaryObject({NameObject("/Kids"): ArrayObject([writer._add_object(node)])})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/EmbeddedFiles"): writer._add_object(node)}
    )
    data = _bytes(writer)
    assert pdfium.PdfDocument(data).count_attachments() == (1 if depth == 0 else 0)
    verdict = _verdict(settings, data)
    assert verdict.counts["MY_NUMBER"].distinct == 1
    parts = list(extract(Item.from_bytes(data, "hostile.pdf"), Limits()))
    names = [p.text for p in parts if isinstance(p, Segment) and p.kind == "name"]
    assert names == ["hostile.pdf", "members.txt"]  # the file is read once, not twice


# --- fonts that draw digits but extract as letters -------------------------------------------


def _to_unicode_digits_to_letters(data: bytes) -> bytes:
    """Give the page's Helvetica a ToUnicode CMap that sends the codes of 0-9 to A-J: a viewer
    still draws the digits (WinAnsi glyphs), text extraction returns letters."""
    writer = _writer(data)
    cmap = DecodedStreamObject()
    ranges = "".join(f"<{0x30 + d:02X}> <{0x41 + d:04X}>\n" for d in range(10))
    cmap.set_data(
        (
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <00> <FF> endcodespacerange\n"
            f"10 beginbfchar\n{ranges}endbfchar\n"
            "endcmap CMapName currentdict /CMap defineresource pop end end\n"
        ).encode()
    )
    cmap_ref = writer._add_object(cmap)
    for font in writer.pages[0]["/Resources"]["/Font"].values():
        font.get_object()[NameObject("/ToUnicode")] = cmap_ref
    return _bytes(writer)


def test_to_unicode_sending_digits_to_letters_is_flagged(settings) -> None:
    data = _to_unicode_digits_to_letters(_cover(SECRET))
    text = pdfium.PdfDocument(data)[0].get_textpage().get_text_range()
    assert MY_NUMBER not in text and "DJICFJHJBJAF" in text  # 398259791905 read as letters
    verdict = _verdict(settings, data)
    assert "suspicious_font" in {u.reason.value for u in verdict.unscannable}
    assert verdict.action is Action.QUARANTINE


def test_suspicious_font_is_reported_once_per_font(settings) -> None:
    writer = _writer(_to_unicode_digits_to_letters(_cover(SECRET)))
    for _ in range(5):
        writer.add_page(writer.pages[0])
    verdict = _verdict(settings, _bytes(writer))
    assert [u.reason.value for u in verdict.unscannable] == ["suspicious_font"]


def test_honest_to_unicode_is_not_flagged(settings) -> None:
    """reportlab's embedded TrueType subsets carry a correct ToUnicode: no false alarm."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    c.setFont("DejaVu", 12)
    c.drawString(72, 760, SECRET)
    c.setFont("Helvetica", 12)
    c.drawString(72, 740, "Helvetica 0123456789")
    c.showPage()
    c.save()
    data = buffer.getvalue()
    assert b"/ToUnicode" in data
    verdict = _verdict(settings, data)
    assert not verdict.unscannable
    assert verdict.action is Action.BLOCK


def test_to_unicode_on_a_japanese_cid_font_is_flagged(settings) -> None:
    """A CID font with a Unicode CMap (UniJIS-UCS2-H: the code is the character) given a
    ToUnicode that sends both ASCII and full-width digits to letters."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    c.setFont("HeiseiMin-W3", 12)
    c.drawString(72, 760, f"マイナンバー {MY_NUMBER}")
    c.showPage()
    c.save()
    writer = _writer(buffer.getvalue())
    cmap = DecodedStreamObject()
    cmap.set_data(
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        b"2 beginbfrange\n<0030> <0039> <0041>\n<FF10> <FF19> <0061>\nendbfrange\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end\n"
    )
    cmap_ref = writer._add_object(cmap)
    for font in writer.pages[0]["/Resources"]["/Font"].values():
        if font.get_object()["/Subtype"] == "/Type0":
            font.get_object()[NameObject("/ToUnicode")] = cmap_ref
    data = _bytes(writer)
    text = pdfium.PdfDocument(data)[0].get_textpage().get_text_range()
    assert MY_NUMBER not in text and "DJICFJHJBJAF" in text
    verdict = _verdict(settings, data)
    assert "suspicious_font" in {u.reason.value for u in verdict.unscannable}
    assert verdict.action is Action.QUARANTINE


def _type3_pdf(names: list[str], to_unicode: str | None, first: int = 0x30) -> bytes:
    """A page whose number is drawn by a Type3 font: each glyph is a little content stream.
    Glyph ``names[d]`` draws digit d and sits at code ``first + d``."""
    shown = "".join(chr(first + int(d)) for d in MY_NUMBER)
    differences = " ".join("/" + n for n in names)
    procs = "".join(f"/{n} {10 + i} 0 R " for i, n in enumerate(names))
    objects = {
        1: "<< /Type /Catalog /Pages 2 0 R >>",
        2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R /T3 6 0 R >> >> >>",
        5: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        6: "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 600 700] /FontMatrix [0.001 0 0 0.001 0 0] "
        f"/CharProcs << {procs}>> /Encoding << /Type /Encoding /Differences [{first} {differences}] >> "
        f"/FirstChar {first} /LastChar {first + 9} /Widths [{' '.join(['600'] * 10)}]"
        + (" /ToUnicode 7 0 R" if to_unicode else "")
        + " >>",
    }
    streams = {4: f"BT /F1 12 Tf 72 760 Td (My Number ) Tj /T3 12 Tf ({shown}) Tj ET".encode()}
    if to_unicode:
        streams[7] = to_unicode.encode()
    for i in range(10):
        # a glyph of a digit: a box with i+1 bars, enough for the eye, nothing for a text extractor
        bars = " ".join(f"{50 + 45 * b} 0 30 {700 - 40 * b} re" for b in range(i + 1))
        streams[10 + i] = f"600 0 0 0 600 700 d1 {bars} f".encode()
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted({**objects, **streams}):
        offsets[number] = len(out)
        if number in streams:
            body = streams[number]
            out += f"{number} 0 obj\n<< /Length {len(body)} >>\nstream\n".encode() + body + b"\nendstream\nendobj\n"
        else:
            out += f"{number} 0 obj\n{objects[number]}\nendobj\n".encode()
    xref = len(out)
    size = max(offsets) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for number in range(1, size):
        out += f"{offsets[number]:010d} 00000 n \n".encode() if number in offsets else b"0000000000 65535 f \n"
    out += f"trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_type3_font_without_meaningful_names_is_flagged(settings) -> None:
    """Glyphs /g0../g9 at the codes of a..j with no ToUnicode: the viewer draws the number,
    extraction falls back to the codes and yields letters."""
    data = _type3_pdf([f"g{i}" for i in range(10)], None, first=ord("a"))
    text = pdfium.PdfDocument(data)[0].get_textpage().get_text_range()
    assert MY_NUMBER not in text and "djicfjhjbjaf" in text
    verdict = _verdict(settings, data)
    assert "suspicious_font" in {u.reason.value for u in verdict.unscannable}
    assert verdict.action is Action.QUARANTINE


def test_type3_digit_glyphs_mapped_to_letters_are_flagged(settings) -> None:
    names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "1 begincodespacerange <00> <FF> endcodespacerange\n"
        "1 beginbfrange\n<30> <39> <0061>\nendbfrange\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end\n"
    )
    data = _type3_pdf(names, cmap)
    verdict = _verdict(settings, data)
    assert "suspicious_font" in {u.reason.value for u in verdict.unscannable}


def test_type3_with_digit_names_is_read(settings) -> None:
    """matplotlib-style Type3 fonts name their glyphs properly: the digits are extracted."""
    names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    verdict = _verdict(settings, _type3_pdf(names, None))
    assert not verdict.unscannable
    assert "MY_NUMBER" in verdict.counts


# --- scanned pages: images without a text layer --------------------------------------------


def _image_pdf(caption: str = "") -> bytes:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("RGB", (400, 100), "white")
    ImageDraw.Draw(image).text((10, 40), SECRET, fill="black")
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    c.drawString(72, 760, "Quarterly report. Nothing personal here.")
    c.showPage()
    if caption:
        c.drawString(72, 720, caption)
    c.drawImage(ImageReader(image), 72, 600, 400, 100)
    c.showPage()
    c.save()
    return buffer.getvalue()


@pytest.mark.slow  # Tesseract OCR
def test_scanned_page_is_read_by_ocr(settings) -> None:
    """A page that is only a picture (a scan) is rendered at its picture's resolution and
    OCR'd: the My Number in the picture is found on page 2, where it was drawn. (It passed
    without any reason before issue 9, and was no_text until issue 11.)"""
    verdict = _verdict(settings, _image_pdf())
    found = [f for f in verdict.findings if f.type == "MY_NUMBER"]
    assert found and found[0].value == MY_NUMBER and "#page2/ocr@" in found[0].locator
    assert [u.reason.value for u in verdict.unscannable] == ["ocr"]


def test_image_beside_text_is_not_no_text(settings) -> None:
    """A logo or photo next to a real text layer is ordinary: no reason."""
    verdict = _verdict(settings, _image_pdf(caption="Figure 1: the floor plan of the new branch office"))
    assert not verdict.unscannable
