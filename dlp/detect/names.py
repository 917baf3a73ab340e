"""Japanese person-name dictionary (IPAdic family and given names, with readings).

A surname hit is what turns "山田様" from a shape into a person: 客 in お客様 or 皆 in 皆様 are
not surnames. Readings let フリガナ columns (ヤマダ タロウ / やまだ たろう) be checked too.
Origin and licence: see scripts/build_name_dictionary.py and the head of each data file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


def katakana_to_hiragana(s: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in s)


@dataclass(frozen=True)
class NameDictionary:
    surnames: frozenset[str]
    given: frozenset[str]
    longest_surname: int

    def surname_prefix(self, text: str) -> str | None:
        """The longest dictionary surname that ``text`` starts with."""
        for n in range(min(self.longest_surname, len(text)), 0, -1):
            if text[:n] in self.surnames:
                return text[:n]
        return None

    def is_given_name(self, text: str) -> bool:
        return text in self.given


def _read(name: str) -> tuple[set[str], set[str]]:
    surfaces: set[str] = set()
    readings: set[str] = set()
    data = resources.files("dlp.detect").joinpath("data", name).read_text(encoding="utf-8")
    for line in data.splitlines():
        if not line or line.startswith("#"):
            continue
        surface, _, reading = line.partition("\t")
        surfaces.add(surface)
        if reading:
            readings.add(reading)
            readings.add(katakana_to_hiragana(reading))
    return surfaces, readings


@lru_cache(maxsize=1)
def not_names() -> frozenset[str]:
    """Words that stand before 様/さん/殿 but are not names (お客様, 皆様, 部長さん)."""
    data = resources.files("dlp.detect").joinpath("data", "not_names.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in data.splitlines() if w.strip() and not w.startswith("#"))


# Variant kanji people keep in their registered names (異体字) that IPAdic spells the common
# way: 髙橋 is 高橋, 山﨑 is 山崎, 𠮷田 is 吉田. Each surname is also known in these spellings.
VARIANT_KANJI = {"高": "髙", "崎": "﨑", "吉": "𠮷", "浜": "濵", "徳": "德", "柳": "栁", "辺": "邉", "瀬": "瀨"}


def _with_variants(words: set[str]) -> set[str]:
    """The words plus their spellings with one variant kanji (髙橋, 山﨑, 𠮷田)."""
    out = set(words)
    for w in words:
        for i, ch in enumerate(w):
            variant = VARIANT_KANJI.get(ch)
            if variant is not None:
                out.add(w[:i] + variant + w[i + 1 :])
    return out


@lru_cache(maxsize=1)
def load_names() -> NameDictionary:
    surnames, surname_readings = _read("surnames.txt")
    given, given_readings = _read("given_names.txt")
    all_surnames = frozenset(_with_variants(surnames) | surname_readings)
    return NameDictionary(
        surnames=all_surnames,
        given=frozenset(given | given_readings),
        longest_surname=max(len(s) for s in all_surnames),
    )
