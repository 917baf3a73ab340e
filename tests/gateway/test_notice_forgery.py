"""Our own notices skip the scan; nothing else may. Attacks on that skip, through a real Postfix.

A notice is mailed to the sender, so every sender holds a genuine one: its Message-ID and its
X-DLP-Notice tag. Copying them into a mail of one's own, or editing a notice, must not buy a
pass; a genuine notice still passes (it holds masked values only) and the pass is audited.
"""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import make_msgid

import pytest

from tests.conftest import FIXTURES
from tests.gateway.postfix import Filter, Postfix
from tests.gateway.test_postfix import (
    COLLEAGUE,
    OUTSIDE,
    SENDER,
    _bounces,
    _mail,
    _notices,
    _send,
    _to,
    _wait,
)
from tests.smtp_sink import Received

pytestmark = pytest.mark.slow  # a real Postfix (tests/gateway/postfix.py)

MY_NUMBER_LINE = "マイナンバー 1234 5678 9018 を送ります。"


def _a_genuine_notice(mta: Postfix, gateway: Filter) -> Received:
    """Make the gateway send the sender a notice (a card number to a colleague: warned)."""
    _send(mta, _mail(to=COLLEAGUE, body="カード番号 4111-1111-1111-1111 の件、確認お願いします。"), [COLLEAGUE])
    _wait(lambda: _notices(mta.sink.messages, SENDER), what="the sender's notice")
    (notice,) = [m for m in mta.sink.messages if SENDER in m.rcpt_tos and b"X-DLP-Notice" in m.data]
    return notice


def _as_submitted(received: bytes) -> bytes:
    """A notice as it reached the sink, minus the header lines Postfix and the gateway put in front."""
    lines = received.split(b"\r\n")
    while lines and (lines[0].split(b":", 1)[0] in (b"X-DLP-Verdict", b"Received") or lines[0][:1] in (b" ", b"\t")):
        lines.pop(0)
    return b"\r\n".join(lines)


def _skips(gateway: Filter) -> list[dict]:
    return [r for r in gateway.audit() if r["event"] == "notice"]


def test_a_copied_notice_tag_does_not_let_a_customer_list_out(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    notice = email.message_from_bytes(_a_genuine_notice(mta, gateway).data, policy=default_policy)
    forged = EmailMessage()
    forged["From"] = SENDER
    forged["To"] = OUTSIDE
    forged["Subject"] = notice["Subject"]
    forged["Message-ID"] = notice["Message-ID"]
    forged["X-DLP-Notice"] = notice["X-DLP-Notice"]
    forged["Date"] = "Sun, 29 Nov 2026 10:00:00 +0900"
    forged.set_content(MY_NUMBER_LINE)
    listing = (FIXTURES / "customer_export_150.csv").read_bytes()
    forged.add_attachment(listing, maintype="text", subtype="csv", filename="顧客一覧.csv")
    _send(mta, forged.as_bytes(), [OUTSIDE])
    _wait(lambda: _bounces(mta.sink.messages), what="the bounce")
    assert _to(mta.sink.messages, OUTSIDE) == [] and not any(OUTSIDE in m.rcpt_tos for m in mta.sink.messages)
    blocked = [v for v in gateway.verdicts() if v["recipient_domains"] == ["example.net"]]
    assert [v["action"] for v in blocked] == ["block"], gateway.audit()


def test_an_edited_notice_is_scanned_and_blocked(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    genuine = _as_submitted(_a_genuine_notice(mta, gateway).data)
    message = email.message_from_bytes(genuine, policy=default_policy)
    body = message.get_body(("plain",))
    body.set_content(body.get_content() + "\n" + MY_NUMBER_LINE + "\n", charset="utf-8")
    del message["To"]
    message["To"] = OUTSIDE
    _send(mta, message.as_bytes(), [OUTSIDE])
    _wait(lambda: _bounces(mta.sink.messages), what="the bounce")
    assert not any(OUTSIDE in m.rcpt_tos for m in mta.sink.messages)


def test_a_notice_with_a_header_added_in_front_is_scanned(mta: Postfix, gateway: Filter) -> None:
    """A Subject put in front of a genuine notice (its own renamed): the edit voids the tag."""
    gateway.start()
    genuine = _as_submitted(_a_genuine_notice(mta, gateway).data)
    extra = "Subject: " + MY_NUMBER_LINE
    smuggled = extra.encode("utf-8") + b"\r\n" + genuine.replace(b"\r\nSubject:", b"\r\nX-Old-Subject:", 1)
    _send(mta, smuggled, [OUTSIDE], options=("SMTPUTF8",))
    _wait(lambda: _bounces(mta.sink.messages), what="the bounce")
    assert not any(OUTSIDE in m.rcpt_tos for m in mta.sink.messages)


def test_a_genuine_notice_passes_unscanned_and_the_pass_is_audited(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    received = _a_genuine_notice(mta, gateway)
    assert b"X-DLP-Verdict: notice;" in received.data
    (skip,) = _skips(gateway)
    assert skip["sender"] == "dlp@example.co.jp" and skip["recipient_domains"] == ["example.co.jp"]
    assert skip["enforced"] == "relayed (250)" and skip["item"].startswith("mail:<")
    assert [v["action"] for v in gateway.verdicts()] == ["warn"]


def test_a_replayed_notice_to_someone_else_is_scanned(mta: Postfix, gateway: Filter) -> None:
    """The exact notice, resent to another address: the tag binds it to its own recipient."""
    gateway.start()
    genuine = _as_submitted(_a_genuine_notice(mta, gateway).data)
    _send(mta, genuine, [OUTSIDE], sender="dlp@example.co.jp")
    _wait(lambda: len(gateway.verdicts()) == 2, what="a verdict on the replay")
    replay = gateway.verdicts()[-1]
    assert replay["recipient_domains"] == ["example.net"]
    assert all(skip["recipient_domains"] == ["example.co.jp"] for skip in _skips(gateway))


def test_a_notice_from_another_installation_is_scanned(mta: Postfix, gateway: Filter) -> None:
    """Same Message-ID and a tag made with a different key: scanned like any mail."""
    gateway.start()
    notice = email.message_from_bytes(_a_genuine_notice(mta, gateway).data, policy=default_policy)
    forged = EmailMessage()
    forged["From"] = SENDER
    forged["To"] = OUTSIDE
    forged["Message-ID"] = make_msgid(domain="example.co.jp")
    forged["X-DLP-Notice"] = "0" * len(str(notice["X-DLP-Notice"]))
    forged.set_content(MY_NUMBER_LINE)
    _send(mta, forged.as_bytes(), [OUTSIDE])
    _wait(lambda: _bounces(mta.sink.messages), what="the bounce")
    assert not any(OUTSIDE in m.rcpt_tos for m in mta.sink.messages)
