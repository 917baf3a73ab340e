"""Kanji numerals in dates, read without rewriting the text (一郎 and 四谷 stay words)."""

from __future__ import annotations

# Kanji numerals as written in dates (昭和四十五年, 一九八五年, 二〇〇〇年, 平成元年): 〇 and 零 are 0.
_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}


def kanji_number(text: str) -> int | None:
    """The value of a year, month or day in ASCII digits or kanji numerals, or None.

    Kanji numerals are the normaliser's business but are never rewritten in the text itself:
    一郎 or 四谷 must stay names and places. Two writings are read: positional (一九八五,
    二〇〇〇) and with units (四十五, 三十一, 千九百八十五); 元 (first year of an era) is 1.
    Anything else (十十, 四十五六) is not a number.
    """
    if not text:
        return None
    if text.isascii():
        return int(text) if text.isdigit() else None
    if text == "元":
        return 1
    if all(c in _KANJI_DIGITS for c in text):
        return int("".join(str(_KANJI_DIGITS[c]) for c in text))
    total = 0
    pending: int | None = None  # a digit waiting for its unit
    last_unit = 10_000
    for c in text:
        if c in _KANJI_DIGITS:
            if pending is not None:
                return None  # two digits in a row in the unit form (四十五六)
            pending = _KANJI_DIGITS[c]
        elif c in _KANJI_UNITS:
            unit = _KANJI_UNITS[c]
            if unit >= last_unit:
                return None  # 十十, 百千: units only fall
            total += (1 if pending is None else pending) * unit
            pending = None
            last_unit = unit
        else:
            return None
    return total + (pending or 0)
