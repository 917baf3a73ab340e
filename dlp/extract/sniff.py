"""What kind of content an item holds, from its bytes (python-magic), never its name alone.

libmagic needs enough bytes: from a 2 KB prefix it calls an openpyxl xlsx "application/zip",
so it gets 64 KB. Containers are confirmed by opening them (an OOXML zip names its main part in
[Content_Types].xml). libmagic calls some Shift_JIS text "OpenPGP Secret Key", so bytes that
decode cleanly as text are text. The extension only breaks ties (csv vs plain text).
Magic bytes alone never make media (a CSV behind ``GIF89a,`` is a CSV): its structure must hold
up (dlp.extract.media). A ZIP is found from its end, as unzip finds it, whatever is in front.
"""

from __future__ import annotations

import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import PurePosixPath

from dlp.extract.decode import is_text
from dlp.extract.jsondoc import looks_like_json
from dlp.extract.media import has_walker, layout
from dlp.model import Item

_from_buffer: Callable[..., str] | None
try:
    import magic

    _from_buffer = magic.from_buffer
except ImportError as exc:  # libmagic missing: fall back to our own signatures, and say so once
    _from_buffer = None
    _MAGIC_ERROR = str(exc)

SNIFF_BYTES = 64 * 1024

_BY_MIME = {
    "application/pdf": "pdf",
    "message/rfc822": "eml",
    "application/x-7z-compressed": "7z",
    "application/gzip": "gzip",
    "application/x-gzip": "gzip",
    "application/x-bzip2": "bzip2",
    "application/x-xz": "xz",
    "application/x-tar": "tar",
    "application/encrypted": "encrypted-office",
    "application/x-ole-storage": "cfb",
    "application/vnd.ms-excel": "cfb",
    "application/msword": "cfb",
    "application/vnd.ms-powerpoint": "cfb",
    "application/vnd.ms-outlook": "cfb",
    "application/CDFV2": "cfb",
    "application/x-rar": "rar",
    "application/vnd.rar": "rar",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "text/html": "html",
    "text/xml": "xml",
    "application/xml": "xml",
}
_OOXML_MAIN = (
    ("spreadsheetml.sheet.main", "xlsx"),
    ("ms-excel.sheet.macroEnabled.main", "xlsx"),
    ("spreadsheetml.template.main", "xlsx"),
    ("ms-excel.sheet.binary.macroEnabled.main", "xlsb"),
    ("wordprocessingml.document.main", "docx"),
    ("ms-word.document.macroEnabled.main", "docx"),
    ("wordprocessingml.template.main", "docx"),
    ("presentationml.presentation.main", "pptx"),
    ("ms-powerpoint.presentation.macroEnabled.main", "pptx"),
    ("presentationml.slideshow.main", "pptx"),
)
_DELIMITED_EXT = {".csv", ".tsv", ".tab"}
# Image formats with a strong signature; libmagic also guesses image/x-tga and the like for
# arbitrary bytes, which are better read for text strings.
_MEDIA = {"image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp", "image/tiff", "image/heic", "image/heif"}


def sniff(item: Item, head: bytes | None = None) -> tuple[str, str]:
    """(kind, mime) for an item; kind keys the extractor registry."""
    if head is None:
        head = item.read(SNIFF_BYTES)
    if not head:
        return "empty", "inode/x-empty"
    mime = _mime(head)
    if (
        mime in ("application/zip", "application/x-zip-compressed")
        or mime.startswith("application/vnd.openxmlformats")
        or head.startswith(b"PK\x03\x04")
    ):
        return _zip_kind(item), mime
    if mime == "message/rfc822" or (mime.startswith("text/") and _looks_like_mail(head)):
        return "eml", mime
    if (mime in _MEDIA or mime.startswith(("audio/", "video/"))) and _is_media(item, head, mime):
        return "media", mime
    if mime in _BY_MIME:
        kind = _BY_MIME[mime]
        if kind in ("html", "xml") or not is_text(head):
            return kind, mime
    if head.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        return "html", mime
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "cfb", mime
    if _pdf_header(head):
        return "pdf", mime
    if zip_at_end(item):  # a stub or text in front of a ZIP: unzip reads it, so do we
        return "zip", "application/zip"
    if is_text(head):
        if looks_like_json(head):
            return "json", mime
        return ("delimited" if _is_delimited(item, head, mime) else "text"), mime
    return "binary", mime


def _pdf_header(head: bytes) -> bool:
    """PDF viewers look for the header anywhere in the first 1,024 bytes (Acrobat's rule) and
    PDFium does not insist on the ``-`` after ``%PDF``: a byte put in front of the header, or a
    header damaged by one byte, must not turn a PDF into "binary"."""
    at = head.find(b"%PDF", 0, 1024)
    return at == 0 or (at > 0 and b" obj" in head[at : at + SNIFF_BYTES])


_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"PK\x05\x06", "application/zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"\x1f\x8b", "application/gzip"),
    (b"BZh", "application/x-bzip2"),
    (b"\xfd7zXZ\x00", "application/x-xz"),
    (b"Rar!", "application/x-rar"),
)
_warned = False


def _mime(head: bytes) -> str:
    if _from_buffer is not None:
        return _from_buffer(head, mime=True)
    global _warned
    if not _warned:
        print(f"dlp: warning: python-magic unavailable ({_MAGIC_ERROR}); install libmagic1", file=sys.stderr)
        _warned = True
    for signature, mime in _SIGNATURES:
        if head.startswith(signature):
            return mime
    if len(head) > 262 and head[257:262] == b"ustar":
        return "application/x-tar"
    return "text/plain" if is_text(head) else "application/octet-stream"


def _is_media(item: Item, head: bytes, mime: str) -> bool:
    """Magic bytes alone do not make an image: the structure must hold up (dlp.extract.media),
    else the bytes are read as whatever they are (a CSV behind ``GIF89a,`` is a CSV)."""
    found = layout(item.read() if has_walker(mime, head) else head, mime)
    if found is None:
        return False
    return found.verified or not is_text(head)


def _zip_kind(item: Item) -> str:
    try:
        with item.open() as fh, zipfile.ZipFile(fh) as zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" in names:
                with zf.open("[Content_Types].xml") as part:  # a prefix: never a bomb's whole output
                    types = part.read(200_000).decode("utf-8", "replace")
                for marker, kind in _OOXML_MAIN:
                    if marker in types:
                        return kind
            if "mimetype" in names:
                with zf.open("mimetype") as part:
                    mimetype = part.read(100).decode("ascii", "replace")
                if "opendocument.spreadsheet" in mimetype:
                    return "ods"
                if "opendocument" in mimetype:
                    return "odf"
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, ValueError, RuntimeError, NotImplementedError, zlib.error):
        return "zip"  # the zip extractor reports what is wrong with it
    return "zip"


def zip_at_end(item: Item) -> bool:
    """True when the item ends in a ZIP's end record that zipfile accepts (it finds a ZIP from
    its end, as unzip does, whatever comes in front)."""
    with item.open() as fh:
        size = fh.seek(0, 2)
        fh.seek(max(0, size - 65_557))
        if b"PK\x05\x06" not in fh.read():
            return False
        fh.seek(0)
        try:
            with zipfile.ZipFile(fh) as zf:
                return bool(zf.infolist())
        except Exception:  # zipfile refuses it (bad end record, "zip file version 8.4", …): not a ZIP here
            return False


def _looks_like_mail(head: bytes) -> bool:
    lines = head[:4096].split(b"\n", 30)
    headers = [line for line in lines[:30] if b":" in line and not line.startswith((b" ", b"\t"))]
    names = {h.split(b":", 1)[0].strip().lower() for h in headers}
    return len(names & {b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"received"}) >= 3


def _is_delimited(item: Item, head: bytes, mime: str) -> bool:
    suffix = PurePosixPath(item.name).suffix.lower()
    if suffix in _DELIMITED_EXT or mime == "text/csv":
        return True
    # A .txt export of a table: the first lines agree on a tab or comma count (at least 2 columns).
    lines = [line for line in head[:16384].split(b"\n")[:20] if line.strip()]
    if len(lines) < 3:
        return False
    for delimiter in (b"\t", b","):
        counts = {line.count(delimiter) for line in lines[:-1]}
        if len(counts) == 1 and min(counts) >= 1:
            return True
    return False
