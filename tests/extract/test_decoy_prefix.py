"""Attacks found by the differential fuzzing (test_fuzz_differential.py), kept as plain tests:
a few bytes put in front of a file changed how we read it while every common reader still
showed the number."""

from __future__ import annotations

import email.message

import pytest

from dlp.model import Action, Item
from dlp.pipeline import scan_item
from dlp.settings import Settings
from tests.extract.test_fuzz_differential import MY_NUMBER, SEEDS, SENTENCE

ESC_JIS = b"\x1b$B"  # ISO-2022-JP's "kanji from here" escape


@pytest.mark.parametrize("name", ["text", "csv-cp932", "html", "eml"])
def test_a_jis_escape_in_front_of_8bit_text_does_not_hide_it(name: str, settings: Settings) -> None:
    """ISO-2022-JP is 7-bit; read as it, every digit after the escape became a kanji."""
    verdict = scan_item(Item.from_bytes(ESC_JIS + SEEDS[name], f"decoy.{name}"), settings)
    assert verdict.action is Action.BLOCK, (verdict.action, verdict.unscannable)


def test_a_jis_escape_in_a_utf8_mail_body_does_not_hide_it(settings: Settings) -> None:
    message = email.message.EmailMessage()
    message["From"] = "agent@example.co.jp"
    message["To"] = "partner@example.com"
    message["Subject"] = "memo"
    message.set_content("\x1b$B" + SENTENCE + "\n", charset="utf-8", cte="8bit")
    verdict = scan_item(Item.from_bytes(bytes(message), "decoy.eml"), settings)
    assert verdict.action is Action.BLOCK, (verdict.action, verdict.unscannable)


def test_7bit_iso2022jp_is_still_read_as_such(settings: Settings) -> None:
    text = f"個人番号 {MY_NUMBER}\n"
    verdict = scan_item(Item.from_bytes(text.encode("iso-2022-jp"), "jis.txt"), settings)
    assert verdict.action is Action.BLOCK


@pytest.mark.parametrize("prefix", [b"\x01", b"junk line\n", b" " * 900])
def test_bytes_in_front_of_a_pdf_header_are_what_viewers_ignore(prefix: bytes, settings: Settings) -> None:
    verdict = scan_item(Item.from_bytes(prefix + SEEDS["pdf"], "report.pdf"), settings)
    assert verdict.action is Action.BLOCK, (verdict.action, verdict.unscannable)


def test_a_pdf_header_damaged_by_one_byte_is_still_a_pdf(settings: Settings) -> None:
    data = SEEDS["pdf"].replace(b"%PDF-", b"%PDF,", 1)
    verdict = scan_item(Item.from_bytes(data, "report.pdf"), settings)
    assert verdict.action is not Action.ALLOW, (verdict.action, verdict.unscannable)


def test_a_zip_end_record_zipfile_refuses_never_escapes_the_scan(settings: Settings) -> None:
    """zipfile raised NotImplementedError ("zip file version 8.4") from inside sniffing."""
    data = bytearray(b"\x00" * 5 + SEEDS["zip"])
    data[171] ^= 64
    verdict = scan_item(Item.from_bytes(bytes(data), "memo.zip"), settings)
    assert isinstance(verdict.action, Action)


@pytest.mark.parametrize(
    "bom",
    [b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe\xfd", b"\xff\xfe\xfd\xfc\xfb"],
)
@pytest.mark.parametrize("name", ["text", "csv-cp932", "html", "eml"])
def test_a_utf16_or_utf32_bom_in_front_of_8bit_text_does_not_hide_it(bom: bytes, name: str, settings: Settings) -> None:
    """Two bytes FF FE in front of UTF-8 or CP932 text: read as UTF-16 the whole file became
    nonsense (allow, nothing found), while cat, less, grep and a mail client show the number."""
    data = SEEDS[name]
    if len(data) % 2:  # an odd length made the UTF-16 decode fail (corrupt): the attacker pads
        data += b"\n"
    verdict = scan_item(Item.from_bytes(bom + data, f"decoy.{name}"), settings)
    assert verdict.action is Action.BLOCK, (verdict.action, verdict.unscannable)


def test_real_utf16_and_utf32_with_a_bom_are_still_read(settings: Settings) -> None:
    text = f"お客様の個人番号は {MY_NUMBER} です。\n"
    for codec in ("utf-16", "utf-16-be", "utf-32"):
        data = text.encode(codec)
        if codec == "utf-16-be":
            data = b"\xfe\xff" + data
        verdict = scan_item(Item.from_bytes(data, "unicode.txt"), settings)
        assert verdict.action is Action.BLOCK, codec
        assert not verdict.unscannable, codec


def test_a_one_line_utf16_note_without_ascii_stays_utf16(settings: Settings) -> None:
    """Notepad saves UTF-16 with a BOM and no final line end: a note of Japanese alone has no
    NUL byte (hiragana pairs even look like ASCII), and must not be taken for 8-bit text."""
    text = "山田様、携帯は０９０－１２３４－５６７８です。"
    for data in (b"\xff\xfe" + text.encode("utf-16-le"), b"\xfe\xff" + text.encode("utf-16-be")):
        verdict = scan_item(Item.from_bytes(data, "memo.txt"), settings)
        assert "PHONE" in verdict.counts
        assert not verdict.unscannable
