"""`dlp gateway` behind a real Postfix: what reaches the sink (the internet), what bounces back to
the sender, what waits in the quarantine, and what Postfix keeps queued when the filter fails."""

from __future__ import annotations

import email
import os
import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import make_msgid
from pathlib import Path

import pytest

from dlp.actions.quarantine import QuarantineStore
from dlp.gateway import replies
from dlp.keys import load_or_create_key
from tests.conftest import FIXTURES, ROOT
from tests.gateway.postfix import Filter, Postfix
from tests.smtp_sink import Received

pytestmark = pytest.mark.slow  # a real Postfix (tests/gateway/postfix.py)

SENDER = "sato@example.co.jp"
OUTSIDE = "partner@example.net"
COLLEAGUE = "suzuki@example.co.jp"


def _mail(
    to: str = OUTSIDE, body: str = "明日の打ち合わせは10時からでお願いします。", subject: str = "打ち合わせの件"
) -> bytes:
    m = EmailMessage()
    m["From"] = f"佐藤 花子 <{SENDER}>"
    m["To"] = to
    m["Subject"] = subject
    m["Message-ID"] = make_msgid(domain="example.co.jp")
    m["Date"] = "Sun, 29 Nov 2026 10:00:00 +0900"
    m.set_content(body)
    return m.as_bytes()


def _with_attachment(
    name: str, data: bytes, to: str = OUTSIDE, maintype: str = "application", subtype: str = "octet-stream"
) -> bytes:
    m = EmailMessage()
    m["From"] = SENDER
    m["To"] = to
    m["Subject"] = "資料送付"
    m["Message-ID"] = make_msgid(domain="example.co.jp")
    m["Date"] = "Sun, 29 Nov 2026 10:00:00 +0900"  # else Postfix adds one, and the bytes differ
    m.set_content("資料を添付します。ご確認ください。")
    m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return m.as_bytes()


def _crlf(data: bytes) -> bytes:
    """Lines as a mail client sends them (smtplib passes bytes through as they are)."""
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _send(mta: Postfix, data: bytes, rcpts: list[str], sender: str = SENDER, options: tuple[str, ...] = ()) -> None:
    with smtplib.SMTP("127.0.0.1", mta.entry, timeout=30) as client:
        client.sendmail(sender, rcpts, _crlf(data), mail_options=list(options))


def _to(messages: list[Received], rcpt: str) -> list[Received]:
    return [m for m in messages if rcpt in m.rcpt_tos and m.mail_from != "<>" and b"X-DLP-Notice" not in m.data]


def _bounces(messages: list[Received]) -> list[Received]:
    return [m for m in messages if m.mail_from in ("<>", "")]


def _notices(messages: list[Received], rcpt: str) -> list[EmailMessage]:
    return [
        email.message_from_bytes(m.data, policy=default_policy)  # type: ignore[misc]
        for m in messages
        if rcpt in m.rcpt_tos and b"X-DLP-Notice" in m.data
    ]


def _deferred(rcpt: str):
    """A postqueue -j predicate: a deferred message for ``rcpt`` (other tests' leftovers ignored)."""

    def match(queue: list[dict]) -> bool:
        # Deferred: in the deferred queue, or back in another queue after a failed attempt (its
        # delay_reason is set). Postfix's qmgr, retrying every second here, can hold a deferred
        # message in "incoming" for a while ("skipped, still being delivered"): a CI run waited
        # out its 60 s with the 451 already recorded.
        return any(
            r["address"] == rcpt and (m["queue_name"] == "deferred" or r.get("delay_reason"))
            for m in queue
            for r in m["recipients"]
        )

    return match


def _reason(queue: list[dict], rcpt: str) -> str:
    return next(r["delay_reason"] for m in queue for r in m["recipients"] if r["address"] == rcpt)


def _store(f: Filter) -> QuarantineStore:
    return QuarantineStore(f.data / "quarantine", load_or_create_key(f.data / "quarantine.key"))


def _wait(predicate, timeout: float = 60, what: str = "condition", detail=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}" + (f": {detail()}" if detail else ""))


def _headers_added(delivered: bytes, original: bytes) -> list[bytes]:
    """The header lines in front of the original bytes (which must follow unchanged)."""
    original = _crlf(original)
    assert delivered.endswith(original), "the message was changed on the way"
    prefix = delivered[: len(delivered) - len(original)]
    lines = [line for line in prefix.split(b"\r\n") if line]
    heads = []
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            continue
        heads.append(line.split(b":", 1)[0])
    return heads


def test_clean_mail_is_delivered_byte_identical_apart_from_added_headers(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    original = _mail()
    _send(mta, original, [OUTSIDE])
    (delivered,) = mta.sink.wait_for(1)
    assert delivered.rcpt_tos == [OUTSIDE] and delivered.mail_from == SENDER
    assert set(_headers_added(delivered.data, original)) == {b"Received", b"X-DLP-Verdict"}
    assert b"X-DLP-Verdict: allow; -; M" in delivered.data
    (verdict,) = gateway.verdicts()
    assert verdict["action"] == "allow" and verdict["enforced"] == "relayed (250)"
    assert verdict["recipient_domains"] == ["example.net"]


def test_a_customer_list_to_outside_bounces_with_the_reason(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    listing = (FIXTURES / "customer_export_150.csv").read_bytes()
    _send(mta, _with_attachment("顧客一覧.csv", listing, maintype="text", subtype="csv"), [OUTSIDE])
    mta.sink.wait_for(2)  # the bounce and the sender's notice (the officer's comes too)
    _wait(lambda: len(mta.sink.messages) >= 3, what="three messages at the sink")
    messages = mta.sink.messages
    assert _to(messages, OUTSIDE) == [], "the list reached the outside"
    (bounce,) = _bounces(messages)
    assert bounce.rcpt_tos == [SENDER]
    text = bounce.data.decode("utf-8", "replace")
    (verdict,) = gateway.verdicts()
    incident = verdict["quarantine_id"]
    assert "550 5.7.1 Blocked by DLP" in text and incident in text and "100 or more people" in text
    (notice,) = _notices(messages, SENDER)
    body = notice.get_body(("plain",)).get_content()
    assert body.index("送信") < body.index("English") and incident in body
    (officer,) = _notices(messages, "dpo@example.co.jp")
    assert incident in officer["Subject"]
    assert _store(gateway).get(incident).action == "block"  # kept as evidence for the officer


def test_quarantine_holds_then_release_delivers_once(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    listing = (FIXTURES / "customers_cp932.csv").read_bytes()  # 30 people: held for review
    original = _with_attachment("顧客リスト.csv", listing, maintype="text", subtype="csv")
    _send(mta, original, [OUTSIDE])
    _wait(lambda: gateway.verdicts(), what="a verdict")
    (verdict,) = gateway.verdicts()
    assert verdict["action"] == "quarantine" and verdict["enforced"] == "held (250)"
    _wait(lambda: len(_notices(mta.sink.messages, SENDER)) == 1, what="the sender's notice")
    time.sleep(1.0)
    assert _to(mta.sink.messages, OUTSIDE) == [] and _bounces(mta.sink.messages) == []
    assert mta.queue() == []  # Postfix is done with it: the quarantine has it
    incident = verdict["quarantine_id"]
    env = {**os.environ, "DLP_CONFIG": str(gateway.config), "PYTHONPATH": str(ROOT)}
    release = [sys.executable, "-m", "dlp", "quarantine", "release", incident, "--actor", "officer"]
    first = subprocess.run(release, env=env, capture_output=True, text=True, check=False)
    second = subprocess.run(release, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 4 and "not held" in second.stderr
    _wait(lambda: len(_to(mta.sink.messages, OUTSIDE)) == 1, what="the released mail")
    time.sleep(1.0)
    (delivered,) = _to(mta.sink.messages, OUTSIDE)
    assert delivered.mail_from == SENDER and delivered.rcpt_tos == [OUTSIDE]
    assert set(_headers_added(delivered.data, original)) == {b"Received", b"X-DLP-Released"}


def test_filter_killed_mail_is_deferred_then_delivered(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    gateway.stop(sig=9)
    rcpt = "killed@example.net"
    _send(mta, _mail(to=rcpt), [rcpt])
    queue = mta.wait_queue(_deferred(rcpt))
    reason = _reason(queue, rcpt)
    assert "Connection refused" in reason, reason
    assert mta.sink.messages == []
    gateway.start()
    mta.flush()
    mta.sink.wait_for(1)
    mta.wait_queue(lambda q: q == [])


def test_filter_that_raises_defers_never_bounces(mta: Postfix, gateway: Filter) -> None:
    gateway.start(
        patch="import dlp.gateway.decide as d\n"
        "def boom(*a, **k): raise RuntimeError('injected fault')\n"
        "d.Decider._decide = boom\n"
    )
    rcpt = "raises@example.net"
    _send(mta, _mail(to=rcpt), [rcpt])
    queue = mta.wait_queue(_deferred(rcpt))
    assert "451 4.3.0" in _reason(queue, rcpt)
    time.sleep(2.0)
    assert mta.sink.messages == [] and any(m["queue_name"] in ("deferred", "active") for m in mta.queue())
    gateway.stop()
    gateway.start()  # fixed: the retry goes through
    mta.flush()
    mta.sink.wait_for(1)


def test_our_deadline_answers_451(mta: Postfix, tmp_path: Path) -> None:
    slow = Filter(tmp_path / "slow", mta, gateway='deadline = "2s"')
    slow.start(
        patch="import time, dlp.worker as w\nw.WorkerPool.scan_ = w.WorkerPool.scan\n"
        "def hang(self, *a, **k):\n    time.sleep(6)\n    return self.scan_(*a, **k)\n"
        "w.WorkerPool.scan = hang\n"
    )
    try:
        rcpt = "slow@example.net"
        _send(mta, _mail(to=rcpt), [rcpt])
        queue = mta.wait_queue(_deferred(rcpt))
        assert "451 4.3.2" in _reason(queue, rcpt)
        assert mta.sink.messages == []
    finally:
        slow.stop()


def test_a_hung_filter_is_deferred_by_postfix(tmp_path: Path) -> None:
    """Postfix's own timeout (smtp_data_done_timeout) when the filter never answers at all."""
    lab = Postfix(data_done_timeout="3s")
    hung = Filter(tmp_path / "hung", lab)
    try:
        hung.start(
            patch="import asyncio, dlp.gateway.server as s\n"
            "async def never(self, server, session, envelope):\n    await asyncio.sleep(3600)\n"
            "s.Handler.handle_DATA = never\n"
        )
        _send(lab, _mail(), [OUTSIDE])
        queue = lab.wait_queue(_deferred(OUTSIDE), timeout=60)
        assert "timed out while sending end of data" in _reason(queue, OUTSIDE)
        assert lab.sink.messages == []
    finally:
        hung.stop()
        lab.stop()


def test_reinjection_port_down_is_a_4xx(mta: Postfix, tmp_path: Path) -> None:
    from tests.smtp_sink import free_port

    broken = Filter(tmp_path / "broken", mta, next_hop_port=free_port())
    broken.start()
    try:
        rcpt = "nexthop@example.net"
        _send(mta, _mail(to=rcpt), [rcpt])
        queue = mta.wait_queue(_deferred(rcpt))
        assert "451 4.4.1" in _reason(queue, rcpt)
        assert mta.sink.messages == [] and _bounces(mta.sink.messages) == []
    finally:
        broken.stop()


def test_smtputf8_mail_passes_through(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    m = EmailMessage(policy=default_policy.clone(utf8=True))
    m["From"] = f"佐藤 <{SENDER}>"
    m["To"] = "担当者@example.net"
    m["Subject"] = "お見積りの件"
    m["Message-ID"] = make_msgid(domain="example.co.jp")
    m["Date"] = "Sun, 29 Nov 2026 10:00:00 +0900"
    m.set_content("お見積りを添付します。")
    original = m.as_bytes()
    _send(mta, original, ["担当者@example.net"], options=("SMTPUTF8", "BODY=8BITMIME"))
    (delivered,) = mta.sink.wait_for(1)
    assert delivered.rcpt_tos == ["担当者@example.net"] and "SMTPUTF8" in delivered.mail_options
    assert set(_headers_added(delivered.data, original)) == {b"Received", b"X-DLP-Verdict"}


def test_iso_2022_jp_mail_with_a_japanese_attachment_name(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    original = b"Date: Sun, 29 Nov 2026 10:00:00 +0900\n" + (FIXTURES / "mail_iso2022jp.eml").read_bytes()
    _send(mta, original, [OUTSIDE], sender="support@example.co.jp")
    _wait(lambda: gateway.verdicts(), what="a verdict")
    (verdict,) = gateway.verdicts()
    assert verdict["action"] == "warn"  # three people's contacts in a Japanese-named CSV
    assert {"PHONE", "EMAIL"} <= set(verdict["counts"])
    _wait(lambda: _to(mta.sink.messages, OUTSIDE), what="delivery")
    (delivered,) = _to(mta.sink.messages, OUTSIDE)
    assert set(_headers_added(delivered.data, original)) == {b"Received", b"X-DLP-Verdict"}
    (notice,) = [n for n in _notices(mta.sink.wait_for(2), "support@example.co.jp")]
    assert "個人情報" in notice.get_body(("plain",)).get_content()


def test_ppap_mail_is_held(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    _send(mta, _with_attachment("見積書.zip", (FIXTURES / "ppap_aes.zip").read_bytes()), [OUTSIDE])
    _wait(lambda: gateway.verdicts(), what="a verdict")
    (verdict,) = gateway.verdicts()
    assert verdict["action"] == "quarantine" and verdict["clause"] == "unscannable"
    assert "encrypted" in verdict["unscannable"] and verdict["enforced"] == "held (250)"
    time.sleep(1.0)
    assert _to(mta.sink.messages, OUTSIDE) == []


def test_colleagues_get_it_the_outside_does_not(mta: Postfix, gateway: Filter) -> None:
    """One mail to a colleague and a partner: a transaction per recipient
    (dlpscan_destination_recipient_limit = 1), so a verdict per recipient."""
    gateway.start()
    card = _mail(to=f"{COLLEAGUE}, {OUTSIDE}", body="カード番号 4111-1111-1111-1111 の件、確認お願いします。")
    _send(mta, card, [COLLEAGUE, OUTSIDE])
    _wait(lambda: len(gateway.verdicts()) == 2, what="two verdicts")
    by_domain = {v["recipient_domains"][0]: v for v in gateway.verdicts()}
    assert by_domain["example.co.jp"]["action"] == "warn" and by_domain["example.co.jp"]["clause"] == "internal-mail"
    assert by_domain["example.net"]["action"] == "block"
    _wait(lambda: _to(mta.sink.messages, COLLEAGUE) and _bounces(mta.sink.messages), what="delivery and bounce")
    assert _to(mta.sink.messages, OUTSIDE) == []


def test_direct_replies_are_the_constants(mta: Postfix, gateway: Filter) -> None:
    """Talking to the filter directly, as Postfix's dlpscan transport does."""
    gateway.start()
    with smtplib.SMTP("127.0.0.1", mta.filter, timeout=30) as client:
        client.ehlo()
        assert client.has_extn("smtputf8") and client.has_extn("8bitmime")
        code, text = client.docmd("MAIL FROM:<sato@example.co.jp>")
        client.docmd(f"RCPT TO:<{OUTSIDE}>")
        client.docmd("DATA")
        client.send(_mail(body="マイナンバー 1234 5678 9018 を送ります。").replace(b"\n.", b"\n..") + b"\r\n.\r\n")
        code, text = client.getreply()
    assert code == 550 and text.decode().startswith("5.7.1 Blocked by DLP")
    assert replies.BLOCKED.startswith("550 5.7.1 Blocked by DLP")


def test_killed_in_the_middle_of_a_burst_nothing_is_lost(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    kinds = ["clean", "card", "clean", "clean"] * 10
    ids = []
    for n, kind in enumerate(kinds):
        body = "カード番号 4111-1111-1111-1111" if kind == "card" else f"定例の議事録 {n} を送ります。"
        data = _mail(to=f"burst{n}@example.net", body=body)
        ids.append((kind, n, data))
    sender_done = []

    def send_all() -> None:
        for _, n, data in ids:
            _send(mta, data, [f"burst{n}@example.net"])
        sender_done.append(True)

    import threading

    thread = threading.Thread(target=send_all)
    thread.start()
    _wait(lambda: len(gateway.verdicts()) >= 5, what="the burst to start")
    gateway.stop(sig=9)  # in the middle of it
    time.sleep(1.0)
    gateway.start()
    thread.join(60)
    mta.flush()
    expected_clean = {f"burst{n}@example.net" for kind, n, _ in ids if kind == "clean"}
    expected_bounced = {f"burst{n}@example.net" for kind, n, _ in ids if kind == "card"}

    def settled() -> bool:
        delivered = {r for m in mta.sink.messages if m.mail_from not in ("<>", "") for r in m.rcpt_tos}
        bounced = {r for r in expected_bounced if any(r.encode() in m.data for m in _bounces(mta.sink.messages))}
        return expected_clean <= delivered and bounced == expected_bounced

    def missing() -> str:
        delivered = {r for m in mta.sink.messages if m.mail_from not in ("<>", "") for r in m.rcpt_tos}
        bounces = _bounces(mta.sink.messages)
        unbounced = sorted(r for r in expected_bounced if not any(r.encode() in m.data for m in bounces))
        lost = sorted(expected_clean - delivered)
        return f"not delivered {lost}, no bounce for {unbounced}; {len(bounces)} bounce(s)"

    _wait(settled, timeout=120, what="every message delivered or bounced", detail=missing)
    delivered = [r for m in mta.sink.messages if m.mail_from not in ("<>", "") for r in m.rcpt_tos]
    assert not (set(delivered) & expected_bounced), "a blocked mail got out"


def test_sigterm_lets_in_flight_mail_finish(mta: Postfix, tmp_path: Path) -> None:
    slowish = Filter(tmp_path / "slowish", mta)
    slowish.start(
        patch="import time, dlp.worker as w\nw.WorkerPool.scan_ = w.WorkerPool.scan\n"
        "def slow(self, *a, **k):\n    time.sleep(2)\n    return self.scan_(*a, **k)\n"
        "w.WorkerPool.scan = slow\n"
    )
    _send(mta, _mail(), [OUTSIDE])
    _wait(lambda: any("scan" in str(r) or r.get("msg") for r in slowish.records()), what="the filter to log")
    time.sleep(1.0)  # the scan is in progress
    assert slowish.stop() == 0
    assert [r for r in slowish.records() if r.get("msg") == "stopped"]
    mta.sink.wait_for(1)  # finished and relayed before the filter exited, not retried later
    assert len([m for m in mta.sink.messages if OUTSIDE in m.rcpt_tos]) == 1


GATEWAY_CHECK = [sys.executable, "-m", "dlp", "gateway", "check"]


def test_gateway_check(mta: Postfix, gateway: Filter) -> None:
    """Before the gateway starts and while it runs: both pass (the port is connected to, never
    bound), each line names the address it checked, and Postfix's filtered services are listed."""

    def check() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*GATEWAY_CHECK, "--config", str(gateway.config), "--postfix-config", str(mta.conf)],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=False,
        )

    result = check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    assert f"filter 127.0.0.1:{mta.filter}" in result.stdout and "nothing listens yet" in result.stdout
    assert f"next hop 127.0.0.1:{mta.reinject}" in result.stdout and "SMTPUTF8, 8BITMIME" in result.stdout
    assert "example.co.jp" in result.stdout
    # the snippet's filtered services: the internal relay listener and both submission services
    filtered = next(line for line in result.stdout.splitlines() if "Postfix services filtered" in line)
    assert f"127.0.0.1:{mta.entry}/inet" in filtered and filtered.count("/inet") == 3, filtered
    gateway.start()  # now it runs: still all well, and it says so
    result = check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "dlp gateway running" in result.stdout and "FAIL" not in result.stdout


@pytest.mark.parametrize("trick", ["display_name", "uuencode_in_body", "two_boundaries", "base64_holding_plain_text"])
def test_wave2_mail_tricks_never_reach_the_outside(mta: Postfix, gateway: Filter, trick: str) -> None:
    """Mail built to show the scanner less than a client shows (tests/extract/test_mail_tricks.py),
    sent through the real Postfix: nothing reaches the outside."""
    from tests.extract.test_mail_tricks import MAILS

    gateway.start()
    data = (
        MAILS[trick]()
        .replace(b"sales@example.co.jp", SENDER.encode())
        .replace(b"partner@example.com", OUTSIDE.encode())
    )
    _send(mta, data, [OUTSIDE])
    _wait(lambda: gateway.verdicts(), what="a verdict")
    (verdict,) = gateway.verdicts()
    assert verdict["action"] in ("quarantine", "block"), verdict
    time.sleep(1.0)
    assert _to(mta.sink.messages, OUTSIDE) == []
