"""RTF as Word shows it: ``\\'82\\'4f`` escapes decoded in the document's code page (CP932 for
Japanese Word), ``\\u38651?`` escapes as Unicode, groups and control words removed, so that a
number written as escapes or split by formatting groups (``090-12{\\b 34}-5678``) is read whole.

The raw RTF is scanned as well by the caller (document properties such as ``\\title`` are plain
there). Parsing is striprtf's (a small, maintained pure-Python reader).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from striprtf.striprtf import rtf_to_text

from dlp.extract.decode import decode_bytes
from dlp.extract.limits import Budget
from dlp.extract.markup import embedded_document
from dlp.model import Item, Segment, Unscannable, UnscannableReason

_ANSICPG = re.compile(r"\\ansicpg(\d{3,5})")
# Font character sets (\fcharsetN) whose \'xx bytes are a double-byte code page.
_FCHARSET_CODEPAGES = {128: "cp932", 129: "cp949", 134: "cp936", 136: "cp950"}
_FCHARSET = re.compile(r"\\fcharset(\d{1,3})")


# Hex data of \pict, \objdata and friends (at least 256 bytes' worth).
_HEX_RUN = re.compile(r"(?:[0-9a-fA-F]{2}[\r\n]*){256,}")
MAX_OBJECTS = 100


def _objects(item: Item, raw: str) -> Iterator[Item]:
    for n, m in enumerate(_HEX_RUN.finditer(raw), 1):
        if n > MAX_OBJECTS:
            return
        document = embedded_document(bytes.fromhex(re.sub(r"[\r\n]", "", m.group())))
        if document is not None:
            name = f"object{n}.bin"
            yield Item.from_bytes(
                document, name, locator=f"{item.locator}/{name}", depth=item.depth + 1, channel=item.channel
            )


def is_rtf(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"{\\rtf"


def code_pages(rtf: str) -> list[str]:
    """Code pages the ``\\'xx`` escapes may be in: the document's ``\\ansicpg`` and those of its
    fonts' character sets (Word decodes an escape in the code page of the current font)."""
    pages: list[str] = []
    m = _ANSICPG.search(rtf[:65536])
    candidates = [f"cp{m.group(1)}"] if m else []
    head = rtf[: rtf.find("\\pard")] if "\\pard" in rtf[:1_000_000] else rtf[:1_000_000]
    candidates += [_FCHARSET_CODEPAGES[n] for n in map(int, _FCHARSET.findall(head)) if n in _FCHARSET_CODEPAGES]
    for page in candidates:
        try:
            codecs.lookup(page)
        except LookupError:
            continue
        if page not in pages:
            pages.append(page)
    return pages[:3] or ["cp1252"]


def extract_rtf(item: Item, budget: Budget) -> Iterator[Segment | Unscannable | Item]:
    """The text Word shows (once per code page the document may be in), and documents embedded
    as objects (an Excel sheet in a letter) as child items."""
    raw, _ = decode_bytes(item.read(budget.limits.max_member_bytes))
    if _HEX_RUN.search(raw):
        yield from _objects(item, raw)
        raw = _HEX_RUN.sub(" ", raw)  # pictures and objects: megabytes of hex striprtf is slow on
    seen: set[str] = set()
    for page in code_pages(raw):
        try:
            text = rtf_to_text(raw, encoding=page, errors="replace")
        except Exception as exc:  # a hostile document must never stop the raw scan after it
            yield Unscannable(item.locator, UnscannableReason.CORRUPT, f"RTF not readable: {type(exc).__name__}")
            return
        if text.strip() and text not in seen:
            seen.add(text)
            yield Segment(text, f"{item.locator}#rtf", kind="text")
