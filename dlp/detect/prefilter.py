"""A pattern that starts with a lookbehind, searched as fast as one that starts with a character.

sre skips ahead over characters that cannot start a match only when a pattern begins with a
literal or a character class; rule patterns begin with lookbehinds (``(?<![0-9])0[5789]0…``,
``(?<!{{NAME_KANJI}})…``), so every position of a window is a full match attempt. The set of
characters a match can start with is known from the parsed pattern all the same: here it is
put in the compiled pattern's info block, which sre uses only to skip positions (the pattern
itself is unchanged, so every match is the same; ``regex.pattern`` is the same text).

This builds the compiled form with sre's own compiler (``re._compiler``, private): on any other
Python layout, or a pattern it cannot read, the pattern is returned as it was.
"""

from __future__ import annotations

import functools
import importlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

# Private modules without stubs (typed Any, so their use is not checked).
_sre_compile: Any
try:
    _engine: Any = importlib.import_module("_sre")
    _sre_compile = importlib.import_module("re._compiler")
    _sre: Any = importlib.import_module("re._constants")
    _sre_parse: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover
    _sre_compile = None


class _Unknown(Exception):
    """The first characters cannot be told (a negated class, any character, a back-reference)."""


def search_regex(regex: re.Pattern[str]) -> re.Pattern[str]:
    """``regex`` compiled with the characters its matches can start with, when sre did not find
    them itself; else ``regex``. Remembered by pattern text, as ``re.compile`` remembers its
    own: an engine is built for each rule's examples (examples.py), and the trigger patterns
    (digit runs spelt out, the word trie behind lead_guard) take milliseconds to compile."""
    if _sre_compile is None or not isinstance(regex.pattern, str):
        return regex
    key = (regex.pattern, regex.flags)
    new = _SEARCH_CACHE.get(key, regex)
    if new is regex:
        found = _with_start_class(regex)
        if len(_SEARCH_CACHE) >= _SEARCH_CACHE_SIZE:
            _SEARCH_CACHE.clear()
        new = _SEARCH_CACHE[key] = None if found is regex else found
    return regex if new is None else new


# search_regex's new patterns by (pattern text, flags); None where it keeps the one given.
_SEARCH_CACHE: dict[tuple[str, int], re.Pattern[str] | None] = {}
_SEARCH_CACHE_SIZE = 1024


def _with_start_class(regex: re.Pattern[str]) -> re.Pattern[str]:
    try:
        parsed = _sre_parse.parse(regex.pattern, regex.flags)
        flags = parsed.state.flags | regex.flags
        if flags & (_sre.SRE_FLAG_IGNORECASE | _sre.SRE_FLAG_LOCALE):
            return regex
        code = _sre_compile._code(parsed, flags)
        if code[0] != _sre.INFO or code[2] & (_sre.SRE_INFO_PREFIX | _sre.SRE_INFO_CHARSET) or code[3] == 0:
            return regex  # sre has a prefix or a class already, or the pattern may match nothing
        first, nullable = _first(parsed.data, flags)
        if nullable or not first:
            return regex
        charset, hascased = _sre_compile._optimize_charset(first)
        if hascased:
            return regex
        info = [_sre.INFO, 0, _sre.SRE_INFO_CHARSET, code[3], code[4]]
        _sre_compile._compile_charset(charset, flags, info)
        info[1] = len(info) - 1
        body = code[code[1] + 1 :]
        groupindex = parsed.state.groupdict
        indexgroup = [None] * parsed.state.groups
        for name, number in groupindex.items():
            indexgroup[number] = name
        return _engine.compile(
            regex.pattern, flags, info + body, parsed.state.groups - 1, groupindex, tuple(indexgroup)
        )
    except Exception:  # any surprise in a private API: keep the plain pattern
        return regex


def lead_guard(words: Iterable[str], depth: int = 3, also: str = "") -> str:
    """A lookahead that lets a word list's regex try a position only where the next characters
    can begin one of ``words``: their first ``depth`` characters, each from the class of the
    characters found at that place in words of that length (a one-character word by its own
    character). Put in front of a wordlist.trie_regex: every match is the same (a word matched
    at a position passes its own alternative), but most candidates fail here in one lookahead.

    Why: sre's skip (search_regex) knows only a match's first character, and a trigger list of
    ~540 words starts with ~240 characters, frequent ones among them (ア, 日, ま, っ …): on the
    office mix ~450,000 positions entered the trie for ~23,000 words found, each entry costing a
    few of the trie's lookaheads. Two characters halved those entries, three cut them again:
    the trigger scan 0.080 -> 0.040 s (four or five characters: slower again, longer classes).
    ``also``: one more alternative let through (the engine's characters no reader sees, which
    its scan looks for beside the words: one lookahead for both instead of a branch after it)."""
    by_length: dict[int, list[str]] = {}
    for word in words:
        if word:
            by_length.setdefault(min(len(word), depth), []).append(word)
    if not by_length:
        return ""
    alternatives = [
        "".join(f"[{''.join(re.escape(c) for c in sorted({w[i] for w in group}))}]" for i in range(n))
        for n, group in sorted(by_length.items())
    ]
    return f"(?={'|'.join([*alternatives, also] if also else alternatives)})"


def _first(items, flags: int) -> tuple[list, bool]:  # type: ignore[no-untyped-def,type-arg]
    """(charset items a match of the sequence can start with, whether it can match nothing)."""
    out: list = []  # type: ignore[type-arg]
    for op, av in items:
        chars, nullable = _first_one(op, av, flags)
        out += chars
        if not nullable:
            return out, False
    return out, True


def _first_one(op, av, flags: int) -> tuple[list, bool]:  # type: ignore[no-untyped-def,type-arg]
    if op is _sre.LITERAL:
        return [(_sre.LITERAL, av)], False
    if op is _sre.IN:
        if any(o is _sre.NEGATE for o, _ in av):
            raise _Unknown
        return list(av), False
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        return [], True  # zero width: the match starts with what follows
    if op is _sre.SUBPATTERN:
        _, add_flags, _, body = av
        if add_flags & (_sre.SRE_FLAG_IGNORECASE | _sre.SRE_FLAG_LOCALE):
            raise _Unknown
        return _first(body, flags)
    if op is _sre.ATOMIC_GROUP:
        return _first(av, flags)
    if op is _sre.BRANCH:
        chars: list = []  # type: ignore[type-arg]
        nullable = False
        for branch in av[1]:
            c, n = _first(branch, flags)
            chars += c
            nullable = nullable or n
        return chars, nullable
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        least, _, body = av
        chars, nullable = _first(body, flags)
        return chars, nullable or least == 0
    raise _Unknown


def needs_digit(regex: re.Pattern[str]) -> bool:
    """Whether every match of ``regex`` holds a decimal digit (Unicode Nd): a stretch of text
    that cannot become one under normalisation (normalise.DIGIT_SOURCE_RE) then has no match,
    and the engine skips normalising it (普通 in 普通の… triggers the bank-account rule). False
    whenever unsure."""
    if _sre_compile is None or not isinstance(regex.pattern, str):
        return False
    try:
        return _needs(_sre_parse.parse(regex.pattern, regex.flags).data)
    except Exception:  # any surprise in a private API: no claim
        return False


def _is_digit(cp: int) -> bool:
    return unicodedata.category(chr(cp)) == "Nd"


def _needs(items) -> bool:  # type: ignore[no-untyped-def]
    return any(_needs_one(op, av) for op, av in items)


def _needs_one(op, av) -> bool:  # type: ignore[no-untyped-def]
    if op is _sre.LITERAL:
        return _is_digit(av)
    if op is _sre.IN:
        return bool(av) and all(_digit_item(o, a) for o, a in av)
    if op is _sre.SUBPATTERN:
        return _needs(av[3])
    if op is _sre.ATOMIC_GROUP:
        return _needs(av)
    if op is _sre.BRANCH:
        return all(_needs(branch) for branch in av[1])
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        return av[0] >= 1 and _needs(av[2])
    return False  # lookarounds, anchors, back-references, any character …


def _digit_item(op, av) -> bool:  # type: ignore[no-untyped-def]
    if op is _sre.LITERAL:
        return _is_digit(av)
    if op is _sre.RANGE:
        lo, hi = av
        return hi - lo < 64 and all(_is_digit(cp) for cp in range(lo, hi + 1))
    if op is _sre.CATEGORY:
        return av in (_sre.CATEGORY_DIGIT, _sre.CATEGORY_UNI_DIGIT)
    return False


def required_words(regex: re.Pattern[str]) -> frozenset[str] | None:
    """Words one of which every match of ``regex`` holds in the text it consumes (a literal run
    of the pattern, or one per branch of an alternation): a region of text holding none of them
    has no match anywhere in it, whatever window of it is searched. None when unsure (a
    case-insensitive pattern, no literal every match must hold)."""
    if _sre_compile is None or not isinstance(regex.pattern, str):
        return None
    try:
        parsed = _sre_parse.parse(regex.pattern, regex.flags)
        if (parsed.state.flags | regex.flags) & (_sre.SRE_FLAG_IGNORECASE | _sre.SRE_FLAG_LOCALE):
            return None
        return _required(parsed.data)
    except Exception:  # any surprise in a private API: no claim
        return None


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """Of two sets of required words, the one whose shortest word is longer (fewer false hits)."""
    if a is None or b is None:
        return a if b is None else b
    return a if min(map(len, a)) >= min(map(len, b)) else b


def _required(items) -> frozenset[str] | None:  # type: ignore[no-untyped-def]
    """Required words of a sequence: any one element's (each element is consumed, in order)."""
    best: frozenset[str] | None = None
    run: list[str] = []
    for op, av in items:
        if op is _sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            best = _better(best, frozenset(["".join(run)]))
            run = []
        best = _better(best, _required_one(op, av))
    if run:
        best = _better(best, frozenset(["".join(run)]))
    return best


def _required_one(op, av) -> frozenset[str] | None:  # type: ignore[no-untyped-def]
    if op is _sre.SUBPATTERN:
        _, add_flags, _, body = av
        if add_flags & (_sre.SRE_FLAG_IGNORECASE | _sre.SRE_FLAG_LOCALE):
            return None
        return _required(body)
    if op is _sre.ATOMIC_GROUP:
        return _required(av)
    if op is _sre.BRANCH:
        words: set[str] = set()
        for branch in av[1]:
            found = _required(branch)
            if found is None:
                return None
            words |= found
        return frozenset(words)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        return _required(av[2]) if av[0] >= 1 else None
    return None  # lookarounds (not consumed), anchors, classes, any character …


# Kanji and kana a normalised text holds only where the original holds them or a character
# whose compatibility decomposition holds them (NFKC is NFKD, then composition, which makes
# only characters that have a decomposition; the normaliser's own folds make "-" and " ").
_PLAIN = re.compile("[\u3041-\u3096\u30a1-\u30fa\u3400-\u4dbf\u4e00-\u9fff]")


@functools.cache
def _decomposed_from() -> dict[str, str]:
    """Per character, the characters whose NFKD holds it (about 0.1 s, built on first use)."""
    out: dict[str, list[str]] = {}
    for cp in range(0x110000):
        ch = chr(cp)
        if unicodedata.decomposition(ch):
            for part in set(unicodedata.normalize("NFKD", ch)):
                out.setdefault(part, []).append(ch)
    return {part: "".join(sources) for part, sources in out.items()}


def char_sources(ch: str) -> str | None:
    """The characters one of which a text must hold for its normalised form
    (dlp/detect/normalise.py) to hold ``ch``: ``ch`` and the compatibility characters that
    decompose to it (㊙ for 秘, ｶ for カ). None for a character this cannot tell (not a kanji
    or kana that has no decomposition of its own)."""
    if len(ch) != 1 or _PLAIN.match(ch) is None or unicodedata.decomposition(ch):
        return None
    return ch + _decomposed_from().get(ch, "")


def cannot_hold(text: str, words: frozenset[str]) -> bool:
    """Whether the normalised form of any part of ``text`` cannot hold any of ``words``: each
    word has a kanji or kana none of whose sources ``text`` holds. False when unsure."""
    for word in words:
        for ch in dict.fromkeys(word):
            sources = char_sources(ch)
            if sources is not None and not any(s in text for s in sources):
                break  # this word cannot be there
        else:
            return False
    return True
