"""Per-recipient outcomes through the real Postfix: when the gateway's next hop refuses one
recipient of a mail and takes the other, the other gets exactly one copy, and the refused one is
bounced (5xx) or retried alone (4xx). A single 451 for the whole mail made Postfix resend the
accepted recipient a copy on every retry (issue 9 #15).

Postfix here runs without the snippet's one-recipient-per-transaction line, so one filter
transaction carries both recipients (an admin may leave the line out)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.gateway.postfix import Filter, Postfix
from tests.gateway.test_postfix import OUTSIDE, SENDER, _mail, _send
from tests.smtp_sink import Received, SmtpSink

pytestmark = pytest.mark.slow  # a real Postfix (tests/gateway/postfix.py)

REFUSED = "nobody@example.net"


@pytest.fixture(scope="module")
def lab():
    postfix = Postfix(recipient_limit=False)
    yield postfix
    postfix.stop()


@pytest.fixture()
def hop():
    """The gateway's next hop (in place of the re-injection port): refuses what a test says."""
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture()
def gateway(tmp_path: Path, lab: Postfix, hop: SmtpSink):
    lab.clear()
    f = Filter(tmp_path / "gateway", lab, next_hop_port=hop.port).start()
    yield f
    f.stop()
    lab.clear()


def _copies(messages: list[Received], rcpt: str) -> list[Received]:
    return [m for m in messages if rcpt in m.rcpt_tos and m.mail_from not in ("", "<>")]


def _settle(lab: Postfix, seconds: float = 6.0) -> None:
    """Long enough for several of Postfix's retry rounds (1-2 s back-off in the lab)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        lab.flush()
        time.sleep(0.5)


def test_a_permanently_refused_recipient_is_bounced_alone(lab: Postfix, hop: SmtpSink, gateway: Filter) -> None:
    hop.handler.refuse[REFUSED] = "550 5.1.1 no such user"
    _send(lab, _mail(to=f"{OUTSIDE}, {REFUSED}"), [OUTSIDE, REFUSED])
    hop.wait_for(1)
    _settle(lab)
    assert len(_copies(hop.messages, OUTSIDE)) == 1, "the accepted recipient must get exactly one copy"
    assert _copies(hop.messages, REFUSED) == []
    # the refused one (only) bounced to the sender with the next hop's reason; Postfix sends
    # its own bounces straight out (no content filter for internal mail): they reach lab.sink
    bounces = [m for m in lab.sink.wait_for(1) if m.mail_from in ("", "<>") and SENDER in m.rcpt_tos]
    assert len(bounces) == 1
    report = bounces[0].data.split(b"Content-Description: Undelivered Message")[0]
    assert REFUSED.encode() in report and b"5.1.1" in report and OUTSIDE.encode() not in report
    lab.wait_queue(lambda q: q == [])


def test_a_temporarily_refused_recipient_is_retried_alone(lab: Postfix, hop: SmtpSink, gateway: Filter) -> None:
    later = "later@example.net"
    hop.handler.refuse[later] = "451 4.2.0 mailbox busy"
    _send(lab, _mail(to=f"{OUTSIDE}, {later}"), [OUTSIDE, later])
    hop.wait_for(1)
    _settle(lab)
    assert len(_copies(hop.messages, OUTSIDE)) == 1
    queue = lab.queue()
    waiting = [r["address"] for m in queue for r in m["recipients"]]
    assert waiting == [later], queue  # only the refused one is kept for a retry
    hop.handler.refuse.clear()
    deadline = time.monotonic() + 30
    while not _copies(hop.messages, later) and time.monotonic() < deadline:
        lab.flush()
        time.sleep(0.3)
    assert len(_copies(hop.messages, later)) == 1
    _settle(lab, 3)
    assert len(_copies(hop.messages, OUTSIDE)) == 1  # still one: the retry went to `later` alone
    lab.wait_queue(lambda q: q == [])


def test_an_lmtp_error_reply_answers_every_recipient(lab: Postfix, hop: SmtpSink, tmp_path: Path) -> None:
    """A failure outside the per-recipient path (here an exception escaping the handler, which
    aiosmtpd answers with our one-line 451) still answers each recipient: Postfix defers both
    at once instead of waiting out its 1200 s data timeout."""
    lab.clear()
    broken = Filter(tmp_path / "broken", lab, next_hop_port=hop.port)
    broken.start(
        patch="import dlp.gateway.server as s\n"
        "async def boom(self, *a, **k):\n    raise RuntimeError('injected fault')\n"
        "s.Handler._replies = boom\n"
    )
    try:
        other = "other@example.net"
        _send(lab, _mail(to=f"{OUTSIDE}, {other}"), [OUTSIDE, other])

        def both_deferred(queue: list[dict]) -> bool:
            reasons = {r["address"]: r.get("delay_reason", "") for m in queue for r in m["recipients"]}
            return all("451 4.3.0" in reasons.get(a, "") for a in (OUTSIDE, other))

        lab.wait_queue(both_deferred, timeout=30)
        assert hop.messages == []
    finally:
        broken.stop()
        lab.clear()


def test_a_next_hop_refusing_the_whole_session_defers_never_bounces(
    lab: Postfix, hop: SmtpSink, gateway: Filter
) -> None:
    """A 5xx to MAIL FROM is the next hop's trouble (misconfigured), not the recipients': 451."""
    hop.handler.refuse_mail = "554 5.7.1 relay not permitted"
    _send(lab, _mail(to=f"{OUTSIDE}, {REFUSED}"), [OUTSIDE, REFUSED])

    def both_deferred(queue: list[dict]) -> bool:
        reasons = {r["address"]: r.get("delay_reason", "") for m in queue for r in m["recipients"]}
        return all("451 4.4.1" in reasons.get(a, "") for a in (OUTSIDE, REFUSED))

    lab.wait_queue(both_deferred, timeout=30)
    assert not [m for m in lab.sink.messages if m.mail_from in ("", "<>")], "nothing may bounce"
    hop.handler.refuse_mail = None
    deadline = time.monotonic() + 30
    while len(hop.messages) < 1 and time.monotonic() < deadline:
        lab.flush()
        time.sleep(0.3)
    _settle(lab, 3)
    assert len(_copies(hop.messages, OUTSIDE)) == 1 and len(_copies(hop.messages, REFUSED)) == 1


def test_a_notice_to_a_japanese_address_goes_out_through_postfix(lab: Postfix, tmp_path: Path) -> None:
    """Issue 9 #16 end to end: a blocked mail from 山田@例え.jp (SMTPUTF8); the notice to that
    sender is sent with SMTPUTF8 through the real Postfix and reaches it (例え.jp is one of the
    internal domains here: notices go only to those)."""
    lab.clear()
    internal = ("example.co.jp", "例え.jp".encode("idna").decode("ascii"))
    f = Filter(tmp_path / "utf8", lab, internal_domains=internal).start()
    try:
        sender = "山田@例え.jp"
        card = _mail(to=OUTSIDE, body="カード番号 4111-1111-1111-1111 の件、確認お願いします。")
        _send(lab, card, [OUTSIDE], sender=sender, options=("SMTPUTF8",))
        deadline = time.monotonic() + 60
        notices: list[Received] = []
        while not notices and time.monotonic() < deadline:
            notices = [m for m in lab.sink.messages if sender in m.rcpt_tos and b"X-DLP-Notice" in m.data]
            lab.flush()
            time.sleep(0.3)
        assert len(notices) == 1, [(m.mail_from, m.rcpt_tos) for m in lab.sink.messages]
        assert "SMTPUTF8" in [o.upper() for o in notices[0].mail_options]
        assert _copies(lab.sink.messages, OUTSIDE) == []
        assert not [r for r in f.audit() if r["event"] == "notify.parked"]
    finally:
        f.stop()
        lab.clear()
