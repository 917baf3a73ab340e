"""Latin-1 and Windows-1252 text (a French or German colleague's notes, an export from a
Western system) is text: decoded and scanned, not `unsupported`. Japanese with a broken byte
stays Japanese, read with replacement and flagged lossy."""

from __future__ import annotations

import os

import pytest
from faker import Faker

from dlp.extract.decode import decode_bytes, is_text, sniff_encoding
from dlp.model import Item
from dlp.pipeline import scan_item
from dlp.settings import Settings


def _notes(locale: str, seed: int) -> tuple[str, str, str]:
    """Meeting notes in a Western language with a Japanese phone number and a mail address."""
    fake, jp = Faker(locale), Faker("ja_JP")
    fake.seed_instance(seed)
    jp.seed_instance(seed)
    phone = jp.phone_number()
    email = fake.email()
    lines = [f"{fake.name()} — {fake.street_address()}, {fake.city()}" for _ in range(5)]
    text = "\n".join(
        [
            "Réunion du comité « Étude » : café, naïve, façade, Größe, Straße, ação.",
            *lines,
            f"Contact : {fake.name()}, tél. {phone}, e-mail {email}",
        ]
    )
    return text, phone, email


@pytest.mark.parametrize(("locale", "codec"), [("fr_FR", "latin-1"), ("de_DE", "cp1252"), ("es_ES", "cp1252")])
def test_western_text_is_scanned_as_text(settings: Settings, locale: str, codec: str) -> None:
    text, phone, email = _notes(locale, 7)
    text = text.replace("—", "-") if codec == "latin-1" else f"“{text}” – 100 € …"
    data = text.encode(codec)
    decoded, encoding = decode_bytes(data)
    assert decoded == text and not encoding.lossy
    assert is_text(data)
    verdict = scan_item(Item.from_bytes(data, "notes.txt"), settings)
    assert verdict.unscannable == []
    found = {decoded[f.start : f.end] for f in verdict.findings}
    assert email in found
    phones = {_digits(decoded[f.start : f.end]) for f in verdict.findings if f.type == "PHONE"}
    assert _digits(phone) in phones


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def test_japanese_with_a_broken_byte_stays_japanese_and_lossy() -> None:
    """A stray Latin-1 byte (é, then a space: no CP932 pair) in CP932 text whose bytes would
    all read as Windows-1252 too: the kana decide."""
    # katakana with a trail byte in ASCII read as Windows-1252 as "ƒAƒL ƒ~ƒL": single signs
    for text in ("山田 たろう様 090-1234-5678\n", "アキ ミキ,090-1234-5678\n" * 20):
        data = text.encode("cp932") + b"caf\xe9 au lait\n"
        decoded, encoding = decode_bytes(data)
        assert encoding.codec == "cp932" and encoding.lossy
        assert text in decoded


def test_random_bytes_are_still_not_text() -> None:
    data = os.urandom(4096)
    assert not is_text(data.replace(b"\x00", b"\x01"))
    assert sniff_encoding(bytes(range(0x80, 0x100)) * 4).lossy
