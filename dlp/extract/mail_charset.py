"""Mail text as a Japanese mail client shows it: encoded words in headers (``=?ISO-2022-JP?B?…?=``)
and body bytes in their declared charset, ISO-2022-JP and Shift_JIS read through CP932 (the
characters Windows mailers write), anything else sniffed. Used by the part walk and by the
header reader alike."""

from __future__ import annotations

import base64
import binascii
import quopri
import re

from dlp.extract.decode import decode_bytes, decode_iso2022jp

_ENCODED_WORD = re.compile(r"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")
_CP932_ALIASES = {"shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j", "cp932"}


def decode_encoded_words(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        charset, encoding, payload = m.group(1).lower().split("*")[0], m.group(2).upper(), m.group(3)
        try:
            data = (
                base64.b64decode(payload + "=" * (-len(payload) % 4))
                if encoding == "B"
                else quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"), header=True)
            )
        except (binascii.Error, ValueError):
            return m.group(0)
        return decode_text(data, charset)

    decoded = _ENCODED_WORD.sub(one, text)
    return re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", decoded) if decoded != text else decoded


def decode_text(data: bytes, charset: str | None) -> str:
    """Bytes of a text part: ISO-2022-JP via CP932, Shift_JIS as CP932, the declared charset
    when it decodes cleanly, else sniffed."""
    return decode_body(data, charset)[0]


def decode_body(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """``decode_text``, and why the text may not be what a mail client shows (None when it is):
    a body that neither its declared charset nor any Japanese encoding reads (EBCDIC, a charset
    Python does not know) is an unscannable reason, never an empty pass."""
    charset = (charset or "").lower().strip()
    if (b"\x1b$" in data or b"\x1b(" in data) and data.isascii() and charset in ("", "us-ascii", "ascii"):
        # Undeclared 7-bit text with JIS escapes is ISO-2022-JP, as Japanese mail clients read it;
        # 8-bit text (or a declared UTF-8 body) with an escape in front is read as it is declared.
        return decode_iso2022jp(data), None
    if charset in _CP932_ALIASES:
        charset = "cp932"
    if charset.startswith("iso-2022-jp"):
        return decode_iso2022jp(data), None
    unknown = False
    if charset:
        try:
            return data.decode(charset), None
        except LookupError:
            unknown = True
        except UnicodeDecodeError:
            pass
    text, encoding = decode_bytes(data)
    shown = re.sub(r"[^\w.+-]", "?", charset[:40])
    if encoding.lossy:
        return text, f"body not readable as {shown or 'any known charset'} nor as Japanese text"
    if unknown and not data.isascii():
        return text, f"unknown charset {shown}: read as {encoding.codec}, a mail client may show other text"
    return text, None
