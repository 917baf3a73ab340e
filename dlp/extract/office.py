"""Word and PowerPoint (OOXML): read as raw XML, because the libraries skip what a reader sees.

python-docx drops text inside tracked insertions (<w:ins>) and deletions (<w:delText>), which
the recipient sees or can restore (python-docx#1123, open since 2014). Here every w:t,
w:delText and w:instrText counts, in the body, tables, text boxes, headers, footers, comments,
footnotes and endnotes; in presentations, every a:t of slides, notes and comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlp.extract.delimited import is_header_row
from dlp.extract.limits import Budget
from dlp.extract.ooxml import embedded_parts, local, paragraphs_segment, part_names, properties, texts_by, xml_events
from dlp.extract.zipsafe import check_container, open_zip, read_part
from dlp.model import Item, Segment, Table, Unscannable

Part = Segment | Unscannable | Item
_WORD_TEXT = {"t", "delText", "instrText"}


def extract_docx(item: Item, budget: Budget) -> Iterator[Part]:
    with item.open() as fh, open_zip(fh) as zf:
        check_container(zf, fh, budget.limits)
        body = read_part(zf, "word/document.xml", budget)
        if body is not None:
            yield from _word_body(item, body)
        for pattern, where, kind in (
            (r"word/header[0-9]*\.xml", "header", "header"),
            (r"word/footer[0-9]*\.xml", "footer", "header"),
            (r"word/comments(?:Extended)?\.xml", "comments", "comment"),
            (r"word/footnotes\.xml", "footnotes", "text"),
            (r"word/endnotes\.xml", "endnotes", "text"),
        ):
            for name in part_names(zf, pattern):
                data = read_part(zf, name, budget)
                if data:
                    paragraphs = list(texts_by(data, {"p"}, _WORD_TEXT))
                    segment = paragraphs_segment(item, f"{where}:{name.rsplit('/', 1)[-1]}", paragraphs, kind)
                    if segment:
                        yield segment
        yield from properties(item, zf, budget)
        yield from embedded_parts(item, zf, budget)


def _word_body(item: Item, data: bytes) -> Iterator[Segment]:
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
    segment = paragraphs_segment(item, "body", paragraphs, "text")
    if segment:
        yield segment
    for index, rows in enumerate(tables, 1):
        yield _table_segment(f"{item.locator}#table{index}", rows)


def _table_segment(locator: str, rows: list[list[str]]) -> Segment:
    header = tuple(rows[0]) if rows and is_header_row(rows[0]) else ()
    lines = ["\t".join(r) for r in rows]
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    return Segment("\n".join(lines), locator, kind="table", table=Table(header, 1, tuple(starts), delimiter="\t"))


def extract_pptx(item: Item, budget: Budget) -> Iterator[Part]:
    with item.open() as fh, open_zip(fh) as zf:
        check_container(zf, fh, budget.limits)
        for pattern, where in (
            (r"ppt/slides/slide([0-9]+)\.xml", "slide"),
            (r"ppt/notesSlides/notesSlide([0-9]+)\.xml", "notes"),
            (r"ppt/comments/comment[0-9]*\.xml", "comments"),
            (r"ppt/comments/modernComment[^/]*\.xml", "comments"),
        ):
            regex = re.compile(pattern)
            for name in part_names(zf, pattern):
                data = read_part(zf, name, budget)
                if not data:
                    continue
                m = regex.fullmatch(name)
                label = f"{where}{m.group(1)}" if m and m.groups() else f"{where}:{name.rsplit('/', 1)[-1]}"
                paragraphs = list(texts_by(data, {"p", "text"}, {"t", "text"}))
                segment = paragraphs_segment(item, label, paragraphs, "slide")
                if segment:
                    yield segment
        yield from properties(item, zf, budget)
        yield from embedded_parts(item, zf, budget)


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
