"""What one set shares: its random source, name source, template variant and own company."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TypeVar

from scripts.evalcorpus import sources as S

T = TypeVar("T")


@dataclass(frozen=True)
class Company:
    name: str
    dept: str
    postal: str  # 123-4567
    address: str
    phone: str
    fax: str
    domain: str
    mail: str
    bank: str


def company(r: random.Random, name: str) -> Company:
    p = S.place(r)
    a, b, c = S.phone_digits(r, mobile=0.0)
    fa, fb, fc = S.phone_digits(r, mobile=0.0)
    slug = "".join(r.choice("abcdefghkmnprstuyz") for _ in range(r.randint(4, 8)))
    return Company(
        name=name,
        dept=r.choice(["営業部", "経理部", "お客様相談室", "カスタマーサポート課", "業務部"]),
        postal=f"{p.code[:3]}-{p.code[3:]}",
        address=f"{p.prefecture}{p.city}{p.town}{S.street(r)} {r.choice(['', S.building(r)])}".strip(),
        phone=f"{a}-{b}-{c}",
        fax=f"{fa}-{fb}-{fc}",
        domain=f"{slug}.example.co.jp",
        mail=f"{r.choice(['info', 'support', 'sales', 'keiri'])}@{slug}.example.co.jp",
        bank=S.account_number(r),
    )


PREFIXES = ["株式会社", "有限会社", "合同会社"]
CORE = [
    "アオバ",
    "ミドリ",
    "東和",
    "大和",
    "ひので",
    "ミナト",
    "フジ",
    "サンライズ",
    "北辰",
    "ユニオン",
    "さくら",
    "協和",
]
SUFFIX = ["商事", "物産", "工業", "製作所", "食品", "システム", "ロジスティクス", "印刷", "電機", "リース"]


@dataclass
class Ctx:
    r: random.Random
    people: S.People
    variant: int  # 0: set A's template wording, 1: set B's
    own: Company
    queues: dict[str, list[object]] = field(default_factory=dict)

    def turn(self, key: str, options: list[T]) -> T:
        """The options take turns (each shuffled round uses every one once): a set's layouts and
        list sizes come in fixed proportions, so that its figures do not hinge on a few draws
        (one bulk export with split name columns holds a sixth of a set's names)."""
        queue = self.queues.setdefault(key, [])
        if not queue:
            queue.extend(options)
            self.r.shuffle(queue)
        return queue.pop()  # type: ignore[return-value]

    def other_company(self) -> Company:
        r = self.r
        name = (
            f"{r.choice(PREFIXES)}{r.choice(CORE)}{r.choice(SUFFIX)}"
            if r.random() < 0.7
            else f"{r.choice(CORE)}{r.choice(SUFFIX)}株式会社"
        )
        return company(r, name)


def make_ctx(set_name: str, seed: int) -> Ctx:
    r = random.Random(seed)
    variant = 0 if set_name == "A" else 1
    people = S.People(r, "dataset" if variant == 0 else "faker")
    own = company(random.Random(seed * 7 + 1), "株式会社ミライ通販" if variant == 0 else "株式会社はなまる生活")
    return Ctx(r, people, variant, own)
