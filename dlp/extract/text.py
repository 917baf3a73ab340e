"""Plain text: decoded in a stream, handed on in blocks cut at line ends.

Offsets of findings are offsets into the decoded file (segment ``offset`` + position).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

from dlp.extract.decode import DecodeState, iter_decoded, sniff_stream
from dlp.extract.html import extract_html, script_text
from dlp.extract.limits import Budget
from dlp.extract.mail_checks import encrypted_armour
from dlp.extract.markup import extract_markup, markup_kind
from dlp.extract.rtf import extract_rtf, is_rtf
from dlp.model import Item, Segment, Unscannable, UnscannableReason

BLOCK_CHARS = 256 * 1024
# A page a browser renders even without <html> (libmagic calls a fragment text/plain).
_HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".xht", ".shtml", ".hta"}
_XHTML = re.compile(rb"<html[\s>]|//W3C//DTD XHTML", re.I)
_TAG = re.compile(rb"<(?:[a-zA-Z][a-zA-Z0-9-]*|!--)[\s/>]")


def extract_text(item: Item, budget: Budget) -> Iterator[Segment | Unscannable | Item]:
    """Text as it is, and first, for documents an application renders (SVG, flat ODF, Word
    2003 XML, RTF), the text that application shows."""
    head = item.read(8192)
    if is_rtf(head):
        yield from extract_rtf(item, budget)
    elif markup_kind(head):
        yield from extract_markup(item, budget)
    elif looks_like_markup(item.name, head):
        yield from extract_html(item, budget)  # tags between the digits are gone in the rendering
    with item.open() as fh:
        encoding = sniff_stream(fh)
        state = DecodeState()
        offset = 0
        line = 1
        armoured = False
        for block in blocks(iter_decoded(fh, encoding, state)):
            yield Segment(block, item.locator, offset=offset, kind="text", first_line=line)
            if not armoured and "-----BEGIN" in block:  # a .asc file or a pasted PGP message
                found = list(encrypted_armour(block, item.locator))
                armoured = bool(found)
                yield from found
            if "\\u" in block or "\\x" in block:
                # JSON or script escapes (\u0033\u0034…): what a JSON viewer, jq or a program
                # loading the file shows. Read again with them decoded.
                unescaped = script_text(block)
                if unescaped != block:
                    yield Segment(unescaped, f"{item.locator}#unescaped", kind="text", first_line=line)
            offset += len(block)
            line += block.count("\n")
    if b"<!ENTITY" in head:  # a DTD entity: readers expand it, we never do (billion laughs)
        yield Unscannable(item.locator, UnscannableReason.UNSUPPORTED, "XML declares entities: not expanded")
    if state.foreign:
        yield Unscannable(
            item.locator,
            UnscannableReason.UNSUPPORTED,
            f"part of the text is in an encoding that cannot be read as {encoding.codec} (EBCDIC numbers)",
        )
    if state.lossy:
        yield Unscannable(
            item.locator, UnscannableReason.LOSSY_DECODE, f"bytes that are not valid {encoding.codec} were replaced"
        )


def looks_like_markup(name: str, head: bytes) -> bool:
    """Text a browser would render: an .html name, or tags from the first characters on."""
    if PurePosixPath(name).suffix.lower() in _HTML_SUFFIXES:
        return True
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith((b"<?xml", b"<!DOCTYPE", b"<!doctype")):  # XHTML
        return _XHTML.search(start[:4096]) is not None
    return start.startswith(b"<") and _TAG.match(start) is not None


def blocks(chunks: Iterable[str], size: int = BLOCK_CHARS) -> Iterator[str]:
    """Regroup decoded chunks into blocks of about ``size`` characters ending at a newline."""
    pending: list[str] = []
    pending_len = 0
    for chunk in chunks:
        pending.append(chunk)
        pending_len += len(chunk)
        if pending_len < size:
            continue
        text = "".join(pending)
        start = 0
        while len(text) - start >= size:
            cut = text.rfind("\n", start, start + size) + 1
            if cut <= start:
                cut = start + size  # one enormous line: cut anyway, memory matters more
            yield text[start:cut]
            start = cut
        rest = text[start:]
        pending = [rest] if rest else []
        pending_len = len(rest)
    if pending_len:
        yield "".join(pending)
