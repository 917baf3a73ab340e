"""Fake Japanese personal data for fixtures and tests (Faker ja_JP plus valid check digits).

Never real people: names and addresses come from Faker, numbers are random with correct check
digits where the format has one. Each generator can write the value the ways people do:
full-width digits, other dash characters, no separators.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from faker import Faker

from dlp.detect.validators import corporate_number_valid, insurer_number_valid, luhn_valid, my_number_valid

FULLWIDTH = str.maketrans("0123456789-()+", "０１２３４５６７８９－（）＋")
DASHES = ("-", "－", "ー", "‐", "−", "―", "ｰ")
ERAS = (("令和", 2019), ("平成", 1989), ("昭和", 1926), ("大正", 1912))


@dataclass
class Doc:
    """Text built piece by piece, remembering where each personal value went."""

    parts: list[str] = field(default_factory=list)
    labels: list[dict[str, object]] = field(default_factory=list)
    length: int = 0

    def text(self, s: str) -> Doc:
        self.parts.append(s)
        self.length += len(s)
        return self

    def value(self, data_type: str, s: str) -> Doc:
        self.labels.append({"type": data_type, "start": self.length, "end": self.length + len(s)})
        return self.text(s)

    def render(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class Person:
    last: str
    first: str
    last_kana: str
    first_kana: str

    @property
    def name(self) -> str:
        return f"{self.last} {self.first}"

    @property
    def kana(self) -> str:
        return f"{self.last_kana} {self.first_kana}"


class FakeJP:
    def __init__(self, seed: int = 0) -> None:
        self.faker = Faker("ja_JP")
        self.faker.seed_instance(seed)
        self.r = random.Random(seed)

    # --- people and places ---------------------------------------------------------------------

    def person(self) -> Person:
        last, last_kana, _ = self.faker.last_name_pair()
        first, first_kana, _ = self.faker.first_name_pair()
        return Person(last, first, last_kana, first_kana)

    def address(self, *, building: bool = False) -> str:
        f = self.faker
        block = self.r.choice(
            [
                f"{self.r.randint(1, 9)}丁目{self.r.randint(1, 30)}番{self.r.randint(1, 20)}号",
                f"{self.r.randint(1, 9)}-{self.r.randint(1, 30)}-{self.r.randint(1, 20)}",
                f"{'一二三四五六七八九'[self.r.randint(0, 8)]}丁目{self.r.randint(1, 30)}-{self.r.randint(1, 20)}",
                f"{self.r.randint(1, 999)}番地",
            ]
        )
        text = f"{f.prefecture()}{f.city()}{f.town()}{block}"
        if building:
            text += f" {f.building_name()}{self.r.randint(101, 905)}"
        return text

    def postal(self) -> str:
        return f"{self.r.randint(100, 999)}-{self.r.randint(0, 9999):04d}"

    def email(self) -> str:
        return self.faker.email()

    def company(self) -> str:
        return self.faker.company()

    # --- numbers -------------------------------------------------------------------------------

    def mobile(self) -> str:
        return f"0{self.r.choice('789')}0-{self.r.randint(1000, 9999)}-{self.r.randint(0, 9999):04d}"

    def landline(self) -> str:
        """Ten digits: area code (with its 0), exchange, four-digit line number."""
        area = self.r.choice(["03", "06", "045", "052", "092", "0742", "0467", "011"])
        middle_len = 10 - len(area) - 4
        middle = str(self.r.randint(10 ** (middle_len - 1), 10**middle_len - 1))
        return f"{area}-{middle}-{self.r.randint(0, 9999):04d}"

    def phone(self) -> str:
        return self.mobile() if self.r.random() < 0.6 else self.landline()

    def my_number(self) -> str:
        while True:
            digits = "".join(self.r.choice("0123456789") for _ in range(11))
            for check in "0123456789":
                if my_number_valid(digits + check) and len(set(digits)) > 1:
                    return digits + check

    def not_my_number(self) -> str:
        """Twelve digits whose check digit is wrong (an order number)."""
        while True:
            digits = str(self.r.randint(10**11, 10**12 - 1))
            if not my_number_valid(digits):
                return digits

    def corporate_number(self) -> str:
        while True:
            body = "".join(self.r.choice("0123456789") for _ in range(12))
            for check in "123456789":
                if corporate_number_valid(check + body):
                    return check + body

    def card(self) -> str:
        prefix = self.r.choice(["4", "51", "52", "53", "54", "55", "3528", "3530", "3566", "3589"])
        body = prefix + "".join(self.r.choice("0123456789") for _ in range(15 - len(prefix)))
        for check in "0123456789":
            if luhn_valid(body + check):
                return body + check
        raise AssertionError("unreachable")

    def insurer_number(self) -> str:
        head = self.r.choice(["01", "06", "31", "32", "33", "34", "39"]) + f"{self.r.randint(1, 47):02d}"
        body = head + f"{self.r.randint(0, 999):03d}"
        for check in "0123456789":
            if insurer_number_valid(body + check):
                return body + check
        raise AssertionError("unreachable")

    def bank_account(self) -> str:
        return f"{self.r.randint(0, 9999999):07d}"

    def birth_date(self) -> dt.date:
        return self.faker.date_of_birth(minimum_age=1, maximum_age=95)

    def passport(self) -> str:
        return self.r.choice(["TK", "TR", "MZ", "TZ", "RE"]) + f"{self.r.randint(0, 9999999):07d}"

    def residence_card(self) -> str:
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
        return (
            "".join(self.r.choice(letters) for _ in range(2))
            + f"{self.r.randint(0, 99999999):08d}"
            + "".join(self.r.choice(letters) for _ in range(2))
        )

    def pension(self) -> str:
        return f"{self.r.randint(1000, 9999)}-{self.r.randint(0, 999999):06d}"

    def drivers_license(self) -> str:
        return f"{self.r.randint(10, 97)}{self.r.randint(0, 9999999999):010d}"

    # --- the ways people write them ---------------------------------------------------------------

    def styled_number(self, value: str) -> str:
        """Write a number as people do: as is, full-width, another dash, no separators."""
        style = self.r.random()
        if style < 0.25:
            return value.translate(FULLWIDTH)
        if style < 0.45:
            return value.replace("-", self.r.choice(DASHES))
        if style < 0.55:
            return value.replace("-", "")
        return value

    def styled_date(self, date: dt.date) -> str:
        style = self.r.randint(0, 5)
        if style == 0:
            return f"{date.year}年{date.month}月{date.day}日"
        if style == 1:
            return f"{date.year}/{date.month:02d}/{date.day:02d}"
        if style == 2:
            return f"{date.year}-{date.month:02d}-{date.day:02d}"
        era, start = next((e, y) for e, y in ERAS if date >= _era_start(e))
        year = date.year - start + 1
        year_text = "元" if year == 1 else str(year)
        if style == 3:
            return f"{era}{year_text}年{date.month}月{date.day}日"
        letter = {"令和": "R", "平成": "H", "昭和": "S", "大正": "T"}[era]
        return f"{letter}{year_text}.{date.month}.{date.day}"


def _era_start(era: str) -> dt.date:
    return {
        "令和": dt.date(2019, 5, 1),
        "平成": dt.date(1989, 1, 8),
        "昭和": dt.date(1926, 12, 25),
        "大正": dt.date(1912, 7, 30),
    }[era]
