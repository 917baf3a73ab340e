"""A sender overrides a warning with a written justification through the cancel link of a
delayed mail (送信一時保留): sent at once and once, the reason audited; refused without a reason,
for anything above warn, and on a replayed link."""

from __future__ import annotations

import dataclasses
import time

import pytest

from dlp.actions.enforce import Enforcement
from dlp.actions.entries import Envelope
from dlp.console.approval import cancel_links, sweep
from dlp.model import Action, Item
from dlp.pipeline import scan_item
from dlp.policy import ScanContext
from tests.console.conftest import SALES, customer_list_mail

pytestmark = pytest.mark.slow  # real SMTP sink, the console app
OUTSIDE = "tanaka@partner.example.net"


def _delayed(services, settings, *, action: str) -> tuple[str, str, float]:
    """A mail held by 送信一時保留 with a verdict of ``action``; its cancel token."""
    data = customer_list_mail(subject="見積もり")
    verdict = scan_item(Item.from_bytes(data, "message.eml", channel="mail"), settings, ScanContext(channel="mail"))
    assert verdict.action.label == "warn"  # a contact list, by the default policy
    if action != "warn":
        verdict = dataclasses.replace(verdict, action=Action.parse(action))
    until = time.time() + 600
    entry = Enforcement(services, "mail", actor="dlp-gateway").hold_mail(
        data, verdict, Envelope(SALES, (OUTSIDE,)), locator="mail:<o@example.co.jp>", delay_until=until
    )
    assert services.quarantine.get(entry.id).action == action
    return entry.id, cancel_links(services).issue(entry.id, SALES), until


def test_a_sender_sends_a_warned_mail_at_once_with_a_justification(
    console_services, settings, smtp_sink, client_for
) -> None:
    entry_id, token, until = _delayed(console_services, settings, action="warn")
    sender = client_for(None)
    page = sender.get(f"/cancel/{token}")
    assert page.status_code == 200 and 'id="override"' in page.text
    empty = sender.post(f"/cancel/{token}", data={"decision": "override", "justification": "  "})
    assert empty.status_code == 400 and console_services.quarantine.get(entry_id).state == "held"
    r = sender.post(f"/cancel/{token}", data={"decision": "override", "justification": "契約書の送付先確認のため"})
    assert r.status_code == 200 and 'id="overridden"' in r.text
    assert console_services.quarantine.get(entry_id).state == "released"
    assert [m.rcpt_tos for m in smtp_sink.messages if OUTSIDE in m.rcpt_tos] == [[OUTSIDE]]
    replay = sender.post(f"/cancel/{token}", data={"decision": "override", "justification": "もう一度"})
    assert replay.status_code == 410
    assert sweep(console_services, now=until + 1) == []  # the delay's end sends nothing again
    assert len([m for m in smtp_sink.messages if OUTSIDE in m.rcpt_tos]) == 1
    lines = [x for x in console_services.audit.read() if x["event"] == "console.sender_override"]
    assert len(lines) == 1 and lines[0]["actor"] == f"sender:{SALES}"
    assert lines[0]["justification"] == "契約書の送付先確認のため" and lines[0]["entry_id"] == entry_id


def test_no_override_above_warn(console_services, settings, smtp_sink, client_for) -> None:
    entry_id, token, _ = _delayed(console_services, settings, action="quarantine")
    sender = client_for(None)
    assert 'id="override"' not in sender.get(f"/cancel/{token}").text
    r = sender.post(f"/cancel/{token}", data={"decision": "override", "justification": "急ぎです"})
    assert r.status_code == 410 and console_services.quarantine.get(entry_id).state == "held"
    assert not [m for m in smtp_sink.messages if OUTSIDE in m.rcpt_tos]
    # the link was not used up: the sender can still cancel
    assert sender.post(f"/cancel/{token}").status_code == 200
    assert console_services.quarantine.get(entry_id).state == "deleted"
