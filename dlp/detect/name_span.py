"""Where the name is inside a greedy match: the ``name`` refiner of the person rules.

A name pattern takes a run of kanji and kana generously; this finds the surname's start
(営業部山田 -> 山田) and the given name's end (石川 拓真個人 -> 石川 拓真, 担当鈴木です -> 鈴木).
"""

from __future__ import annotations

import re
from functools import lru_cache

from dlp.detect.names import NameDictionary, load_names

# Words that start the next field when a line break between two fields was joined away.
GLUED_WORDS = (
    "個人", "住所", "電話", "携帯", "生年", "年齢", "番号", "性別", "連絡", "口座", "会社", "勤務", "職業",
    "郵便", "保険", "免許", "旅券", "在留", "備考", "所属", "部署", "役職", "様", "殿",
)  # fmt: skip


@lru_cache(maxsize=65536)
def name_span(value: str) -> tuple[int, int]:
    """The name inside a greedy kanji run, as (start, end) within ``value``.

    Start: 営業部山田 or 株式会社鈴木 -> at the surname; 木村岡田 裕美子 (two lines joined)
    -> the longest dictionary surname that ends at the space; 三浦商事 ご担当の加藤 -> after の.
    End: 石川 拓真個人 (a label from the next line glued on) -> after the longest dictionary
    given name.
    """
    if _KANA_PARTS.fullmatch(value):
        return 0, len(value)  # タパ・ラジェシュ, オリヴェイラ ジュリアナ: a reading inside is no surname
    names = load_names()
    cut = value.rfind("の") + 1
    if cut and " " not in value[cut:]:
        first = names.surname_prefix(value[cut:])
        if first is not None and len(first) >= 2:  # 三浦商事 ご担当の加藤: the name is after the の
            s, e = name_span(value[cut:])
            return cut + s, cut + e
    start = _name_start(value, names)
    rest = value[start:]
    head, space, _ = rest.partition(" ")
    if space:
        given_from = len(head) + 1
    else:
        surname = names.surname_prefix(rest)
        if surname is None:
            return start, len(value)
        given_from = len(surname)
    given = rest[given_from:]
    if given.startswith(_NOT_GIVEN) and not names.is_given_name(given):
        return start, start + (len(head) if space else given_from)  # 鈴木 宛, 飛田さんへ
    particle = _particle_cut(given, names)
    if particle is not None:
        end = given_from + particle if particle else len(head) if space else given_from
        return start, start + end
    if len(given) > 2 and not names.is_given_name(given):
        for n in range(1, len(given)):
            if given[n:].startswith(GLUED_WORDS):
                return start, start + given_from + n
    return start, len(value)


# A foreign name in katakana, two or more words joined by ・ or a space: every word is part of
# it (a dictionary reading inside, シュ or ラ, is not where the name starts).
_KANA_PARTS = re.compile("[ァ-ヴー]+(?:[・ ][ァ-ヴー]+)+")

# Counters written after a number, before a space and a name (予約 3名 西村春香様, 2人 佐藤様).
_COUNTERS = frozenset("名人組")

# What ends a department, a shop or an office written before a name (業務管理部, 駅前店, 本社).
_UNIT_END = frozenset("部課室係店社局所")

# What follows a name but is not a given name: an honorific or 宛 (担当：鈴木 宛, 飛田さんへ).
_NOT_GIVEN = ("宛", "さん", "さま", "様", "殿", "氏", "君", "くん", "ちゃん")

# What follows a name in a sentence: 担当鈴木です, 佐藤からご連絡, 田中まで, 高橋にご確認.
_PARTICLES = (
    "でございます", "でした", "です", "から", "まで", "より", "にて", "に", "を", "が", "は", "へ", "と", "で", "も",
)  # fmt: skip
_HIRAGANA = re.compile(r"[ぁ-ゖ]")


def _particle_cut(given: str, names: NameDictionary) -> int | None:
    """Where a particle or です ends the given name (None: the given name is whole).

    Kanji or katakana then a particle (花子です): the name ends at the particle. Hiragana
    (はるかです, くみ子から): after the longest dictionary given name before a particle, or at 0
    when the part after the surname is no name at all (鈴木です). A dictionary given name that
    starts like a particle (のぞみ, はな, もも) is left whole.
    """
    if not given or names.is_given_name(given) or not _HIRAGANA.search(given):
        return None
    lead = 0
    while lead < len(given) and not _HIRAGANA.match(given, lead):
        lead += 1
    if lead:
        return lead if given[lead:].startswith(_PARTICLES) else None
    for n in range(len(given) - 1, 0, -1):
        if names.is_given_name(given[:n]) and given[n:].startswith(_PARTICLES):
            return n
    return 0 if given.startswith(_PARTICLES) else None


def _name_start(value: str, names: NameDictionary) -> int:
    head, space, _ = value.partition(" ")
    if space:  # the surname ends at the space: the longest dictionary surname ending there
        if head in _COUNTERS:
            return len(head) + 1  # 3名 西村春香様: the counter of a party's size, then the name
        for i in range(len(head)):
            if head[i:] in names.surnames:
                return i
        if len(head) >= 2 and head[-1] in _UNIT_END:
            return len(head) + 1  # 業務管理部 山下里佳: a department before the name
        return 0
    first = names.surname_prefix(value)
    if first is not None and len(first) >= 2:
        return 0
    for i in range(1, len(value) - 1):
        if "ぁ" <= value[i] <= "ゖ":  # …のまま: a reading (のま) inside running hiragana is no surname
            continue
        surname = names.surname_prefix(value[i:])
        if surname is not None and len(surname) >= 2 and len(value) - i <= 8:
            return i
    return 0
