"""上長承認 by link: an approver of the sender's department approves a held customer list once
(delivered once); a replayed, altered or expired link, a GET (a link scanner's prefetch), the
sender themself and another department's approver all fail."""

from __future__ import annotations

import json
import time

import pytest
from itsdangerous.encoding import base64_decode, base64_encode

from dlp.console.links import ApprovalLinks, LinkError, link_for
from tests.console.conftest import ACCOUNTING

pytestmark = pytest.mark.slow  # serves the app


@pytest.fixture()
def issue(app, accounts, console_services):
    console = app.state.console

    def make(entry_id: str, approver: str = "approver_sales") -> str:
        return link_for(console.links, console_services.quarantine, accounts, console.departments, entry_id, approver)

    return make


def test_approved_once_delivered_once_and_a_replay_fails(client_for, hold_mail, issue, smtp_sink, console_services):
    entry = hold_mail()
    token = issue(entry.id)
    browser = client_for(None)  # no account: the link is the approver's credential
    for _ in range(3):  # a mail scanner prefetching the link decides nothing
        page = browser.get(f"/approve/{token}")
        assert page.status_code == 200 and "承認して送信" in page.text
    assert console_services.quarantine.get(entry.id).state == "held" and smtp_sink.messages == []
    r = browser.post(f"/approve/{token}", data={"decision": "approve", "comment": "了解"})
    assert r.status_code == 200 and "承認しました" in r.text
    replay = browser.post(f"/approve/{token}", data={"decision": "approve"})
    assert replay.status_code == 410 and "使用済み" in replay.text
    assert browser.get(f"/approve/{token}").status_code == 410
    assert len(smtp_sink.messages) == 1
    assert console_services.quarantine.get(entry.id).state == "released"
    events = [(r["event"], r.get("actor")) for r in console_services.audit.read()]
    assert ("console.approval_approve", "approver:approver_sales") in events
    assert ("console.link_refused", None) in events


def test_rejected_by_link_never_leaves(client_for, hold_mail, issue, smtp_sink, console_services):
    entry = hold_mail()
    r = client_for(None).post(f"/approve/{issue(entry.id)}", data={"decision": "reject", "comment": "不可"})
    assert "却下しました" in r.text
    assert console_services.quarantine.get(entry.id).state == "deleted" and smtp_sink.messages == []


def test_an_altered_link_is_refused(client_for, hold_mail, issue, console_services):
    entry, other = hold_mail(), hold_mail()
    token = issue(entry.id)
    payload, _, rest = token.partition(".")
    data = json.loads(base64_decode(payload))
    assert data["e"] == entry.id  # ids only, readable: the signature is what protects them
    swapped = base64_encode(json.dumps({**data, "e": other.id}, separators=(",", ":"))).decode()
    forged = f"{swapped}.{rest}"  # another entry under the first link's signature
    tail = "AA" if not token.endswith("AA") else "BB"
    for bad in (forged, token[:-2] + tail, payload):
        r = client_for(None).post(f"/approve/{bad}", data={"decision": "approve"})
        assert r.status_code == 410 and "無効" in r.text
    assert console_services.quarantine.get(other.id).state == "held"


def test_an_expired_link_is_refused(console_services, tmp_path):
    links = ApprovalLinks("k" * 40, tmp_path / "links.sqlite3", max_age=1)
    token = links.issue("Q1", "approver_sales")
    time.sleep(2.1)
    with pytest.raises(LinkError) as caught:
        links.redeem(token)
    assert caught.value.reason == "expired"


def test_only_an_approver_of_the_senders_department_gets_a_link(hold_mail, issue, accounts):
    accounts.add("suzuki", "correct horse battery staple", "approver", "経理部")
    entry = hold_mail(ACCOUNTING)  # from suzuki@example.co.jp, of 経理部
    with pytest.raises(LinkError, match="not an approver of the sender's department"):
        issue(entry.id, "approver_sales")
    with pytest.raises(LinkError, match="cannot approve their own"):
        issue(entry.id, "suzuki")
    with pytest.raises(LinkError, match="not an approver account"):
        issue(entry.id, "officer1")
