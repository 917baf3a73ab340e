"""上長承認 and 送信一時保留 end to end: a real Postfix, `dlp gateway serve` in its own process and
the console app (Starlette TestClient) on the same data folder. A customer list to an outside
address lands awaiting approval; the approver's notice (delivered through Postfix) carries a
link that approves it once (delivered once; a replayed link is refused); a rejected one never
leaves; with ``delay_external`` the sender cancels a mail in time (never delivered) and an
uncancelled one is delivered by the sweep after the delay."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from dlp.config import load_config
from dlp.console.app import create_app
from dlp.console.approval import sweep
from dlp.console.auth import Accounts
from dlp.services import Services
from tests.console.conftest import customer_list_mail
from tests.gateway.postfix import Filter, Postfix
from tests.gateway.test_postfix import _mail, _notices, _send, _to, _wait

pytestmark = pytest.mark.slow  # a real Postfix and gateway

SENDER = "sato@example.co.jp"
APPROVER = "kacho@example.co.jp"
OUTSIDE = "tanaka@partner.example.net"
POLICY = """
schema: 1
record_types: [PHONE, EMAIL]
clauses:
  - id: customer-list-outside
    name: {ja: '顧客リストの社外送信（上長承認）', en: 'customer list to outside (approval)'}
    action: approval
    when:
      all: [{records: '>= 10'}, {external_recipients: true}]
"""


def _filter(base: Path, mta: Postfix, mail: str = "") -> Filter:
    f = Filter(base, mta, mail=mail)
    (base / "policy.yaml").write_text(POLICY, encoding="utf-8")
    with f.config.open("a", encoding="utf-8") as fh:
        fh.write(
            f'\n[scan]\npolicy = "{base / "policy.yaml"}"\n'
            '\n[console]\npublic_url = "https://dlp.example.co.jp"\n'
            f'\n[console.departments]\n"営業部" = ["{SENDER}"]\n'
            f'\n[console.approvers]\n"営業部" = ["{APPROVER}"]\n'
        )
    return f


def _console(f: Filter) -> tuple[Services, TestClient]:
    services = Services(load_config(f.config))
    accounts = Accounts(services.config.path_of("console", "users_file", "console.sqlite3"))
    app = create_app(services, accounts=accounts, mask=lambda text: text)
    return services, TestClient(app, base_url="https://testserver", follow_redirects=False)


def _link(mta: Postfix, rcpt: str, kind: str) -> str:
    _wait(lambda: _notices(mta.sink.messages, rcpt), what=f"the notice to {rcpt}")
    for notice in _notices(mta.sink.messages, rcpt):
        found = re.findall(rf"https://dlp\.example\.co\.jp/{kind}/(\S+)", notice.get_body().get_content())  # type: ignore[union-attr]
        if found:
            return found[0]
    raise AssertionError(f"no {kind} link in the notices to {rcpt}")


def _held_id(f: Filter) -> str:
    _wait(lambda: any(v.get("quarantine_id") for v in f.verdicts()), what="the held verdict")
    return next(v["quarantine_id"] for v in f.verdicts() if v.get("quarantine_id"))


def test_a_customer_list_outside_is_approved_once_and_delivered_once(tmp_path: Path, mta: Postfix) -> None:
    f = _filter(tmp_path / "gw", mta).start()
    try:
        _send(mta, customer_list_mail(SENDER), [OUTSIDE])
        token = _link(mta, APPROVER, "approve")
        entry_id = _held_id(f)
        assert _to(mta.sink.messages, OUTSIDE) == []  # awaiting approval: not sent
        assert not any("/approve/" in n.get_body().get_content() for n in _notices(mta.sink.messages, SENDER))  # type: ignore[union-attr]
        services, browser = _console(f)
        with browser:
            assert browser.get(f"/approve/{token}").status_code == 200
            assert browser.post(f"/approve/{token}", data={"decision": "approve"}).status_code == 200
            assert browser.post(f"/approve/{token}", data={"decision": "approve"}).status_code == 410
        _wait(lambda: len(_to(mta.sink.messages, OUTSIDE)) == 1, what="the approved mail")
        time.sleep(2)
        assert len(_to(mta.sink.messages, OUTSIDE)) == 1
        assert services.quarantine.get(entry_id).state == "released"
    finally:
        f.stop()


def test_a_rejected_customer_list_never_leaves(tmp_path: Path, mta: Postfix) -> None:
    f = _filter(tmp_path / "gw", mta).start()
    try:
        _send(mta, customer_list_mail(SENDER), [OUTSIDE])
        token = _link(mta, APPROVER, "approve")
        entry_id = _held_id(f)
        services, browser = _console(f)
        with browser:
            assert browser.post(f"/approve/{token}", data={"decision": "reject"}).status_code == 200
        assert services.quarantine.get(entry_id).state == "deleted"
        services.notifier.deliver()  # the sender's 却下 notice, through Postfix
        _wait(
            lambda: any("却下" in n.get_body().get_content() for n in _notices(mta.sink.messages, SENDER)),  # type: ignore[union-attr]
            what="the sender told of the rejection",
        )
        assert sweep(services, now=time.time() + 365 * 86400) == []
        assert _to(mta.sink.messages, OUTSIDE) == []
    finally:
        f.stop()


def test_delayed_mail_cancelled_in_time_is_never_sent_and_the_other_is_sent_after_the_delay(
    tmp_path: Path, mta: Postfix
) -> None:
    f = _filter(tmp_path / "gw", mta, mail='delay_external = "1 minutes"').start()
    try:
        _send(mta, _mail(to=OUTSIDE, subject="キャンセルする件"), [OUTSIDE])
        cancel = _link(mta, SENDER, "cancel")
        first = _held_id(f)
        services, browser = _console(f)
        with browser:
            assert browser.get(f"/cancel/{cancel}").status_code == 200
            assert browser.post(f"/cancel/{cancel}").status_code == 200
            assert browser.post(f"/cancel/{cancel}").status_code == 410  # once
            # a cancel link is not an approval
            assert browser.post(f"/approve/{cancel}", data={"decision": "approve"}).status_code == 410
        assert services.quarantine.get(first).state == "deleted"
        mta.sink.messages.clear()
        _send(mta, _mail(to=OUTSIDE, subject="送る件"), [OUTSIDE])
        _wait(lambda: _notices(mta.sink.messages, SENDER), what="the second cancel notice")
        second = next(v["quarantine_id"] for v in f.verdicts() if v.get("quarantine_id") not in (None, first))
        assert sweep(services) == [] and _to(mta.sink.messages, OUTSIDE) == []  # not before the delay
        swept = sweep(services, now=time.time() + 61)
        assert [(s.entry_id, s.outcome) for s in swept] == [(second, "released")]
        _wait(lambda: len(_to(mta.sink.messages, OUTSIDE)) == 1, what="the delayed mail")
        assert services.quarantine.get(first).state == "deleted"
        assert sweep(services, now=time.time() + 3600) == []  # once
    finally:
        f.stop()
