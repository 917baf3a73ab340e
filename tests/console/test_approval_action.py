"""上長承認 as a policy action: the grammar and order of ``approval``, and its state machine
through the enforcement seam, the real notifier (to an SMTP sink), the console app and the
timeout sweep: held awaiting approval, the approver's notice carries a link that approves once
(delivered once, a replay refused), a rejection never leaves, the sender is told, and a mail
nobody decides is rejected or released by ``dlp console sweep`` as configured."""

from __future__ import annotations

import email
import re
import subprocess
import sys
import time
from email.policy import default as default_policy
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from dlp.actions.enforce import Enforcement
from dlp.actions.entries import Envelope
from dlp.config import ConfigError, load_config, parse_delay
from dlp.console.approval import awaiting, delay_until, offer_cancel, sweep
from dlp.detect.rules import RuleFileError, load_rules
from dlp.gateway.address import mail_context
from dlp.model import VERDICT_EXIT, Action, Item
from dlp.pipeline import scan_item
from dlp.policy import ScanContext, load_policy
from dlp.services import Services
from dlp.settings import Settings
from tests.conftest import TEST_KEY
from tests.console import test_browser
from tests.console.conftest import SALES, customer_list_mail

pytestmark = pytest.mark.slow  # real SMTP sink, the console app
APPROVER = "kacho@example.co.jp"  # 営業部の課長
OUTSIDE = "tanaka@partner.example.net"

POLICY = """
schema: 1
record_types: [PHONE, EMAIL]
clauses:
  - id: contact-data
    name: {ja: '連絡先を含む', en: 'contact data'}
    action: warn
    when: {types: [PHONE, EMAIL], distinct: '>= 1'}
  - id: customer-list-outside
    name: {ja: '顧客リストの社外送信（上長承認）', en: 'customer list to outside (approval)'}
    action: approval
    when:
      all: [{records: '>= 10'}, {external_recipients: true}]
  - id: big-list
    name: {ja: '50人分以上', en: '50 or more people'}
    action: quarantine
    when: {records: '>= 50'}
"""


@pytest.fixture()
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return path


@pytest.fixture()
def approval_config(console_config: Path, policy_file: Path) -> Path:
    text = console_config.read_text(encoding="utf-8")
    text = text.replace("[paths]", f'[scan]\npolicy = "{policy_file}"\n\n[paths]', 1)
    text += (
        f'\n[console]\npublic_url = "https://dlp.example.co.jp/"\napproval_timeout = "1s"\n'
        f'\n[console.approvers]\n"営業部" = ["{APPROVER}", "{SALES}"]\n'
    )
    console_config.write_text(text, encoding="utf-8")
    return console_config


@pytest.fixture()
def console_services(approval_config: Path) -> Services:  # overrides the console conftest's
    return Services(load_config(approval_config))


@pytest.fixture()
def approval_settings(console_services: Services) -> Settings:
    return Settings.load(console_services.config, key=TEST_KEY)


def _policy(tmp_path: Path, text: str):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return load_policy(path, known_types=load_rules().types)


# --- grammar and order ---------------------------------------------------------------------------


def test_approval_sits_between_warn_and_quarantine(tmp_path: Path) -> None:
    assert Action.WARN < Action.APPROVAL < Action.QUARANTINE < Action.BLOCK
    assert Action.parse("approval") is Action.APPROVAL and Action.APPROVAL.label == "approval"
    assert VERDICT_EXIT[Action.APPROVAL] == 6  # its own code; 0-5 keep their meaning
    policy = _policy(tmp_path, POLICY)
    clauses = {c.id: c.action for c in policy.clauses}
    assert clauses["customer-list-outside"] is Action.APPROVAL


def test_a_bad_action_names_approval_in_the_message(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError) as caught:
        _policy(tmp_path, POLICY.replace("action: approval", "action: approve"))
    assert "approval" in str(caught.value) and "approve" in str(caught.value)


def test_the_outside_customer_list_awaits_approval_and_internal_mail_is_warned(approval_settings) -> None:
    internal = {"example.co.jp"}
    data = customer_list_mail()  # 20 customers
    outside = scan_item(
        Item.from_bytes(data, "m.eml", channel="mail"), approval_settings, mail_context(SALES, (OUTSIDE,), internal)
    )
    inside = scan_item(
        Item.from_bytes(data, "m.eml", channel="mail"),
        approval_settings,
        mail_context(SALES, ("x@example.co.jp",), internal),
    )
    assert outside.action is Action.APPROVAL and outside.clause == "customer-list-outside"
    assert inside.action is Action.WARN
    assert ScanContext(channel="mail", external_recipients=True).external_recipients


def test_config_checks_the_timeout_action(approval_config: Path) -> None:
    approval_config.write_text(
        approval_config.read_text(encoding="utf-8").replace(
            'approval_timeout = "1s"', 'approval_timeout = "1s"\napproval_timeout_action = "send"'
        ),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(approval_config)
    assert "reject" in str(caught.value)


# --- the state machine ---------------------------------------------------------------------------


def _hold(services: Services, settings: Settings) -> str:
    """As the gateway does: scan with the mail context, hold, audit, notify (the seam)."""
    data = customer_list_mail()
    envelope = Envelope(SALES, (OUTSIDE,))
    verdict = scan_item(
        Item.from_bytes(data, "message.eml", channel="mail"),
        settings,
        mail_context(SALES, envelope.rcpt_tos, services.internal_domains()),
    )
    assert verdict.action is Action.APPROVAL
    enforcement = Enforcement(services, "mail", actor="dlp-gateway")
    entry = enforcement.hold_mail(data, verdict, envelope, locator="mail:<list@example.co.jp>")
    enforcement.notify(
        verdict, item="件名 Subject: 顧客リスト送付", sender=SALES, recipients=[OUTSIDE], quarantine_id=entry.id
    )
    assert awaiting(services.quarantine.get(entry.id))
    return entry.id


def _notices(services: Services, sink, count: int) -> dict[str, list[str]]:
    services.notifier.deliver()
    got: dict[str, list[str]] = {}
    for m in sink.wait_for(count):
        body = email.message_from_bytes(m.data, policy=default_policy).get_body().get_content()  # type: ignore[union-attr]
        for r in m.rcpt_tos:
            got.setdefault(r, []).append(body)
    return got


def test_the_approver_link_approves_once_and_the_mail_is_delivered_once(
    console_services, approval_settings, smtp_sink, client_for
) -> None:
    entry_id = _hold(console_services, approval_settings)
    # the sender and the approver (never the sender as approver); the officer is told from quarantine up
    notices = _notices(console_services, smtp_sink, 2)
    assert set(notices) == {SALES, APPROVER}
    assert "上長承認待ち" in notices[SALES][0]
    body = notices[APPROVER][0]
    assert "上長承認のお願い" not in body  # the subject is the header; the body speaks Japanese first
    assert body.index("承認者様") < body.index("English")
    links = re.findall(r"https://dlp\.example\.co\.jp/approve/(\S+)", body)
    assert len(links) == 2 and links[0] == links[1]  # same link in both languages
    token = links[0]
    smtp_sink.messages.clear()
    browser = client_for(None)
    assert browser.get(f"/approve/{token}").status_code == 200  # prefetch decides nothing
    assert console_services.quarantine.get(entry_id).state == "held"
    r = browser.post(f"/approve/{token}", data={"decision": "approve"})
    assert r.status_code == 200, r.text
    assert browser.post(f"/approve/{token}", data={"decision": "approve"}).status_code == 410  # replay
    delivered = [m for m in smtp_sink.wait_for(1) if OUTSIDE in m.rcpt_tos]
    assert len(delivered) == 1 and console_services.quarantine.get(entry_id).state == "released"
    told = _notices(console_services, smtp_sink, 2)
    assert any("承認（送信しました）" in b for b in told[SALES])
    assert len([m for m in smtp_sink.messages if OUTSIDE in m.rcpt_tos]) == 1


def test_a_rejected_mail_never_leaves_and_the_sender_is_told(
    console_services, approval_settings, smtp_sink, client_for
) -> None:
    entry_id = _hold(console_services, approval_settings)
    token = re.findall(r"/approve/(\S+)", _notices(console_services, smtp_sink, 2)[APPROVER][0])[0]
    smtp_sink.messages.clear()
    r = client_for(None).post(f"/approve/{token}", data={"decision": "reject", "comment": "社外秘"})
    assert r.status_code == 200, r.text
    assert console_services.quarantine.get(entry_id).state == "deleted"
    told = _notices(console_services, smtp_sink, 1)
    assert "却下（送信しません）" in told[SALES][0]
    assert sweep(console_services, now=time.time() + 10) == []  # nothing left to settle
    assert not [m for m in smtp_sink.messages if OUTSIDE in m.rcpt_tos]


def test_the_sweep_rejects_an_undecided_mail_after_the_timeout(console_services, approval_settings, smtp_sink) -> None:
    entry_id = _hold(console_services, approval_settings)
    _notices(console_services, smtp_sink, 2)
    smtp_sink.messages.clear()
    assert sweep(console_services) == []  # not yet: 1 s has not passed
    time.sleep(1.2)
    swept = sweep(console_services)
    assert [(s.entry_id, s.outcome) for s in swept] == [(entry_id, "rejected")]
    assert console_services.quarantine.get(entry_id).state == "deleted"
    assert sweep(console_services) == []  # once
    told = _notices(console_services, smtp_sink, 1)
    assert "期限切れ（送信しません）" in told[SALES][0]
    assert not [m for m in smtp_sink.messages if OUTSIDE in m.rcpt_tos]


def test_dlp_console_sweep_releases_when_so_configured(
    console_services, approval_settings, approval_config, smtp_sink
) -> None:
    approval_config.write_text(
        approval_config.read_text(encoding="utf-8").replace(
            'approval_timeout = "1s"', 'approval_timeout = "1s"\napproval_timeout_action = "release"'
        ),
        encoding="utf-8",
    )
    entry_id = _hold(console_services, approval_settings)
    _notices(console_services, smtp_sink, 2)
    smtp_sink.messages.clear()
    time.sleep(1.2)
    run = subprocess.run(
        [sys.executable, "-m", "dlp", "console", "sweep", "--config", str(approval_config)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert f"{entry_id}: released" in run.stdout
    delivered = [m for m in smtp_sink.wait_for(2) if OUTSIDE in m.rcpt_tos]
    assert len(delivered) == 1
    assert Services(load_config(approval_config)).quarantine.get(entry_id).state == "released"
    told = [
        email.message_from_bytes(m.data, policy=default_policy).get_body().get_content()  # type: ignore[union-attr]
        for m in smtp_sink.messages
        if SALES in m.rcpt_tos
    ]
    assert len(told) == 1 and "期限切れ（送信しました）" in told[0]


def test_the_sender_is_never_their_own_approver(console_services, approval_settings, smtp_sink) -> None:
    _hold(console_services, approval_settings)
    notices = _notices(console_services, smtp_sink, 2)
    assert not any("/approve/" in b for b in notices[SALES])


# --- in a real browser ---------------------------------------------------------------------------

server = test_browser.server  # uvicorn on loopback with this module's (approval) services
browser = test_browser.browser  # Debian's chromium through chromium-driver


def test_in_a_browser_the_approver_approves_from_the_notice_once(
    server, browser, console_services, approval_settings, smtp_sink, tmp_path
) -> None:
    entry_id = _hold(console_services, approval_settings)
    body = _notices(console_services, smtp_sink, 2)[APPROVER][0]
    path = re.findall(r"https://dlp\.example\.co\.jp(/approve/\S+)", body)[0]
    smtp_sink.messages.clear()
    browser.get(f"{server}{path}")  # as the approver clicks it in the notice: no account
    assert browser.find_element(By.ID, "state").text == "held"
    test_browser.shot(browser, tmp_path, "approval-notice-link")
    test_browser.submit(browser, "approve")
    assert "承認しました" in browser.find_element(By.ID, "decided").text
    test_browser.shot(browser, tmp_path, "approval-approved")
    browser.get(f"{server}{path}")  # the link from the notice again
    assert browser.find_element(By.ID, "problem").text == "このリンクは使用済みです。"
    assert len([m for m in smtp_sink.wait_for(1) if OUTSIDE in m.rcpt_tos]) == 1
    assert console_services.quarantine.get(entry_id).state == "released"


# --- 送信一時保留 ------------------------------------------------------------------------------------


def test_delay_external_reads_minutes() -> None:
    assert parse_delay("10 minutes") == parse_delay("10分") == parse_delay("10m") == 600
    assert parse_delay(0) == 0 and parse_delay("soon") is None


def test_a_delayed_mail_is_cancelled_once_by_its_sender_and_never_sent(
    console_services, settings, smtp_sink, client_for
) -> None:
    data = customer_list_mail(subject="少しだけ")
    envelope = Envelope(SALES, (OUTSIDE,))
    verdict = scan_item(Item.from_bytes(data, "message.eml", channel="mail"), settings, ScanContext(channel="mail"))
    enforcement = Enforcement(console_services, "mail", actor="dlp-gateway")
    until = time.time() + 60
    entry = enforcement.hold_mail(data, verdict, envelope, locator="mail:<d@example.co.jp>", delay_until=until)
    assert delay_until(console_services.quarantine.get(entry.id, private=True)) == until
    assert offer_cancel(
        console_services, verdict, entry_id=entry.id, sender=SALES, recipients=[OUTSIDE], item="x", until=until
    )
    body = _notices(console_services, smtp_sink, 1)[SALES][0]
    token = re.findall(r"/cancel/(\S+)", body)[0]
    smtp_sink.messages.clear()
    sender = client_for(None)
    assert sender.post(f"/approve/{token}", data={"decision": "approve"}).status_code == 410  # not an approval
    assert sender.post(f"/cancel/{token}").status_code == 200
    assert sender.post(f"/cancel/{token}").status_code == 410
    assert console_services.quarantine.get(entry.id).state == "deleted"
    assert sweep(console_services, now=until + 1) == []
    assert not [m for m in smtp_sink.messages if OUTSIDE in m.rcpt_tos]
