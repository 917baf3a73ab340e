"""HTML to text: what a reader sees, block elements on their own lines, no scripts or styles."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

from dlp.extract.decode import decode_bytes
from dlp.extract.limits import Budget
from dlp.model import Item, Segment

_BLOCKS = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
    "blockquote", "pre", "hr", "dt", "dd", "ul", "ol", "header", "footer", "address", "title",
}  # fmt: skip
_CELLS = {"td", "th"}
_HIDDEN = {"script", "style", "head", "template"}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in _CELLS:
            self.parts.append("\t")
        for name, value in attrs:  # mailto: links and alt texts hold addresses and names too
            if value and (name == "alt" or (name == "href" and value.startswith("mailto:"))):
                self.parts.append(f" {value.removeprefix('mailto:')} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = ("".join(parser.parts)).split("\n")
    return "\n".join(line.strip() for line in lines if line.strip())


def extract_html(item: Item, budget: Budget) -> Iterator[Segment]:
    limit = budget.limits.max_member_bytes
    text, _ = decode_bytes(item.read(limit))
    yield Segment(html_to_text(text), item.locator, kind="text", first_line=1)
