"""HTML to text: everything a browser can show a person, and everything the page carries.

Visible text comes out with block elements on their own lines. Besides it, a page shows or
holds text in places a text-only reading misses (issue 9, item 7), so they are read too:
form values and placeholders (``<input value="090-…">``), tooltips and alt texts, ``<template>``
content (shown once a script clones it), the page title, scripts (``document.write``, a JS array
of customers; ``\\u0030``-style escapes decoded), style sheets (CSS ``content: "…"``, with CSS
escapes decoded) and comments. Documents embedded as ``data:`` URIs (``<iframe src="data:
text/html;base64,…">``, ``<object data=…>``) and ``srcdoc`` frames are handed back as child
items, so that each is sniffed and read like a file of its own.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote_to_bytes

from dlp.extract.decode import decode_bytes
from dlp.extract.limits import Budget
from dlp.extract.tabular import tab_table
from dlp.model import Item, Segment

_BLOCKS = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
    "blockquote", "pre", "hr", "dt", "dd", "ul", "ol", "header", "footer", "address", "title",
    "form", "fieldset", "legend", "option", "textarea", "select", "button", "figcaption",
    "caption", "nav", "aside", "main", "details", "summary", "template", "noscript", "svg", "text",
}  # fmt: skip
_CELLS = {"td", "th"}
# Read as source, each on lines of its own (never run together with the visible text).
_SOURCE = {"script", "style"}
# Attributes that hold markup plumbing, not text a person reads.
_PLUMBING = {
    "class", "id", "style", "type", "rel", "lang", "dir", "width", "height", "colspan", "rowspan",
    "align", "valign", "border", "cellpadding", "cellspacing", "bgcolor", "color", "face", "size",
    "tabindex", "role", "charset", "http-equiv", "name", "for", "method", "action", "target", "xmlns",
    "nonce", "integrity", "crossorigin", "srcset", "sizes", "loading", "decoding", "async", "defer",
    "media", "autocomplete", "enctype", "accept", "maxlength", "minlength", "pattern", "step", "min",
    "max", "span", "start", "viewbox", "x", "y", "dx", "dy", "fill", "stroke", "transform", "d",
    "points", "cx", "cy", "r", "rx", "ry", "x1", "x2", "y1", "y2", "font-size", "font-family",
}  # fmt: skip
# Attributes drawn where their element stands: form field contents, a picture's alt text.
_IN_PLACE = {"value", "placeholder", "alt"}
_URL_ATTRIBUTES = {"src", "href", "data", "poster", "background", "codebase", "archive", "xlink:href", "formaction"}
_DATA_URI = re.compile(r"\s*data:([^,]*?),(.*)", re.S | re.I)
_CSS_URL = re.compile(r"""url\(\s*["']?(data:[^"')]*)""", re.I)
_JS_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})")
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?")
MAX_EMBEDDED = 1000
# A table is read as a table of data (rows and cells, like a sheet) when it has this many rows
# and no cell longer than MAX_CELL: a layout table holding a page's paragraphs stays text.
MIN_TABLE_ROWS = 2
MAX_CELL = 200
MAX_COLSPAN = 50
_CELL_SPACE = re.compile(r"[ \t\r\f]+")


@dataclass
class Rendered:
    """What a page shows and holds: its text, documents embedded in it (name, bytes), and
    (when asked for) its data tables as rows of cells, taken out of the text."""

    text: str
    embedded: list[tuple[str, bytes]] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)


@dataclass
class _OpenTable:
    """A <table> being read: its rows of cells, and its text as the flow would have it (used
    when it turns out to hold another table, i.e. to be a layout table)."""

    outer: list[str]  # the flow this table's text would have gone to
    flow: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    cell: list[str] | None = None
    pad: int = 0  # empty cells after the open one (its colspan)
    outside: list[str] = field(default_factory=list)  # caption, scripts: text in no cell
    nested: bool = False


class _TextParser(HTMLParser):
    def __init__(self, *, tables: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []  # the flow being written (a table's own while one is open)
        self.take_tables = tables
        self.open_tables: list[_OpenTable] = []
        self.tables: list[list[list[str]]] = []
        self.embedded: list[tuple[str, bytes]] = []
        # Attribute texts that are not drawn in the flow (title, aria-label, style, onclick, tel:
        # links): read after the page, so that an attribute on a <span> inside a number never
        # cuts the number.
        self.extras: list[str] = []
        self.source: str | None = None  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)
        if tag in _SOURCE:
            self.source = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.take_tables and tag == "table":
            self._open_table()
        if tag in _BLOCKS or tag in _SOURCE:
            self.parts.append("\n")
            if tag in _BLOCKS:  # a line break inside a cell (<br>, <p>): kept, as a CSV keeps it
                self._cell_text("\n")
        elif tag in _CELLS:
            self.parts.append("\t")
            self._open_cell(attrs)
        if self.take_tables and tag == "tr" and self.open_tables:
            self._close_cell()
            self.open_tables[-1].rows.append([])
        for name, value in attrs:
            if not value:
                continue
            if name in _URL_ATTRIBUTES:
                self._url(tag, value)
            elif name == "srcdoc":  # an inline frame's whole document
                self._embed(f"{tag}-srcdoc.html", value.encode("utf-8"))
            elif name == "style":
                self._css(value, self.extras)
            elif name.startswith("on"):  # onclick="alert('090-…')"
                self.extras.append(script_text(value))
            elif name in _IN_PLACE:  # drawn where the element stands: a box, a picture's stand-in
                self.parts.append(f" {value} ")
                self._cell_text(f" {value} ".replace("\n", " "))
            elif name not in _PLUMBING:  # title, aria-label, data-*, meta content: not in the flow
                self.extras.append(value)
                at = value.lower().find("data:")
                if at >= 0:  # <meta http-equiv="refresh" content="0;url=data:text/html;base64,…">
                    self._url(tag, value[at:])

    def _url(self, tag: str, value: str) -> None:
        scheme, colon, rest = value.partition(":")
        if colon and scheme.strip().lower() in ("mailto", "tel", "sms", "callto", "fax"):
            self.extras.append(unquote_to_bytes(rest).decode("utf-8", "replace"))
            return
        m = _DATA_URI.match(value)
        if m is None:
            return
        meta, payload = m.group(1), m.group(2)
        raw = unquote_to_bytes(payload.strip())
        if meta.lower().endswith(";base64"):
            with contextlib.suppress(binascii.Error, ValueError):  # else scanned as it stands
                raw = base64.b64decode(re.sub(rb"\s+", b"", raw) + b"==", validate=False)
        mime = meta.split(";", 1)[0].strip().lower() or "text/plain"
        self._embed(f"{tag}-data.{_extension(mime)}", raw)

    def _css(self, source: str, out: list[str]) -> None:
        text = css_text(source)
        out.append(f"\n{text}\n")
        if "data:" in text:  # background: url("data:image/svg+xml,…<text>090-…") draws text too
            for m in _CSS_URL.finditer(text):
                self._url("css", m.group(1))

    def _embed(self, name: str, data: bytes) -> None:
        if len(self.embedded) < MAX_EMBEDDED:
            self.embedded.append((name, data))
        else:  # past the cap the bytes are still read, as text
            self.parts.append("\n" + data.decode("utf-8", "replace") + "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SOURCE:
            self.source = None
        if tag in _BLOCKS or tag in _SOURCE:
            self.parts.append("\n")
            if tag in _BLOCKS:  # a line break inside a cell (<br>, <p>): kept, as a CSV keeps it
                self._cell_text("\n")
        elif tag in _CELLS:
            self.parts.append("\t")
            self._close_cell()
        if tag == "table" and self.open_tables:
            self._close_table()

    def handle_data(self, data: str) -> None:
        if self.source == "script":
            self._outside(script_text(data))
        elif self.source == "style":
            self._css(data, self.parts)
        else:
            self.parts.append(data)
            # a line end in the source is a space on screen; only <br>, <p> … break a cell's line
            if not self._cell_text(data.replace("\r", " ").replace("\n", " ")) and self.open_tables:
                self.open_tables[-1].outside.append(data)

    # --- data tables (``tables=True``): rows of cells, out of the text flow -------------------

    def _open_table(self) -> None:
        if self.open_tables:
            self.open_tables[-1].nested = True
        table = _OpenTable(self.parts)
        self.open_tables.append(table)
        self.parts = table.flow

    def _open_cell(self, attrs: list[tuple[str, str | None]]) -> None:
        if not self.open_tables:
            return
        table = self.open_tables[-1]
        self._close_cell()
        table.cell = []
        span = next((v for k, v in attrs if k == "colspan" and v), "1").strip()
        table.pad = min(int(span), MAX_COLSPAN) - 1 if span.isdigit() and int(span) > 1 else 0

    def _close_cell(self) -> None:
        if not self.open_tables:
            return
        table = self.open_tables[-1]
        if table.cell is not None:
            if not table.rows:
                table.rows.append([])
            # a cell spanning columns: its text in the first, the others empty (headers align)
            lines = (_CELL_SPACE.sub(" ", line).strip(" ") for line in "".join(table.cell).split("\n"))
            text = "\n".join(line for line in lines if line)
            table.rows[-1].extend([text] + [""] * table.pad)
            table.cell = None

    def _cell_text(self, text: str) -> bool:
        if self.open_tables and self.open_tables[-1].cell is not None:
            self.open_tables[-1].cell.append(text)
            return True
        return False

    def _outside(self, text: str) -> None:
        self.parts.append(text)
        if self.open_tables:
            self.open_tables[-1].outside.append(text)

    def _close_table(self) -> None:
        self._close_cell()
        table = self.open_tables.pop()
        self.parts = table.outer
        rows = [r for r in table.rows if any(c for c in r)]
        data = not table.nested and len(rows) >= MIN_TABLE_ROWS and all(len(c) <= MAX_CELL for r in rows for c in r)
        if data:
            self.tables.append(rows)
            self.parts.append("\n" + "".join(table.outside) + "\n")
        else:  # a layout table (or a one-row one): its text stays in the flow, as a browser shows it
            self.parts.extend(table.flow)
        if self.open_tables and not data:
            self.open_tables[-1].outside.extend(table.flow)

    def handle_comment(self, data: str) -> None:
        # Comments are not shown, but they leave with the page (the source is one click away).
        # Read after the page: in place, 3470<!-- x -->-1288-4109 cut a number a browser draws whole.
        self.extras.append(data)


def script_text(source: str) -> str:
    """Script source with string escapes decoded (``"\\u0030\\x39"`` is "09" on screen)."""
    if "\\" not in source:
        return source
    return _JS_ESCAPE.sub(_js_char, source)


def _js_char(m: re.Match[str]) -> str:
    code = int(m.group(1) or m.group(2) or m.group(3), 16)
    return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)


def css_text(source: str) -> str:
    """Style source with CSS escapes decoded (``content: "\\30 9\\30"`` shows 090)."""
    if "\\" not in source:
        return source
    return _CSS_ESCAPE.sub(_css_char, source)


def _css_char(m: re.Match[str]) -> str:
    code = int(m.group(1), 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def _extension(mime: str) -> str:
    if "html" in mime:
        return "html"
    if mime.startswith("text/"):
        return "txt"
    return {"application/pdf": "pdf", "image/svg+xml": "svg", "application/zip": "zip"}.get(mime, "bin")


def render_html(html: str, *, tables: bool = False) -> Rendered:
    """The page's text; with ``tables``, data tables come apart as rows of cells (a customer
    list published as an HTML table is read column by column, like the sheet it came from)."""
    parser = _TextParser(tables=tables)
    parser.feed(html)
    parser.close()
    while parser.open_tables:  # a table never closed (a truncated page) ends with the page
        parser._close_table()
    lines = ("".join(parser.parts) + "\n" + "\n".join(parser.extras)).split("\n")
    text = "\n".join(line.strip() for line in lines if line.strip())
    return Rendered(text, parser.embedded, parser.tables)


def html_to_text(html: str) -> str:
    """The text of a page (embedded documents not included: see ``render_html``)."""
    return render_html(html).text


def embedded_items(item: Item, embedded: list[tuple[str, bytes]], locator: str | None = None) -> Iterator[Item]:
    """Documents embedded in a page, as child items of ``item``."""
    base = locator or item.locator
    for n, (name, data) in enumerate(embedded, 1):
        yield Item.from_bytes(data, name, locator=f"{base}/{n}-{name}", depth=item.depth + 1, channel=item.channel)


def table_segment(locator: str, rows: list[list[str]]) -> Segment:
    """A page's table: a tab inside a cell is a space (tabs split the cells)."""
    return tab_table(locator, [[c.replace("\t", " ") for c in r] for r in rows])


def extract_html(item: Item, budget: Budget) -> Iterator[Segment | Item]:
    limit = budget.limits.max_member_bytes
    text, _ = decode_bytes(item.read(limit))
    rendered = render_html(text, tables=True)
    yield Segment(rendered.text, item.locator, kind="text", first_line=1)
    for index, rows in enumerate(rendered.tables, 1):
        yield table_segment(f"{item.locator}#table{index}", rows)
    yield from embedded_items(item, rendered.embedded)
