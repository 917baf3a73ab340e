"""What the prose-only sets E and F share: the person they write about, the round-robin of
styles, and their name sources (Faker ja_JP with its own seed, and the long tail of
japanese-personal-name-dataset). Each set keeps its own wordings, phones, mails and dates in
its own context class: they are meant to differ."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from faker import Faker

from scripts.evalcorpus.context import Company
from scripts.evalcorpus.turns import Turns


@dataclass
class Who:
    family: str
    given: str
    romaji: str
    foreign: bool = False

    def full(self, sep: str = "") -> str:
        return f"{self.family}{sep}{self.given}"


@dataclass
class ProseCtx(Turns):
    r: random.Random
    fk: Faker
    own: Company
    families: list[tuple[str, str]]
    givens: list[str]
    queues: dict[str, list[object]] = field(default_factory=dict)


def name_sources(seed: int) -> tuple[random.Random, Faker, list[tuple[str, str]], list[str]]:
    """The set's random source, its Faker, surnames ranked below 500 (a surname dictionary may
    lack them) with their romaji, and kanji given names."""
    from japanese_personal_name_dataset import load_dataset

    r = random.Random(seed)
    fk = Faker("ja_JP")
    fk.seed_instance(r.randrange(1 << 30))
    men, women, last = load_dataset("org", include_last_names=True)
    families = [(k, v["en"]) for k, v in list(last.items())[500:] if v.get("reading") and len(k) >= 2]
    givens = sorted({v["kanji"][0] for t in (men, women) for v in t.values() if v.get("kanji")})
    return r, fk, families, givens
