"""XML documents that applications render as text: SVG, flat ODF (.fodt, .fods, .fodp, .fodg),
Word 2003 XML (``<w:wordDocument>``), Excel 2003 XML (``<ss:Workbook>``) and Word 2007+ XML
documents (a flat OPC ``<pkg:package>``). Documents embedded in them as binary parts (an Excel
sheet in a letter) are handed back as child items; pictures are left alone.

Read raw, their text is cut by tags wherever an application starts a new run (a bold digit, a
spell-check mark, a tspan): ``<w:t>090-12</w:t></w:r><w:r><w:t>34-5678</w:t>`` hides a number
that Word shows whole. Here the document is walked in order (a streaming SAX parse through
defusedxml: no DTD entities, no external references) and the runs of one paragraph (``w:p``,
``text:p``, SVG ``text``, a spreadsheet cell) are joined as the application joins them; every
other element boundary is a line break, so adjacent fields never run together. Whitespace-only
text between tags is layout, not content (Word reads only ``w:t``; SVG tspans are often placed
one by one), except inside ``w:t``. The raw XML is scanned as well (attribute values, anything
the rendering misses).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import io
import re
import xml.sax
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax.handler import ContentHandler, feature_namespaces

import defusedxml
import defusedxml.sax

from dlp.extract.decode import decode_bytes
from dlp.extract.limits import Budget
from dlp.model import Item, Segment, Unscannable, UnscannableReason

SVG = "http://www.w3.org/2000/svg"
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
WORD2003 = "http://schemas.microsoft.com/office/word/2003/wordml"
EXCEL2003 = "urn:schemas-microsoft-com:office:spreadsheet"
HTML40 = "http://www.w3.org/TR/REC-html40"
# Word 2007+ "Word XML Document": a flat OPC package holding WordprocessingML/DrawingML parts.
XHTML = "http://www.w3.org/1999/xhtml"  # in SVG <foreignObject>
PKG = "http://schemas.microsoft.com/office/2006/xmlPackage"
W2006 = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A2006 = "http://schemas.openxmlformats.org/drawingml/2006/main"

# Root elements (namespace, local name) that make a document one of ours.
_ROOTS = {
    (SVG, "svg"): "svg",
    (ODF_OFFICE, "document"): "odf",
    (WORD2003, "wordDocument"): "word2003",
    (EXCEL2003, "Workbook"): "excel2003",
    (PKG, "package"): "flat-opc",
}
# Cheap look at the first bytes (UTF-8 or ASCII-compatible): is this worth a parse?
_HEAD_MARKERS = re.compile(rb"<(?:[\w.-]+:)?(?:svg|document|wordDocument|Workbook|package)[\s>/]")
_PARAGRAPHS = {
    (SVG, "text"), (SVG, "title"), (SVG, "desc"),
    (ODF_TEXT, "p"), (ODF_TEXT, "h"),
    (WORD2003, "p"), (W2006, "p"), (A2006, "p"),
    (EXCEL2003, "Data"), (EXCEL2003, "Comment"), (HTML40, "Data"),
}  # fmt: skip
_CELLS = {
    (ODF_TABLE, "table-cell"), (ODF_TABLE, "covered-table-cell"), (WORD2003, "tc"), (W2006, "tc"),
    (A2006, "tc"), (EXCEL2003, "Cell"),
}  # fmt: skip
# XHTML phrasing elements (inside an SVG foreignObject): runs of one line, never a boundary.
_INLINE = {
    (XHTML, tag)
    for tag in ("span", "b", "i", "u", "s", "em", "strong", "a", "font", "small", "big", "sub", "sup", "mark", "code")
}
_TABS = {(ODF_TEXT, "tab"), (WORD2003, "tab"), (W2006, "tab")}
_BREAKS = {(ODF_TEXT, "line-break"), (WORD2003, "br"), (WORD2003, "cr"), (W2006, "br"), (W2006, "cr"), (A2006, "br")}
_PRESERVE = {
    (WORD2003, "t"), (WORD2003, "delText"), (WORD2003, "instrText"),
    (W2006, "t"), (W2006, "delText"), (W2006, "instrText"), (A2006, "t"),
}  # fmt: skip
_SKIP = {(WORD2003, "binData"), (ODF_OFFICE, "binary-data"), (PKG, "binaryData")}  # base64 parts
MAX_RENDERED_CHARS = 50_000_000
_CELL_GAP = re.compile(" *\t *")
# Whitespace-only text between the runs of a paragraph: ODF shows it as a space (LibreOffice
# writes "</text:span> <text:span>" for a space between two styles), Word shows nothing (only
# w:t holds text), SVG either (tspans placed one by one, or flowing): both readings are scanned.
_GAP = "\ufdd0"  # a noncharacter: never in interchanged text
_GAP_AS = {"odf": (" ",), "word2003": ("",), "flat-opc": ("",)}


MAX_BLOBS = 100
MAX_BLOB_CHARS = 140 * 1024 * 1024  # base64 of a 100 MB part
# Where an embedded document starts inside a binary part or an OLE1 object: a compound file,
# a ZIP (OOXML, ODF) or a PDF. Pictures have no text to read and are left alone.
_EMBEDDED_MAGIC = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04", b"%PDF-")


def embedded_document(data: bytes) -> bytes | None:
    """The embedded document inside a binary part (from its signature on), or None."""
    starts = [i for i in (data.find(magic, 0, 4096) for magic in _EMBEDDED_MAGIC) if i >= 0]
    return data[min(starts) :] if starts else None


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(re.sub(r"\s+", "", text) + "==", validate=False)
    except (binascii.Error, ValueError):
        return b""


_MARKER_KINDS = (("svg", "svg"), ("wordDocument", "word2003"), ("Workbook", "excel2003"), ("package", "flat-opc"))


def markup_kind(head: bytes) -> str | None:
    """'svg', 'odf', 'word2003' or 'excel2003' when the first bytes look like one (a hint only:
    the parse decides)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head[:8192].decode("utf-16", "replace").encode("utf-8")
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return None
    m = _HEAD_MARKERS.search(head[:4096])
    if m is None:
        return None
    name = m.group().decode("ascii", "replace")
    for marker, kind in (
        ("svg", "svg"),
        ("wordDocument", "word2003"),
        ("Workbook", "excel2003"),
        ("package", "flat-opc"),
    ):
        if f":{marker}" in name or f"<{marker}" in name:
            return kind
    return "odf"


@dataclass
class _State:
    parts: list[str]
    pending: list[str]
    paragraph: int = 0
    preserve: int = 0
    cell: int = 0  # inside a table cell, paragraphs are separated by a space: a row is one line
    skip: int = 0
    size: int = 0
    root: str | None = None
    blob: list[str] | None = None  # base64 of the binary part being read
    blob_size: int = 0
    blobs: list[bytes] = field(default_factory=list)  # embedded documents (not pictures)


class _Renderer(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.s = _State([], [])

    def _flush(self) -> None:
        s = self.s
        if not s.pending:
            return
        text = "".join(s.pending)
        s.pending.clear()
        if s.preserve or text.strip():
            s.parts.append(text)
            s.size += len(text)
        elif s.paragraph:
            s.parts.append(_GAP)  # layout whitespace between runs: a space or nothing, by dialect
            if s.size > MAX_RENDERED_CHARS:
                raise _TooMuch

    def startElementNS(self, name: tuple[str | None, str], qname: str | None, attrs) -> None:  # type: ignore[no-untyped-def]
        self._flush()
        s = self.s
        key = (name[0] or "", name[1])
        if s.root is None:
            s.root = _ROOTS.get(key, "xml")
        if s.skip or key in _SKIP:
            if not s.skip:
                s.blob, s.blob_size = [], 0
            s.skip += 1
            return
        if key in _PRESERVE:
            s.preserve += 1
        if key == (ODF_TEXT, "s"):
            count = attrs.get((ODF_TEXT, "c"), "1")
            s.parts.append(" " * min(int(count), 100) if count.isdigit() else " ")
        elif key in _TABS:
            s.parts.append("\t")
        elif key in _BREAKS:
            s.parts.append("\n")
        elif key in _PARAGRAPHS:
            s.parts.append(" " if s.cell else "\n")
            s.paragraph += 1
        elif key in _CELLS:
            s.cell += 1
        elif not s.paragraph and key not in _INLINE:
            s.parts.append(" " if s.cell else "\n")

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:
        self._flush()
        s = self.s
        key = (name[0] or "", name[1])
        if s.skip:
            s.skip -= 1
            if not s.skip and s.blob is not None:
                document = embedded_document(_b64("".join(s.blob)))
                if document is not None and len(s.blobs) < MAX_BLOBS:
                    s.blobs.append(document)
                s.blob = None
            return
        if key in _PRESERVE:
            s.preserve -= 1
        if key in _PARAGRAPHS:
            s.paragraph -= 1
            s.parts.append(" " if s.cell else "\n")
        elif key in _CELLS:
            s.cell -= 1
            s.parts.append("\t")
        elif not s.paragraph and key not in _INLINE:
            s.parts.append(" " if s.cell else "\n")

    def characters(self, content: str) -> None:
        s = self.s
        if not s.skip:
            s.pending.append(content)
        elif s.blob is not None and s.blob_size < MAX_BLOB_CHARS:
            s.blob.append(content)
            s.blob_size += len(content)


class _TooMuch(Exception):
    pass


def render_markup_parts(data: bytes) -> tuple[list[str], str, list[bytes]]:
    """(the text as the application shows it, one or two readings; dialect; the documents
    embedded as binary parts). Raises defusedxml or SAX errors."""
    renderer = _Renderer()
    try:
        _parse(data, renderer)
    except _TooMuch:
        pass  # the text so far is scanned; the raw scan reads the rest
    except (xml.sax.SAXParseException, ValueError) as exc:  # pyexpat: "multi-byte encodings are not supported"
        if "encoding" not in str(exc).lower():
            raise
        # Expat knows UTF-8/16 and Latin-1 only: a Shift_JIS or EUC-JP document is decoded
        # here and handed over as UTF-8 with its declaration rewritten.
        text, _ = decode_bytes(data)
        text = re.sub(r"^(\ufeff?<\?xml[^>]*?)encoding=[\"'][^\"']*[\"']", r"\1", text, count=1)
        renderer = _Renderer()
        with contextlib.suppress(_TooMuch):
            _parse(text.encode("utf-8"), renderer)
    dialect = renderer.s.root or "xml"
    rendered = _CELL_GAP.sub("\t", "".join(renderer.s.parts))
    texts: list[str] = []
    for gap in _GAP_AS.get(dialect, ("", " ")):
        lines = rendered.replace(_GAP, gap).split("\n")
        text = "\n".join(line.strip() for line in lines if line.strip())
        if text not in texts:
            texts.append(text)
    return texts, dialect, renderer.s.blobs


def _parse(data: bytes, handler: _Renderer) -> None:
    parser = defusedxml.sax.make_parser()
    parser.forbid_dtd = False
    parser.forbid_entities = True
    parser.forbid_external = True
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(handler)
    source = xml.sax.xmlreader.InputSource()
    source.setByteStream(io.BytesIO(data))
    parser.parse(source)


def extract_markup(item: Item, budget: Budget) -> Iterator[Segment | Unscannable | Item]:
    """The rendered text of an SVG / flat ODF / Word or Excel 2003 XML document (the caller
    scans the raw text as well)."""
    data = item.read(budget.limits.max_member_bytes)
    try:
        texts, dialect, blobs = render_markup_parts(data)
    except defusedxml.DefusedXmlException as exc:
        yield Unscannable(
            item.locator,
            UnscannableReason.UNSUPPORTED,
            f"XML declares entities or external references ({type(exc).__name__}): not expanded",
        )
        return
    except xml.sax.SAXParseException as exc:
        yield Unscannable(item.locator, UnscannableReason.CORRUPT, f"XML not well-formed: {exc.getMessage()[:120]}")
        return
    for text in texts:
        if text:
            yield Segment(text, f"{item.locator}#{dialect}", kind="text")
    for n, blob in enumerate(blobs, 1):
        name = f"part{n}.bin"
        yield Item.from_bytes(blob, name, locator=f"{item.locator}/{name}", depth=item.depth + 1, channel=item.channel)
