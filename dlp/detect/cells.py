"""One cell of a classified column: does it hold what its column says, and how sure are we.

The column gives the context (a header 電話番号, or most cells of the column fitting one kind),
so a cell needs only a sanity check of its own: a plausible phone under 電話番号 is a phone, a
7-digit cell under 郵便番号 a postal code, a name-shaped cell under お客様名 a person even when
the surname is not in the dictionary. A cell that fails stays in the text for the ordinary
rules (so a My Number typed into a phone column is still found).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from dlp.detect.columns import ColumnSpec
from dlp.detect.names import load_names
from dlp.detect.rules import Pattern, Rule
from dlp.detect.validators import _NOT_NAME_ENDINGS, _person_name, not_names
from dlp.model import Confidence

_KANJI = "一-鿿㐀-䶿々〆ヶ"
# Katakana names: a reading (ヤマダ タロウ, ヤマダタロウ) or a foreign name in up to three parts
# (シルバ・カルロス, チャン・ティ・フォン, with ・, a space or the = some systems write).
_NAME = re.compile(
    rf"[{_KANJI}]{{1,5}} ?[{_KANJI}ぁ-ゖァ-ヺー]{{1,7}}"
    r"|[ァ-ヺー]{2,12}(?:[ ・=][ァ-ヺー]{1,12}){0,2}|[ァ-ヺー]{1,12}(?:[ ・=][ァ-ヺー]{1,12}){1,2}"
    r"|[ぁ-ゖー]{2,12}(?: [ぁ-ゖー]{1,12})?|[ぁ-ゖー]{1,12} [ぁ-ゖー]{1,12}"
    r"|[A-Za-z][A-Za-z'.-]{1,20}(?: [A-Za-z][A-Za-z'.-]{0,20}){1,2}"
)
_NAME_PART = re.compile(
    rf"[{_KANJI}ぁ-ゖァ-ヺー]{{1,8}}|[ァ-ヺー]{{1,12}}(?:[・=][ァ-ヺー]{{1,12}}){{1,2}}|[A-Za-z][A-Za-z'.-]{{1,20}}"
)
_KANA = re.compile(r"[ァ-ヺー]{1,12}(?:[ ・=][ァ-ヺー]{1,12}){0,2}|[ぁ-ゖー]{1,12}(?: [ぁ-ゖー]{1,12})?")
_KANA_RUN = re.compile(r"[ァ-ヺーぁ-ゖ]{4,16}")
_PREFECTURE = re.compile(r"(?:北海道|東京都|京都府|大阪府|.{2,3}県)")
_BLOCK = re.compile(r"[0-9〇一二三四五六七八九十]+ ?(?:丁目|番地?|号|-|の|$)|[0-9]")
_PLACE_MARK = re.compile(r"[都道府県市区町村郡]")
_STRIP = ' \t\r\n"\u3000'
# A person's role (当選者, 参加者) or a list's title (…一覧, …名簿): a cell ending so is a header.
_ROLE_OR_TITLE = ("者", "一覧", "一覧表", "名簿", "リスト", "台帳")
_SPACES = re.compile(r"\s+")


def clean(cell: str) -> str:
    """A cell as the checks see it: trimmed, NFKC (full-width digits, half-width kana), one space."""
    cell = cell.strip(_STRIP)
    if not cell:
        return ""
    if not cell.isascii():
        cell = unicodedata.normalize("NFKC", cell)
        if "  " in cell or "\t" in cell:
            cell = _SPACES.sub(" ", cell)
    return cell


class Verdict(NamedTuple):
    """A cell that holds its column's kind: the value, its canonical form and confidence (a
    tuple: one is made per cell of a dense export, and a frozen dataclass costs 1 µs more)."""

    value: str
    canonical: str
    confidence: Confidence
    validator: bool | None
    pattern: str


def check_value(spec: ColumnSpec, rule: Rule, cell: str, patterns: list[Pattern] | None = None) -> Verdict | None:
    """``check: value``: the column's regex, else one of the rule's patterns, matches the whole
    cell; the rule's validator must not reject it. ``patterns`` (the rule's, in the order a
    column last needed them) is reordered: a column's cells are mostly written one way."""
    m = None
    name = "column"
    if spec.value is not None:
        m = spec.value.fullmatch(cell)
    else:
        order = patterns if patterns is not None else list(rule.patterns)
        for k, pattern in enumerate(order):
            m = pattern.regex.fullmatch(cell)
            if m is not None:
                name = pattern.name
                if k:
                    order.insert(0, order.pop(k))
                break
    if m is None:
        return None
    if spec.value is not None:
        value = cell.replace("〒", "").strip() if "〒" in cell else cell
    else:
        value = m.group(pattern.value_group) or cell if pattern.value_group else cell
    verdict = rule.validator(value, m) if rule.validator is not None else None
    if verdict is False:
        return None
    canonical = rule.canonical(value, m)
    return Verdict(value, canonical, Confidence.HIGH if verdict else Confidence.MEDIUM, verdict, name)


def check_name(cell: str, *, kana: bool = False) -> Verdict | None:
    """A name (or a reading) as people write it in a name column: the shape of a name, not a
    place or an organisation or a placeholder (未記入); a dictionary surname makes it high."""
    shape = _KANA if kana else _NAME
    if len(cell) < 2 or shape.fullmatch(cell) is None:
        return None
    compact = cell.replace(" ", "").replace("・", "").replace("=", "")
    stop = not_names()
    if compact in stop or cell.split(" ")[0] in stop:
        return None
    if compact.endswith(_ROLE_OR_TITLE) and compact not in load_names().surnames:
        return None  # 当選者, 出席者一覧: a header or a list's title in the column, no person
    given_like = _ends_like_a_given_name(compact)
    if compact.endswith(_NOT_NAME_ENDINGS) and not given_like:
        return None
    known = given_like or _person_name(cell) or (compact == cell and _reading_known(compact))
    confidence = Confidence.HIGH if known else Confidence.MEDIUM
    return Verdict(cell, compact, confidence, bool(known), "kana" if kana else "name")


def _ends_like_a_given_name(compact: str) -> bool:
    """安東花道, 山口梨都: 道 and 都 end given names as well as 北海道 and 東京都. A surname of two
    or more characters from the dictionary and one to three characters after it is a name."""
    if compact[-1:] not in ("道", "都"):
        return False
    surname = load_names().surname_prefix(compact)
    return surname is not None and len(surname) >= 2 and 1 <= len(compact) - len(surname) <= 3


def _reading_known(compact: str) -> bool:
    """A reading written without a space (ヤマダタロウ, やまだたろう): a dictionary surname reading
    followed by a dictionary given-name reading, the longest surname first."""
    if _KANA_RUN.fullmatch(compact) is None:
        return False
    names = load_names()
    for n in range(min(names.longest_surname, len(compact) - 2), 1, -1):
        if compact[:n] in names.surnames and names.is_given_name(compact[n:]):
            return True
    return False


def check_name_part(cell: str) -> bool:
    return bool(cell) and _NAME_PART.fullmatch(cell) is not None


def check_split_name(parts: list[str], *, kana: bool = False) -> Verdict | None:
    """A name split into columns (姓 | 名, セイ | メイ), joined with a space. Under 姓/名 headers a
    dictionary surname in the first part is enough, whatever the given name ends with (迫 | 晃道
    is a person, not a 北海道-like place)."""
    if not all(check_name_part(p) for p in parts):
        return None
    joined = " ".join(parts)
    verdict = check_name(joined, kana=kana)
    if verdict is not None or len(parts) < 2:
        return verdict
    shape = _KANA if kana else _NAME
    compact = joined.replace(" ", "")
    if shape.fullmatch(joined) is None or compact in not_names() or parts[0] not in load_names().surnames:
        return None
    return Verdict(joined, compact, Confidence.HIGH, True, "kana" if kana else "name")


def check_address(cell: str) -> Verdict | None:
    """A whole address: a place (prefecture or municipality) and a block number."""
    if len(cell) < 6 or _BLOCK.search(cell) is None or _PLACE_MARK.search(cell) is None:
        return None
    prefecture = _PREFECTURE.match(cell) is not None
    confidence = Confidence.HIGH if prefecture else Confidence.MEDIUM
    return Verdict(cell, cell.replace(" ", ""), confidence, prefecture or None, "address")
