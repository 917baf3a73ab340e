"""Fonts whose extracted text is not what a viewer draws: ``suspicious_font``.

Text extraction believes the font's ToUnicode CMap (or, without one, the glyph names of its
encoding); a viewer draws the glyphs. A font can therefore draw ``0123`` while every extractor
reads ``ABCD``, and a Type3 font draws each glyph with a little content stream of its own, so
its codes can mean anything. Without OCR we cannot read the drawing, so such a font is flagged
(fail closed) instead of passing as harmless letters:

- a simple font whose encoding names digit glyphs (the standard encodings put 0-9 at 0x30-0x39,
  /Differences may put /zero../nine anywhere) while its ToUnicode maps those codes elsewhere;
- a Type0 font with a Unicode CMap (UniJIS-UCS2-H and the like: the code *is* the character)
  whose ToUnicode maps digit codes elsewhere;
- a Type3 font whose digit-named glyphs are mapped elsewhere, or which has no ToUnicode and
  glyph names with no Unicode meaning (/g0, /c12): extractors then return the raw codes.

Not caught (needs the font program or a render): an embedded font whose glyph *named* A draws
a 0, and Type3 glyphs named after letters that draw digits. Each font object is checked once per
document, and its ToUnicode stream is only decoded when the font draws digits.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from dlp.extract.pdf_tree import array, get, object_key, resolve

DIGIT_NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
DIGITS = {name: str(d) for d, name in enumerate(DIGIT_NAMES)}
STANDARD_ENCODINGS = {
    "/StandardEncoding",
    "/WinAnsiEncoding",
    "/MacRomanEncoding",
    "/MacExpertEncoding",
    "/PDFDocEncoding",
}
STANDARD_14 = {"Times", "Helvetica", "Courier", "Arial", "TimesNewRoman", "CourierNew"}
UNICODE_CMAP = re.compile(r"UCS2|UTF16", re.IGNORECASE)
MAX_DEPTH = 8  # Form XObjects inside Form XObjects


@dataclass
class FontCheck:
    """One document's font verdicts: each font and resource dictionary is looked at once, and
    each bad font is reported once (on the first page that uses it), not on every page."""

    fonts: dict[tuple[int, int, int], str | None] = field(default_factory=dict)
    resources: set[tuple[int, int, int]] = field(default_factory=set)
    reported: set[tuple[int, int, int]] = field(default_factory=set)

    def check_page(self, page: Any) -> str | None:
        """A one-line reason when a font used on the page draws digits that extract otherwise."""
        try:
            found = self._resources(resolve(page.get("/Resources")), 0)
            for annotation in array(page.get("/Annots")):
                appearance = get(get(annotation, "/AP"), "/N")
                if appearance is not None and hasattr(appearance, "get_data"):
                    found = found or self._resources(get(appearance, "/Resources"), 1)
            return found
        except RecursionError:
            return "font resources nested too deeply to check"

    def _resources(self, resources: Any, depth: int) -> str | None:
        if not isinstance(resources, dict) or depth > MAX_DEPTH:
            return None
        key = object_key(resources)
        if key in self.resources:
            return None
        self.resources.add(key)
        for font in (get(resources, "/Font") or {}).values():
            font = resolve(font)
            if not isinstance(font, dict):
                continue
            fkey = object_key(font)
            if fkey not in self.fonts:
                try:
                    self.fonts[fkey] = font_problem(font)
                except Exception as exc:  # a font we cannot analyse is not proof of anything
                    self.fonts[fkey] = None if not isinstance(exc, RecursionError) else "font nested too deeply"
            if self.fonts[fkey] and fkey not in self.reported:
                self.reported.add(fkey)
                return self.fonts[fkey]
        for xobject in (get(resources, "/XObject") or {}).values():
            xobject = resolve(xobject)
            if isinstance(xobject, dict) and xobject.get("/Subtype") == "/Form":
                found = self._resources(get(xobject, "/Resources"), depth + 1)
                if found:
                    return found
        return None


def font_problem(font: dict[str, Any]) -> str | None:
    subtype = resolve(font.get("/Subtype"))
    name = str(resolve(font.get("/BaseFont")) or resolve(font.get("/Name")) or "/(unnamed)")[1:]
    if subtype == "/Type3":
        return _type3_problem(font, name)
    if subtype == "/Type0":
        encoding = resolve(font.get("/Encoding"))
        if font.get("/ToUnicode") is None or not isinstance(encoding, str) or not UNICODE_CMAP.search(encoding):
            return None
        digits = {0x30 + d: str(d) for d in range(10)} | {0xFF10 + d: str(d) for d in range(10)}
        return _mismatch(font, name, digits)
    if font.get("/ToUnicode") is None:
        return None
    descriptor = get(font, "/FontDescriptor")
    flags = get(descriptor, "/Flags")
    embedded = any(get(descriptor, k) is not None for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    # an embedded symbol font (Wingdings bullets from Office) maps its codes to the Private Use
    # Area; what it draws is decided by its own program, which we cannot read anyway
    symbol_font = embedded and isinstance(flags, int) and bool(flags & 4) and not flags & 32
    return _mismatch(font, name, _simple_digit_codes(font, subtype, name), pua_ok=symbol_font)


def _simple_digit_codes(font: dict[str, Any], subtype: Any, name: str) -> dict[int, str]:
    """Codes whose glyph is a digit, as far as the encoding tells without the font program."""
    encoding = resolve(font.get("/Encoding"))
    base = encoding if isinstance(encoding, str) else get(encoding, "/BaseEncoding")
    descriptor = get(font, "/FontDescriptor")
    embedded = any(get(descriptor, k) is not None for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    standard = not embedded and subtype == "/Type1" and name.split("-")[0].split(",")[0] in STANDARD_14
    codes: dict[int, str] = {}
    if base in STANDARD_ENCODINGS or standard:
        codes = {0x30 + d: str(d) for d in range(10)}
    for code, glyph in _differences(encoding).items():
        digit = _glyph_digit(glyph)
        if digit:
            codes[code] = digit
        else:
            codes.pop(code, None)
    return codes


def _type3_problem(font: dict[str, Any], name: str) -> str | None:
    glyphs = _differences(resolve(font.get("/Encoding")))
    if font.get("/ToUnicode") is not None:
        digits = {code: d for code, g in glyphs.items() if (d := _glyph_digit(g))}
        return _mismatch(font, name, digits, "Type3 font")
    unknown = sorted({g for g in glyphs.values() if _glyph_unicode(g) is None})
    if unknown:
        return (
            f"Type3 font {name}: {len(unknown)} glyph name(s) without a Unicode meaning and no ToUnicode; "
            "what it draws cannot be read as text"
        )
    return None


def _mismatch(
    font: dict[str, Any], name: str, digits: dict[int, str], kind: str = "font", *, pua_ok: bool = False
) -> str | None:
    if not digits:
        return None
    stream = resolve(font.get("/ToUnicode"))
    if stream is None or not hasattr(stream, "get_data"):
        return None
    mapped = to_unicode(bytes(stream.get_data()), set(digits))
    wrong = [
        c
        for c, d in digits.items()
        if c in mapped
        and unicodedata.normalize("NFKC", mapped[c]) != d
        and not (pua_ok and all("\ue000" <= ch <= "\uf8ff" for ch in mapped[c]))
    ]
    if not wrong:
        return None
    return f"{kind} {name}: ToUnicode maps {len(wrong)} code(s) of digit glyphs to other characters"


HEX = r"<([0-9A-Fa-f\s]*)>"
BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
PAIR = re.compile(HEX.encode() + rb"\s*" + HEX.encode())
RANGE = re.compile(HEX.encode() + rb"\s*" + HEX.encode() + rb"\s*(" + HEX.encode() + rb"|\[[^\]]*\])")


def to_unicode(cmap: bytes, wanted: set[int]) -> dict[int, str]:
    """What a ToUnicode CMap says for the ``wanted`` codes (bfchar and bfrange, both forms)."""
    out: dict[int, str] = {}
    for block in BFCHAR.findall(cmap):
        for src, dst in PAIR.findall(block):
            code = _int(src)
            if code in wanted:
                out[code] = _utf16(dst)
    for block in BFRANGE.findall(cmap):
        for lo, hi, dst, _ in RANGE.findall(block):
            first, last = _int(lo), _int(hi)
            for code in (c for c in wanted if first <= c <= last):
                if dst.startswith(b"["):
                    items = re.findall(HEX.encode(), dst)
                    if code - first < len(items):
                        out[code] = _utf16(items[code - first])
                else:
                    raw = _hex(dst) or b"\0"
                    raw = raw[:-1] + bytes([(raw[-1] + code - first) % 256]) if raw else raw
                    out[code] = raw.decode("utf-16-be", "replace")
    return out


def _differences(encoding: Any) -> dict[int, str]:
    """Code -> glyph name from an encoding dictionary's /Differences array."""
    out: dict[int, str] = {}
    code = 0
    for entry in array(get(encoding, "/Differences")):
        entry = resolve(entry)
        if isinstance(entry, int):
            code = entry
        elif isinstance(entry, str):
            out[code] = entry.lstrip("/")
            code += 1
    return out


def _glyph_unicode(glyph: str) -> str | None:
    base = glyph.split(".")[0].split("_")[0]
    if base in DIGITS:
        return DIGITS[base]
    mapped = _glyph_list().get("/" + base)
    if mapped:
        return str(mapped)
    match = re.fullmatch(r"uni([0-9A-Fa-f]{4})+|u([0-9A-Fa-f]{4,6})", base)
    if match:
        return chr(int(base[3:7] if base.startswith("uni") else base[1:], 16))
    return None


@functools.cache
def _glyph_list() -> dict[str, str]:
    """The Adobe Glyph List as pypdf ships it, loaded on first need (importing pypdf costs
    start-up time); without it every name outside the digits counts as unknown."""
    try:
        from pypdf._codecs.adobe_glyphs import adobe_glyphs
    except ImportError:  # pragma: no cover - depends on pypdf internals
        return {}
    return dict(adobe_glyphs)


def _glyph_digit(glyph: str) -> str | None:
    text = _glyph_unicode(glyph)
    if not text:
        return None
    folded = unicodedata.normalize("NFKC", text)
    return folded if len(folded) == 1 and folded.isdigit() and folded.isascii() else None


def _utf16(hex_digits: bytes) -> str:
    return _hex(hex_digits).decode("utf-16-be", "replace")


def _hex(hex_digits: bytes) -> bytes:
    """Bytes of a hex string; an odd final digit counts as followed by 0 (PDF hex strings)."""
    cleaned = re.sub(rb"[^0-9A-Fa-f]", b"", hex_digits).decode()
    return bytes.fromhex(cleaned + "0" * (len(cleaned) % 2))


def _int(hex_digits: bytes) -> int:
    cleaned = re.sub(rb"\s", b"", hex_digits)
    return int(cleaned, 16) if cleaned else -1
