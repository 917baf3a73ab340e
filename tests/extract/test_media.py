"""Media that is not what it claims: text behind image magic bytes, data appended after an
image's end, a MIME part declared image/png that holds CSV. Whatever decodes as text is text;
a real image is read by OCR, and one without text is ``no_text``, which the default policy
quarantines (tests/extract/test_ocr.py has the images with text)."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest

from dlp.extract.sniff import sniff
from dlp.model import Action, Item, UnscannableReason
from dlp.pipeline import scan_item
from tests.extract.hostile_files import customer_csv, gif, jpeg, png

pytestmark = pytest.mark.slow  # images drawn with Pillow, read with OCR and unzip

_MAIL_HEAD = (
    "From: a@example.co.jp\r\nTo: b@example.com\r\nDate: Mon, 1 Jan 2024 00:00:00 +0900\r\nMIME-Version: 1.0\r\n"
)


@pytest.mark.parametrize(
    "magic_bytes",
    [
        b"GIF89a,",
        b"GIF87a",
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8\xff\xe0",
        b"II*\x00",
        b"BM",
        b"RIFF\x10\x00\x00\x00WAVEfmt ",
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",
        b"ID3\x03\x00\x00\x00\x00\x00\x00",
        b"OggS\x00\x02",
        b"fLaC\x00\x00\x00\x22",
    ],
)
def test_csv_behind_media_magic_is_read_as_text(settings, magic_bytes: bytes) -> None:
    data = magic_bytes + customer_csv()
    verdict = scan_item(Item.from_bytes(data, "list.gif"), settings)
    assert verdict.records >= 100, (verdict.records, verdict.unscannable)
    assert verdict.action is Action.BLOCK


def test_real_images_are_media(settings) -> None:
    for name, data in (("a.png", png()), ("a.jpg", jpeg()), ("a.gif", gif())):
        assert sniff(Item.from_bytes(data, name))[0] == "media", name
        verdict = scan_item(Item.from_bytes(data, name), settings)
        assert [u.reason for u in verdict.unscannable] == [UnscannableReason.NO_TEXT]
        # a blank picture: OCR finds no text, so no_text, which the default policy holds
        assert verdict.action is Action.QUARANTINE


def test_png_with_zip_appended(settings, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("customers.csv", customer_csv())
    path = tmp_path / "logo.png"
    path.write_bytes(png() + buffer.getvalue())
    # unzip reads a ZIP appended to anything (offsets are found from the end)
    shown = subprocess.run(["unzip", "-p", str(path)], capture_output=True, check=False).stdout
    assert shown == customer_csv()
    verdict = scan_item(Item.from_path(path), settings)
    assert verdict.records >= 100
    assert verdict.action is Action.BLOCK


@pytest.mark.parametrize("image", [jpeg, png, gif])
def test_image_with_text_appended(settings, image) -> None:
    data = image() + "\n連絡先 090-1234-5678 マイナンバー 1234 5678 9018\n".encode()
    verdict = scan_item(Item.from_bytes(data, "photo.bin"), settings)
    assert "PHONE" in verdict.counts
    assert verdict.action is Action.BLOCK


def test_text_in_image_metadata_is_scanned(settings) -> None:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt("Comment", "顧客 山田太郎 090-1234-5678", zip=True)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG", pnginfo=info)
    verdict = scan_item(Item.from_bytes(buffer.getvalue(), "a.png"), settings)
    assert "PHONE" in verdict.counts


def test_truncated_image_is_not_silent(settings) -> None:
    verdict = scan_item(Item.from_bytes(png()[:40], "cut.png"), settings)
    assert verdict.action >= Action.QUARANTINE
    assert verdict.unscannable


def test_mime_part_declared_png_holding_csv(settings) -> None:
    import base64

    payload = base64.encodebytes(customer_csv()).decode()
    mail = _MAIL_HEAD + (
        'Subject: logo\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: text/plain\r\n\r\nこんにちは\r\n--b\r\nContent-Type: image/png\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{payload}\r\n--b--\r\n"
    )
    verdict = scan_item(Item.from_bytes(mail.encode(), "m.eml"), settings)
    assert verdict.records >= 100
    assert verdict.action is Action.BLOCK


def test_text_in_a_private_png_chunk_is_scanned(settings) -> None:
    """A private ancillary chunk (any viewer skips it, a hex editor shows it)."""
    import struct
    import zlib

    data = png()
    body = "顧客 090-1234-5678".encode()
    chunk = struct.pack(">I", len(body)) + b"prVt" + body + struct.pack(">I", zlib.crc32(b"prVt" + body))
    iend = data.rfind(b"IEND") - 4
    verdict = scan_item(Item.from_bytes(data[:iend] + chunk + data[iend:], "a.png"), settings)
    assert "PHONE" in verdict.counts
