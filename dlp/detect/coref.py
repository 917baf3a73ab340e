"""Later mentions of a person already named in the same text: 「山田太郎です」 … 「山田でした」.

Why: call notes and transcripts name a customer once in full, with an honorific or a label,
and then by the surname alone in places no cue marks (「フェルナンデスでした。」, 「吉田本人応答」).
Once a text holds a person at medium confidence, the same surname elsewhere in that text is
the same person. A word that only contains the surname is not: the mention must stand alone,
no kanji or katakana right before or after it (松本倉庫, 長野県, 松本センター stay places),
unless what follows is that person's given name (山田 太郎, 山田太郎: the full name again).

A given name the text gave with a surname (三田村英樹, 草間 ちえ) is the same person when it later
stands alone before an honorific or a particle (「英樹は部活で…」, ちえさん, 淳くん): parents, teachers
and carers write a child's or a relative's given name alone once the full name is given. A
one-letter given name (淳, 学) counts only before an honorific, where it cannot be a word.

Cost: one regex of the few surnames a text names (at most ``MAX_NAMES``), searched once per
segment that has a person and at most ``MAX_FOUND`` person findings; no analyser call.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate

from dlp.detect.names import NameDictionary, load_names, not_names

MAX_NAMES = 64  # a text naming more people than this is a list: its names are found there
# Person findings in a segment beyond which the pass is skipped: a customer list, a roster or a
# long log names each entry where the rules see it, and searching a 256 K block for hundreds of
# surnames would cost more than the rest of the stage.
MAX_FOUND = 100
# What a standalone mention may not touch: kanji (with the variant ones of 髙橋, 𠮷田) and katakana.
_WORD = re.compile("[一-龥々〆ヶ\uf900-\ufad9\U00020000-\U0002fa1fァ-ヺーｦ-ﾟ]")
_KANJI_WORD = re.compile("[一-龥々ヶ\uf900-\ufad9\U00020000-\U0002fa1f]{2,4}")
_KATAKANA_WORD = re.compile("[ァ-ヴ][ァ-ヴー]{2,}")
_KANJI_NAME = re.compile("[一-龥々ヶ\uf900-\ufad9\U00020000-\U0002fa1f]{2,7}")
# A one-kanji surname (周 涛, 林 健太) or a two-letter katakana word (ラマ スニタ) counts only
# from a full name written with a space or a dot: there the text itself says where it ends.
_ONE_KANJI = re.compile("[一-龥々ヶ\uf900-\ufad9\U00020000-\U0002fa1f]")
_SHORT_KATAKANA_WORD = re.compile("[ァ-ヴ][ァ-ヴー]")
# Honorifics right after a standalone mention (林様, 周氏, 周本人): they end the name, no word.
_HONORIFIC_NEXT = ("様", "氏", "殿", "本人")
_SPACE = " \u3000"
_JOINS = "・･ \u3000"
_KATAKANA = re.compile("[ァ-ヺー]")
_KANA_TAIL = re.compile("(?:[・･ \u3000][ァ-ヴ][ァ-ヴー]+){1,3}")
# A given name after a surname: kanji, or kanji and hiragana, up to the next non-name character.
_GIVEN_RUN = re.compile("[一-龥々ヶ]{1,3}(?![一-龥々ヶァ-ヺ])|[ぁ-ゖ]{2,3}子?(?![ぁ-ゖ一-龥])")


# After a given name standing alone: an honorific, or a particle, punctuation or a line end.
_GIVEN_HONORIFIC = ("さん", "くん", "君", "ちゃん", "様", "さま", "氏")
_GIVEN_NEXT = re.compile("(?:は|が|を|に|の|と|も|へ|から|より|や|[、。,.!?！？」』）)\\s]|$)")
_HIRAGANA = re.compile("[ぁ-ゖ]")
_GIVEN_SHAPE = re.compile("[一-龥々ヶ]{1,3}|[ぁ-ゖ]{2,4}|[一-龥々ヶ]{1,2}[ぁ-ゖ]{1,2}")


class _Taken:
    """Whether a span overlaps one of the names already found: it does when the furthest end
    among those starting before its end lies after its start (one bisection per match instead
    of a pass over every name found)."""

    def __init__(self, taken: list[tuple[int, int]]) -> None:
        spans = sorted(taken)
        self._starts = [a for a, _ in spans]
        self._reach = list(accumulate((b for _, b in spans), max))

    def overlaps(self, s: int, e: int) -> bool:
        k = bisect_left(self._starts, e)
        return bool(k) and self._reach[k - 1] > s


def given_names_of(known: dict[str, set[str]]) -> set[str]:
    """The given names the text wrote after a surname (surnames_of's values) that may be looked
    for alone: kanji or hiragana, not a surname themselves (太郎 yes; 中村 in 山田 中村 no)."""
    names = load_names()
    stop = not_names()
    return {
        g
        for given in known.values()
        for g in given
        if _GIVEN_SHAPE.fullmatch(g) is not None and g not in names.surnames and g not in stop
    }


def given_mentions(text: str, given: set[str], taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans where a known given name stands alone before an honorific or a particle, outside
    the ``taken`` spans. Nothing name-like may touch it before (a kanji, kana or katakana)."""
    if not given or len(given) > MAX_NAMES:
        return []
    regex = re.compile("|".join(map(re.escape, sorted(given, key=len, reverse=True))))
    found = _Taken(taken)
    out: list[tuple[int, int]] = []
    for m in regex.finditer(text):
        s, e = m.span()
        if s > 0 and (_WORD.match(text, s - 1) or _HIRAGANA.match(text, s - 1)):
            continue
        honorific = text.startswith(_GIVEN_HONORIFIC, e)
        if not honorific and (e - s < 2 or _GIVEN_NEXT.match(text, e) is None):
            continue  # 淳 alone is a word; 春香が, 花子は are the child
        if (
            not honorific
            and _HIRAGANA.match(text, s)
            and _HIRAGANA.match(text, e)
            and not text.startswith(("は", "が", "を", "に", "と", "も"), e)
        ):
            continue
        if not found.overlaps(s, e):
            out.append((s, e))
    return out


def surnames_of(values: Iterable[str], names: NameDictionary | None = None) -> dict[str, set[str]]:
    """Surname -> given names, from full names and surnames found as persons (normalised values).

    Kanji: the part before a space, or a dictionary surname with a dictionary given name after
    it (山田太郎), or a dictionary surname alone. Katakana: each word of three or more letters
    (フェルナンデス・カミラ is written given name first as often as not)."""
    names = names or load_names()
    stop = not_names()
    out: dict[str, set[str]] = {}
    for value in values:
        parts = [p for p in re.split("[ ・･]", value) if p]
        if not parts:
            continue
        if all(_KATAKANA_WORD.fullmatch(p) or (len(parts) > 1 and _SHORT_KATAKANA_WORD.fullmatch(p)) for p in parts):
            for p in parts:
                if p not in stop:
                    out.setdefault(p, set())
            continue
        one = len(parts) == 2 and _ONE_KANJI.fullmatch(parts[0]) is not None and parts[0] in names.surnames
        word_re = _KANJI_WORD if len(parts) > 1 else _KANJI_NAME  # 三田村英樹: a name written without a space
        if not (word_re.fullmatch(parts[0]) or one) or parts[0] in stop:
            continue
        if len(parts) == 2:
            out.setdefault(parts[0], set()).add(parts[1])
        elif len(parts) == 1:
            word = parts[0]
            surname = names.surname_prefix(word)
            if word in names.surnames:
                out.setdefault(word, set())
            elif surname is not None and len(surname) >= 2 and names.is_given_name(word[len(surname) :]):
                out.setdefault(surname, set()).add(word[len(surname) :])
    return out


def mentions(text: str, known: dict[str, set[str]], taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in ``text`` where a known surname stands alone (or with its given name), outside
    the ``taken`` spans (names already found)."""
    if not known or len(known) > MAX_NAMES:
        return []
    regex = re.compile("|".join(map(re.escape, sorted(known, key=len, reverse=True))))
    names = load_names()
    found = _Taken(taken)
    out: list[tuple[int, int]] = []
    n = len(text)
    for m in regex.finditer(text):
        s, e = m.span()
        if s > 0 and _WORD.match(text, s - 1):
            continue
        if s > 1 and text[s - 1] in _JOINS and _KATAKANA.match(text, s - 2):
            continue  # カミラ in フェルナンデス・カミラ: the whole name is matched at its first word
        if _KATAKANA.match(text, s):
            tail = _KANA_TAIL.match(text, e)
            if tail is not None:
                e = tail.end()  # フェルナンデス・カミラ: a foreign name's other words are part of it
        end = _given_end(text, e, known[m.group()], names if e - s > 1 else None)
        if end is None:
            if e < n and _WORD.match(text, e) and not text.startswith(_HONORIFIC_NEXT, e):
                continue  # 松本倉庫, 長野県: a word that holds the surname
            end = e
        if not found.overlaps(s, end):
            out.append((s, end))
    return out


def _given_end(text: str, at: int, given: set[str], names: NameDictionary | None) -> int | None:
    """Where a given name ends that follows the surname (a space between or not): the one the
    text named before, or a dictionary given name (阪本 千代 after 阪本様; not after a one-kanji
    surname, ``names`` None: 林道 and 林業 are words)."""
    pos = at + 1 if at < len(text) and text[at] in _SPACE else at
    for g in sorted(given, key=len, reverse=True):
        if text.startswith(g, pos) and not _WORD.match(text, pos + len(g)):
            return pos + len(g)
    run = _GIVEN_RUN.match(text, pos) if names is not None else None
    if run is not None and names is not None and names.is_given_name(run.group()):
        return run.end()
    return None
