"""A header is content too: values a mail client shows (display names) or that travel in the
source (X-headers, Comments, Keywords) are scanned, through a real Postfix. Only the Subject
used to be read, so a My Number in an X-header went out as "allow"."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from tests.gateway.postfix import Filter, Postfix
from tests.gateway.test_postfix import OUTSIDE, SENDER, _bounces, _send, _wait

pytestmark = pytest.mark.slow  # a real Postfix (tests/gateway/postfix.py)

MY_NUMBER = "マイナンバー 1234 5678 9018"


def _with_header(name: str, value: str) -> bytes:
    m = EmailMessage()
    m["From"] = SENDER
    m["To"] = OUTSIDE
    m["Subject"] = "打ち合わせの件"
    m["Message-ID"] = make_msgid(domain="example.co.jp")
    m["Date"] = "Sun, 29 Nov 2026 10:00:00 +0900"
    m[name] = value
    m.set_content("明日の打ち合わせは10時からでお願いします。")
    return m.as_bytes()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("X-Customer-Note", MY_NUMBER),  # encoded word (Japanese)
        ("Keywords", "1234 5678 9018"),
        ("Comments", f"{MY_NUMBER} / {MY_NUMBER}"),
        ("Cc", f'"{MY_NUMBER}" <{OUTSIDE}>'),  # a display name a client shows
    ],
)
def test_personal_data_in_a_header_is_scanned(mta: Postfix, gateway: Filter, name: str, value: str) -> None:
    gateway.start()
    _send(mta, _with_header(name, value), [OUTSIDE])
    _wait(lambda: gateway.verdicts(), what="a verdict")
    (verdict,) = gateway.verdicts()
    assert verdict["action"] == "block" and "MY_NUMBER" in verdict["counts"], verdict
    _wait(lambda: _bounces(mta.sink.messages), what="the bounce")
    assert not [m for m in mta.sink.messages if OUTSIDE in m.rcpt_tos]


def test_ordinary_headers_stay_clean(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    _send(mta, _with_header("X-Mailer", "Thunderbird 115.3.1"), [OUTSIDE])
    _wait(lambda: gateway.verdicts(), what="a verdict")
    (verdict,) = gateway.verdicts()
    assert verdict["action"] == "allow", verdict
