"""OpenDocument packages beyond their main parts: what LibreOffice or unzip shows a person.

A Writer text can hold a Calc table or a chart as an embedded object (``Object 1/content.xml``),
Basic macros (``Basic/*/*.xml``), settings and any stray file; a Calc cell can carry a comment
(``office:annotation``) and a cell without ``office:value-type`` still shows its paragraph.
calamine and the Writer reader looked at none of these, and each hid a My Number (allow).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

from dlp.extract.decode import decode_bytes, is_text
from dlp.extract.limits import Budget
from dlp.extract.ocr_parts import is_image
from dlp.extract.ooxml import local, paragraphs_segment, xml_events
from dlp.extract.package import MEDIA_HEAD, _is_media, looks_like_xml, xml_text
from dlp.extract.zipsafe import check_container, open_zip, read_part
from dlp.model import Item, Segment, Unscannable

Part = Segment | Unscannable | Item
_CELLS = {"table-cell", "covered-table-cell"}


def odf_other_parts(item: Item, zf: zipfile.ZipFile, budget: Budget, handled: set[str]) -> Iterator[Part]:
    """Every member the caller does not read itself: XML for all its text, a picture passed
    over once its first bytes show it is one, anything else as a child item (sniffed and read
    like a file of its own, under the same limits)."""
    for info in zf.infolist():
        name = info.filename
        if info.is_dir() or name in handled or name == "mimetype":
            continue
        with zf.open(info) as fh:
            head = fh.read(MEDIA_HEAD)
        if not head:
            continue
        if _is_media(head) and not is_text(head):
            if is_image(head) and not name.startswith("Thumbnails/"):  # OCR'd (logos are skipped there)
                yield item.child(read_part(zf, name, budget) or b"", name.rsplit("/", 1)[-1])
            continue  # the thumbnail shows the first page, already read as text; sound, film
        data = read_part(zf, name, budget) or b""
        if looks_like_xml(head):
            segment = paragraphs_segment(item, f"part:{name}", xml_text(data), "text")
            if segment:
                yield segment
        elif _is_media(head):  # text behind a picture's signature
            yield Segment(decode_bytes(data)[0], f"{item.locator}/{name}", kind="text", first_line=1)
        else:
            yield item.child(data, name.rsplit("/", 1)[-1])


def ods_unseen_cells(data: bytes) -> list[str]:
    """Paragraphs of a spreadsheet's content.xml that calamine does not return: cell comments
    (office:annotation) and cells without office:value-type. Streamed (a sheet can be large)."""
    out: list[str] = []
    in_annotation = 0
    typed: list[bool] = []  # per open cell: whether it declares a value type
    for event, element in xml_events(data):
        tag = local(element.tag)  # type: ignore[attr-defined]
        if event == "start":
            if tag == "annotation":
                in_annotation += 1
            elif tag in _CELLS:
                typed.append(any(local(k) == "value-type" for k in element.attrib))  # type: ignore[attr-defined]
            continue
        if tag in ("p", "h") and (in_annotation or (typed and not typed[-1])):
            text = "".join(element.itertext()).strip()  # type: ignore[attr-defined]
            if text:
                out.append(text)
        if tag == "annotation":
            in_annotation -= 1
        elif tag in _CELLS:
            if typed:
                typed.pop()
            element.clear()  # type: ignore[attr-defined]
        elif tag == "table-row":
            element.clear()  # type: ignore[attr-defined]
    return out


def ods_extras(item: Item, budget: Budget) -> Iterator[Part]:
    """What a Calc user sees besides the cell values calamine reads: comments, untyped cells,
    embedded objects and every other member of the package."""
    with item.open() as fh, open_zip(fh) as zf:
        check_container(zf, fh, budget.limits)
        data = read_part(zf, "content.xml", budget)
        if data:
            segment = paragraphs_segment(item, "comments", ods_unseen_cells(data), "text")
            if segment:
                yield segment
        yield from odf_other_parts(item, zf, budget, {"content.xml"})
