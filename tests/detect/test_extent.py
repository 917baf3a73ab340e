"""forward_extent: a bound on how far a match attempt reads, so the engine scans less past a
window. The bound must hold: a match tried with the text cut at start + extent is the match
tried on the whole text, for every shipped pattern."""

from __future__ import annotations

import random
import re

from dlp.detect.extent import forward_extent
from dlp.detect.normalise import normalise_text
from dlp.detect.rules import load_rules


def test_bounded_patterns() -> None:
    assert forward_extent(re.compile("abc")) == 4
    assert forward_extent(re.compile("[0-9]{2,4}(?=x{3})")) == 4 + 3 + 1
    assert forward_extent(re.compile("(?<![0-9])a|bb")) == 3
    assert forward_extent(re.compile("a(?:b|cde)?")) == 5


def test_unbounded_patterns() -> None:
    assert forward_extent(re.compile("a+")) is None
    assert forward_extent(re.compile(r"(a)\1")) is None
    assert forward_extent(re.compile("(?<=(?=ab)a)b")) is None  # a lookahead inside a lookbehind


def test_cut_text_gives_the_same_match_for_every_shipped_pattern() -> None:
    """Each rule's examples, with noise around them, matched at every start position: with the
    text cut at start + extent the result is the same as on the whole text."""
    rnd = random.Random(7)
    noise = "0123456789-  様さん山田太郎タナカ@.ab\n東京都港区1-2-3"
    checked = 0
    for rule in load_rules().rules:
        texts = [normalise_text(e.text) for e in rule.examples_match]
        for pattern in rule.patterns:
            extent = forward_extent(pattern.regex)
            if extent is None or pattern.cell:
                continue
            for text in texts:
                left, right = ("".join(rnd.choice(noise) for _ in range(5)) for _ in range(2))
                padded = left + text + right
                for start in range(len(padded)):
                    whole = pattern.regex.match(padded, start)
                    cut = pattern.regex.match(padded, start, start + extent)
                    assert (whole and whole.span()) == (cut and cut.span()), (rule.id, pattern.name, padded, start)
                    checked += 1
    assert checked > 1000
