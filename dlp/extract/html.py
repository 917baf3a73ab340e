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


@dataclass
class Rendered:
    """What a page shows and holds: its text, and documents embedded in it (name, bytes)."""

    text: str
    embedded: list[tuple[str, bytes]] = field(default_factory=list)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
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
        if tag in _BLOCKS or tag in _SOURCE:
            self.parts.append("\n")
        elif tag in _CELLS:
            self.parts.append("\t")
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
        elif tag in _CELLS:
            self.parts.append("\t")

    def handle_data(self, data: str) -> None:
        if self.source == "script":
            self.parts.append(script_text(data))
        elif self.source == "style":
            self._css(data, self.parts)
        else:
            self.parts.append(data)

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


def render_html(html: str) -> Rendered:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = ("".join(parser.parts) + "\n" + "\n".join(parser.extras)).split("\n")
    return Rendered("\n".join(line.strip() for line in lines if line.strip()), parser.embedded)


def html_to_text(html: str) -> str:
    """The text of a page (embedded documents not included: see ``render_html``)."""
    return render_html(html).text


def embedded_items(item: Item, embedded: list[tuple[str, bytes]], locator: str | None = None) -> Iterator[Item]:
    """Documents embedded in a page, as child items of ``item``."""
    base = locator or item.locator
    for n, (name, data) in enumerate(embedded, 1):
        yield Item.from_bytes(data, name, locator=f"{base}/{n}-{name}", depth=item.depth + 1, channel=item.channel)


def extract_html(item: Item, budget: Budget) -> Iterator[Segment | Item]:
    limit = budget.limits.max_member_bytes
    text, _ = decode_bytes(item.read(limit))
    rendered = render_html(text)
    yield Segment(rendered.text, item.locator, kind="text", first_line=1)
    yield from embedded_items(item, rendered.embedded)
