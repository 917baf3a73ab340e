"""Internal or external, the way the mail server routes it: route-style recipients in an
internal domain are external mail, through a real Postfix (``internal_domains = example.co.jp``).

A card number to a colleague is warned (clause ``internal-mail``) and delivered; to the outside
it is blocked. Each address below names an outside mailbox inside an internal-looking address;
the mail must be blocked as external, never delivered.
"""

from __future__ import annotations

import smtplib

import pytest

from tests.gateway.postfix import Filter, Postfix
from tests.gateway.test_postfix import SENDER, _bounces, _crlf, _mail, _wait

pytestmark = pytest.mark.slow  # a real Postfix (tests/gateway/postfix.py)

CARD = "カード番号 4111-1111-1111-1111 の件、確認お願いします。"
ROUTED = [
    '"x@outside.example"@example.co.jp',
    "x%outside.example@example.co.jp",
    "outside.example!x@example.co.jp",
    '"x%outside.example"@example.co.jp',
    "x＠outside.example@example.co.jp",
]
# Postfix rewrites these to the plain x@example.co.jp before the filter sees them (it drops source
# routes, needless quotes and a trailing dot): internal is then right, and it is where they go.
NORMALISED = ["@relay.example.net:x@example.co.jp", '"x"@example.co.jp', "x@example.co.jp."]


def _send_raw(mta: Postfix, data: bytes, rcpt: str) -> tuple[int, bytes]:
    """RCPT TO exactly as written (smtplib's sendmail would re-parse the address)."""
    with smtplib.SMTP("127.0.0.1", mta.entry, timeout=30) as client:
        client.ehlo()
        client.mail(SENDER, ["SMTPUTF8"] if not rcpt.isascii() else [])
        client.send(f"RCPT TO:<{rcpt}>\r\n".encode())
        code, text = client.getreply()
        if code >= 300:
            return code, text
        code, text = client.data(_crlf(data))
        return code, text


@pytest.mark.parametrize("rcpt", ROUTED)
def test_route_style_recipients_are_external(mta: Postfix, gateway: Filter, rcpt: str) -> None:
    gateway.start()
    code, _ = _send_raw(mta, _mail(to="x@example.co.jp", body=CARD), rcpt)
    if code >= 400:  # Postfix itself refused the address: nothing left, which is fine too
        assert not mta.sink.messages
        return
    _wait(lambda: gateway.verdicts(), what="a verdict")
    (verdict,) = gateway.verdicts()
    assert verdict["action"] == "block" and verdict["clause"] != "internal-mail", verdict
    _wait(lambda: _bounces(mta.sink.messages), what="the bounce")
    delivered = [m for m in mta.sink.messages if m.mail_from not in ("<>", "") and b"X-DLP-Notice" not in m.data]
    assert delivered == [], [m.rcpt_tos for m in delivered]


@pytest.mark.parametrize("rcpt", NORMALISED)
def test_what_postfix_normalises_is_judged_as_it_is_routed(mta: Postfix, gateway: Filter, rcpt: str) -> None:
    gateway.start()
    code, _ = _send_raw(mta, _mail(to="x@example.co.jp", body=CARD), rcpt)
    assert code == 250
    _wait(lambda: gateway.verdicts(), what="a verdict")
    (verdict,) = gateway.verdicts()
    _wait(lambda: [m for m in mta.sink.messages if b"X-DLP-Verdict: warn" in m.data], what="the delivery")
    (delivered,) = [m for m in mta.sink.messages if b"X-DLP-Verdict: warn" in m.data]
    assert verdict["clause"] == "internal-mail" and delivered.rcpt_tos == ["x@example.co.jp"]


def test_a_plain_colleague_is_still_internal(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    code, _ = _send_raw(mta, _mail(to="Suzuki@EXAMPLE.co.jp", body=CARD), "Suzuki@EXAMPLE.co.jp")
    assert code == 250
    _wait(lambda: gateway.verdicts(), what="a verdict")
    (verdict,) = gateway.verdicts()
    assert verdict["action"] == "warn" and verdict["clause"] == "internal-mail"
