"""Content no extractor understands: runs of text inside it (ASCII, UTF-8, UTF-16, CP932) are
scanned, and the verdict says the format is unsupported — the policy decides, nothing passes
unseen. Images are read by OCR (``ocr_parts``); audio, video and images OCR cannot read are
``no_text`` once their structure proves them to be media; text their format carries and
anything appended after their end are scanned."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlp.extract.limits import Budget
from dlp.extract.media import Layout, layout
from dlp.extract.ocr_parts import image_parts
from dlp.model import Item, Segment, Unscannable, UnscannableReason

_ASCII_RUN = re.compile(rb"[\x20-\x7e\t]{6,}")
_UTF16_RUN = re.compile(rb"(?:[\x20-\x7e]\x00){6,}")
_CP932_RUN = re.compile(rb"(?:[\x81-\x9f\xe0-\xfc][\x40-\x7e\x80-\xfc]|[\x20-\x7e]){6,}")
_UTF8_RUN = re.compile(rb"(?:[\xe3-\xe9][\x80-\xbf]{2}|[\x20-\x7e]){6,}")
STRINGS_BYTES = 16 * 1024 * 1024


def extract_binary(item: Item, budget: Budget) -> Iterator[Segment | Unscannable]:
    mime = str(item.meta.get("mime", ""))
    data = item.read(STRINGS_BYTES)
    strings = _strings(item, data)
    if strings is not None:
        yield strings
    yield from _cut(item)
    yield Unscannable(
        item.locator,
        UnscannableReason.UNSUPPORTED,
        f"unsupported format {mime or 'binary'}: only text strings inside it were scanned",
    )


def _cut(item: Item) -> Iterator[Unscannable]:
    if (item.size or 0) > STRINGS_BYTES:
        yield Unscannable(
            item.locator,
            UnscannableReason.TOO_MUCH_TEXT,
            f"only the first {STRINGS_BYTES:,} of {item.size:,} bytes were read for text strings",
        )


def _strings(item: Item, data: bytes) -> Segment | None:
    found: list[str] = []
    for regex, codec in ((_UTF8_RUN, "utf-8"), (_CP932_RUN, "cp932"), (_UTF16_RUN, "utf-16-le")):
        for m in regex.finditer(data):
            text = m.group().decode(codec, "ignore")
            if sum(not c.isascii() for c in text) or regex is _UTF16_RUN or len(text) >= 8:
                found.append(text)
    if not found:
        return None
    return Segment("\n".join(found), f"{item.locator}#strings", kind="strings", first_line=1)


def extract_media(item: Item, budget: Budget) -> Iterator[Segment | Unscannable | Item]:
    """An image, audio or video (sniff has checked its structure): the text its format carries,
    strings when there is no walker for the format, ``no_text``, and what follows its end."""
    mime = str(item.meta.get("mime", ""))
    data = item.read()
    budget.charge_bytes(len(data))
    found = layout(data, mime) or Layout(len(data), verified=False)
    texts = [t for t in found.texts if t.strip()]
    if texts:
        yield Segment("\n".join(texts), f"{item.locator}#metadata", kind="strings", first_line=1)
    if not found.verified:
        strings = _strings(item, data[:STRINGS_BYTES])
        if strings is not None:
            yield strings
        yield from _cut(item)
    if found.cut:
        yield Unscannable(item.locator, UnscannableReason.TOO_MUCH_TEXT, "a text chunk over 1 MB was read only in part")
    if mime.startswith("image/"):
        yield from image_parts(item, data[: found.end], budget)  # OCR, or no_text
    else:
        yield Unscannable(item.locator, UnscannableReason.NO_TEXT, f"{mime or 'media'} has no text to scan (no OCR)")
    appended = data[found.end :]
    if appended.strip(b"\0\r\n\t "):
        yield item.child(appended, "appended", separator="#")
