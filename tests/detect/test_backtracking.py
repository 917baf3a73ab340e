"""No shipped pattern backtracks catastrophically on long adversarial input.

Each pattern is run over strings built from the characters it consumes (long runs of digits,
separators, kanji, kana, letters) that almost match. A linear pattern takes milliseconds; an
exponential one would take minutes, so the generous bound below never flakes.
"""

from __future__ import annotations

import time

import pytest

from dlp.detect.rules import load_rules

ADVERSARIAL = [
    "0" * 5000,
    "1-" * 2500,
    "1 " * 2500,
    "０－" * 2500,
    "a" * 5000 + "@",
    ("a." * 2500) + "@",
    "a@" + "b." * 2500,
    "山" * 5000 + "様",
    "山 " * 2500 + "様",
    "ア" * 5000 + "さん",
    "東京都" + "千" * 5000,
    "東京都千代田区" + "一" * 5000,
    "1丁目" * 1500,
    "住所" + "区" * 5000,
    "記号" + "1" * 3000 + "番号",
    "普通" + "1 " * 2000,
    "昭和" + "1" * 3000,
    "保険者番号" + "0" * 5000,
    "T" + "1" * 5000,
    "CU-" + "1" * 5000,
]


@pytest.mark.parametrize("rule", load_rules().rules, ids=lambda r: r.id)
def test_patterns_run_in_linear_time(rule) -> None:
    for pattern in rule.patterns:
        for text in ADVERSARIAL:
            started = time.perf_counter()
            for _ in pattern.regex.finditer(text):
                pass
            pattern.regex.fullmatch(text)
            elapsed = time.perf_counter() - started
            assert elapsed < 1.0, f"{rule.id}/{pattern.name} took {elapsed:.2f}s on {text[:20]!r}…"
