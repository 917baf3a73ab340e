"""The bulk judgement of a column's values (dlp/detect/colbulk.py) is the validator's and the
canonical form's, value by value: random values of every shape, plain and odd."""

from __future__ import annotations

import random
import re

import pytest

from dlp.detect.colbulk import judge_in_bulk
from dlp.detect.validators import email, phone_jp, postal_code
from dlp.detect.values import canonical_digits, canonical_email, canonical_phone

_ANY = re.compile(r".*", re.DOTALL)


def _per_value(validator, canonical, values):  # type: ignore[no-untyped-def]
    out = []
    for v in values:
        m = _ANY.fullmatch(v)
        verdict = validator(v, m) if validator is not None else None
        out.append(None if verdict is False else (bool(verdict), hash(canonical(v, m))))
    return out


def _digits(r: random.Random, n: int) -> str:
    return "".join(r.choice("0123456789") for _ in range(n))


def _phone(r: random.Random) -> str:
    digits = r.choice(
        [
            "0" + r.choice("5789") + "0" + _digits(r, 8),
            "0" + _digits(r, 9),
            "0" + _digits(r, 10),
            "0" + r.choice("0123456789") * 9,
            "0" + r.choice(["120", "570", "990", "800"]) + _digits(r, r.choice([6, 7])),
            _digits(r, 10),
            "0" + _digits(r, r.randint(5, 12)),
        ]
    )
    cut = sorted(r.sample(range(1, len(digits)), 2)) if r.random() < 0.7 else []
    for k, c in enumerate(cut):
        digits = digits[: c + k] + "-" + digits[c + k :]
    return digits


def _mail(r: random.Random) -> str:
    local = "".join(r.choice("abcXYZ019._%+-") for _ in range(r.randint(1, 12)))
    labels = ["".join(r.choice("abc09-") for _ in range(r.randint(0, 6))) for _ in range(r.randint(1, 3))]
    return local + r.choice(["@", "@", "@", "@@", "."]) + ".".join(labels)


@pytest.mark.parametrize("seed", range(20))
def test_phones_as_phone_jp_would_judge_them(seed: int) -> None:
    r = random.Random(seed)
    values = [_phone(r) for _ in range(300)]
    got = judge_in_bulk(phone_jp, canonical_phone, values, [_ANY.fullmatch(v) for v in values])
    if got is None:  # a value without its leading 0: left to the per-value path
        assert any(not v.startswith("0") for v in values)
        values = [v for v in values if v.startswith("0")]
        got = judge_in_bulk(phone_jp, canonical_phone, values, [_ANY.fullmatch(v) for v in values])
    assert got == _per_value(phone_jp, canonical_phone, values)


@pytest.mark.parametrize("seed", range(20))
def test_postal_codes_mails_and_ids_as_their_validators_would(seed: int) -> None:
    r = random.Random(seed)
    postal = [
        r.choice(
            [_digits(r, 3) + "-" + _digits(r, 4), _digits(r, 7), "000" + _digits(r, 4), r.choice("0123456789") * 7]
        )
        for _ in range(300)
    ]
    mails = [_mail(r) for _ in range(300)]
    ids = ["".join(r.choice("CUcu0123456789-") for _ in range(r.randint(1, 12))) for _ in range(300)]
    for validator, canonical, values in (
        (postal_code, canonical_digits, postal),
        (email, canonical_email, mails),
        (None, canonical_digits, ids),
    ):
        got = judge_in_bulk(validator, canonical, values, [_ANY.fullmatch(v) for v in values])
        assert got == _per_value(validator, canonical, values)


def test_values_written_otherwise_are_left_to_the_per_value_path() -> None:
    for validator, canonical, values in (
        (phone_jp, canonical_phone, ["090-1234-5678", "+81 90-1234-5678"]),
        (phone_jp, canonical_phone, ["090-1234-5678", "９０"]),
        (email, canonical_email, ["taro(at)example.jp"]),
        (postal_code, canonical_digits, ["〒100-0001"]),
    ):
        assert judge_in_bulk(validator, canonical, values, [_ANY.fullmatch(v) for v in values]) is None


def test_short_columns_all_sure_or_not_as_their_validators_would() -> None:
    """A column whose every value is surely valid is told by one match over the joined column
    (colbulk._every); short random columns land on both sides of it, and either way the result
    is the per-value one."""
    r = random.Random(99)
    kinds = (
        (phone_jp, canonical_phone, lambda: _phone(r) if r.random() < 0.3 else "090" + _digits(r, 8)),
        (postal_code, canonical_digits, lambda: _digits(r, 7) if r.random() < 0.9 else "0000000"),
        (email, canonical_email, lambda: _mail(r) if r.random() < 0.2 else f"u{_digits(r, 3)}@example.jp"),
    )
    whole = 0
    for validator, canonical, make in kinds:
        for _ in range(400):
            values = [make() for _ in range(r.randint(1, 5))]
            if validator is phone_jp:
                values = [v for v in values if v.startswith("0")] or ["0901234567"]
            expected = _per_value(validator, canonical, values)
            whole += None not in expected
            assert judge_in_bulk(validator, canonical, values, [_ANY.fullmatch(v) for v in values]) == expected
    assert whole > 300
