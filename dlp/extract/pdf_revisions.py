"""PDF bytes a viewer does not show but that leave with the file.

An incremental update appends new objects and a new cross-reference section after the first
%%EOF; the earlier revision stays whole in front of it (cut the file at that %%EOF and it opens
again, and tools list the revisions). Viewers also skip up to 1,024 bytes before the %PDF header
and ignore everything after the last %%EOF. Each of these held a customer list that passed as
allow: earlier revisions are read page by page, bytes outside the PDF as child items (sniffed
and read like a file of their own: text, or a ZIP in a polyglot).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pypdfium2 as pdfium

from dlp.extract.limits import Budget
from dlp.model import Item, Segment, Unscannable, UnscannableReason

MAX_REVISIONS = 32
MAX_PAGES = 2_000  # per earlier revision
_EOF = re.compile(rb"%%EOF")
_BLANK = b" \t\r\n\x00\x0c"


def outside_and_earlier(item: Item, data: bytes, budget: Budget) -> Iterator[Segment | Unscannable | Item]:
    header = data.find(b"%PDF", 0, 1024)
    if header > 0 and data[:header].strip(_BLANK):
        yield item.child(data[:header], "before-header", separator="#")
    ends = [m.end() for m in _EOF.finditer(data)]
    if not ends:
        return
    if data[ends[-1] :].strip(_BLANK):
        yield item.child(data[ends[-1] :], "after-eof", separator="#")
    earlier = ends[:-1]
    if len(earlier) > MAX_REVISIONS:
        yield Unscannable(
            item.locator,
            UnscannableReason.TOO_MANY_MEMBERS,
            f"{len(earlier)} earlier revisions, only the last {MAX_REVISIONS} read",
        )
        earlier = earlier[-MAX_REVISIONS:]
    for number, end in enumerate(earlier, 1):
        yield from _revision(item, data[:end], number, budget)


def _revision(item: Item, data: bytes, number: int, budget: Budget) -> Iterator[Segment]:
    """Page text of the document as it was at one earlier %%EOF (nothing if PDFium cannot
    open it: a linearised file's first section is no revision)."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return
    try:
        for index in range(min(len(document), MAX_PAGES)):
            page = document[index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range().replace("\r\n", "\n")
                finally:
                    textpage.close()
            finally:
                page.close()
            if text.strip():
                budget.charge_bytes(len(text))
                yield Segment(text, f"{item.locator}#revision{number}/page{index + 1}", kind="page", first_line=1)
    finally:
        document.close()
