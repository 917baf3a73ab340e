"""search_regex: the same pattern, compiled with the characters its matches start with. Every
search must find what the plain pattern finds, for every shipped pattern."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import replace

import pytest

from dlp.detect.engine import Engine
from dlp.detect.normalise import DIGIT_SOURCE_RE, normalise_text
from dlp.detect.prefilter import cannot_hold, char_sources, needs_digit, required_words, search_regex
from dlp.detect.rules import load_rules
from dlp.model import Segment


def _spans(regex: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in regex.finditer(text)]


def test_lookbehind_first_patterns_get_a_start_class() -> None:
    for pattern in [r"(?<![0-9])(?P<value>0[5789]0-[0-9]{4})", r"(?<!a)T?[1-9][0-9]", r"(?<=x)(?:ab|c[de])+"]:
        plain = re.compile(pattern)
        fast = search_regex(plain)
        assert fast is not plain
        assert fast.pattern == plain.pattern and fast.groupindex == plain.groupindex
        assert _spans(fast, "x090-1234 0T12 aT34 xabcd 1090-1234") == _spans(
            plain, "x090-1234 0T12 aT34 xabcd 1090-1234"
        )


def test_patterns_it_cannot_read_stay_as_they_are() -> None:
    for pattern, flags in [
        ("(?<!a)[^b]c", 0),
        ("(?<!a).c", 0),
        ("(?<!a)b", re.IGNORECASE),
        ("(?<!a)b?", 0),
        ("abc", 0),
    ]:
        plain = re.compile(pattern, flags)
        assert search_regex(plain) is plain


def test_a_pattern_is_given_its_start_class_once() -> None:
    """search_regex remembers by pattern text and flags (an engine is built per rule example):
    the same text compiled twice gets the one compiled form, other flags their own, and a
    pattern it keeps is still returned as it was given."""
    first = search_regex(re.compile(r"(?<![0-9])[0-9]{4}"))
    assert search_regex(re.compile(r"(?<![0-9])[0-9]{4}")) is first
    assert search_regex(re.compile(r"(?<![0-9])[0-9]{4}", re.ASCII)) is not first
    for _ in range(2):
        kept = re.compile("(?<!a).c")
        assert search_regex(kept) is kept


def test_every_shipped_pattern_finds_the_same_matches() -> None:
    rnd = random.Random(11)
    noise = "0123456789-+() 様さん山田太郎タナカ@.abT\n東京都港区1-2-3〒生年月日：昭和"
    checked = 0
    for rule in load_rules().rules:
        texts = [normalise_text(e.text) for e in (*rule.examples_match, *rule.examples_no_match)]
        texts += ["".join(rnd.choice(noise) for _ in range(200)) for _ in range(20)]
        for pattern in rule.patterns:
            fast = search_regex(pattern.regex)
            if fast is pattern.regex:
                continue
            for text in texts:
                padded = (
                    "".join(rnd.choice(noise) for _ in range(6)) + text + "".join(rnd.choice(noise) for _ in range(6))
                )
                assert _spans(fast, padded) == _spans(pattern.regex, padded), (rule.id, pattern.name, padded)
                for pos in range(0, len(padded), 7):
                    assert _spans(fast, padded[pos:]) == _spans(pattern.regex, padded[pos:])
                checked += 1
    assert checked > 500


def test_grouped_trie_finds_what_the_plain_trie_finds() -> None:
    """trie_regex(groups=k) puts runs of first characters behind lookaheads (speed); with the
    start class from search_regex it must find the same words at the same places."""
    from dlp.detect.wordlist import trie_regex

    rnd = random.Random(13)
    alphabet = "abcdefghij様さまんから日生年月住所ア"
    words = {"".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 4))) for _ in range(120)}
    plain = re.compile(trie_regex(words))
    for groups in (2, 3, 4):
        grouped = search_regex(re.compile(trie_regex(words, groups=groups)))
        assert grouped.pattern != plain.pattern
        for _ in range(300):
            text = "".join(rnd.choice(alphabet + " 0\n") for _ in range(rnd.randint(0, 80)))
            assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in plain.finditer(text)], text


def test_lead_guard_finds_what_the_plain_trie_finds() -> None:
    """lead_guard lets the trie try only positions whose next characters can begin a word
    (speed); a word of one, two or five characters, next to a near miss, must be found at the
    same places as without it, also where the engine lets characters no reader sees through it."""
    from dlp.detect.prefilter import lead_guard
    from dlp.detect.wordlist import trie_regex

    rnd = random.Random(17)
    alphabet = "abcdefg様さまんから日生年月住所ア-]^\\"
    words = {"".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 5))) for _ in range(150)}
    plain = re.compile(trie_regex(words))
    for groups in (1, 4):
        guard = lead_guard(words)
        assert guard.startswith("(?=")
        guarded = search_regex(re.compile(guard + trie_regex(words, groups=groups)))
        also = lead_guard(words, also="\u200b")
        unseen = search_regex(re.compile(f"{also}(?:{trie_regex(words, groups=groups)}|(?P<unseen>\u200b))"))
        for _ in range(300):
            text = "".join(rnd.choice(alphabet + " 0\n\u200b") for _ in range(rnd.randint(0, 80)))
            expected = [m.span() for m in plain.finditer(text)]
            assert [m.span() for m in guarded.finditer(text)] == expected, text
            assert [m.span() for m in unseen.finditer(text) if m.lastgroup is None] == expected, text
            hidden = [m.start() for m in unseen.finditer(text) if m.lastgroup == "unseen"]
            assert hidden == [i for i, c in enumerate(text) if c == "\u200b"], text
    assert lead_guard([]) == ""


def test_needs_digit_only_claims_what_every_match_holds() -> None:
    for pattern, expected in [
        (r"(?:普通|当座)(?P<value>[0-9]{7})", True),
        (r"\d", True),
        (r"[０-９]", True),
        (r"x{0,3}1", True),
        (r"[0-9]?x", False),
        (r"a|1", False),
        (r"(?=1)a", False),
        (r"[0-9a]", False),
        (r"[^a]", False),
    ]:
        assert needs_digit(re.compile(pattern)) is expected, pattern
    rnd = random.Random(5)
    noise = "0123456789-+() 様さん山田太郎タナカ@.abT\n普通当座口座番号"
    claimed = 0
    for rule in load_rules().rules:
        texts = [normalise_text(e.text) for e in (*rule.examples_match, *rule.examples_no_match)]
        texts += ["".join(rnd.choice(noise) for _ in range(120)) for _ in range(20)]
        for pattern in rule.patterns:
            if needs_digit(pattern.regex):
                claimed += 1
                for text in texts:
                    for m in pattern.regex.finditer(text):
                        assert any(unicodedata.category(c) == "Nd" for c in m.group()), (rule.id, pattern.name)
    assert claimed > 10


def test_digit_sources_are_what_normalises_to_a_digit() -> None:
    for cp in [*range(0x20, 0x3000), *range(0xFF00, 0xFFF0), *range(0x2460, 0x24FF), *range(0x3200, 0x33FF)]:
        c = chr(cp)
        holds = any(unicodedata.category(d) == "Nd" for d in normalise_text(c) + c)
        assert bool(DIGIT_SOURCE_RE.search(c)) is holds, hex(cp)


def test_stretches_without_digits_find_what_a_full_scan_finds() -> None:
    """普通 (a bank-account trigger) without a digit near it: the stretch is skipped, and the
    findings are those of a text where it is normalised all the same."""
    engine = Engine(load_rules(), b"k" * 32)
    text = "普通の連絡です。\n" * 40 + "普通預金 １２３４５６７ 名義 ヤマダタロウ\n" + "普通の日曜。\n" * 3
    found = [(f.rule, f.start, f.end) for f in engine.detect(Segment(text, "t"))]
    assert ("jp.bank_account", text.index("１"), text.index("１") + 7) in found
    plan = next(p for p in engine.plans if p.rule.id == "jp.bank_account")
    assert plan.digits
    starts, regions = engine._regions(text, {plan.index: [(0, 4)]}, join_lines=True)
    assert plan.margin_before + plan.reach + plan.margin_after < 300  # the stretch ends before the number
    assert regions == [None] and starts == [0]


def test_possessive_honorific_finds_what_the_backtracking_form_finds() -> None:
    """rules/person.yaml's honorific pattern takes its kanji run possessively ({1,12}+): the
    plain {1,12} must find the same names in text made of its own characters."""
    rule = next(r for r in load_rules().rules if r.id == "jp.person")
    fast = next(p.regex for p in rule.patterns if p.name == "honorific")
    assert "{1,12}+" in fast.pattern
    plain = re.compile(fast.pattern.replace("{1,12}+", "{1,12}"))
    rnd = random.Random(7)
    noise = "山田太郎花子様さまさんくんちゃん殿宛君 ・タナカハナコーはなこ\n会議室の一二三四五六七八九十"
    for _ in range(3000):
        text = "".join(rnd.choice(noise) for _ in range(rnd.randrange(5, 80)))
        assert _spans(fast, text) == _spans(plain, text), text


def test_required_words_only_claims_what_every_match_holds() -> None:
    for pattern, expected in [
        (r"(?P<value>個人番号カード|通知カード)(?=[\s\S]{0,120}?[0-9]{2})", {"個人番号カード", "通知カード"}),
        (r"abc|abd", {"ab"}),
        (r"x(?:ab)+y", {"ab"}),
        (r"(?:foo)?bar", {"bar"}),
        (r"(?=abc)d", {"d"}),  # a lookahead is not consumed: its words need not be in the match
        (r"(?i)abc", None),
        (r"a(?i:b)", {"a"}),
        (r"[ab]+", None),
        (r"(?:ab)?c?", None),
    ]:
        found = required_words(re.compile(pattern))
        assert (set(found) if found is not None else None) == expected, pattern
    rnd = random.Random(7)
    noise = "0123456789-+() 様さん山田太郎タナカ@.abT\n個人番号カード通知電子証明書"
    claimed = 0
    for rule in load_rules().rules:
        texts = [normalise_text(e.text) for e in (*rule.examples_match, *rule.examples_no_match)]
        texts += ["".join(rnd.choice(noise) for _ in range(120)) for _ in range(20)]
        for pattern in rule.patterns:
            words = required_words(pattern.regex)
            if words is not None:
                claimed += 1
                for text in texts:
                    for m in pattern.regex.finditer(text):
                        assert any(w in m.group() for w in words), (rule.id, pattern.name, m.group())
    assert claimed > 10


@pytest.mark.parametrize("rows", [50, 600])  # 600: over engine._LONG_TABLE, the columns checked first
@pytest.mark.parametrize("card", ["個人番号カード 性別 女 12", "通知ｶｰﾄﾞ 個人番号 1234 5678 9018", "㊙ 電子証明書 12"])
def test_a_table_column_of_a_context_word_finds_what_the_words_say(rows: int, card: str) -> None:
    """性別 (a word of a My Number card) heads a column: each cell is a window of that rule,
    and a region (or a long table) without any of its required words is not searched; a
    card's text in a cell of that column is still found, half-width kana too."""
    from dlp.model import Table

    engine = Engine(load_rules(), b"k" * 32)
    plan = next(p for p in engine.plans if p.rule.id == "id_document.my_number_card")
    assert plan.words is not None and "個人番号カード" in plan.words
    lines = ["番号,性別,備考\n"] + [f"{n},男,\n" for n in range(rows)] + [f"{rows + 1},{card},\n"]
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line)
    text = "".join(lines)
    table = Table(("番号", "性別", "備考"), 1, tuple(starts), delimiter=",", quoted=True)
    segment = Segment(text, "t.csv", table=table)
    for found in (engine._detect(segment, True, data_from=1), engine.detect(segment)):  # row by row, split
        cards = [f for f in found if f.type == "IDENTITY_DOCUMENT"]
        assert [(f.rule, f.line) for f in cards] == [("id_document.my_number_card", rows + 2)]
    quiet = Segment("".join(lines[:-1]), "t.csv", table=replace(table, row_starts=tuple(starts[:-1])))
    assert not [f for f in engine.detect(quiet) if f.type == "IDENTITY_DOCUMENT"]


def test_char_sources_hold_every_character_that_normalises_to_it() -> None:
    """A kanji or kana in the normalised form of a character (or of a character and a
    combining mark after it) is among that kanji's or kana's sources."""
    checked = 0
    marks = ["", "\u3099", "\uff9e", "\u0301"]
    for cp in range(0x110000):
        ch = chr(cp)
        if not unicodedata.decomposition(ch) and unicodedata.normalize("NFKC", ch) == ch:
            continue
        for mark in marks:
            for out in set(normalise_text(ch + mark)):
                sources = char_sources(out)
                if sources is not None:
                    assert ch in sources, (hex(cp), out)
                    checked += 1
    assert checked > 500
    assert char_sources("秘") == "秘㊙" and "ｶ" in (char_sources("カ") or "")
    assert char_sources("ガ") is None and char_sources("-") is None  # a decomposition; a fold


def test_cannot_hold_only_claims_what_the_characters_rule_out() -> None:
    words = frozenset({"個人番号カード", "臓器提供"})
    assert cannot_hold("男,女,伊藤通信有限会社", words)
    assert not cannot_hold("男,女,個人番号ｶｰﾄﾞ", words)  # ｶ becomes カ
    assert not cannot_hold("臓,器,提,供", words)  # every character there: no claim
    assert not cannot_hold("anything", frozenset({"abc"}))  # no kanji or kana to tell by
