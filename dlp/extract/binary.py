"""Content no extractor understands: images and media have no text to read; for any other
binary, runs of text inside it (ASCII, UTF-8, UTF-16, CP932) are scanned, and the verdict says
the format is unsupported — the policy decides, nothing passes unseen."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlp.extract.limits import Budget
from dlp.model import Item, Segment, Unscannable, UnscannableReason

_ASCII_RUN = re.compile(rb"[\x20-\x7e\t]{6,}")
_UTF16_RUN = re.compile(rb"(?:[\x20-\x7e]\x00){6,}")
_CP932_RUN = re.compile(rb"(?:[\x81-\x9f\xe0-\xfc][\x40-\x7e\x80-\xfc]|[\x20-\x7e]){6,}")
_UTF8_RUN = re.compile(rb"(?:[\xe3-\xe9][\x80-\xbf]{2}|[\x20-\x7e]){6,}")
STRINGS_BYTES = 16 * 1024 * 1024


def extract_binary(item: Item, budget: Budget) -> Iterator[Segment | Unscannable]:
    mime = str(item.meta.get("mime", ""))
    data = item.read(STRINGS_BYTES)
    found: list[str] = []
    for regex, codec in ((_UTF8_RUN, "utf-8"), (_CP932_RUN, "cp932"), (_UTF16_RUN, "utf-16-le")):
        for m in regex.finditer(data):
            text = m.group().decode(codec, "ignore")
            if sum(not c.isascii() for c in text) or regex is _UTF16_RUN or len(text) >= 8:
                found.append(text)
    if found:
        yield Segment("\n".join(found), f"{item.locator}#strings", kind="strings", first_line=1)
    yield Unscannable(
        item.locator,
        UnscannableReason.UNSUPPORTED,
        f"unsupported format {mime or 'binary'}: only text strings inside it were scanned",
    )


def extract_media(item: Item, budget: Budget) -> Iterator[Unscannable]:
    mime = str(item.meta.get("mime", ""))
    yield Unscannable(item.locator, UnscannableReason.NO_TEXT, f"{mime or 'media'} has no text to scan (no OCR)")
