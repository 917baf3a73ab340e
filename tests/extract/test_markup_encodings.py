"""Text we cannot decode is an unscannable reason, never an allow (issue 9, item 7): EBCDIC
bytes decode "cleanly" as CP932 nonsense, so plausibility decides, not the codec alone."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from faker import Faker

from dlp.extract.decode import sniff_encoding
from dlp.model import Action, Item
from dlp.pipeline import scan_item

EBCDIC_FILES = {
    "customers_cp500.txt": "CUSTOMER LIST\nYAMADA TARO 090-1234-5678\nSUZUKI HANAKO 080-2345-6789\n".encode("cp500"),
    "numbers_cp037.txt": ("0901234567 " * 20).encode("cp037"),
    "one_line_cp1140.txt": "YAMADA TARO TEL 090 1234 5678 SUZUKI TEL 080 2345 6789".encode("cp1140"),
    "digits_only_cp500.txt": "090123456780".encode("cp500"),
}


@pytest.mark.parametrize("name", sorted(EBCDIC_FILES))
def test_ebcdic_text_is_unsupported(tmp_path: Path, settings, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(EBCDIC_FILES[name])
    verdict = scan_item(Item.from_path(path), settings)
    assert "unsupported" in {u.reason.value for u in verdict.unscannable}, verdict.action.label
    assert verdict.action >= Action.QUARANTINE


def test_ebcdic_number_after_a_japanese_head(tmp_path: Path, settings) -> None:
    """The encoding is chosen on the first 64 KB: EBCDIC further on is still noticed."""
    fake = Faker("ja_JP")
    Faker.seed(7)
    head = "\n".join(fake.text() for _ in range(3000)).encode("cp932")
    assert len(head) > 300_000
    path = tmp_path / "notes.txt"
    path.write_bytes(head + b"\n" + "TEL 090-1234-5678".encode("cp500") + b"\n")
    verdict = scan_item(Item.from_path(path), settings)
    assert "unsupported" in {u.reason.value for u in verdict.unscannable}
    assert verdict.action >= Action.QUARANTINE


def _mail(body: bytes, charset: str | None) -> bytes:
    message = EmailMessage()
    message["From"] = "sales@example.co.jp"
    message["To"] = "partner@example.com"
    message["Subject"] = "list"
    message["Message-ID"] = "<ebcdic@example.co.jp>"
    message.set_content(body, maintype="text", subtype="plain", cte="base64")
    if charset:
        message.set_param("charset", charset)
    return message.as_bytes()


@pytest.mark.parametrize("charset", [None, "x-ebcdic-japanese", "ibm930"])
def test_ebcdic_mail_body_is_unsupported(settings, charset: str | None) -> None:
    body = "CUSTOMER YAMADA TEL 090-1234-5678 SUZUKI TEL 080-2345-6789".encode("cp500")
    verdict = scan_item(Item.from_bytes(_mail(body, charset), "list.eml"), settings)
    assert "unsupported" in {u.reason.value for u in verdict.unscannable}
    assert verdict.action >= Action.QUARANTINE


def test_declared_ebcdic_charset_python_knows_is_read(settings) -> None:
    body = "CUSTOMER YAMADA TEL 090-1234-5678".encode("cp500")
    verdict = scan_item(Item.from_bytes(_mail(body, "cp500"), "list.eml"), settings)
    assert "PHONE" in verdict.counts


@pytest.mark.parametrize("codec", ["cp932", "euc_jp"])
def test_real_japanese_text_stays_text(codec: str) -> None:
    fake = Faker("ja_JP")
    Faker.seed(3)
    samples = [
        "\n".join(f"{fake.name()},{fake.phone_number()},{fake.address()}" for _ in range(50)),
        "髙橋﨑 " * 40 + "\n".join(fake.name() for _ in range(20)),  # rare kanji (CP932 only)
        "ｶﾀｶﾅ ﾃﾞｰﾀ ﾊﾟｽﾜｰﾄﾞ\n" * 50,  # half-width katakana
        "\n".join(fake.company() + " " + fake.email() for _ in range(50)),
        "、".join(fake.email() for _ in range(60)),  # one line, many "@", no ASCII spaces or line feeds
    ]
    for text in samples:
        data = text.encode(codec, "replace")
        encoding = sniff_encoding(data)
        assert not encoding.lossy, (codec, text[:40])
