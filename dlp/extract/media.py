"""Is it really an image? A light structural walk of the common media formats.

libmagic names a format from its first bytes, so ``GIF89a,`` in front of a CSV makes a "GIF",
and a PNG keeps its name with a ZIP appended (``unzip`` finds a ZIP from its end). So a media
file counts as media only when its structure holds up to its own end marker (PNG chunks with
valid CRCs up to IEND, JPEG segments up to EOI, GIF blocks up to the trailer, RIFF and ISO-BMFF
boxes that tile the file); whatever follows that end is scanned as an item of its own, and text
the format itself carries (PNG text chunks, JPEG and GIF comments) is scanned too. Formats
without a walker here (TIFF, MP3, Ogg, ...) are read for text strings as well.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

_TEXT_LIMIT = 1024 * 1024  # decompressed bytes of one PNG text chunk


@dataclass
class Layout:
    """Where the media itself ends, and the text its own structure carries."""

    end: int
    texts: list[str] = field(default_factory=list)
    verified: bool = True  # False: no walker for this format; the whole file is read for strings
    cut: bool = False  # a compressed text chunk held more than _TEXT_LIMIT bytes


def has_walker(mime: str, head: bytes) -> bool:
    """Whether ``layout`` checks this format's structure (else it needs only the head)."""
    return _walker(mime, head) is not None


def _walker(mime: str, head: bytes) -> Callable[[bytes], Layout | None] | None:
    walker = _WALKERS.get(mime)
    if walker is None and mime.startswith(("audio/", "video/", "image/")):
        if head.startswith(b"RIFF"):
            walker = _riff
        elif head[4:8] == b"ftyp":
            walker = _isobmff
    return walker


def layout(data: bytes, mime: str) -> Layout | None:
    """The media's layout, or None when the bytes do not hold up as ``mime``."""
    walker = _walker(mime, data)
    if walker is None:
        return Layout(len(data), verified=False)
    try:
        return walker(data)
    except (IndexError, ValueError, zlib.error):
        return None


def _be(data: bytes, pos: int, n: int) -> int:
    if pos + n > len(data):
        raise IndexError("past the end")
    return int.from_bytes(data[pos : pos + n], "big")


def _le(data: bytes, pos: int, n: int) -> int:
    if pos + n > len(data):
        raise IndexError("past the end")
    return int.from_bytes(data[pos : pos + n], "little")


def _png(data: bytes) -> Layout | None:
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    pos, texts, first, cut = 8, [], True, False
    while pos + 12 <= len(data):
        length = _be(data, pos, 4)
        ctype = data[pos + 4 : pos + 8]
        if not ctype.isalpha() or (first and ctype != b"IHDR") or pos + 12 + length > len(data):
            return None
        body = data[pos + 8 : pos + 8 + length]
        if zlib.crc32(ctype + body) != _be(data, pos + 8 + length, 4):
            return None
        first = False
        if ctype in (b"tEXt", b"zTXt", b"iTXt"):
            text, chunk_cut = _png_text(ctype, body)
            texts.append(text)
            cut = cut or chunk_cut
        elif ctype not in _PNG_IMAGE_CHUNKS:  # eXIf and private chunks: whatever text they hold
            texts.append(_printable(body))
        pos += 12 + length
        if ctype == b"IEND":
            return Layout(pos, texts, cut=cut)
    return None


def _png_text(ctype: bytes, body: bytes) -> tuple[str, bool]:
    """The text of a tEXt/zTXt/iTXt chunk, and whether it was cut at _TEXT_LIMIT."""
    keyword, _, rest = body.partition(b"\0")
    label = keyword.decode("latin-1")
    if ctype == b"tEXt":
        return f"{label}: {rest.decode('latin-1')}", False
    if ctype == b"zTXt":
        raw, cut = _inflate(rest[1:])
        return f"{label}: {raw.decode('latin-1')}", cut
    compressed, rest = rest[0], rest[2:]
    _language, _, rest = rest.partition(b"\0")
    translated, _, text = rest.partition(b"\0")
    raw, cut = _inflate(text) if compressed else (text, False)
    return f"{label} {translated.decode('utf-8', 'replace')}: {raw.decode('utf-8', 'replace')}", cut


def _inflate(data: bytes) -> tuple[bytes, bool]:
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, _TEXT_LIMIT)
    return out, bool(inflater.unconsumed_tail)


# Chunks that hold pixels, palettes and colour data rather than anything a person could read.
_PNG_IMAGE_CHUNKS = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"bKGD",
    b"pHYs", b"sBIT", b"sPLT", b"hIST", b"tIME", b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(data: bytes) -> Layout | None:
    if not data.startswith(b"\xff\xd8"):
        return None
    texts: list[str] = []
    pos, frame, n = 2, False, len(data)
    while pos < n:
        if data[pos] != 0xFF:
            return None
        while pos < n and data[pos] == 0xFF:
            pos += 1
        if pos >= n:
            return None
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            return Layout(pos, texts) if frame else None
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue
        length = _be(data, pos, 2)
        if length < 2 or pos + length > n:
            return None
        segment = data[pos + 2 : pos + length]
        if marker == 0xFE or 0xE0 <= marker <= 0xEF:
            texts.append(_printable(segment))
        frame = frame or marker in _JPEG_SOF
        pos += length
        if marker == 0xDA:  # entropy-coded data runs to the next marker that is not a stuffed FF or RSTn
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= n:
                    return None
                following = data[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    pos += 1 if following == 0xFF else 2
                    continue
                break
    return None


def _gif(data: bytes) -> Layout | None:
    if not data.startswith((b"GIF87a", b"GIF89a")):
        return None
    packed = _le(data, 10, 1)
    pos = 13 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0)
    texts: list[str] = []
    images = 0
    while True:
        block = _le(data, pos, 1)
        if block == 0x3B:
            return Layout(pos + 1, texts) if images else None
        if block == 0x21:
            label = _le(data, pos + 1, 1)
            pos, body = _sub_blocks(data, pos + 2)
            if label in (0xFE, 0x01):  # comment, plain text
                texts.append(_printable(body))
        elif block == 0x2C:
            packed = _le(data, pos + 9, 1)
            pos += 10 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0) + 1
            pos, _ = _sub_blocks(data, pos)
            images += 1
        else:
            return None


def _sub_blocks(data: bytes, pos: int) -> tuple[int, bytes]:
    parts = []
    while size := _le(data, pos, 1):
        if pos + 1 + size > len(data):
            raise IndexError("sub-block past the end")
        parts.append(data[pos + 1 : pos + 1 + size])
        pos += 1 + size
    return pos + 1, b"".join(parts)


def _bmp(data: bytes) -> Layout | None:
    if not data.startswith(b"BM"):
        return None
    size, offset, header = _le(data, 2, 4), _le(data, 10, 4), _le(data, 14, 4)
    if header not in (12, 40, 52, 56, 64, 108, 124) or not 14 + header <= offset <= size <= len(data):
        return None
    return Layout(size)


def _riff(data: bytes) -> Layout | None:
    if not data.startswith(b"RIFF"):
        return None
    end = 8 + _le(data, 4, 4)
    if end > len(data) or end < 12:
        return None
    pos = 12
    while pos < end:
        cid, size = data[pos : pos + 4], _le(data, pos + 4, 4)
        if not _fourcc(cid) or pos + 8 + size > end:
            return None
        pos += 8 + size + (size & 1)
    return Layout(min(pos, len(data)))


def _isobmff(data: bytes) -> Layout | None:
    if data[4:8] != b"ftyp":
        return None
    pos, n = 0, len(data)
    while pos + 8 <= n:
        size, btype = _be(data, pos, 4), data[pos + 4 : pos + 8]
        header = 8
        if size == 1:
            size, header = _be(data, pos + 8, 8), 16
        elif size == 0:
            size = n - pos
        if not _fourcc(btype) or size < header or pos + size > n:
            break  # what follows the last whole box is not this file's own: scanned on its own
        pos += size
    return Layout(pos) if pos else None


def _fourcc(code: bytes) -> bool:
    return len(code) == 4 and all(0x20 <= c <= 0x7E for c in code)


def _printable(data: bytes) -> str:
    """Text of a metadata segment (EXIF, XMP, comments): UTF-8 where it decodes, else Latin-1."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


_WALKERS = {
    "image/png": _png,
    "image/jpeg": _jpeg,
    "image/gif": _gif,
    "image/bmp": _bmp,
    "image/x-ms-bmp": _bmp,
    "image/webp": _riff,
    "audio/x-wav": _riff,
    "audio/wav": _riff,
    "video/x-msvideo": _riff,
    "video/mp4": _isobmff,
    "video/quicktime": _isobmff,
    "image/heic": _isobmff,
    "image/heif": _isobmff,
    "image/avif": _isobmff,
    "audio/x-m4a": _isobmff,
    "video/3gpp": _isobmff,
}
