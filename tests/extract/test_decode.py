"""Decoding Japanese text of unknown encoding: BOM, ISO-2022-JP, UTF-8, EUC-JP vs CP932."""

from __future__ import annotations

import io

import pytest

from dlp.extract.decode import (
    DecodeState,
    decode_bytes,
    decode_iso2022jp,
    is_text,
    iter_decoded,
    sniff_encoding,
    sniff_stream,
)

LONG = "\n".join(f"{i},山田太郎,090-1234-5678,㈱①髙～,東京都千代田区{i}番地" for i in range(300))
HALF_KANA = "0001,ﾔﾏﾀﾞ ﾀﾛｳ,ｶ)ﾃｽﾄ\n0002,ｽｽﾞｷ ﾊﾅｺ,ﾕ)ｻﾝﾌﾟﾙ\n"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (LONG, "cp932"),
        (LONG, "utf-8"),
        (LONG, "utf-8-sig"),
        (LONG, "utf-16"),
        ("氏名,山田太郎", "euc_jp"),
        ("氏名,山田太郎", "cp932"),
        (HALF_KANA, "cp932"),
        (HALF_KANA, "euc_jp"),
        ("山田", "euc_jp"),
        ("山田", "cp932"),
        ("ascii only, 03-1234-5678", "ascii"),
    ],
)
def test_round_trip(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    decoded, chosen = decode_bytes(data)
    assert decoded == text, chosen
    assert not chosen.lossy


def test_cp932_is_never_shift_jis() -> None:
    """① and ㈱ exist in CP932 only; 髙 and ～ come back as written, not as 郄 and 〜."""
    text = "①㈱髙～" * 50
    decoded, chosen = decode_bytes(text.encode("cp932"))
    assert chosen.codec == "cp932" and decoded == text


def test_a_long_ascii_head_does_not_hide_cp932() -> None:
    data = ("id,name,phone\n" * 20000).encode() + "1,山田太郎,090\n".encode("cp932")
    fh = io.BytesIO(data)
    assert sniff_stream(fh).codec == "cp932"
    assert fh.tell() == 0


def test_iso_2022_jp_with_nec_specials() -> None:
    """Python's iso2022_jp codecs reject ① (ESC $ B 0x2D21); the CP932 path keeps it."""
    data = b"\x1b$B%a!<%kAw?.\x1b(B" + b'\x1b$B-"\x1b(B'
    assert decode_iso2022jp(data) == "メール送信②"
    assert sniff_encoding(data).codec.startswith("iso-2022-jp")


def test_undecodable_bytes_are_replaced_and_flagged() -> None:
    data = "山田".encode("cp932") + b"\x81\xff" * 3
    decoded, chosen = decode_bytes(data)
    assert chosen.lossy and "山田" in decoded


def test_a_stream_that_turns_bad_later_is_flagged_not_dropped() -> None:
    good = ("山田太郎 090-1234-5678\n" * 20000).encode("utf-8")
    bad = b"\xff\xfe broken \xff\n" + "佐藤花子\n".encode()
    state = DecodeState()
    text = "".join(iter_decoded(io.BytesIO(good + bad), sniff_encoding(good[:65536]), state, chunk_bytes=65536))
    assert state.lossy
    assert text.endswith("佐藤花子\n")


def test_text_versus_binary() -> None:
    assert is_text("氏名,山田".encode("cp932"))
    assert is_text("mail".encode("utf-16"))
    assert not is_text(bytes(range(256)) * 4)


def test_the_folded_ebcdic_search_finds_what_the_pattern_finds() -> None:
    """has_ebcdic_number (bytes folded, then a one-byte-led search) says what EBCDIC_NUMBER's
    search says, on runs of EBCDIC digits, spaces and signs mixed with other bytes."""
    import random

    from dlp.extract.decode import EBCDIC_NUMBER, has_ebcdic_number

    r = random.Random(11)
    digits, signs, other = b"\xf0\xf3\xf9", b"\x40\x4b\x60\x61\x4d\x5d", b"\x41\xef\xfa\x30\x82\xa0"
    found = 0
    for _ in range(20000):
        weights = (r.random(), r.random() / 3, r.random() / 4)
        data = bytes(r.choice(r.choices((digits, signs, other), weights)[0]) for _ in range(r.randint(0, 40)))
        expected = EBCDIC_NUMBER.search(data) is not None
        found += expected
        assert has_ebcdic_number(data) is expected, data
    assert found > 1000
