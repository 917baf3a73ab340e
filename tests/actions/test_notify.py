"""Notices as their recipients get them: real SMTP on loopback, Japanese first, masked values,
rate-limited, retried when the mail server is away, and never in the way of a verdict."""

from __future__ import annotations

import dataclasses
import email
import time
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest

from dlp.actions.notify import RETRY_DELAYS, Notifier
from dlp.actions.smtp import SmtpServer
from dlp.model import Item, Verdict
from dlp.pipeline import scan_item
from dlp.policy import ScanContext
from dlp.services import Services
from tests.conftest import FIXTURES
from tests.smtp_sink import SmtpSink, free_port

pytestmark = pytest.mark.slow  # a real SMTP server, delivery threads with back-off


def _verdict(settings, name: str, channel: str = "mail") -> Verdict:
    """As the gateway sees a mail to an outside address."""
    ctx = ScanContext(channel=channel, external_recipients=True)
    return scan_item(Item.from_path(FIXTURES / name, channel=channel), settings, ctx)


def _read(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=default_policy)
    assert isinstance(message, EmailMessage)
    return message


def _body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return part.get_content()


def test_block_notifies_sender_and_officer_in_japanese_first(services: Services, smtp_sink: SmtpSink, settings) -> None:
    verdict = _verdict(settings, "card_memo.txt")
    assert verdict.action.label == "block"
    notifier = services.notifier
    notices = notifier.notices_for(
        verdict,
        channel="mail",
        item="件名: 再決済のお願い",
        sender="sato.hanako@example.co.jp",
        recipients=["shop@example.net"],
        quarantine_id="Q20261129-0badf00d",
        sender_name="佐藤 花子",
    )
    assert [n.recipient for n in notices] == ["sato.hanako@example.co.jp", "dpo@example.co.jp"]
    notifier.notify(notices)
    assert notifier.deliver() == 2
    received = {r.rcpt_tos[0]: _read(r.data) for r in smtp_sink.wait_for(2)}

    to_sender = received["sato.hanako@example.co.jp"]
    assert to_sender["From"] == "dlp@example.co.jp"
    assert to_sender["Auto-Submitted"] == "auto-generated"
    assert to_sender["Subject"].startswith("[DLP] 送信を止めました / Blocked")
    body = _body(to_sender)
    assert body.index("クレジットカード番号") < body.index("English"), "Japanese comes first"
    assert "5229-****-****-7318" in body or "****-7318" in body
    assert "5229-8762-1369-7318" not in body and "5229876213697318" not in body
    assert "個人情報管理責任者 山本（内線 1234）" in body  # whom to ask
    assert body.startswith("佐藤 花子様")

    to_officer = received["dpo@example.co.jp"]
    body = _body(to_officer)
    assert "Q20261129-0badf00d" in body and "dlp quarantine release Q20261129-0badf00d" in body
    assert "example.net" in body and "shop@" not in body  # recipients as domains only
    assert "5229-8762-1369-7318" not in body


def test_warn_notifies_only_the_sender(services: Services, settings) -> None:
    verdict = _verdict(settings, "call_notes.txt")
    assert verdict.action.label == "warn"
    notices = services.notifier.notices_for(
        verdict, channel="watch", item="/srv/export/x.txt", sender="a@example.co.jp"
    )
    assert [n.recipient for n in notices] == ["a@example.co.jp"]
    assert notices[0].subject.startswith("[DLP] 個人情報を含む可能性があります")


def test_allow_notifies_nobody(services: Services, settings) -> None:
    verdict = _verdict(settings, "minutes.txt")
    assert services.notifier.notices_for(verdict, channel="mail", item="x", sender="a@example.co.jp") == []


def test_edited_templates_win(tmp_path: Path, services: Services, settings) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "notice_sender_block.txt").write_text(
        "Subject: 【社内規程】送信停止 $quarantine_id\n\n$recipient_name さん、$what_ja を含むため止めました。\n",
        encoding="utf-8",
    )
    notifier = services.notifier
    notifier.settings = dataclasses.replace(notifier.settings, templates=folder)
    verdict = _verdict(settings, "card_memo.txt")
    notices = notifier.notices_for(verdict, channel="mail", item="x", sender="ito@example.co.jp", quarantine_id="Q1")
    assert notices[0].subject == "【社内規程】送信停止 Q1"
    assert notices[0].body.startswith("ご担当者 さん、クレジットカード番号 1件")
    assert "notice_officer" not in notices[1].body and "個人情報管理責任者" in notices[1].body  # default kept


def test_rate_limit_per_recipient(services: Services, smtp_sink: SmtpSink, settings) -> None:
    notifier = services.notifier
    notifier.settings = dataclasses.replace(notifier.settings, rate_limit=2, officer="")
    verdict = _verdict(settings, "card_memo.txt")
    for sender in ["a@example.co.jp"] * 5 + ["b@example.co.jp"]:
        notifier.notify(notifier.notices_for(verdict, channel="mail", item="x", sender=sender))
    assert notifier.deliver() == 3
    assert sorted(r.rcpt_tos[0] for r in smtp_sink.messages) == ["a@example.co.jp"] * 2 + ["b@example.co.jp"]
    assert notifier.pending() == 0  # the suppressed ones are counted in the log, not queued forever


def test_a_notice_waits_for_a_mail_server_that_is_away(tmp_path: Path, settings) -> None:
    port = free_port()
    notifier = Notifier(
        _notify_settings(SmtpServer(port=port, timeout=5)),
        tmp_path / "notify.sqlite3",
    )
    verdict = _verdict(settings, "card_memo.txt")
    started = time.monotonic()
    notifier.notify(notifier.notices_for(verdict, channel="mail", item="x", sender="a@example.co.jp"))
    assert time.monotonic() - started < 1.0, "recording a notice must not wait for SMTP"
    assert notifier.deliver() == 0  # nobody listening: kept for later
    assert notifier.pending() == 2  # the sender's and the officer's
    assert notifier.deliver() == 0  # not due yet: back-off
    sink = SmtpSink(port).start()
    try:
        assert notifier.deliver(now=time.time() + RETRY_DELAYS[0] + 1) == 2
        assert sorted(m.rcpt_tos[0] for m in sink.wait_for(2)) == ["a@example.co.jp", "dpo@example.co.jp"]
        assert notifier.pending() == 0
    finally:
        sink.stop()


def test_temporary_refusal_is_retried_permanent_is_given_up(tmp_path: Path, smtp_sink: SmtpSink, settings) -> None:
    notifier = Notifier(_notify_settings(SmtpServer(port=smtp_sink.port)), tmp_path / "notify.sqlite3")
    verdict = _verdict(settings, "card_memo.txt")
    smtp_sink.handler.reply = "451 4.3.0 try later"
    notifier.notify(notifier.notices_for(verdict, channel="mail", item="x", sender="a@example.co.jp"))
    assert notifier.deliver() == 0 and notifier.pending() == 2
    smtp_sink.handler.reply = "550 5.1.1 no such user"
    assert notifier.deliver(now=time.time() + RETRY_DELAYS[0] + 1) == 0
    assert notifier.pending() == 0  # a permanent refusal is logged and dropped


def test_background_delivery(services: Services, smtp_sink: SmtpSink, settings) -> None:
    notifier = services.notifier
    notifier.start(interval=60)
    try:
        verdict = _verdict(settings, "card_memo.txt")
        notifier.notify(notifier.notices_for(verdict, channel="mail", item="x", sender="a@example.co.jp"))
        assert len(smtp_sink.wait_for(2, timeout=10)) == 2  # woken at once, not after the interval
    finally:
        notifier.stop()


def test_disabled_notices(services: Services, settings) -> None:
    notifier = services.notifier
    notifier.settings = dataclasses.replace(notifier.settings, enabled=False)
    assert notifier.notices_for(_verdict(settings, "card_memo.txt"), channel="mail", item="x", sender="a@x.jp") == []


def _notify_settings(server: SmtpServer):
    from dlp.actions.notify import NotifySettings

    return NotifySettings(
        server=server,
        sender="dlp@example.co.jp",
        officer="dpo@example.co.jp",
        internal_domains=frozenset({"example.co.jp"}),
    )


@pytest.fixture(autouse=True)
def _quiet_retry_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("WARNING", logger="dlp.notify")


def test_a_long_list_of_types_is_shortened_in_the_subject(services: Services, settings) -> None:
    verdict = _verdict(settings, "customers_cp932.csv")
    sender, officer = services.notifier.notices_for(verdict, channel="mail", item="x", sender="a@example.co.jp")
    assert sender.body.startswith("ご担当者様")  # no display name known
    assert "ほか" in officer.subject and len(officer.subject) < 100
    assert "郵便番号 30件" in officer.body  # the body has them all
    samples = next(line for line in officer.body.splitlines() if "例（伏字）" in line)
    assert len(samples.split(" / ")) == 3  # one sample each from three types
