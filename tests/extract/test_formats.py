"""Format details: what each extractor must read, and read right."""

from __future__ import annotations

import io
import tarfile
import zipfile

import py7zr
import pytest

from dlp.extract import extract
from dlp.extract.limits import Limits
from dlp.extract.pdf import _pdfminer_pages
from dlp.model import Action, Item, Segment, Unscannable, UnscannableReason
from dlp.pipeline import scan_item
from tests.conftest import FIXTURES


def _segments(data: bytes, name: str) -> list[Segment]:
    return [p for p in extract(Item.from_bytes(data, name), Limits()) if isinstance(p, Segment)]


# --- PDF ----------------------------------------------------------------------------------------


def test_owner_password_only_pdf_is_read(settings) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(FIXTURES / "report_cid.pdf"))
    writer.encrypt(user_password="", owner_password="owner-only", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    verdict = scan_item(Item.from_bytes(buffer.getvalue(), "owner.pdf"), settings)
    assert not verdict.unscannable
    assert verdict.counts["PHONE"].distinct >= 2


def test_pdfminer_fallback_keeps_phone_numbers_and_invents_no_my_numbers(settings) -> None:
    """pdfminer turns the CID font's full-width dash into U+2212; with layout analysis on,
    lines are not glued into 12-digit runs."""
    data = (FIXTURES / "report_cid.pdf").read_bytes()
    pages = [p for p in _pdfminer_pages(Item.from_bytes(data, "r.pdf"), data, "test") if isinstance(p, Segment)]
    assert pages and "\u2212" in "".join(p.text for p in pages)
    findings = [f for p in pages for f in settings.engine.detect(p)]
    assert {f.type for f in findings} >= {"PHONE", "PERSON", "ADDRESS"}
    assert not [f for f in findings if f.type == "MY_NUMBER" and f.confidence >= 2]


# --- Excel ---------------------------------------------------------------------------------------


def test_furigana_is_a_separate_reading_never_glued_to_the_name() -> None:
    segments = _segments((FIXTURES / "customer_book.xlsx").read_bytes(), "book.xlsx")
    furigana = [s for s in segments if s.kind == "furigana"]
    assert furigana and "ヨミガナ テスト" in furigana[0].text
    cells = "\n".join(s.text for s in segments if s.kind == "table")
    assert "ヨミガナ" not in cells


def test_every_sheet_is_read_whatever_its_visibility() -> None:
    segments = _segments((FIXTURES / "customer_book.xlsx").read_bytes(), "book.xlsx")
    sheets = {s.locator.split("!")[1] for s in segments if s.kind == "table"}
    assert sheets == {"顧客一覧", "退会者", "管理"}


def test_openpyxl_is_used_when_calamine_is_unsafe(monkeypatch) -> None:
    from dlp.extract import xlsx

    monkeypatch.setattr(xlsx, "CALAMINE_MAX_SHEET_BYTES", 1)
    tables = [s for s in _segments((FIXTURES / "customer_book.xlsx").read_bytes(), "b.xlsx") if s.kind == "table"]
    assert {s.locator.split("!")[1] for s in tables} == {"顧客一覧", "退会者", "管理"}


# --- archives -----------------------------------------------------------------------------------


def test_7z_and_its_password(settings) -> None:
    plain = io.BytesIO()
    with py7zr.SevenZipFile(plain, "w") as archive:
        archive.writestr("携帯 090-1234-5678".encode(), "memo.txt")
    verdict = scan_item(Item.from_bytes(plain.getvalue(), "a.7z"), settings)
    assert verdict.action is Action.WARN and verdict.findings[0].locator == "a.7z/memo.txt"
    locked = io.BytesIO()
    with py7zr.SevenZipFile(locked, "w", password="pw") as archive:
        archive.writestr(b"secret", "山田太郎様.txt")
    verdict = scan_item(Item.from_bytes(locked.getvalue(), "b.7z"), settings)
    assert [u.reason for u in verdict.unscannable] == [UnscannableReason.ENCRYPTED]
    assert any(f.type == "PERSON" for f in verdict.findings)  # the member name was still read


def test_tar_gz(settings) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        data = "マイナンバー 1234 5678 9018".encode()
        info = tarfile.TarInfo("export/form.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    verdict = scan_item(Item.from_bytes(buffer.getvalue(), "backup.tar.gz"), settings)
    assert verdict.action is Action.BLOCK
    assert verdict.findings[0].locator == "backup.tar.gz/backup.tar/export/form.txt"


def test_a_member_over_the_size_limit(settings) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        z.writestr("big.txt", b"x" * 300_000)
        z.writestr("small.txt", "携帯 090-1234-5678")
    parts = list(extract(Item.from_bytes(buffer.getvalue(), "a.zip"), Limits(max_member_bytes=100_000)))
    reasons = [p for p in parts if isinstance(p, Unscannable)]
    assert [(r.locator, r.reason) for r in reasons] == [("a.zip/big.txt", UnscannableReason.TOO_LARGE)]
    assert any(isinstance(p, Segment) and "090" in p.text for p in parts)


# --- mail ---------------------------------------------------------------------------------------

_MAIL_HEAD = "From: a@example.jp\r\nTo: b@example.jp\r\nMessage-ID: <m1@example.jp>\r\nMIME-Version: 1.0\r\n"


def test_html_body_is_read_as_text(settings) -> None:
    mail = _MAIL_HEAD + (
        "Subject: test\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        "<html><head><style>p{color:red}</style></head><body><p>お客様：山田太郎様</p>"
        '<p>携帯 <b>090-1234-5678</b></p><a href="mailto:taro@example.jp">連絡</a></body></html>'
    )
    verdict = scan_item(Item.from_bytes(mail.encode(), "h.eml"), settings)
    assert {"PERSON", "PHONE", "EMAIL"} <= set(verdict.counts)


def test_attached_message_is_read(settings) -> None:
    inner = (
        _MAIL_HEAD + "Subject: fwd\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nマイナンバー 1234 5678 9018\r\n"
    )
    mail = _MAIL_HEAD + (
        'Subject: outer\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n"
        f"{inner}\r\n--b--\r\n"
    )
    verdict = scan_item(Item.from_bytes(mail.encode(), "f.eml"), settings)
    assert verdict.action is Action.BLOCK
    assert verdict.findings[0].locator.startswith("f.eml/message1.eml")


def test_missing_charset_and_shift_jis_bodies(settings) -> None:
    body = "氏名：佐藤花子\r\n電話：03-1234-5678\r\n"
    for charset, data in (("", body.encode("cp932")), ("charset=shift_jis", body.encode("cp932"))):
        header = f"Subject: x\r\nContent-Type: text/plain; {charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        verdict = scan_item(Item.from_bytes((_MAIL_HEAD + header).encode() + data, "c.eml"), settings)
        assert {"PERSON", "PHONE"} <= set(verdict.counts), charset


@pytest.mark.parametrize(
    "disposition",
    [
        'attachment; filename="=?UTF-8?B?6aGn5a6i5ZCN57C/LmNzdg==?="',  # RFC 2047 inside quotes (Outlook)
        "attachment; filename*=UTF-8''%E9%A1%A7%E5%AE%A2%E5%90%8D%E7%B0%BF.csv",  # RFC 2231
        "attachment; filename*=ISO-2022-JP''%1B%24B8%5C5R%4C%3EJ%6D%1B%28B.csv",  # RFC 2231, ISO-2022-JP
    ],
)
def test_japanese_attachment_names(settings, disposition: str) -> None:
    mail = _MAIL_HEAD + (
        'Subject: list\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        f"Content-Type: text/csv\r\nContent-Disposition: {disposition}\r\n\r\n"
        "氏名,電話\r\n山田,090-1234-5678\r\n--b--\r\n"
    )
    verdict = scan_item(Item.from_bytes(mail.encode(), "n.eml"), settings)
    phone = next(f for f in verdict.findings if f.type == "PHONE")
    assert phone.locator.startswith("n.eml/顧客名簿.csv"), phone.locator


def _mail_with_image(image: bytes) -> Item:
    import base64

    mail = _MAIL_HEAD + (
        'Subject: logo\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: text/plain\r\n\r\nこんにちは\r\n--b\r\nContent-Type: image/png\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{base64.b64encode(image).decode()}\r\n--b--\r\n"
    )
    return Item.from_bytes(mail.encode(), "i.eml")


def test_small_inline_image_is_a_logo_and_passes(settings) -> None:
    """Issue 11: an image inside a mail or document below the OCR size (a logo, an icon, a
    signature) is neither OCR'd nor a reason: a signature logo must not hold every mail."""
    from tests.extract.hostile_files import png

    verdict = scan_item(_mail_with_image(png()), settings)
    assert verdict.unscannable == []
    assert verdict.action is Action.ALLOW


@pytest.mark.slow  # Tesseract OCR
def test_page_sized_image_without_text_is_no_text_and_held(settings) -> None:
    """Issue 9/11: a page-sized picture in which OCR finds no text is no_text (uninspectable
    content), and the default policy holds it."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("L", (1240, 1754), 255)
    ImageDraw.Draw(image).ellipse([200, 300, 1000, 1100], outline=0, width=12)  # a drawing, no text
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(150, 150))
    verdict = scan_item(_mail_with_image(buffer.getvalue()), settings)
    assert [u.reason for u in verdict.unscannable] == [UnscannableReason.NO_TEXT]
    assert verdict.action is Action.QUARANTINE


def test_unknown_binary_is_read_for_strings_and_flagged(settings) -> None:
    blob = b"\x00\x01\x02" * 100 + "連絡先 090-1234-5678".encode() + b"\xff\xfe\x00" * 100
    verdict = scan_item(Item.from_bytes(blob, "data.bin"), settings)
    assert "PHONE" in verdict.counts
    assert [u.reason for u in verdict.unscannable] == [UnscannableReason.UNSUPPORTED]
