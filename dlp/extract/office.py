"""Word and PowerPoint (OOXML): read as raw XML, because the libraries skip what a reader sees.

python-docx drops text inside tracked insertions (<w:ins>) and deletions (<w:delText>), which
the recipient sees or can restore (python-docx#1123, open since 2014). Here every w:t,
w:delText and w:instrText counts, in the body, tables, text boxes, headers, footers, comments,
footnotes and endnotes; in presentations, every a:t of slides, notes and comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlp.extract.limits import Budget
from dlp.extract.odf import odf_other_parts
from dlp.extract.ooxml import local, paragraphs_segment, properties, texts_by, xml_events
from dlp.extract.package import alt_texts, load_package, read_others
from dlp.extract.tabular import tab_table
from dlp.extract.zipsafe import check_container, open_zip, read_part
from dlp.model import Item, Segment, Unscannable

Part = Segment | Unscannable | Item
_WORD_TEXT = {"t", "delText", "instrText"}


_WORD_PARTS = {
    "word-header": ("header", "header"),
    "word-footer": ("footer", "header"),
    "word-comments": ("comments", "comment"),
    "word-footnotes": ("footnotes", "text"),
    "word-endnotes": ("endnotes", "text"),
    "word-glossary": ("glossary", "text"),
}


def extract_docx(item: Item, budget: Budget) -> Iterator[Part]:
    """Every part of the package by its content type (package.py): the main document wherever
    it is, headers, footers, comments, notes, then SmartArt, charts, text in any other XML
    part, and imported chunks (w:altChunk) and embedded objects as child items."""
    with item.open() as fh, open_zip(fh) as zf:
        check_container(zf, fh, budget.limits)
        package = load_package(zf, budget, "word-body")
        for part in package.parts:
            if part.role == "word-body":
                data = read_part(zf, part.name, budget)
                if data is not None:
                    where = "body" if part.name in (package.main, "word/document.xml") else f"body:{part.name}"
                    yield from _word_body(item, data, where)
                    alt = paragraphs_segment(item, f"alt-text:{_short(part.name)}", alt_texts(data), "text")
                    if alt:
                        yield alt
            elif part.role in _WORD_PARTS:
                where, kind = _WORD_PARTS[part.role]
                data = read_part(zf, part.name, budget)
                if data:
                    paragraphs = list(texts_by(data, {"p"}, _WORD_TEXT))
                    segment = paragraphs_segment(item, f"{where}:{_short(part.name)}", paragraphs, kind)
                    if segment:
                        yield segment
        yield from properties(item, zf, budget, [p.name for p in package.parts if p.role == "properties"])
        yield from read_others(item, package, budget, {"word-body", "properties", *_WORD_PARTS})


def _short(name: str) -> str:
    """header1.xml for word/header1.xml; a part somewhere unusual keeps its whole name."""
    return name.rsplit("/", 1)[-1] if name.count("/") == 1 else name


def _word_body(item: Item, data: bytes, where: str = "body") -> Iterator[Segment]:
    """Paragraphs as lines; each table as a tabular segment (rows are records)."""
    paragraphs: list[str] = []
    tables: list[list[list[str]]] = []
    stack: list[list[str]] = []  # open paragraphs (text boxes nest them)
    table_stack: list[list[list[str]]] = []
    cell: list[str] | None = None
    for event, element in xml_events(data):
        tag = local(element.tag)  # type: ignore[attr-defined]
        if event == "start":
            if tag == "p":
                stack.append([])
            elif tag == "tbl":
                table_stack.append([])
            elif tag == "tr" and table_stack:
                table_stack[-1].append([])
            elif tag == "tc":
                cell = []
            continue
        if tag in _WORD_TEXT and stack and element.text:  # type: ignore[attr-defined]
            stack[-1].append(element.text)  # type: ignore[attr-defined]
        elif tag == "tab" and stack:
            stack[-1].append("\t")
        elif tag == "p" and stack:
            text = "".join(stack.pop()).strip()
            if text:
                if cell is not None and table_stack and len(stack) == 0:
                    cell.append(text)
                else:
                    paragraphs.append(text)
        elif tag == "tc" and table_stack and table_stack[-1]:
            table_stack[-1][-1].append(" ".join(cell or []).replace("\t", " "))
            cell = None
        elif tag == "tbl" and table_stack:
            tables.append(table_stack.pop())
        element.clear()  # type: ignore[attr-defined]
    segment = paragraphs_segment(item, where, paragraphs, "text")
    if segment:
        yield segment
    prefix = "" if where == "body" else f"{where}:"
    for index, rows in enumerate(tables, 1):
        yield tab_table(f"{item.locator}#{prefix}table{index}", rows)


_SLIDE_PARTS = {
    "slide": "slide",
    "notes": "notes",
    "ppt-comments": "comments",
    "master": "master",
    "layout": "layout",
    "notes-master": "notes-master",
    "handout-master": "handout-master",
}


def extract_pptx(item: Item, budget: Budget) -> Iterator[Part]:
    """Slides, notes and comments, and what every slide shows from its layout and master
    (and the notes and handout masters); then charts, SmartArt and any other part."""
    with item.open() as fh, open_zip(fh) as zf:
        check_container(zf, fh, budget.limits)
        package = load_package(zf, budget)
        for part in package.parts:
            if part.role not in _SLIDE_PARTS:
                continue
            data = read_part(zf, part.name, budget)
            if not data:
                continue
            where = _SLIDE_PARTS[part.role]
            m = re.fullmatch(r"ppt/(?:slides/slide|notesSlides/notesSlide)([0-9]+)\.xml", part.name)
            label = f"{where}{m.group(1)}" if m else f"{where}:{_short_ppt(part.name)}"
            paragraphs, tables = _slide_text(data)
            segment = paragraphs_segment(item, label, paragraphs + alt_texts(data), "slide")
            if segment:
                yield segment
            for index, rows in enumerate(tables, 1):  # a table on a slide: rows are records
                yield tab_table(f"{item.locator}#{label}#table{index}", rows)
        yield from properties(item, zf, budget, [p.name for p in package.parts if p.role == "properties"])
        yield from read_others(item, package, budget, {"properties", *_SLIDE_PARTS})


def _slide_text(data: bytes) -> tuple[list[str], list[list[list[str]]]]:
    """A slide's paragraphs outside tables, and each table (a:tbl) as rows of cells, so that a
    customer list pasted onto a slide is read column by column like a sheet."""
    paragraphs: list[str] = []
    tables: list[list[list[str]]] = []
    stack: list[list[str]] = []  # open paragraphs
    table_stack: list[list[list[str]]] = []
    cells: list[list[str] | None] = []  # the open cell of each open table
    for event, element in xml_events(data):
        tag = local(element.tag)  # type: ignore[attr-defined]
        if event == "start":
            if tag in ("p", "text"):
                stack.append([])
            elif tag == "tbl":
                table_stack.append([])
                cells.append(None)
            elif tag == "tr" and table_stack:
                table_stack[-1].append([])
            elif tag == "tc" and table_stack:
                cells[-1] = []
            continue
        if tag in ("t", "text") and stack and element.text:  # type: ignore[attr-defined]
            stack[-1].append(element.text)  # type: ignore[attr-defined]
        elif tag == "tab" and stack:
            stack[-1].append("\t")
        elif tag in ("br", "cr", "line-break") and stack:
            stack[-1].append("\n")
        if tag in ("p", "text") and stack:
            text = "".join(stack.pop()).strip()
            if text:
                cell = cells[-1] if cells else None
                (cell if cell is not None else paragraphs).append(text)
        elif tag == "tc" and table_stack and cells:
            if table_stack[-1]:
                table_stack[-1][-1].append(" ".join(cells[-1] or []).replace("\t", " ").replace("\n", " "))
            cells[-1] = None
        elif tag == "tbl" and table_stack:
            rows = table_stack.pop()
            cells.pop()
            if any(c for r in rows for c in r):
                tables.append(rows)
        element.clear()  # type: ignore[attr-defined]
    return paragraphs, tables


def _short_ppt(name: str) -> str:
    return name.rsplit("/", 1)[-1] if name.startswith("ppt/") and name.count("/") == 2 else name


def extract_odf(item: Item, budget: Budget) -> Iterator[Part]:
    """OpenDocument text and presentations (odt, odp): paragraphs and headings. ODF mixes text
    and spans inside a paragraph, so each paragraph's text is taken whole (itertext)."""
    from defusedxml.ElementTree import fromstring

    with item.open() as fh, open_zip(fh) as zf:
        check_container(zf, fh, budget.limits)
        for name, where in (("content.xml", "body"), ("styles.xml", "header"), ("meta.xml", "properties")):
            data = read_part(zf, name, budget)
            if not data:
                continue
            root = fromstring(data)
            blocks = [
                el for el in root.iter() if local(el.tag) in ("p", "h", "title", "subject", "creator", "description")
            ]
            paragraphs = [t for t in ("".join(el.itertext()).strip() for el in blocks) if t]
            segment = paragraphs_segment(item, where, paragraphs, "text")
            if segment:
                yield segment
        # Embedded objects (a Calc table in a Writer text), macros, settings, stray files.
        yield from odf_other_parts(item, zf, budget, {"content.xml", "styles.xml", "meta.xml"})
