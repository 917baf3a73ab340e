"""Plain text as a reader sees it: invisible characters, "/" separators and NUL bytes between
the digits of a value must not hide it (issue 9, item 7). Each file is written to disk as an
attacker would send it and scanned through the whole pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlp.model import Action, Item
from dlp.pipeline import scan_item

PHONE = "090-1234-5678"


def _scan(path: Path, settings):  # type: ignore[no-untyped-def]
    return scan_item(Item.from_path(path), settings)


@pytest.mark.parametrize(
    ("name", "data", "data_type", "action"),
    [
        ("zwsp.txt", "顧客: 山田 携帯 0\u200b9\u200b0-1234-5678\n".encode(), "PHONE", Action.WARN),
        ("shy.txt", "顧客: 山田 携帯 090\u00ad-1234\u00ad-5678\n".encode(), "PHONE", Action.WARN),
        ("joiner.txt", "携帯 090\u2060-1234\ufeff-5678\n".encode(), "PHONE", Action.WARN),
        ("bidi.txt", "携帯 090\u202d-1234\u202c-5678\n".encode(), "PHONE", Action.WARN),
        ("rlo.txt", "顧客: 山田 携帯 \u202e8765-4321-090\u202c\n".encode(), "PHONE", Action.WARN),  # drawn reversed
        ("keycaps.txt", "携帯 0\ufe0f\u20e39\ufe0f\u20e30\ufe0f\u20e3-1234-5678\n".encode(), "PHONE", Action.WARN),
        ("slash.txt", "顧客: 山田 携帯 090/1234/5678\n".encode(), "PHONE", Action.WARN),
        ("mynumber_zw.txt", "マイナンバー 1234\u200b5678\u200b9018\n".encode(), "MY_NUMBER", Action.BLOCK),
        ("mynumber_slash.txt", "個人番号 1234/5678/9018\n".encode(), "MY_NUMBER", Action.BLOCK),
        ("card_slash.txt", "カード番号 4111/1111/1111/1111\n".encode(), "CREDIT_CARD", Action.BLOCK),
        # NUL between the characters: an editor shows 090-1234-5678 (UTF-16 read as 8-bit text)
        ("nul.txt", "携帯 ".encode() + "\x00".join(PHONE).encode() + b"\n", "PHONE", Action.WARN),
        ("nul_ascii.txt", "\x00".join(f"TEL {PHONE}\n").encode(), "PHONE", Action.WARN),
        # Spaces and digits NFKC folds, that a reader takes for the plain ones (wave 2 attacks):
        # no-break space (&nbsp; in every HTML export), thin and narrow no-break spaces,
        # mathematical digits, superscripts and circled digits.
        ("nbsp.txt", "個人番号 1234\u00a05678\u00a09018\n".encode(), "MY_NUMBER", Action.BLOCK),
        ("thin.txt", "個人番号 1234\u20095678\u202f9018\n".encode(), "MY_NUMBER", Action.BLOCK),
        ("nbsp_phone.txt", "携帯 090\u00a01234\u00a05678\n".encode(), "PHONE", Action.WARN),
        (
            "math_bold.txt",
            ("個人番号 " + "".join(chr(0x1D7CE + int(c)) if c.isdigit() else c for c in "1234-5678-9018")).encode(),
            "MY_NUMBER",
            Action.BLOCK,
        ),
        (
            "math_mono.txt",
            ("個人番号 " + "".join(chr(0x1D7F6 + int(c)) for c in "123456789018")).encode(),
            "MY_NUMBER",
            Action.BLOCK,
        ),
        ("superscript.txt", "個人番号 ¹²³⁴-⁵⁶⁷⁸-⁹⁰¹⁸\n".encode(), "MY_NUMBER", Action.BLOCK),
        ("circled.txt", "携帯 ⓪⑨⓪-①②③④-⑤⑥⑦⑧\n".encode(), "PHONE", Action.WARN),
    ],
)
def test_text_value_hidden_between_digits(tmp_path: Path, settings, name, data, data_type, action) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    verdict = _scan(path, settings)
    assert data_type in verdict.counts, f"{name}: {data_type} not found, verdict {verdict.action.label}"
    assert verdict.action >= action


@pytest.mark.parametrize(
    "text",
    ["出荷日 2024/01/15、検品 2024/01/16\n", "配合比 1/2 と 3/4、在庫 12/31\n", "版 2024/01/15/0001\n"],
)
def test_slash_dates_stay_allowed(tmp_path: Path, settings, text: str) -> None:
    path = tmp_path / "dates.txt"
    path.write_text(text, encoding="utf-8")
    verdict = _scan(path, settings)
    assert verdict.action is Action.ALLOW, dict(verdict.counts)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_japanese_only(tmp_path: Path, settings, codec: str) -> None:
    """Full-width Japanese in UTF-16 without a BOM has no zero bytes to give it away; it used to
    be read as binary (held, but the number never seen). Notepad opens it as text."""
    text = "顧客一覧です。山田様の携帯は０９０－１２３４－５６７８、佐藤様は０８０－２３４５－６７８９です。\n" * 5
    path = tmp_path / "list.txt"
    path.write_bytes(text.encode(codec))
    verdict = _scan(path, settings)
    assert "PHONE" in verdict.counts
    assert verdict.action >= Action.WARN


@pytest.mark.parametrize("name", ["customers.json", "export.txt", "data.js"])
def test_unicode_escapes_in_json_are_read_as_the_viewer_shows_them(tmp_path: Path, settings, name: str) -> None:
    """A JSON export with every character written as \\uXXXX: a browser's JSON viewer, jq and
    every program that loads it show the My Number; read as plain text it was allow."""
    import json

    value = "".join(f"\\u{ord(c):04x}" for c in "3470-1288-4109")
    path = tmp_path / name
    path.write_text(
        json.dumps([{"氏名": "山田 花子"}])[:-2] + f', "\\u500b\\u4eba\\u756a\\u53f7": "{value}"}}]', encoding="ascii"
    )
    assert "3470" not in path.read_text() and json.loads(path.read_text())[0]["個人番号"] == "3470-1288-4109"
    verdict = _scan(path, settings)
    assert "MY_NUMBER" in verdict.counts
    assert verdict.action is Action.BLOCK


def test_an_xml_entity_that_holds_part_of_a_number_is_not_a_silent_pass(tmp_path: Path, settings) -> None:
    """An internal DTD entity: a browser or any XML reader shows 3470-1288-4109, the raw text has
    "&a;-4109". Entities are never expanded here (billion laughs): the file is unsupported."""
    path = tmp_path / "record.xml"
    path.write_text(
        "<?xml version='1.0'?><!DOCTYPE r [<!ENTITY a '3470-1288'>]><r>個人番号 &a;-4109</r>\n", encoding="utf-8"
    )
    verdict = _scan(path, settings)
    assert verdict.action >= Action.QUARANTINE
    assert any(u.reason.value == "unsupported" for u in verdict.unscannable)
