"""What Office Open XML files share: safe XML parsing and document properties.

Parts are parsed with defusedxml (no entities, no DTDs: a billion-laughs part is an error, not
a gigabyte), streamed with iterparse, and every piece of text is charged to the item's budget.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator

from defusedxml.ElementTree import iterparse

from dlp.extract.limits import Budget
from dlp.extract.zipsafe import read_part
from dlp.model import Item, Segment

_NS = re.compile(r"^\{[^}]*\}")


def local(tag: str) -> str:
    """Tag name without its namespace: {http://…/main}t -> t."""
    return _NS.sub("", tag)


def xml_events(data: bytes, events: tuple[str, ...] = ("start", "end")) -> Iterator[tuple[str, object]]:
    return iterparse(io.BytesIO(data), events=events)


def texts_by(data: bytes, block_tags: set[str], text_tags: set[str]) -> Iterator[str]:
    """Join the text of ``text_tags`` inside each ``block_tags`` element (a paragraph, a
    comment, a cell); nested blocks (a text box inside a paragraph) come out on their own."""
    stack: list[list[str]] = []
    for event, element in xml_events(data):
        tag = local(element.tag)  # type: ignore[attr-defined]
        if event == "start":
            if tag in block_tags:
                stack.append([])
            continue
        if tag in text_tags and stack and element.text:  # type: ignore[attr-defined]
            stack[-1].append(element.text)  # type: ignore[attr-defined]
        elif tag in ("tab",) and stack:
            stack[-1].append("\t")
        elif tag in ("br", "cr", "line-break") and stack:
            stack[-1].append("\n")
        if tag in block_tags and stack:
            text = "".join(stack.pop()).strip()
            if text:
                yield text
        element.clear()  # type: ignore[attr-defined]


_PROPERTY_TAGS = {
    "title", "subject", "creator", "keywords", "description", "lastModifiedBy", "category",
    "Company", "Manager", "lpwstr", "lpstr", "bstr", "contentStatus",
}  # fmt: skip


_PROPERTY_PARTS = ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml")


def properties(
    item: Item, zf: zipfile.ZipFile, budget: Budget, names: Iterable[str] = _PROPERTY_PARTS
) -> Iterator[Segment]:
    """docProps core/app/custom: author, title, company, custom fields (``names``: where the
    package's content types put them)."""
    lines: list[str] = []
    for name in names:
        data = read_part(zf, name, budget)
        if data is None:
            continue
        for _event, element in xml_events(data, ("end",)):
            tag = local(element.tag)  # type: ignore[attr-defined]
            text = (element.text or "").strip()  # type: ignore[attr-defined]
            if tag in _PROPERTY_TAGS and text:
                lines.append(f"{tag}: {text}")
    if lines:
        yield Segment("\n".join(lines), f"{item.locator}#properties", kind="metadata", first_line=1)


def paragraphs_segment(item: Item, where: str, paragraphs: list[str], kind: str) -> Segment | None:
    text = "\n".join(paragraphs)
    if not text.strip():
        return None
    return Segment(text, f"{item.locator}#{where}", kind=kind, first_line=1)
