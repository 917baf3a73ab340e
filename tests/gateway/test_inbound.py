"""Outbound only, through a real Postfix with the contrib snippets as written.

Mail from outside arrives on the public smtpd (``mta.mx``, port 25 in real life), which the
snippets leave unfiltered: it is delivered untouched, never judged, and its sender never gets a
notice. The same mail submitted from inside (the internal relay listener, ``mta.entry``) is
judged, even when it claims an outside sender. When an admin puts the filter on the public smtpd
anyway, the gateway itself recognises outside mail (dlp/gateway/direction.py), passes it
unjudged and audits it as ``inbound``.
"""

from __future__ import annotations

import smtplib
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.gateway.postfix import Filter, Postfix
from tests.gateway.test_postfix import COLLEAGUE, _crlf, _notices, _wait
from tests.smtp_sink import Received

pytestmark = pytest.mark.slow  # a real Postfix (tests/gateway/postfix.py)

OUTSIDER = "someone@outside.example"
OUTSIDE_CLIENT = "127.0.0.2"  # not in the harness's mynetworks (127.0.0.1/32)


def _customer_list(sender: str = OUTSIDER) -> bytes:
    m = EmailMessage()
    m["From"] = sender
    m["To"] = COLLEAGUE
    m["Subject"] = "ご依頼の顧客一覧"
    m["Message-ID"] = make_msgid(domain="outside.example")
    m["Date"] = "Mon, 30 Nov 2026 10:00:00 +0900"
    m.set_content("ご依頼の一覧をお送りします。")
    listing = (FIXTURES / "customer_export_150.csv").read_bytes()
    m.add_attachment(listing, maintype="text", subtype="csv", filename="顧客一覧.csv")
    return m.as_bytes()


def _from_outside(mta: Postfix, data: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", mta.mx, timeout=30, source_address=(OUTSIDE_CLIENT, 0)) as client:
        client.sendmail(OUTSIDER, [COLLEAGUE], _crlf(data))


def _from_inside(mta: Postfix, data: bytes) -> None:
    """The internal relay listener, from mynetworks, with the forged outside envelope sender."""
    with smtplib.SMTP("127.0.0.1", mta.entry, timeout=30) as client:
        client.sendmail(OUTSIDER, [COLLEAGUE], _crlf(data))


def _delivered(messages: list[Received]) -> list[Received]:
    return [m for m in messages if COLLEAGUE in m.rcpt_tos and m.mail_from == OUTSIDER]


def _no_notices(mta: Postfix) -> None:
    assert _notices(mta.sink.messages, OUTSIDER) == [], "a notice went to the outside sender"
    assert [m for m in mta.sink.messages if b"X-DLP-Notice" in m.data] == []


def test_inbound_mail_is_delivered_never_judged_or_notified(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    _from_outside(mta, _customer_list())
    _wait(lambda: _delivered(mta.sink.messages), what="the inbound mail", detail=lambda: mta.maillog()[-2000:])
    time.sleep(2.0)  # a notice, had one been made, would be out by now
    (delivered,) = _delivered(mta.sink.messages)
    assert b"X-DLP-Verdict" not in delivered.data  # never reached the filter
    assert gateway.audit() == []
    _no_notices(mta)


def test_the_same_mail_submitted_from_inside_is_judged(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    _from_inside(mta, _customer_list())
    _wait(lambda: gateway.verdicts(), what="a verdict")
    (verdict,) = gateway.verdicts()
    assert verdict["action"] != "allow" and verdict["sender"] == OUTSIDER
    time.sleep(2.0)
    assert _notices(mta.sink.messages, OUTSIDER) == []  # judged, but nobody outside is told


def test_a_filtered_public_smtpd_passes_outside_mail_as_inbound(tmp_path: Path) -> None:
    """The set-up the snippets warn against: the filter on the public smtpd too."""
    lab = Postfix(filter_mx=True)
    gateway = Filter(tmp_path / "gateway", lab, mail='trusted_networks = ["127.0.0.1/32"]')
    try:
        gateway.start()
        _from_outside(lab, _customer_list())
        _wait(lambda: _delivered(lab.sink.messages), what="the inbound mail", detail=lambda: lab.maillog()[-2000:])
        (delivered,) = _delivered(lab.sink.messages)
        assert b"X-DLP-Verdict: inbound; M" in delivered.data
        (passed,) = gateway.audit()
        assert passed["event"] == "inbound" and passed["enforced"] == "relayed (250)"
        assert passed["sender"] == OUTSIDER and passed["recipient_domains"] == ["example.co.jp"]
        time.sleep(2.0)
        _no_notices(lab)

        # the same mail from inside (mynetworks), still claiming the outside sender: judged
        _from_inside(lab, _customer_list())
        _wait(lambda: gateway.verdicts(), what="a verdict")
        (verdict,) = gateway.verdicts()
        assert verdict["action"] != "allow" and verdict["sender"] == OUTSIDER
    finally:
        gateway.stop()
        lab.stop()
