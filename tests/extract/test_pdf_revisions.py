"""PDF bytes a viewer does not show but that leave with the file: an earlier revision under an
incremental update (truncate at its %%EOF and it opens again; tail -c, or any PDF tool that
lists revisions, shows it), text after the last %%EOF, and text before the %PDF header
(viewers skip up to 1,024 bytes). Each held a customer list that went out as allow.

The PDFs are written by reportlab; the incremental update is written by pypdf
(``PdfWriter(incremental=True)``), as an editor appends one."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from dlp.model import Action, Item
from dlp.pipeline import scan_item

MY_NUMBER = "3470-1288-4109"  # valid check digit, not a real person's
LIST = f"氏名,個人番号\n山田 花子,{MY_NUMBER}\n".encode()


def _pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    c.setFont("Helvetica", 12)
    c.drawString(72, 760, text)
    c.showPage()
    c.save()
    return buffer.getvalue()


def _page_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return document[0].get_textpage().get_text_range()
    finally:
        document.close()


def test_text_replaced_by_an_incremental_update_is_read(settings) -> None:
    original = _pdf(f"My Number {MY_NUMBER}")
    writer = PdfWriter(io.BytesIO(original), incremental=True)
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf 72 760 Td (Quarterly report) Tj ET")
    writer.pages[0][NameObject("/Contents")] = writer._add_object(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    assert data.startswith(original)  # the first revision is still there, whole
    assert MY_NUMBER not in _page_text(data)  # the viewer shows the new page
    assert MY_NUMBER in _page_text(original)  # cut at the first %%EOF, the old one opens
    verdict = scan_item(Item.from_bytes(data, "report.pdf"), settings)
    assert "MY_NUMBER" in verdict.counts
    assert verdict.action is Action.BLOCK


def test_text_after_the_last_eof_is_read(settings) -> None:
    data = _pdf("Quarterly report") + b"\n" + LIST
    assert MY_NUMBER not in _page_text(data)
    verdict = scan_item(Item.from_bytes(data, "report.pdf"), settings)
    assert verdict.action is Action.BLOCK


def test_text_before_the_header_is_read(settings) -> None:
    data = LIST + _pdf("Quarterly report")
    assert MY_NUMBER not in _page_text(data)
    verdict = scan_item(Item.from_bytes(data, "report.pdf"), settings)
    assert verdict.action is Action.BLOCK


def test_plain_pdf_stays_allowed(settings) -> None:
    verdict = scan_item(Item.from_bytes(_pdf("Quarterly report") + b"\n", "report.pdf"), settings)
    assert verdict.action is Action.ALLOW
    assert not verdict.unscannable


def _raw_pdf(content: bytes) -> bytes:
    """A one-page PDF written by hand (no library writes marked content with /ActualText)."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        font,
    ]
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def test_actual_text_does_not_hide_the_drawn_glyphs(settings) -> None:
    """Marked content with /ActualText (Report) around glyphs that draw the My Number: a viewer
    shows the number, PDFium's text layer says "Report". The glyphs are read too."""
    data = _raw_pdf(b"/Span << /ActualText (Report) >> BDC BT /F1 12 Tf 72 700 Td (My Number 3470-1288-4109) Tj ET EMC")
    assert MY_NUMBER not in _page_text(data)
    verdict = scan_item(Item.from_bytes(data, "report.pdf"), settings)
    assert "MY_NUMBER" in verdict.counts
    assert verdict.action is Action.BLOCK


def test_a_hidden_annotation_appearance_is_read(settings) -> None:
    """A FreeText annotation flagged Hidden (/F 2) whose appearance draws the My Number: a viewer
    does not paint it, but one click in an editor (or a script) shows it, and it leaves with the
    file. Its appearance is read like any other."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    appearance = b"BT /F1 12 Tf 0 5 Td (My Number 3470-1288-4109) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Annots [5 0 R]"
        b" /Resources << /Font << /F1 6 0 R >> >> >>",
        b"<< /Length 37 >>\nstream\nBT /F1 12 Tf 72 700 Td (Report) Tj ET\nendstream",
        b"<< /Type /Annot /Subtype /FreeText /Rect [72 600 372 620] /F 2 /AP << /N 7 0 R >> >>",
        font,
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 300 20] /Resources << /Font << /F1 6 0 R >> >>"
        b" /Length %d >>\nstream\n" % len(appearance) + appearance + b"\nendstream",
    ]
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    verdict = scan_item(Item.from_bytes(out, "report.pdf"), settings)
    assert "MY_NUMBER" in verdict.counts
    assert verdict.action is Action.BLOCK
