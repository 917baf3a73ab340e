"""Named validators: plain functions a rule refers to by name.

Each takes the value (the personal part of the match, on normalised text, after any refiner)
and the regex match (for named groups such as a date's era, year, month and day), and answers
True (proved: raises confidence), False (not this kind of data: drop the match) or None (no
opinion: keep the pattern's level), the three-valued contract of presidio's ``validate_result``.
Adding one is a function plus one line in ``VALIDATORS``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache

from dlp.detect.mail_names import is_role_name, latin_display_name, latin_labelled_name
from dlp.detect.name_span import GLUED_WORDS, name_span
from dlp.detect.names import load_names, not_names
from dlp.detect.numerals import kanji_number
from dlp.detect.prefilter import search_regex

Validator = Callable[[str, re.Match[str]], bool | None]

_NON_DIGITS = re.compile(r"[^0-9]")
_KANA_ONLY = re.compile(r"[ぁ-ゖァ-ヺー]+")


def digits_of(text: str) -> str:
    # Most values are ASCII digits with hyphens (a phone, a postal code): two C calls instead
    # of a regex substitution (a dense export checks millions of them).
    plain = text.replace("-", "")
    if plain.isdigit() and plain.isascii():
        return plain
    return _NON_DIGITS.sub("", text)


# --- check-digit algorithms (plain functions over digit strings) ---------------------------


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def my_number_valid(digits: str) -> bool:
    """個人番号: weights 6,5,4,3,2,7,6,5,4,3,2 over the first 11 digits, mod 11."""
    if len(digits) != 12:
        return False
    weights = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    s = sum(int(d) * w for d, w in zip(digits[:11], weights, strict=True))
    return int(digits[11]) == (-s % 11) % 10


def corporate_number_valid(digits: str) -> bool:
    """法人番号: check digit first; weights 1,2,1,2... from the right over the other 12."""
    if len(digits) != 13 or digits[0] == "0":
        return False
    body = digits[1:]
    s = sum(int(d) * (2 if i % 2 else 1) for i, d in enumerate(reversed(body)))
    return int(digits[0]) == 9 - s % 9


def insurer_number_valid(digits: str) -> bool:
    """保険者番号 (8 digits): alternate x2, x1 from the right of the first 7, digit sums."""
    if len(digits) != 8:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits[:7])):
        p = int(ch) * (2 if i % 2 == 0 else 1)
        total += p // 10 + p % 10
    return int(digits[7]) == (10 - total % 10) % 10


# Card brands: (prefix ranges, allowed lengths). JCB 3528-3589 is the one peers forget.
_CARD_BRANDS: tuple[tuple[tuple[int, int, int], tuple[int, ...]], ...] = (
    ((4, 4, 1), (13, 16, 19)),  # Visa
    ((51, 55, 2), (16,)),  # MasterCard
    ((2221, 2720, 4), (16,)),  # MasterCard 2-series
    ((34, 34, 2), (15,)),  # Amex
    ((37, 37, 2), (15,)),
    # JCB issues 3528-3589; test-card generators (Faker's jcb16: prefix 35) and exports that
    # mask the issuer use all of 35xx, and a Luhn-valid 16-digit 35… number is no less a card.
    ((3500, 3589, 4), (16, 17, 18, 19)),  # JCB
    ((300, 305, 3), (14, 16, 17, 18, 19)),  # Diners
    ((36, 36, 2), (14, 16, 17, 18, 19)),
    ((38, 39, 2), (16, 17, 18, 19)),
    ((6011, 6011, 4), (16, 17, 18, 19)),  # Discover
    ((644, 649, 3), (16, 17, 18, 19)),
    ((65, 65, 2), (16, 17, 18, 19)),
    ((62, 62, 2), (16, 17, 18, 19)),  # UnionPay
)


def card_brand_ok(digits: str) -> bool:
    for (low, high, width), lengths in _CARD_BRANDS:
        if len(digits) in lengths and low <= int(digits[:width]) <= high:
            return True
    return False


# --- validators (match -> True / False / None) ---------------------------------------------


def luhn(value: str, m: re.Match[str]) -> bool | None:
    return luhn_valid(digits_of(value))


def credit_card(value: str, m: re.Match[str]) -> bool | None:
    digits = digits_of(value)
    if len(set(digits)) == 1:  # 0000 0000 0000 0000 and other filler
        return False
    return card_brand_ok(digits) and luhn_valid(digits)


def my_number(value: str, m: re.Match[str]) -> bool | None:
    digits = digits_of(value)
    if len(set(digits)) == 1:
        return False
    return my_number_valid(digits)


def corporate_number(value: str, m: re.Match[str]) -> bool | None:
    return corporate_number_valid(digits_of(value))


def health_insurer_number(value: str, m: re.Match[str]) -> bool | None:
    digits = digits_of(value)
    if len(digits) == 8:
        return insurer_number_valid(digits)
    return None  # 6-digit 国保 numbers carry no check digit


_FIXED_SHAPE = re.compile(r"[1-9][0-9]-[0-9]{4}-[0-9]{4}")


def phone_jp(value: str, m: re.Match[str]) -> bool | None:
    """The Japanese numbering plan: mobile/IP 11 digits, fixed 10 digits, special prefixes."""
    text = value
    digits = digits_of(text)
    if "+" in text and text.lstrip().startswith("+81"):
        digits = "0" + digits[2:].lstrip("0")
    elif not digits.startswith("0"):
        return _zero_lost(text, digits)
    rest = digits[1:]
    if rest == rest[:1] * len(rest):  # 000-0000-0000 placeholders: one digit repeated (or none)
        return False
    # digits holds [0-9] only: the numbering plan's regexes as plain comparisons (the regexes stay
    # the definition, in tests/detect/test_validators.py, which checks the two agree).
    n = len(digits)
    if n == 11:  # 0[789]0 and 050 mobile/IP numbers, 0800 free dial
        return (digits[0] == "0" and digits[2] == "0" and digits[1] in "5789") or digits.startswith("0800")
    if n == 10 and digits[0] == "0" and digits[1] != "0":
        if digits[:4] in _FREE_10:
            return True
        # 0X0 prefixes other than the mobile/IP ones (and 010, the international prefix) are
        # not geographic numbers.
        return digits[2] != "0"
    return False


_FREE_10 = frozenset({"0120", "0570", "0990"})  # the 10-digit free-dial prefixes


def _zero_lost(text: str, digits: str) -> bool:
    """A phone field's number without its leading 0 (the rule's zero_lost patterns): a mobile
    whose 0 a spreadsheet dropped (9012345678), or the shape of 03-1234-5678 with its 0 lost
    or mistyped (62-3286-0129)."""
    if _FIXED_SHAPE.fullmatch(text.strip()):
        return len(set(digits)) > 2
    return len(digits) == 10 and digits[0] in "789" and digits[1] == "0" and len(set(digits[2:])) > 1


def postal_code(value: str, m: re.Match[str]) -> bool | None:
    digits = digits_of(value)
    if len(digits) != 7 or digits.startswith("000") or digits == digits[0] * 7:  # 7 digits: one repeated
        return False
    return None


_EMAIL_LOCAL_OK = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9_%+-])?")
# Addresses spelled out against harvesters (taro(at)example(dot)co(dot)jp, hanako[at]…,
# ichiro＜アット＞…, jiro アットマーク …), on normalised text.
_SPELLED_AT = re.compile(
    r" ?(?:\((?:at|アット)\)|\[(?:at|アット)\]|<(?:at|アット)>|\{at\}|アットマーク|アット) ?| at ", re.IGNORECASE
)
_SPELLED_DOT = re.compile(
    r" ?(?:\((?:dot|ドット)\)|\[(?:dot|ドット)\]|<(?:dot|ドット)>|\{dot\}|ドット) ?| dot ", re.IGNORECASE
)
# With its start class (prefilter.py): sre tried the whole pattern at every character of every
# address otherwise (a class and two words give it no start class of its own).
_SPELLED_HINT = search_regex(re.compile(r"[()\[\]<>{} ]|アット|ドット"))


def plain_email(value: str) -> str:
    """The mailbox a spelled-out address stands for: taro(at)example(dot)jp -> taro@example.jp.

    Validation, the canonical form (allow lists, fingerprints) and the mask all work on this,
    so a spelled address is the same mailbox as the plain one and its mask hides the same part.
    """
    if _SPELLED_HINT.search(value) is None:
        return value
    return _SPELLED_DOT.sub(".", _SPELLED_AT.sub("@", value))


def email(value: str, m: re.Match[str]) -> bool | None:
    value = plain_email(value)
    if value.count("@") != 1:
        return False
    local, _, domain = value.rpartition("@")
    if ".." in value or not _EMAIL_LOCAL_OK.fullmatch(local):
        return False
    # Every dot-separated label of the domain is non-empty and neither starts nor ends with
    # "-" (".." was ruled out above): said on the whole domain, without splitting it.
    return (
        bool(domain) and domain[0] not in ".-" and domain[-1] not in ".-" and ".-" not in domain and "-." not in domain
    )


def drivers_license(value: str, m: re.Match[str]) -> bool | None:
    """First two digits are the issuing public-safety commission (10-97); no public checksum."""
    digits = digits_of(value)
    return None if len(digits) == 12 and 10 <= int(digits[:2]) <= 97 else False


_ERAS = {
    "明治": (dt.date(1868, 1, 25), dt.date(1912, 7, 29)),
    "大正": (dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    "昭和": (dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    "平成": (dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    "令和": (dt.date(2019, 5, 1), dt.date(9999, 12, 31)),
}
_ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}


def parse_date(m: re.Match[str]) -> dt.date | None:
    """A real calendar date from groups era/y/m/d (era years validated against era spans);
    the groups may be written in kanji numerals (昭和四十五年三月二日)."""
    groups = m.groupdict()
    try:
        year_text = groups.get("y") or ""
        month = kanji_number(groups.get("m") or "")
        day = kanji_number(groups.get("d") or "")
        n = kanji_number(year_text)
        if month is None or day is None or n is None:
            return None
        era = groups.get("era")
        if era:
            era = _ERA_LETTERS.get(era.upper(), era)
            first, last = _ERAS[era]
            if n < 1:
                return None
            date = dt.date(first.year + n - 1, month, day)
            return date if first <= date <= last else None
        year = n
        if year < 100:
            return None
        return dt.date(year, month, day)
    except (KeyError, ValueError):
        return None


def birth_date(value: str, m: re.Match[str]) -> bool | None:
    date = parse_date(m)
    if date is None:
        return False
    today = dt.date.today()
    return date <= today and today.year - date.year <= 125


def person_name(value: str, m: re.Match[str]) -> bool | None:
    """A surname from the dictionary starts the name (or the name is a known reading).

    A pattern with a ``glued`` group (a name written straight after its label, 名義人山田太郎)
    needs the dictionary's yes: 名義変更届 or 契約者生年月日 are a label and a word.
    """
    verdict = _person_name(value.strip())
    if verdict is False and m.start("value") > m.start() and _glued_reading(value.strip()):
        return None  # 名義 イシツカナホエ: a shape after a label; the label's context decides
    if "glued" in m.re.groupindex and (verdict is None or not (m.group("value") or "").startswith(value)):
        return False  # unknown, or the name starts inside the word after the label
    return verdict


_NOT_NAME_ENDINGS = tuple("県都府道市区町村郡社店局課部院所校園館会")
# A prefecture written out (富山県, 東京都) starts an address, never a name: 富山県南砺市東殿1-2
# is a town whose name ends in 殿, not 富山県南砺市東 with an honorific (富山 alone is a surname).
_PREFECTURE_START = re.compile(
    "(?:北海道|東京都|京都府|大阪府|(?:青森|岩手|宮城|秋田|山形|福島|茨城|栃木|群馬|埼玉|千葉|神奈川|新潟|富山|石川|福井|山梨"
    "|長野|岐阜|静岡|愛知|三重|滋賀|兵庫|奈良|和歌山|鳥取|島根|岡山|広島|山口|徳島|香川|愛媛|高知|福岡|佐賀|長崎|熊本|大分|宮崎|鹿児島"
    "|沖縄)県)."
)
# Company words in a bank account holder's reading (カ）サンプル, カブシキガイシャ…).
_KANA_COMPANY = (
    "ガイシャ", "カイシャ", "ホウジン", "クミアイ", "キンコ", "ギンコウ", "カ)", "(カ", "ユ)", "(ユ", "ド)", "(ド",
)  # fmt: skip


def _glued_reading(value: str) -> bool:
    """A single katakana word of 5-10 letters after a label (a transfer's account holder, 名義
    オオヤマタクヤ): family and given name readings written without the space."""
    return (
        5 <= len(value) <= 10
        and _KANA_ONLY.fullmatch(value) is not None
        and re.fullmatch("[ァ-ヴー]+", value) is not None
        and not any(w in value for w in _KANA_COMPANY)
    )


@lru_cache(maxsize=65536)
def _person_name(value: str) -> bool | None:
    compact = value.replace(" ", "").replace("・", "")
    stop = not_names()
    if not compact or compact in stop or value.split(" ")[0] in stop:
        return False
    if compact.endswith(_NOT_NAME_ENDINGS):  # 福島県君津市: a place or an organisation, not a person
        return False
    if _PREFECTURE_START.match(compact):
        return False
    if compact.startswith(GLUED_WORDS):  # 生年月日 住所: the next field's label, not a name
        return False
    names = load_names()
    if compact.endswith("者") and compact not in names.surnames:  # 加入者, 被保険者, 保護者 (武者 is a surname)
        return False
    if _KANA_ONLY.fullmatch(compact):
        # A reading (ヤマダ タロウ) or a katakana surname (スミス): whole tokens, never prefixes,
        # or ホイールホイール would be a person because ホイ is a reading.
        tokens = [t for t in re.split(r"[ ・]", value) if t]
        if tokens[0] in names.surnames:
            return len(tokens) == 1 or names.is_given_name(tokens[1]) or len(tokens[1]) <= 6
        return None if len(tokens) > 1 else False
    first = value.split(" ")[0].replace("・", "")
    surname = names.surname_prefix(compact)
    if surname is None:
        # 同様, 仕様, 御殿: one or two characters before an honorific that are no surname are
        # words, not names. Longer unknown names stay as a low-confidence shape.
        return False if len(compact) <= 2 else None
    rest = compact[len(surname) :]
    if len(surname) >= 2:
        return True
    # One-character surnames (林, 森, 中, 東) need a known given name after them.
    return bool(rest) and (names.is_given_name(rest) or (first == surname and len(rest) <= 4))


def display_name(value: str, m: re.Match[str]) -> bool | None:
    """The display name of a pasted mail header (From: 山田 太郎 <taro@…>): kanji and kana go
    through the surname dictionary as a name before 様 does; Latin names and role names are
    judged in mail_names."""
    name = value.strip().strip('"')
    if name.isascii():
        return latin_display_name(name, m.groupdict().get("mailbox") or "")
    if is_role_name(name):
        return False
    return person_name(name, m)


def latin_name(value: str, m: re.Match[str]) -> bool | None:
    return latin_labelled_name(value)


VALIDATORS: dict[str, Validator] = {
    "display_name": display_name,
    "latin_name": latin_name,
    "luhn": luhn,
    "credit_card": credit_card,
    "my_number": my_number,
    "corporate_number": corporate_number,
    "health_insurer_number": health_insurer_number,
    "phone_jp": phone_jp,
    "postal_code": postal_code,
    "email": email,
    "drivers_license": drivers_license,
    "birth_date": birth_date,
    "person_name": person_name,
}


# --- refiners: where the personal value really is inside a greedy match ---------------------

Refiner = Callable[[str], tuple[int, int]]

REFINERS: dict[str, Refiner] = {
    "name": name_span,
}
