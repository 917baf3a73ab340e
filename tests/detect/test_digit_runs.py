"""engine.digit_run_re: runs looked for from their first digit only find what the plain
pattern finds (the lookbehinds only skip tails of runs tried already)."""

from __future__ import annotations

import random
import re

from dlp.detect.engine import _DIGIT, _SEP, _digit_run, digit_run_re


def test_digit_runs_are_those_of_the_plain_pattern() -> None:
    rnd = random.Random(7)
    alphabet = "0123456789０１２３ -/.()の a\n、①\t"
    for least in (4, 10):
        plain = re.compile(f"[{_DIGIT}](?:[{_SEP}]{{0,2}}[{_DIGIT}]){{{least - 1},}}")
        runs = digit_run_re(_DIGIT, least)
        text_runs = re.compile(_digit_run(_DIGIT, least))  # as a text is scanned (no lookbehinds)
        for _ in range(5000):
            text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 60)))
            expected = [m.span() for m in plain.finditer(text)]
            assert [m.span() for m in runs.finditer(text)] == expected, text
            assert [m.span() for m in text_runs.finditer(text)] == expected, text


def test_a_column_of_dates_holds_no_run_but_phones_do() -> None:
    runs = digit_run_re(_DIGIT, 10)
    assert not list(runs.finditer("2025/03/04\n1999/12/31\n"))
    assert [m.group() for m in runs.finditer("tel 090-1234-5678, 2025/03/04")] == ["090-1234-5678"]
