"""Notices go only inside: to addresses in ``[mail] internal_domains``, and to nobody while it is
empty. A notice holds masked values, the reason and the officer's contact; an outside sender
(whose mail reached the filter somehow) or a mistyped officer address must never get one.
Real SMTP on loopback: what the sink receives is what would have left."""

from __future__ import annotations

import dataclasses
import logging
import time

import pytest

from dlp.actions.notify import Notice
from dlp.services import Services
from tests.actions.test_notify import _verdict
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.slow  # notices delivered to a real SMTP sink

OUTSIDER = "someone@outside.example"


def _sent_to(sink: SmtpSink, settle: float = 0.5) -> list[str]:
    time.sleep(settle)  # nothing is expected to arrive late: deliver() is synchronous
    return sorted(r for m in sink.messages for r in m.rcpt_tos)


def test_an_outside_sender_gets_no_notice_the_officer_does(services: Services, smtp_sink: SmtpSink, settings) -> None:
    notifier = services.notifier
    notices = notifier.notices_for(
        _verdict(settings, "card_memo.txt"), channel="mail", item="x", sender=OUTSIDER, recipients=["a@example.co.jp"]
    )
    assert [n.recipient for n in notices] == [OUTSIDER, "dpo@example.co.jp"]  # composed, then gated
    notifier.notify(notices)
    assert notifier.deliver() == 1
    assert _sent_to(smtp_sink) == ["dpo@example.co.jp"]


@pytest.mark.parametrize(
    "officer", ["dpo@outside.example", '"dpo@outside.example"@example.co.jp', "dpo%outside.example@example.co.jp"]
)
def test_an_officer_address_outside_the_internal_domains_gets_no_notice(
    services: Services, smtp_sink: SmtpSink, settings, officer: str
) -> None:
    notifier = services.notifier
    notifier.settings = dataclasses.replace(notifier.settings, officer=officer)
    notices = notifier.notices_for(
        _verdict(settings, "card_memo.txt"), channel="mail", item="x", sender="sato@example.co.jp"
    )
    notifier.notify(notices)
    notifier.deliver()
    assert _sent_to(smtp_sink) == ["sato@example.co.jp"]


def test_no_internal_domains_no_notices_logged_once(
    services: Services, smtp_sink: SmtpSink, settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="dlp.notify")
    notifier = services.notifier
    notifier.settings = dataclasses.replace(notifier.settings, internal_domains=frozenset())
    verdict = _verdict(settings, "card_memo.txt")
    for _ in range(3):
        notifier.notify(notifier.notices_for(verdict, channel="mail", item="x", sender="sato@example.co.jp"))
    assert notifier.deliver() == 0
    assert notifier.pending() == 0
    assert _sent_to(smtp_sink) == []
    warnings = [r for r in caplog.records if "internal_domains" in r.getMessage()]
    assert len(warnings) == 1


def test_a_queued_notice_to_an_address_no_longer_internal_is_not_sent(services: Services, smtp_sink: SmtpSink) -> None:
    """Queued while example.net was listed, delivered after it was removed: dropped, not sent."""
    notifier = services.notifier
    wide = dataclasses.replace(notifier.settings, internal_domains=frozenset({"example.co.jp", "example.net"}))
    narrow = notifier.settings
    notifier.settings = wide
    notifier.notify([Notice(r, "[DLP] test", "本文") for r in ("buyer@example.net", "a@example.co.jp")])
    notifier.settings = narrow
    assert notifier.deliver() == 1
    assert _sent_to(smtp_sink) == ["a@example.co.jp"]
