"""Issue 9 item 9: no limit truncates silently. Wherever an extractor reads only a prefix of an
item, or a stream stops at a cap, the verdict carries a reason the default policy acts on."""

from __future__ import annotations

import io
import os

import pytest

from dlp.extract import extract
from dlp.extract.limits import Limits
from dlp.model import Action, Item, Unscannable
from dlp.pipeline import scan_item
from tests.conftest import FIXTURES


def _reasons(data: bytes, name: str, limits: Limits) -> dict[str, str]:
    parts = extract(Item.from_bytes(data, name), limits)
    return {p.reason.value: p.detail for p in parts if isinstance(p, Unscannable)}


def test_html_over_the_cap_is_not_truncated_silently(settings) -> None:
    """An HTML page over max_member_bytes (100 MB by default; 1 MB here) was cut at the cap and
    whatever followed was never scanned, with no reason on the verdict."""
    limits = Limits(max_member_bytes=1_000_000)
    filler = "<p>お知らせ</p>\n" * 70_000
    html = f"<!DOCTYPE html><html><body>{filler}<p>マイナンバー 1234 5678 9018</p></body></html>".encode()
    assert len(html) > limits.max_member_bytes
    reasons = _reasons(html, "page.html", limits)
    assert "too_much_text" in reasons, reasons
    assert "1,000,000" in reasons["too_much_text"]


@pytest.mark.slow  # scans tens of MB
def test_binary_strings_over_the_cap_are_a_reason(settings) -> None:
    blob = os.urandom(17 * 1024 * 1024) + "連絡先 090-1234-5678".encode()
    verdict = scan_item(Item.from_bytes(blob, "dump.bin"), settings)
    assert "too_much_text" in {u.reason.value for u in verdict.unscannable}
    assert verdict.action is Action.QUARANTINE


def test_legacy_office_file_over_the_cap_is_a_reason() -> None:
    data = (FIXTURES / "locked.xlsx").read_bytes()
    reasons = _reasons(data, "locked.xls", Limits(max_member_bytes=len(data) - 512))
    assert "too_large" in reasons, reasons


def test_png_text_chunk_over_the_cap_is_a_reason() -> None:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt("Comment", "お知らせ\n" * 300_000 + "090-1234-5678", zip=True)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG", pnginfo=info)
    reasons = _reasons(buffer.getvalue(), "a.png", Limits())
    assert "too_much_text" in reasons and "no_text" in reasons
