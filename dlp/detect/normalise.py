"""Normalisation with an offset map back to the original text.

Detection regexes are written for one canonical form: NFKC (full-width digits and letters to
ASCII, half-width katakana to full-width), every dash-like character between digits folded to
``-``, ideographic and no-break spaces to a plain space, line breaks inside CJK runs dropped (a PDF
or a wrapped mail splits an address across lines), and characters no reader sees dropped
(zero-width spaces, soft hyphens, BOMs, bidi and other format controls, variation selectors,
Hangul fillers, NUL): ``0\u200b9\u200b0-1234-5678`` is 090-1234-5678 on screen. Findings must still point
at the *original* text, so every length-changing edit is recorded.

Normalising a whole document costs more than detecting in it (NFKC runs at ~11 M chars/s
here), so the engine normalises only regions around candidates. Only characters that NFKC
would change are touched: a region of plain Japanese text costs one regex scan.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

# Dashes that become "-" wherever they stand (NFKC leaves them alone). U+FF0D and U+FE63 are
# folded by NFKC already; U+207B/U+208B become U+2212 under NFKC and are then folded here.
ALWAYS_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\u02d7\u058a\ufe63\uff0d"
# Dashes that are also letters or lines: only between digits (コーヒー keeps its ー).
DIGIT_DASHES = "\u30fc\uff70\u2500\u2501"

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt; renderers draw nothing for
# them) plus NUL (UTF-16 read as 8-bit text, or "0\x009\x000" written on purpose). Other C0
# controls are drawn as symbols by editors, and files use them as field separators: kept.
IGNORABLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x0000),
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x20D0, 0x20F0),  # combining marks for symbols (keycap 0⃣, circle 0⃝ around a digit): not Default_Ignorable
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
IGNORABLE_CLASS = "".join(
    re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in IGNORABLE_RANGES
)
IGNORABLE_RE = re.compile(f"[{IGNORABLE_CLASS}]+")
# Right-to-left override: what follows, to the pop (U+202C) or the line end, is drawn reversed
# ("\u202e8765-4321-090" shows 090-1234-5678).
_OVERRIDE_RE = re.compile("\u202e([^\u202c\n\r]*)\u202c?")
# Searching a whole segment: a BMP-only class compiles to a bitmap (>200 M chars/s); the astral
# ranges are searched only in strings stored with 4 bytes per character (CPython keeps a str
# with any astral character in UCS-4, which sys.getsizeof shows in O(1)).
_IGNORABLE_BMP_RE = re.compile(
    "[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in IGNORABLE_RANGES if b <= 0xFFFF) + "]"
)
_IGNORABLE_ASTRAL_RE = re.compile(
    "[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in IGNORABLE_RANGES if a > 0xFFFF) + "]"
)


IGNORABLE_BMP_CLASS = _IGNORABLE_BMP_RE.pattern


def has_ignorable(text: str) -> bool:
    """Whether ``text`` holds a character no reader sees (cheap enough for every segment)."""
    if _IGNORABLE_BMP_RE.search(text) is not None:
        return True
    return has_astral_ignorable(text)


def has_astral_ignorable(text: str) -> bool:
    """Whether ``text`` holds an astral character no reader sees (O(1) for most texts)."""
    return sys.getsizeof(text) > 4 * len(text) and _IGNORABLE_ASTRAL_RE.search(text) is not None


def _has_astral(text: str) -> bool:
    # A str is kept in 4 bytes a character only when it holds an astral character: most texts
    # are told apart in O(1), the rest (and short strings, where the size says nothing) searched.
    return sys.getsizeof(text) > 4 * len(text) and _ANY_ASTRAL_RE.search(text) is not None


_ALWAYS_DASH_RE = re.compile(f"[{ALWAYS_DASHES}]")
# The lookbehind comes after the dash: a pattern that starts with a character class is scanned
# fast by sre, one that starts with a lookbehind is tried at every position (5x slower).
_DIGIT_DASH_RE = re.compile(f"[{DIGIT_DASHES}](?<=[0-9][{DIGIT_DASHES}])(?=[0-9])")

# Kanji, kana (full and half width), CJK compatibility ideographs and the iteration mark.
CJK_CLASS = (
    "\u3005\u3006\u3007\u303b\u3041-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
)
# Line breaks between two CJK characters (LF, and CRLF), lookbehind after the literal as above.
_CJK_LF_RE = re.compile(f"\n(?<=[{CJK_CLASS}]\n)(?=[{CJK_CLASS}])")
_CJK_CRLF_RE = re.compile(f"\r\n(?<=[{CJK_CLASS}]\r\n)(?=[{CJK_CLASS}])")

# Half-width voiced-sound marks compose with the katakana before them under NFKC.
_COMBINING_EXTRA = "\uff9e\uff9f"
# Blocks known to be NFKC-stable; skipping them keeps the table build at import cheap.
# tests/detect/test_normalise.py checks this claim against unicodedata.
STABLE_BLOCKS = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7A3),
    (0xE000, 0xF8FF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2EBEF),
    (0x30000, 0x3134F),
    (0xF0000, 0x10FFFF),
)


Ranges = tuple[tuple[int, int], ...]


def _ranges(codepoints: list[int]) -> Ranges:
    out: list[tuple[int, int]] = []
    for cp in codepoints:
        if out and cp == out[-1][1] + 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return tuple(out)


def _build_tables() -> tuple[Ranges, Ranges]:
    """Code-point ranges: characters NFKC changes, and characters that join the one before."""
    unstable: set[int] = set()
    combining: set[int] = set()
    cp = 0
    blocks = iter(STABLE_BLOCKS)
    block = next(blocks, None)
    while cp < 0x110000:
        if block and cp == block[0]:
            cp = block[1] + 1
            block = next(blocks, None)
            continue
        c = chr(cp)
        if unicodedata.combining(c) or c in _COMBINING_EXTRA:
            combining.add(cp)
        elif unicodedata.normalize("NFKC", c) != c:
            unstable.add(cp)
        decomposition = unicodedata.decomposition(c)
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            # A starter that composes with the character before it (NFC "Maybe").
            if len(parts) == 2 and not unicodedata.combining(chr(int(parts[1], 16))):
                combining.add(int(parts[1], 16))
        cp += 1
    combining.update(range(0x1161, 0x1176))  # Hangul vowel jamo
    combining.update(range(0x11A8, 0x11C3))  # Hangul trailing jamo
    return _ranges(sorted(unstable | combining)), _ranges(sorted(combining))


def _classes(ranges: Ranges) -> tuple[str, str]:
    """Regex classes for the BMP and the astral members of ``ranges``.

    sre compiles a class into a bitmap only when every member is in the BMP (>100 M chars/s);
    with astral members it checks a list of ranges per character (under 5 M chars/s). Japanese
    text almost never holds an astral character NFKC changes, so the astral class only runs
    when the text has astral characters at all.
    """
    bmp: list[str] = []
    astral: list[str] = []
    for a, b in ranges:
        if a <= 0xFFFF < b:
            bmp.append(f"{re.escape(chr(a))}-\\uffff")
            a = 0x10000
        part = re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        (astral if a > 0xFFFF else bmp).append(part)
    return f"[{''.join(bmp)}]", f"[{''.join(astral)}]"


try:  # generated by scripts/gen_unicode_tables.py; tests check it against this interpreter
    from dlp.detect._unicode_tables import COMBINING_RANGES, UNICODE_VERSION, UNSTABLE_RANGES

    if unicodedata.unidata_version != UNICODE_VERSION:
        raise ImportError(UNICODE_VERSION)
except ImportError:  # another Python's Unicode database: build the tables (about 0.15 s)
    UNSTABLE_RANGES, COMBINING_RANGES = _build_tables()


def _union(a: Ranges, b: Ranges) -> Ranges:
    points = sorted({cp for lo, hi in (*a, *b) for cp in range(lo, hi + 1)})
    return _ranges(points)


_IGNORABLE_POINTS = frozenset(cp for a, b in IGNORABLE_RANGES for cp in range(a, b + 1))
# Runs the normaliser edits: what NFKC changes, and what no reader sees.
_EDITED = _union(UNSTABLE_RANGES, IGNORABLE_RANGES)
_UNSTABLE_BMP, _UNSTABLE_ASTRAL = _classes(_EDITED)
# NFKC of each character it changes, computed once at import for the tables below (the
# start-up of every scan: one call per character, shared instead of made twice).
_NFKC = {cp: unicodedata.normalize("NFKC", chr(cp)) for a, b in UNSTABLE_RANGES for cp in range(a, b + 1)}
_COMBINING_BMP, _COMBINING_ASTRAL = _classes(COMBINING_RANGES)
_COMBINING = f"(?:{_COMBINING_BMP}|{_COMBINING_ASTRAL})"
_BMP_RUN_RE = re.compile(f"{_UNSTABLE_BMP}{_UNSTABLE_BMP}*")  # [c][c]*: see _BMP_RUN_DASH_RE
_ANY_ASTRAL_RE = re.compile("[\\U00010000-\\U0010ffff]")
_RUN_RE = re.compile(f"(?:{_UNSTABLE_BMP}|{_UNSTABLE_ASTRAL})+")
_COMBINING_RE = re.compile(_COMBINING)
_CLUSTER_RE = re.compile(f"(?s:.){_COMBINING}*")


def _one_to_one() -> tuple[dict[int, str], str]:
    """BMP characters whose NFKC is one other character (full-width ASCII, half-width kana,
    ideographic space …), and a class of the rest: characters that expand (㈱ -> (株)), vanish,
    or combine with their neighbour (ｶﾞ -> ガ). Only the rest need offset-map entries."""
    table: dict[int, str] = {}
    combining = {cp for a, b in COMBINING_RANGES for cp in range(a, b + 1)}
    others: list[int] = []
    for a, b in _EDITED:
        for cp in range(a, min(b, 0xFFFF) + 1):
            normal = _NFKC.get(cp) or unicodedata.normalize("NFKC", chr(cp))
            if len(normal) == 1 and cp not in combining and cp not in _IGNORABLE_POINTS:
                table[cp] = normal
            else:
                others.append(cp)
    bmp, _ = _classes(_ranges(sorted(others)))
    return table, bmp


_ONE_TO_ONE, _LENGTH_CHANGING = _one_to_one()
# The same, with every dash folded to "-" as _fold_dashes does after NFKC (both map one
# character to one), for runs of the common case that also take the dashes NFKC keeps.
_ONE_TO_ONE_FOLDED = {cp: "-" if c in ALWAYS_DASHES else c for cp, c in _ONE_TO_ONE.items()} | {
    ord(d): "-" for d in ALWAYS_DASHES
}
_BMP_RUN_DASH = f"{_UNSTABLE_BMP[:-1]}{re.escape(ALWAYS_DASHES)}]"
# Written [c][c]* rather than [c]+: sre skips to the next candidate by a class only when the
# pattern starts with one (a repeat hides it: every position is tried, twice the time here).
_BMP_RUN_DASH_RE = re.compile(f"{_BMP_RUN_DASH}{_BMP_RUN_DASH}*")
# One bitmap class (fast); astral characters are checked by their own single-range class.
_LENGTH_CHANGING_RE = re.compile(_LENGTH_CHANGING)


def _digit_sources() -> str:
    """A class of the characters whose normal form may hold a decimal digit: the digits
    themselves (``\\d``, Unicode Nd) and what NFKC turns into one (full-width ０, ①, ⒈, ㉑ …)."""
    extra = [cp for cp, normal in _NFKC.items() if any(map(str.isdecimal, normal))]  # isdecimal: Nd
    bmp, astral = _classes(_ranges(extra))
    return f"\\d|{bmp}|{astral}" if astral != "[]" else f"\\d|{bmp}"


# Text without any of these has no digit once normalised (engine.py skips it for rules whose
# every pattern needs a digit: prefilter.needs_digit).
DIGIT_SOURCE_RE = re.compile(_digit_sources())


@lru_cache(maxsize=8192)
def _nfkc_char(c: str) -> str:
    return "" if ord(c) in _IGNORABLE_POINTS else unicodedata.normalize("NFKC", c)


@dataclass(slots=True)
class Normalised:
    """Normalised text of ``original[origin:origin+length]`` plus the map back.

    Length-changing edits are kept as parallel lists: original span ``[a, a+k)`` became
    normalised span ``[b, b+j)``. Positions between edits shift by a constant.

    Not frozen, though never changed: a frozen dataclass is built through object.__setattr__
    per field (2 µs against 0.4), and the engine builds one per region (7 600 a pass over the
    office mix, 3 % of its time).
    """

    text: str
    origin: int
    _orig_starts: tuple[int, ...]
    _orig_ends: tuple[int, ...]
    _norm_starts: tuple[int, ...]
    _norm_ends: tuple[int, ...]

    def start_to_original(self, n: int) -> int:
        """Map a match start in the normalised text to an offset in the original text."""
        i = bisect_right(self._norm_starts, n) - 1
        if i < 0:
            return self.origin + n
        ak, bj = self._orig_ends[i], self._norm_ends[i]
        if n >= bj:
            return self.origin + ak + (n - bj)
        return self.origin + self._orig_starts[i]

    def end_to_original(self, n: int) -> int:
        """Map a match end (exclusive) in the normalised text to the original text."""
        i = bisect_right(self._norm_starts, n - 1) - 1 if n > 0 else -1
        if i < 0:
            return self.origin + n
        ak, b, bj = self._orig_ends[i], self._norm_starts[i], self._norm_ends[i]
        if n >= bj:
            return self.origin + ak + (n - bj)
        return self.origin + ak if n > b else self.origin + self._orig_starts[i]

    def joins(self, a: int, b: int) -> list[int]:
        """Normalised positions in (a, b) where a line break was dropped (CJK line joins)."""
        lo = bisect_right(self._norm_starts, a)
        hi = bisect_right(self._norm_starts, b - 1)
        if lo == hi:
            return []  # no edit in between (most values)
        return [n for n, e in zip(self._norm_starts[lo:hi], self._norm_ends[lo:hi], strict=True) if n == e]

    def from_original(self, o: int) -> int:
        """Map an original offset (absolute) to the normalised text, clamping into edits."""
        o -= self.origin
        starts = self._orig_starts
        if not starts or o < starts[0]:  # before any edit (most regions have none)
            return max(0, min(o, len(self.text)))
        i = bisect_right(starts, o) - 1
        ak, b, bj = self._orig_ends[i], self._norm_starts[i], self._norm_ends[i]
        if o >= ak:
            return min(len(self.text), bj + (o - ak))
        return b


def normalise(text: str, start: int = 0, end: int | None = None, *, join_lines: bool = True) -> Normalised:
    """Normalise ``text[start:end]``; offsets of the result map back into ``text``."""
    end = len(text) if end is None else end
    region = text[start:end]
    edits: list[tuple[int, int, str]] = []  # (orig_start, orig_end, replacement), sorted
    folded = True  # dashes folded already (ASCII text has none to fold)
    if not region.isascii() or "\x00" in region:
        astral = _has_astral(region)
        if not astral and _LENGTH_CHANGING_RE.search(region) is None:
            # The common case: every change is one character for one, offsets stay put; dashes
            # are folded in the same pass.
            region = _BMP_RUN_DASH_RE.sub(_translate_run_folded, region)
        else:
            folded = False
            runs = (_RUN_RE if astral else _BMP_RUN_RE).finditer(region)
            last_end = 0
            for m in runs:
                run_start = m.start()
                # A combining mark composes with the character before it (unless that is a line end).
                if (
                    run_start > last_end
                    and region[run_start - 1] not in "\r\n"
                    and _COMBINING_RE.match(region, run_start)
                ):
                    run_start -= 1
                _run_edits(run_start, region[run_start : m.end()], edits)
                last_end = m.end()
        if "\u202e" in region:
            edits = _overrides(region, edits)
        if join_lines and "\n" in region:
            if not edits and "\r" not in region:
                # The common case: line breaks are the only length-changing edits (one-character
                # deletions), so the map is built from their positions without the loop below.
                breaks = [m.start() for m in _CJK_LF_RE.finditer(region)]
                if breaks:
                    return _joined(region, breaks, start, folded)
            newline_edits = [(m.start(), m.end(), "") for m in _CJK_LF_RE.finditer(region)]
            if "\r" in region:
                newline_edits += [(m.start(), m.end(), "") for m in _CJK_CRLF_RE.finditer(region)]
            if newline_edits:
                edits = _without_overlaps(sorted(edits + newline_edits))
    if not edits:
        empty: tuple[int, ...] = ()
        return Normalised((_fold_digit_dashes if folded else _fold_dashes)(region), start, empty, empty, empty, empty)

    pieces: list[str] = []
    orig_starts: list[int] = []
    orig_ends: list[int] = []
    norm_starts: list[int] = []
    norm_ends: list[int] = []
    pos = 0
    npos = 0
    for a, b, replacement in edits:
        if a > pos:
            pieces.append(region[pos:a])
            npos += a - pos
        pieces.append(replacement)
        if len(replacement) != b - a:
            orig_starts.append(a)
            orig_ends.append(b)
            norm_starts.append(npos)
            norm_ends.append(npos + len(replacement))
        npos += len(replacement)
        pos = b
    pieces.append(region[pos:])
    return Normalised(
        (_fold_digit_dashes if folded else _fold_dashes)("".join(pieces)),
        start,
        tuple(orig_starts),
        tuple(orig_ends),
        tuple(norm_starts),
        tuple(norm_ends),
    )


def _joined(region: str, breaks: list[int], start: int, folded: bool) -> Normalised:
    """``region`` without the line breaks at ``breaks`` (sorted), mapped as the edit loop of
    ``normalise`` maps one-character deletions."""
    shifted = [b - i for i, b in enumerate(breaks)]
    pieces = [region[a + 1 : b] for a, b in pairwise(breaks)]
    joined = "".join([region[: breaks[0]], *pieces, region[breaks[-1] + 1 :]])
    return Normalised(
        (_fold_digit_dashes if folded else _fold_dashes)(joined),
        start,
        tuple(breaks),
        tuple(b + 1 for b in breaks),
        tuple(shifted),
        tuple(shifted),
    )


def _overrides(region: str, edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Right-to-left override runs as drawn (reversed, normalised), replacing the edits inside."""
    spans = [(m.start(), m.end(), m.group(1).replace("\u202e", "")) for m in _OVERRIDE_RE.finditer(region)]
    kept = [e for e in edits if not any(a <= e[0] < b or a < e[1] <= b for a, b, _ in spans)]
    return sorted(kept + [(a, b, normalise_text(inner[::-1])) for a, b, inner in spans])


def _without_overlaps(edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for edit in edits:
        if not out or edit[0] >= out[-1][1]:
            out.append(edit)
    return out


def _translate_run_folded(m: re.Match[str]) -> str:
    return m.group().translate(_ONE_TO_ONE_FOLDED)


def _run_edits(offset: int, run: str, edits: list[tuple[int, int, str]]) -> None:
    """Turn one run of unstable characters into edits, one per length-changing cluster."""
    if not _COMBINING_RE.search(run):
        mapped = [_nfkc_char(c) for c in run]
        if all(len(m) == 1 for m in mapped):
            edits.append((offset, offset + len(run), "".join(mapped)))
            return
        # 1:1 stretches are merged; expanding or vanishing characters get their own edit.
        for i, m in enumerate(mapped):
            edits.append((offset + i, offset + i + 1, m))
        return
    for cm in _CLUSTER_RE.finditer(run):
        cluster = cm.group()
        normal = unicodedata.normalize("NFKC", cluster)
        if IGNORABLE_RE.search(normal):
            normal = IGNORABLE_RE.sub("", normal)
        edits.append((offset + cm.start(), offset + cm.end(), normal))


def _fold_dashes(s: str) -> str:
    return _fold_digit_dashes(_ALWAYS_DASH_RE.sub("-", s))


def _fold_digit_dashes(s: str) -> str:
    if "\u30fc" in s or "\u2500" in s or "\u2501" in s:
        s = _DIGIT_DASH_RE.sub("-", s)
    return s


def normalise_text(text: str) -> str:
    """The normalised form of a short string (keywords, allow-list values, examples)."""
    return normalise(text).text
