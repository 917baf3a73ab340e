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

from dlp.model import Action, Item
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
