"""Scanned documents through the real gateway (issue 11): a faxed form, an image-only PDF, a
phone photo of a form and photos of each kind of identity document (licence, My Number card,
notification card, health insurance card, residence card, passport page), each attached to a
mail to an outside address, are held or blocked, never relayed; with Tesseract gone (not on the gateway's PATH) each is
held as no_text."""

from __future__ import annotations

import time
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from scripts.make_ocr_fixtures import OcrFixture, build_all
from tests.gateway.postfix import Filter, Postfix
from tests.gateway.test_postfix import OUTSIDE, SENDER, _send, _to

pytestmark = pytest.mark.slow  # a real Postfix (tests/gateway/postfix.py)

KINDS = ("fax", "pdf", "photo", "card", "id_mynumber", "id_notification", "id_insurance", "id_residence", "id_passport")
_TYPES = {".tif": ("image", "tiff"), ".jpg": ("image", "jpeg"), ".pdf": ("application", "pdf")}


@pytest.fixture(scope="module")
def scans() -> list[OcrFixture]:
    return [f for f in build_all() if f.kind in KINDS]


def _mail_with(fixture: OcrFixture) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = SENDER, OUTSIDE, "申込書（FAX）の件"
    m["Message-ID"] = make_msgid(domain="example.co.jp")
    m.set_content("お客様からの申込書をお送りします。")
    maintype, subtype = _TYPES[fixture.name[fixture.name.rindex(".") :]]
    m.add_attachment(fixture.data, maintype=maintype, subtype=subtype, filename=fixture.name)
    return m.as_bytes()


def _send_all(mta: Postfix, gateway: Filter, scans: list[OcrFixture]) -> list[dict]:
    for fixture in scans:
        _send(mta, _mail_with(fixture), [OUTSIDE])
    deadline = time.monotonic() + 240  # OCR takes seconds per page
    while len(gateway.verdicts()) < len(scans) and time.monotonic() < deadline:
        time.sleep(0.2)
    mta.sink.wait_for(len(scans))  # a bounce or a notice per mail
    time.sleep(1)  # anything relayed by mistake has arrived too
    assert _to(mta.sink.messages, OUTSIDE) == [], "a scan reached the outside"
    verdicts = gateway.verdicts()
    assert len(verdicts) == len(scans)
    return verdicts


def test_scans_to_outside_are_held_or_blocked(mta: Postfix, gateway: Filter, scans) -> None:
    gateway.start()
    for verdict in _send_all(mta, gateway, scans):
        assert verdict["action"] in ("quarantine", "block"), verdict


def test_without_tesseract_scans_are_held_as_no_text(mta: Postfix, gateway: Filter, scans) -> None:
    gateway.start(patch="import os; os.environ['PATH'] = '/nonexistent'")
    for verdict in _send_all(mta, gateway, scans):
        assert verdict["action"] == "quarantine" and verdict["unscannable"] == ["no_text"], verdict
    assert "OCR unavailable" in gateway.log.read_text(encoding="utf-8")
