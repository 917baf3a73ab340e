"""Decoding Japanese text of unknown encoding, streaming.

Order (reference/extraction.md §3): BOM -> ISO-2022-JP escapes -> strict UTF-8 -> EUC-JP and
CP932 both strict, the better-scoring one wins -> Windows-1252 when the bytes read as Western
European text and not as Japanese -> CP932 with replacement, flagged lossy.
Never ``shift_jis`` (it cannot decode ① or ㈱) and never charset-normalizer first (it picks
shift_jis_2004 for CP932 text and turns 髙 into 郄). The decision is made on the first bytes
that are not ASCII, so a CP932 file with a long ASCII header is still read as CP932.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

SNIFF_BYTES = 256 * 1024
CHUNK_BYTES = 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_JIS_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(I", b"\x1b$(D")
ISO2022JP = "iso-2022-jp(cp932)"


@dataclass(frozen=True)
class Encoding:
    codec: str
    lossy: bool = False  # decoded with replacement characters: some text may be missing


def sniff_encoding(sample: bytes) -> Encoding:
    """Choose a codec for a file that starts with ``sample`` (which may end mid-character)."""
    for bom, codec in _BOMS:
        if sample.startswith(bom):
            rest = sample[len(bom) :]
            if codec != "utf-8-sig" and _eight_bit_behind_bom(rest, bom):
                # A UTF-16/32 BOM in front of 8-bit text: read as UTF-16 every byte pair became
                # nonsense, while cat, less and grep show the text. Read what they show.
                return Encoding(sniff_encoding(rest).codec, lossy=True)
            return Encoding(codec)
    if b"\x1b" in sample and any(esc in sample for esc in _JIS_ESCAPES) and _first_non_ascii(sample) < 0:
        # ISO-2022-JP is 7-bit: an escape in front of 8-bit text (UTF-8, CP932) is a decoy that
        # would turn every digit after it into kanji, while an editor shows the text as it is.
        return Encoding(ISO2022JP)
    first = _first_non_ascii(sample)
    if first < 0:
        return Encoding("utf-8")
    window = sample[max(0, first - 1) : first + 64 * 1024]
    if _decodes(window, "utf-8"):
        return Encoding("utf-8")
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return Encoding(utf16)
    euc = _decodes(window, "euc_jp")
    sjis = _decodes(window, "cp932")
    if euc and sjis:
        codec = "euc_jp" if _score(window, "euc_jp") >= _score(window, "cp932") else "cp932"
    elif euc or sjis:
        codec = "euc_jp" if euc else "cp932"
    else:
        utf16 = _utf16_japanese(sample)
        if utf16:
            return Encoding(utf16)
        if not _looks_ebcdic(sample) and _western(window):
            return Encoding(WESTERN)
        return Encoding("cp932", lossy=True)
    # Bytes of another family (EBCDIC above all) often decode "cleanly" as CP932 into nonsense:
    # that is not text we can read, and must not pass as text that holds nothing.
    ebcdic = _looks_ebcdic(sample) or has_ebcdic_number(window)
    if ebcdic or not _plausible(window, codec):
        utf16 = _utf16_japanese(sample)
        if utf16:
            return Encoding(utf16)
        if not ebcdic and _western(window):  # "Réunion": é + letter is a valid CP932 pair
            return Encoding(WESTERN)
        return Encoding(codec, lossy=True)
    return Encoding(codec)


# Latin-1 text is read as Windows-1252, as browsers do (WHATWG): the same letters, and the
# bytes 0x80-0x9F that Latin-1 leaves to control codes are Word's quotes, dashes and the euro.
WESTERN = "cp1252"
_WESTERN_SIGNS = set("€‚ƒ„…†‡ˆ‰‹‘’“”•–—˜™›\xa0¡¢£¥§¨©ª«¬®°±²³´µ¶·¸¹º»¼½¾¿×÷")
WESTERN_MAX_HIGH = 0.3  # accented letters are a minority of Western European text
WESTERN_MAX_RUNS = 0.05  # and stand alone or in pairs (ção), never in the long runs of kana and kanji


def _western(window: bytes) -> bool:
    """Whether bytes no Japanese decoder reads strictly (or reads as nonsense) are Western
    European text in Windows-1252/Latin-1: mostly ASCII, the other characters letters (é, ü,
    ß, ç) or typographic signs (“ ” – € …), and those not in runs of three or more, which is
    what Japanese in CP932 or EUC-JP looks like when misread as Latin-1."""
    try:
        text = window.decode(WESTERN)
    except UnicodeDecodeError:  # 0x81 0x8D 0x8F 0x90 0x9D: undefined, not Windows-1252
        return False
    high = [i for i, c in enumerate(text) if not c.isascii()]
    if not high or len(high) > len(text) * WESTERN_MAX_HIGH:
        return False
    if sum(1 for i in high if text[i].isalpha() or text[i] in _WESTERN_SIGNS) < len(high) * 0.95:
        return False
    in_runs = sum(len(run) for run in _HIGH_RUN.findall(text) if len(run) >= 3)
    if in_runs > len(high) * WESTERN_MAX_RUNS:
        return False
    # Kana need the CP932 lead bytes 0x82/0x83 (‚ ƒ in Windows-1252, rare there): Japanese with
    # a broken byte stays Japanese, read with replacement and flagged lossy.
    for codec in ("cp932", "euc_jp"):
        kana = _KANA.findall(codecs.getincrementaldecoder(codec)(errors="replace").decode(window, final=False))
        if len(kana) >= 3:
            return False
    return True


_HIGH_RUN = re.compile(r"[^\x00-\x7f]+")
_KANA = re.compile("[\u3041-\u3096\u30a1-\u30fa]")


LOOKAHEAD_BYTES = 64 * 1024 * 1024


def sniff_stream(fh: BinaryIO) -> Encoding:
    """Sniff a seekable stream: past a long ASCII head (CSV headers, English logs) to the first
    bytes that tell the encodings apart, then rewind."""
    head = fh.read(SNIFF_BYTES)
    sample = head
    read = len(head)
    while sample.isascii() and read < LOOKAHEAD_BYTES:
        chunk = fh.read(CHUNK_BYTES)
        if not chunk:
            break
        read += len(chunk)
        if not chunk.isascii():
            sample = head[:8] + chunk  # keep a BOM or escape sequence visible
            break
    fh.seek(0)
    return sniff_encoding(sample)


def is_text(sample: bytes) -> bool:
    """Bytes that decode cleanly (and hold no control garbage) are text, whatever libmagic says."""
    if not sample:
        return True
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _utf16_without_bom(sample) is not None or _utf16_japanese(sample) is not None
    encoding = sniff_encoding(sample)
    if encoding.lossy:
        return False
    if encoding.codec == ISO2022JP:
        return True
    text = codecs.getincrementaldecoder(encoding.codec)(errors="replace").decode(sample, final=False)
    controls = sum(1 for c in text if c < " " and c not in "\t\r\n\f\v\x1a\x1b")
    return controls <= max(2, len(text) // 200)


@dataclass
class DecodeState:
    """What a streaming decode learned on the way (a later part may not decode cleanly)."""

    lossy: bool = False
    foreign: bool = False  # a part of the stream is in an encoding we cannot read (EBCDIC digits)


def iter_decoded(
    fh: BinaryIO, encoding: Encoding, state: DecodeState, *, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[str]:
    """Decode a binary stream chunk by chunk; memory stays constant whatever the file size."""
    state.lossy = encoding.lossy
    if encoding.codec == ISO2022JP:
        # Stateful escapes: decoded as one piece (callers cap the item size).
        yield decode_iso2022jp(fh.read())
        return
    decoder = codecs.getincrementaldecoder(encoding.codec)(errors="replace" if encoding.lossy else "strict")
    multibyte = encoding.codec in ("cp932", "euc_jp")
    while True:
        chunk = fh.read(chunk_bytes)
        if not chunk:
            break
        if multibyte and not state.foreign and has_ebcdic_number(chunk):
            state.foreign = True
        try:
            yield decoder.decode(chunk)
        except UnicodeDecodeError:
            # The sample looked clean but a later part is not: keep going, replacing what
            # cannot be decoded, and say so on the verdict.
            state.lossy = True
            decoder.errors = "replace"
            yield decoder.decode(chunk)
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def decode_bytes(data: bytes) -> tuple[str, Encoding]:
    encoding = sniff_encoding(data[:SNIFF_BYTES])
    if encoding.codec == ISO2022JP:
        return decode_iso2022jp(data), encoding
    try:
        return data.decode(encoding.codec), encoding
    except UnicodeDecodeError:
        lossy = Encoding(encoding.codec, lossy=True)
        return data.decode(encoding.codec, errors="replace"), lossy


def decode_iso2022jp(data: bytes) -> str:
    """ISO-2022-JP through CP932, so that NEC special characters (①, ㈱, ㍉) survive.

    Python's iso2022_jp codecs reject row 13 (ESC $ B 0x2D21 = ①); mapping each JIS pair to
    Shift_JIS and decoding CP932 handles it (reference/mail.md §3.3).
    """
    out = bytearray()
    mode = "ascii"
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        if b == 0x1B:
            seq = data[i : i + 4]
            if seq.startswith((b"\x1b$B", b"\x1b$@")):
                mode, i = "jis", i + 3
                continue
            if seq.startswith(b"\x1b$(D"):
                mode, i = "jis", i + 4
                continue
            if seq.startswith((b"\x1b(B", b"\x1b(J")):
                mode, i = "ascii", i + 3
                continue
            if seq.startswith(b"\x1b(I"):
                mode, i = "kana", i + 3
                continue
        if b in (0x0A, 0x0D):
            out.append(b)
            i += 1
            continue
        if mode == "jis" and i + 1 < n and 0x21 <= b <= 0x7E and 0x21 <= data[i + 1] <= 0x7E:
            out += _jis_to_sjis(b, data[i + 1])
            i += 2
            continue
        if mode == "kana" and 0x21 <= b <= 0x5F:
            out.append(b + 0x80)
            i += 1
            continue
        out.append(b)
        i += 1
    return bytes(out).decode("cp932", errors="replace")


def _jis_to_sjis(j1: int, j2: int) -> bytes:
    s1 = (j1 + 1) // 2 + (0x70 if j1 <= 0x5E else 0xB0)
    s2 = (j2 + (0x1F if j2 <= 0x5F else 0x20)) if j1 % 2 else j2 + 0x7E
    return bytes((s1, s2))


def _eight_bit_behind_bom(rest: bytes, bom: bytes) -> bool:
    """Whether the bytes after a UTF-16/32 BOM are 8-bit text: UTF-16 of anything with a space,
    digit or line end has NUL bytes, and UTF-16 of Japanese alone reads as Japanese text
    (a one-line note saved by Notepad), which 8-bit text read as UTF-16 never does."""
    rest = rest[:65536]
    if len(rest) < 2 or b"\x00" in rest:
        return False
    if bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        wide = rest[: len(rest) // 2 * 2].decode("utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be", "replace")
        if wide and len(_JAPANESE_UNITS.findall(wide)) >= len(wide) * 0.95:
            return False
    if _first_non_ascii(rest) < 0:  # kana-only UTF-16 is ASCII bytes too ("B0D0" is あい), but no spaces
        return b" " in rest or b"\n" in rest
    if _decodes(rest, "utf-8"):
        return True
    text = rest.decode("utf-8", "replace")  # UTF-8 with a few bad bytes inside
    if text.count("\ufffd") <= max(2, len(text) // 100):
        return True
    # 8-bit text behind a few more stray bytes (FF FE FD FC + text)
    for skip in range(min(64, len(rest) - 1)):
        tail = rest[skip:]
        if _decodes(tail, "utf-8") or any(_decodes(tail, c) and _plausible(tail, c) for c in ("cp932", "euc_jp")):
            return True
    return False


def _first_non_ascii(sample: bytes) -> int:
    for i, b in enumerate(sample):
        if b >= 0x80:
            return i
    return -1


def _decodes(data: bytes, codec: str) -> bool:
    try:
        codecs.getincrementaldecoder(codec)().decode(data, final=False)
        return True
    except UnicodeDecodeError:
        return False


def _utf16_without_bom(sample: bytes) -> str | None:
    if len(sample) < 4:
        return None
    even_zero = sample[0::2].count(0)
    odd_zero = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zero > half * 0.3 and even_zero < half * 0.05:
        return "utf-16-le" if _decodes(sample, "utf-16-le") else None
    if even_zero > half * 0.3 and odd_zero < half * 0.05:
        return "utf-16-be" if _decodes(sample, "utf-16-be") else None
    return None


# Eight or more EBCDIC digits (0xF0-0xF9), maybe with EBCDIC space . - / ( ) between them: a
# phone or My Number that CP932 would read as user-defined characters and UTF-8 not at all.
EBCDIC_NUMBER = re.compile(rb"[\xf0-\xf9](?:[\x40\x4b\x60\x61\x4d\x5d]?[\xf0-\xf9]){7,}")
# The same search with every digit byte made 0xF0 and every space or sign byte 0x40 (bytes.translate,
# then a pattern that starts with one byte, found by a fast search): 3.5x faster on a CP932 export,
# where each chunk is searched whole.
_EBCDIC_FOLD = bytes(0xF0 if 0xF0 <= b <= 0xF9 else 0x40 if b in b"\x40\x4b\x60\x61\x4d\x5d" else b for b in range(256))
_EBCDIC_FOLDED = re.compile(rb"\xf0(?:\x40?\xf0){7,}")


def has_ebcdic_number(data: bytes) -> bool:
    """Whether EBCDIC_NUMBER is found in ``data``."""
    return _EBCDIC_FOLDED.search(data.translate(_EBCDIC_FOLD)) is not None


_ASCII_LOWER = bytes(range(0x61, 0x7B))


def _looks_ebcdic(sample: bytes) -> bool:
    """EBCDIC text: its space is 0x40 ("@" in ASCII) and its digits 0xF0-0xF9, while ASCII
    spaces and line feeds are missing."""
    n = len(sample)
    if n < 32:
        return False
    spaces = sample.count(0x40)
    if spaces <= n * 0.04 or sample.count(0x20) >= n * 0.005 or sample.count(0x0A) >= max(2, n * 0.001):
        return False
    # ASCII lower-case letters are punctuation in EBCDIC, rare there: a one-line list of mail
    # addresses (many "@", no spaces) is not EBCDIC.
    lower = n - len(sample.translate(None, _ASCII_LOWER))
    return lower < n * 0.1


PLAUSIBLE_SCORE = 0.35


def _plausible(window: bytes, codec: str) -> bool:
    """Whether a multi-byte decoding reads as Japanese text: it scores (see ``_score``) and is
    not mostly user-defined characters (CP932 lead bytes 0xF0-0xF9, where EBCDIC digits land)."""
    text = codecs.getincrementaldecoder(codec)(errors="replace").decode(window, final=False)
    if not text:
        return True
    private = sum(1 for c in text if "\ue000" <= c <= "\uf8ff")
    if private > max(2, len(text) * 0.05):
        return False
    return _score(window, codec) >= PLAUSIBLE_SCORE


_NOT_KANJI = re.compile("[\t\n\r\x20-\x7e\u3000-\u30ff\uff01-\uffef]")
_JAPANESE_UNITS = re.compile("[\t\n\r\x20-\x7e\u3000-\u30ff\u4e00-\u9fff\uff01-\uffef]")


def _utf16_japanese(sample: bytes) -> str | None:
    """UTF-16 without a BOM whose text is Japanese (kana, kanji, full-width forms): no zero
    bytes give it away, so it is only tried when no 8-bit decoding reads the bytes."""
    even = sample[: min(len(sample), 65536) // 2 * 2]
    if len(even) < 32:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = even.decode(codec)
        except UnicodeDecodeError:
            continue
        n = len(text)
        # Japanese text, and not kanji alone: bytes of CP932 misread as UTF-16 land in kanji.
        if len(_JAPANESE_UNITS.findall(text)) >= n * 0.95 and len(_NOT_KANJI.findall(text)) >= n * 0.2:
            return codec
    return None


_VOICEABLE = set("ｳｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎ")
_SEMI_VOICEABLE = set("ﾊﾋﾌﾍﾎ")


def _score(data: bytes, codec: str) -> float:
    """How plausible a decoding is as Japanese text (0..1).

    EUC-JP read as CP932 turns into half-width katakana punctuated by ､/･ (the EUC lead bytes
    of hiragana and katakana); EUC-JP half-width kana (0x8E xx) read as CP932 turn into kanji
    that all share the lead byte 0x8E; CP932 read as EUC-JP turns into rare (level-2) kanji.
    Hiragana, full-width katakana, JIS level-1 kanji and ASCII score; half-width katakana a
    little less, and nothing when a voicing mark follows a character that cannot take one.
    Ties go to EUC-JP.
    """
    text = codecs.getincrementaldecoder(codec)(errors="replace").decode(data, final=False)
    if not text:
        return 0.0
    good = 0.0
    kanji = 0
    lead_8e = 0
    prev = ""
    for c in text:
        if c.isascii() or "\u3000" <= c <= "\u30ff" or "\uff01" <= c <= "\uff5e":
            good += 1
        elif "\uff61" <= c <= "\uff9f":
            if c <= "\uff65":  # ｡｢｣､･: half-width punctuation
                pass
            elif c == "ﾞ":
                good += 0.75 if prev in _VOICEABLE else 0
            elif c == "ﾟ":
                good += 0.75 if prev in _SEMI_VOICEABLE else 0
            else:
                good += 0.75
        elif "\u4e00" <= c <= "\u9fff":
            kanji += 1
            try:
                lead = c.encode("euc_jp")[0]
                lead_8e += c.encode("cp932")[0] == 0x8E
            except UnicodeEncodeError:
                lead = 0
            if 0xB0 <= lead <= 0xCF:  # JIS X 0208 rows 16-47: level-1 kanji
                good += 1
        prev = c
    score = good / len(text)
    if kanji >= 3 and lead_8e > kanji * 0.8:
        score *= 0.5
    return score
