"""Normalisation: NFKC plus dash folding and CJK line joins, with offsets that map back."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlp.detect import normalise as nm
from dlp.detect.normalise import normalise, normalise_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("０９０－１２３４－５６７８", "090-1234-5678"),  # full-width digits and U+FF0D
        ("090ー1234ー5678", "090-1234-5678"),  # U+30FC long vowel mark between digits
        ("090ｰ1234ｰ5678", "090-1234-5678"),  # U+FF70 half-width long vowel mark
        ("03‐1234‐5678", "03-1234-5678"),  # U+2010 hyphen
        ("03−1234−5678", "03-1234-5678"),  # U+2212 minus (what pdfminer makes of －)
        ("03―1234―5678", "03-1234-5678"),  # U+2015 horizontal bar
        ("03﹣1234﹣5678", "03-1234-5678"),  # U+FE63 small hyphen-minus
        ("03─1234─5678", "03-1234-5678"),  # U+2500 box drawing between digits
        ("コーヒー", "コーヒー"),  # a long vowel mark between kana stays
        ("データー1件", "データー1件"),  # ...and before a digit
        ("ｶﾞｲﾄﾞ", "ガイド"),  # half-width kana with voicing marks compose
        ("㈱テスト", "(株)テスト"),  # expands
        ("　全角スペース\u00a0", " 全角スペース "),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"),
        ("東京都千代田区\n丸の内", "東京都千代田区丸の内"),  # a wrapped line inside Japanese text
        ("東京都千代田区\r\n丸の内", "東京都千代田区丸の内"),
        ("TEL\n03", "TEL\n03"),  # not between CJK characters
        ("①②", "12"),
    ],
)
def test_normal_forms(text: str, expected: str) -> None:
    assert normalise_text(text) == expected


def test_offsets_map_back_to_the_original_value() -> None:
    text = "㈱ｶﾞｲﾄﾞ 担当:山田\n電話：０９０－１２３４－５６７８です"
    result = normalise(text)
    norm = result.text
    start = norm.index("090-1234-5678")
    end = start + len("090-1234-5678")
    assert text[result.start_to_original(start) : result.end_to_original(end)] == "０９０－１２３４－５６７８"
    gui = norm.index("ガイド")
    assert text[result.start_to_original(gui) : result.end_to_original(gui + 3)] == "ｶﾞｲﾄﾞ"


def test_region_offsets_are_absolute() -> None:
    text = "前置き。" * 10 + "ＴＥＬ０３－１２３４－５６７８"
    result = normalise(text, 40, len(text))
    i = result.text.index("03")
    assert text[result.start_to_original(i) : result.start_to_original(i) + 2] == "０３"
    assert result.from_original(40) == 0


_japanese = st.text(
    alphabet=st.sampled_from(
        [*"山田太郎様ーｰ－−‐0123456789０１２３４５６７８９ｶﾞﾊﾟｱ㈱①　 \n\r-abcＡＢＣ@＠。、（）", "\u3099", "\u0301", "𝐀"]
    ),
    max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(_japanese)
def test_every_offset_maps_into_the_original(text: str) -> None:
    result = normalise(text)
    n = len(result.text)
    previous = 0
    for i in range(n + 1):
        start = result.start_to_original(i)
        end = result.end_to_original(i)
        assert 0 <= start <= len(text)
        assert 0 <= end <= len(text)
        assert start >= previous or i == 0  # monotone
        previous = start
    assert result.start_to_original(0) == 0
    assert result.end_to_original(n) == len(text)


@settings(max_examples=400, deadline=None)
@given(_japanese)
def test_agrees_with_nfkc_when_there_is_nothing_else_to_fold(text: str) -> None:
    plain = text.replace("\n", " ").replace("\r", " ")
    expected = unicodedata.normalize("NFKC", plain)
    for dash in nm.ALWAYS_DASHES:
        expected = expected.replace(dash, "-")
    got = normalise_text(plain)
    # Only the long-vowel and box-drawing dashes between digits may differ (they become "-").
    assert len(got) == len(expected)
    assert all(a == b or (a == "-" and b in nm.DIGIT_DASHES) for a, b in zip(got, expected, strict=True))


def test_generated_unicode_tables_match_this_python() -> None:
    """scripts/gen_unicode_tables.py output is what _build_tables computes here."""
    from dlp.detect import _unicode_tables as tables

    assert unicodedata.unidata_version == tables.UNICODE_VERSION
    unstable, combining = nm._build_tables()
    assert unstable == tables.UNSTABLE_RANGES
    assert combining == tables.COMBINING_RANGES


def test_stable_blocks_really_are_stable() -> None:
    for first, last in nm.STABLE_BLOCKS:
        for cp in range(first, last + 1, 1 if last < 0x10000 else 101):
            c = chr(cp)
            assert unicodedata.normalize("NFKC", c) == c, hex(cp)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0\u200b9\u200b0-1234-5678", "090-1234-5678"),  # zero-width space
        ("090\u200c-\u200d1234-5678", "090-1234-5678"),  # ZWNJ, ZWJ
        ("090\u20601234\ufeff5678", "09012345678"),  # word joiner, BOM inside the text
        ("090\u00ad-1234\u00ad-5678", "090-1234-5678"),  # soft hyphens
        ("090\u202d-1234\u202c-5678", "090-1234-5678"),  # bidi controls that change nothing here
        ("携帯 \u202e8765-4321-090\u202c です", "携帯 090-1234-5678 です"),  # right-to-left override: drawn reversed
        ("\u202e８７６５－４３２１－０９０\n次", "090-1234-5678\n次"),  # ...to the line end
        ("0\u20e39\ufe0f\u20e30\u20e3-1234-5678", "090-1234-5678"),  # keycaps around digits
        ("0\x009\x000\x00-\x001\x002", "090-12"),  # NUL-interleaved
        ("山田\ufe00太郎\U000e0100様", "山田太郎様"),  # variation selectors
        ("０\u200b９\u200b０", "090"),  # dropped and folded together
        ("a\u3164b\uffa0c", "abc"),  # Hangul fillers (NFKC would make them U+1160)
        ("\x01\x1f", "\x01\x1f"),  # other controls are drawn by editors: kept
    ],
)
def test_characters_no_reader_sees_are_dropped(text: str, expected: str) -> None:
    assert normalise_text(text) == expected


def test_reversed_run_maps_back_to_the_whole_override() -> None:
    text = "携帯 \u202e8765-4321-090\u202c です"
    result = normalise(text)
    start = result.text.index("090")
    original = text[result.start_to_original(start) : result.end_to_original(start + 13)]
    assert original == "\u202e8765-4321-090\u202c"


def test_dropped_characters_keep_offsets_in_the_original() -> None:
    text = "携帯：0\u200b9\u200b0\u00ad-1234-\ufeff5678です"
    result = normalise(text)
    start = result.text.index("090-1234-5678")
    end = start + len("090-1234-5678")
    original = text[result.start_to_original(start) : result.end_to_original(end)]
    assert original == "0\u200b9\u200b0\u00ad-1234-\ufeff5678"


_invisible = st.text(
    alphabet=st.sampled_from(
        [
            *"0123456789-０ｶﾞ山 \n",
            *("\u200b", "\u00ad", "\x00", "\ufeff", "\U000e0100", "\u3164", "\u202e", "\u202c", "\u20e3"),
        ]
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(_invisible)
def test_offsets_stay_monotone_with_dropped_characters(text: str) -> None:
    result = normalise(text)
    assert not nm.has_ignorable(result.text)
    previous = 0
    for i in range(len(result.text) + 1):
        start = result.start_to_original(i)
        assert previous <= start <= len(text)
        previous = start
    end = result.end_to_original(len(result.text))
    assert normalise_text(text[end:]) == ""  # only invisible characters may trail the last match end


def test_common_path_folds_dashes_as_the_fold_after_nfkc() -> None:
    """Runs of one-for-one characters are translated with the dashes folded in the same pass;
    the result must be NFKC then _fold_dashes, as before (random mixes of dashes, full-width
    and half-width characters, digits and ー)."""
    import random

    from dlp.detect import normalise as n

    rnd = random.Random(2)
    alphabet = "ab12０１‐‑‒–—―−⁃˗֊﹣－ーｰ─━ｱ漢字カナ \u3000\n"
    for _ in range(20000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 16)))
        expected = n._fold_dashes(n._BMP_RUN_RE.sub(lambda m: m.group().translate(n._ONE_TO_ONE), text))
        assert n.normalise(text, join_lines=False).text == expected, repr(text)
