"""Check digits and value validators: proven (True), rejected (False), no opinion (None)."""

from __future__ import annotations

import re

import pytest

from dlp.detect import validators as v
from dlp.detect.validators import VALIDATORS


def _m(text: str, pattern: str = r"(?P<value>.+)") -> re.Match[str]:
    m = re.fullmatch(pattern, text)
    assert m is not None
    return m


def _v(validator, text: str, pattern: str = r"(?P<value>.+)") -> bool | None:
    m = _m(text, pattern)
    return validator(m.group("value"), m)


@pytest.mark.parametrize("digits", ["621498320257", "123456789018", "526018159084"])
def test_my_number_valid(digits: str) -> None:
    assert v.my_number_valid(digits)


@pytest.mark.parametrize("digits", ["621498320258", "123456789012", "12345678901", "1234567890180"])
def test_my_number_invalid(digits: str) -> None:
    assert not v.my_number_valid(digits)


def test_my_number_validator_rejects_filler() -> None:
    assert _v(v.my_number, "000000000000") is False


@pytest.mark.parametrize("digits", ["5835678256246", "7040001016687", "6010701027558"])
def test_corporate_number_valid(digits: str) -> None:
    assert v.corporate_number_valid(digits)


@pytest.mark.parametrize("digits", ["2835678256246", "0835678256246", "583567825624"])
def test_corporate_number_invalid(digits: str) -> None:
    assert not v.corporate_number_valid(digits)


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("4111111111111111", True),  # Visa
        ("5555555555554444", True),  # MasterCard
        ("2221000000000009", True),  # MasterCard 2-series
        ("378282246310005", True),  # Amex (15)
        ("3530111333300000", True),  # JCB 3528-3589
        ("3566002020360505", True),  # JCB
        ("36227206271667", True),  # Diners (14)
        ("4111111111111112", False),  # Luhn fails
        ("3500111333300006", True),  # 35xx below 3528: Faker's JCB numbers, still a card
        ("3400111333300007", False),  # 34 is Amex, 15 digits only
        ("1234567812345670", False),  # Luhn holds, no brand starts with 1
        ("0000000000000000", False),
    ],
)
def test_credit_card(number: str, ok: bool) -> None:
    assert _v(v.credit_card, number) is ok


@pytest.mark.parametrize(("digits", "ok"), [("33120015", True), ("33120016", False), ("01130012", True)])
def test_insurer_number(digits: str, ok: bool) -> None:
    assert v.insurer_number_valid(digits) is ok


def test_six_digit_insurer_numbers_have_no_check_digit() -> None:
    assert _v(v.health_insurer_number, "138057") is None


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("090-1234-5678", True),
        ("07012345678", True),
        ("050-1234-5678", True),
        ("03-1234-5678", True),
        ("0742-12-3456", True),
        ("+81 90 1234 5678", True),
        ("+81-3-1234-5678", True),
        ("0120-123-456", True),
        ("0800-123-4567", True),
        ("000-0000-0000", False),
        ("020-1234-5678", False),  # 020 is not a mobile prefix in this form
        ("0101234567", False),  # 010 is the international prefix
        ("090-1234-567", False),  # mobile numbers have 11 digits
    ],
)
def test_phone_numbering_plan(text: str, ok: bool) -> None:
    assert _v(v.phone_jp, text) is ok


DATE = (
    r"(?P<value>(?P<era>明治|大正|昭和|平成|令和|[MTSHR])(?P<y>[0-9]{1,2}|元)"
    r"[年./-](?P<m>[0-9]{1,2})[月./-](?P<d>[0-9]{1,2})日?)"
)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("昭和45年3月2日", "1970-03-02"),
        ("平成元年1月8日", "1989-01-08"),
        ("H1.1.8", "1989-01-08"),
        ("S64.1.7", "1989-01-07"),
        ("令和2年5月1日", "2020-05-01"),
        ("R1.5.1", "2019-05-01"),
    ],
)
def test_era_dates(text: str, iso: str) -> None:
    date = v.parse_date(_m(text, DATE))
    assert date is not None and date.isoformat() == iso


@pytest.mark.parametrize(
    "text",
    ["平成31年5月1日", "昭和64年1月8日", "平成元年1月7日", "令和元年4月30日", "昭和45年2月30日", "平成0年1月1日"],
)
def test_impossible_era_dates(text: str) -> None:
    assert v.parse_date(_m(text, DATE)) is None


def test_birth_date_in_the_future_is_not_one() -> None:
    assert _v(v.birth_date, "2999年1月1日", r"(?P<value>(?P<y>[0-9]{4})年(?P<m>[0-9]+)月(?P<d>[0-9]+)日)") is False


@pytest.mark.parametrize(
    ("name", "verdict"),
    [
        ("山田太郎", True),
        ("佐藤 花子", True),
        ("ヤマダ タロウ", True),  # a reading
        ("スミス", True),  # a katakana surname in the dictionary
        ("客", False),  # お客様
        ("皆", False),  # 皆様
        ("担当者", False),  # ご担当者様
        ("同", False),  # 同様
        ("ホイールホイール", False),  # starts with a reading (ホイ) but is no name
        ("林太郎", True),  # a one-character surname with a known given name
    ],
)
def test_person_names(name: str, verdict: bool | None) -> None:
    assert _v(v.person_name, name) is verdict


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("営業部山田", "山田"),
        ("株式会社鈴木", "鈴木"),
        ("木村岡田 裕美子", "岡田 裕美子"),  # two lines joined before the name
        ("石川 拓真個人番号", "石川 拓真"),  # a label glued on after it
        ("佐藤 花子", "佐藤 花子"),
    ],
)
def test_name_span(value: str, name: str) -> None:
    start, end = v.name_span(value)
    assert value[start:end] == name


def test_email_validator() -> None:
    assert _v(v.email, "taro.yamada@example.co.jp") is True
    assert _v(v.email, "taro..yamada@example.jp") is False
    assert _v(v.email, ".taro@example.jp") is False
    assert _v(v.email, "taro@-example.jp") is False


def test_drivers_licence_commission_code() -> None:
    assert _v(v.drivers_license, "301234567890") is None  # plausible: no checksum to prove it
    assert _v(v.drivers_license, "001234567890") is False


def test_every_validator_is_three_valued() -> None:
    samples = ["090-1234-5678", "123456789018", "x", "山田"]
    for name, fn in VALIDATORS.items():
        for sample in samples:
            result = _v(fn, sample)
            assert result in (True, False, None), name


# The Japanese numbering plan as regexes: the definition phone_jp's plain comparisons must agree with.
_MOBILE = re.compile(r"0[789]0[0-9]{8}|050[0-9]{8}")
_FREE = re.compile(r"0120[0-9]{6}|0800[0-9]{7}|0570[0-9]{6}|0990[0-9]{6}")
_FIXED = re.compile(r"0[1-9][0-9]{8}")


def _phone_jp_by_patterns(text: str) -> bool | None:
    """phone_jp with _MOBILE, _FREE and _FIXED as regexes (the reference)."""
    digits = v.digits_of(text)
    if text.lstrip().startswith("+81"):
        digits = "0" + digits[2:].lstrip("0")
    elif not digits.startswith("0"):
        return v._zero_lost(text, digits)
    if len(set(digits[1:])) <= 1:
        return False
    if _MOBILE.fullmatch(digits) or _FREE.fullmatch(digits):
        return True
    if _FIXED.fullmatch(digits):
        return digits[2] != "0"
    return False


def test_phone_jp_comparisons_agree_with_the_numbering_plan_patterns() -> None:
    """phone_jp checks _MOBILE/_FREE/_FIXED as plain comparisons (speed); the regex form is
    the definition. Every prefix shape, length and separator, plus random strings."""
    import random

    rnd = random.Random(5)
    samples = ["", "0", "+81 90-1234-5678", "+81-3-1234-5678", "０９０-1234-5678", "03-1234-5678"]
    samples += ["000-0000-0000", "00", "01111111111", "0111111111", "09000000000", "+81 0000", "+81", "1111"]
    for prefix in [
        "0",
        "00",
        "01",
        "010",
        "012",
        "0120",
        "05",
        "050",
        "057",
        "0570",
        "080",
        "0800",
        "099",
        "0990",
        "090",
    ]:
        for length in range(8, 14):
            for _ in range(20):
                digits = prefix + "".join(rnd.choice("0123456789") for _ in range(max(0, length - len(prefix))))
                samples += [digits, digits[:3] + "-" + digits[3:], "+81" + digits[1:], " " + digits]
    samples += ["".join(rnd.choice("0123456789-+ ()８１") for _ in range(rnd.randint(0, 16))) for _ in range(3000)]
    for text in samples:
        assert v.phone_jp(text, None) == _phone_jp_by_patterns(text), text  # type: ignore[arg-type]
        assert v.digits_of(text) == re.sub(r"[^0-9]", "", text), text


def test_email_domain_check_agrees_with_label_by_label() -> None:
    """email() checks the domain's labels on the whole string (speed); the label-by-label
    reading is the definition."""
    import random

    def by_labels(value: str) -> bool:
        value = v.plain_email(value)
        if value.count("@") != 1:
            return False
        local, _, domain = value.rpartition("@")
        if ".." in value or not v._EMAIL_LOCAL_OK.fullmatch(local):
            return False
        return all(label and not label.startswith("-") and not label.endswith("-") for label in domain.split("."))

    rnd = random.Random(8)
    samples = [
        "taro@example.jp",
        "a@-b.jp",
        "a@b-.jp",
        "a@b.-c",
        "a@b.c-",
        "a@.b",
        "a@b.",
        "a@",
        "a@b..c",
        "a(at)b(dot)jp",
    ]
    samples += ["".join(rnd.choice("ab-.@_(at)") for _ in range(rnd.randint(0, 14))) for _ in range(20000)]
    for text in samples:
        assert v.email(text, None) == by_labels(text), text  # type: ignore[arg-type]


def test_postal_code_and_canonical_digits_fast_paths_agree() -> None:
    """postal_code's repeated-digit test and canonical_digits' ASCII path (speed) against
    their plain definitions."""
    import random

    from dlp.detect.values import canonical_digits

    rnd = random.Random(9)
    samples = ["", "-", "1000000", "111-1111", "0001234", "123-4567", "T1234567890123", "ab-CD", "〒100-0001"]
    samples += ["".join(rnd.choice("0123456789-aZ 〒１ｂ") for _ in range(rnd.randint(0, 10))) for _ in range(20000)]
    for text in samples:
        digits = re.sub(r"[^0-9]", "", text)
        plain = False if len(digits) != 7 or digits.startswith("000") or len(set(digits)) == 1 else None
        assert v.postal_code(text, None) == plain, text  # type: ignore[arg-type]
        assert canonical_digits(text, None) == re.sub(r"[^0-9A-Za-z]", "", text).upper(), text  # type: ignore[arg-type]
