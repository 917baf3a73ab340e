"""The review queue as officers, approvers and auditors use it, over real HTTP requests against
the app with a real store, audit trail and SMTP next hop."""

from __future__ import annotations

import pytest

from tests.console.conftest import ACCOUNTING, SALES, csrf_of

pytestmark = pytest.mark.slow  # serves the app


def test_login_sets_a_secure_httponly_strict_cookie(client_for) -> None:
    client = client_for(None)
    r = client.post("/login", data={"user": "officer1", "password": "correct horse battery staple"})
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie
    assert r.headers["content-security-policy"].startswith("default-src 'self'")
    assert client.get("/").status_code == 200


def test_pages_need_a_session(client_for) -> None:
    client = client_for(None)
    assert client.get("/").status_code == 303
    assert client.get("/").headers["location"] == "/login"


def test_queue_lists_held_mail_japanese_first_english_on_request(client_for, hold_mail) -> None:
    entry = hold_mail()
    client = client_for()
    page = client.get("/").text
    assert entry.id in page and "保留一覧" in page and "営業部" in page
    english = client.get("/?lang=en")
    assert "Review queue" in english.text
    assert "Review queue" in client.get("/").text  # the choice is kept in a cookie
    assert entry.id not in client.get("/?domain=nowhere.example").text
    assert entry.id in client.get("/?domain=partner.example.net&sender=sato").text


def test_detail_shows_masked_findings_headers_and_attachments(client_for, hold_mail) -> None:
    entry = hold_mail()
    client = client_for()
    page = client.get(f"/entry/{entry.id}").text
    findings = entry.verdict["findings"]
    assert findings, "the customer list must have findings"
    assert findings[0]["masked"] in page
    assert "顧客リスト送付" in page and "@partner.example.net" in page
    assert "tanaka@" not in page and "佐藤 一郎" not in page  # header values masked by the detector
    assert "顧客リスト.csv" in page and "text/csv" in page


def test_release_once_with_a_reason_and_in_the_history(client_for, hold_mail, console_services, smtp_sink) -> None:
    entry = hold_mail()
    client = client_for()
    token = csrf_of(client, f"/entry/{entry.id}")
    missing = client.post(f"/entry/{entry.id}/release", data={"csrf": token})
    assert "error=reason_needed" in missing.headers["location"]
    r = client.post(f"/entry/{entry.id}/release", data={"csrf": token, "reason": "取引先への正規の送付"})
    assert r.headers["location"].endswith("done=release")
    again = client.post(f"/entry/{entry.id}/release", data={"csrf": token, "reason": "もう一度"})
    assert "error=failed" in again.headers["location"]
    assert len(smtp_sink.messages) == 1  # delivered exactly once
    assert console_services.quarantine.get(entry.id).state == "released"
    history = client.get(f"/entry/{entry.id}").text
    assert "released" in history and "console:officer1" in history and "取引先への正規の送付" in history


def test_reject_shreds_and_never_sends(client_for, hold_mail, console_services, smtp_sink) -> None:
    entry = hold_mail()
    client = client_for("approver_sales")
    token = csrf_of(client, f"/entry/{entry.id}")
    r = client.post(f"/entry/{entry.id}/reject", data={"csrf": token, "reason": "社外秘"})
    assert r.headers["location"].endswith("done=reject")
    assert console_services.quarantine.get(entry.id).state == "deleted"
    assert smtp_sink.messages == []
    assert "rejected: 社外秘" in client.get(f"/entry/{entry.id}").text


def test_note_is_audited_and_shown(client_for, hold_mail) -> None:
    entry = hold_mail()
    client = client_for("auditor1")
    token = csrf_of(client, f"/entry/{entry.id}")
    assert client.post(f"/entry/{entry.id}/note", data={"csrf": token, "reason": "確認済み"}).status_code == 303
    assert "確認済み" in client.get(f"/entry/{entry.id}").text


def test_export_is_for_officers_only(client_for, hold_mail, console_services) -> None:
    entry = hold_mail()
    officer = client_for()
    r = officer.post(f"/entry/{entry.id}/export", data={"csrf": csrf_of(officer, f"/entry/{entry.id}")})
    assert r.status_code == 200 and r.content == console_services.quarantine.content(entry.id)
    for user in ("approver_sales", "auditor1"):
        client = client_for(user)
        r = client.post(f"/entry/{entry.id}/export", data={"csrf": csrf_of(client, f"/entry/{entry.id}")})
        assert r.status_code == 403


def test_auditor_cannot_release(client_for, hold_mail, smtp_sink) -> None:
    entry = hold_mail()
    client = client_for("auditor1")
    token = csrf_of(client, f"/entry/{entry.id}")
    assert client.post(f"/entry/{entry.id}/release", data={"csrf": token, "reason": "x"}).status_code == 403
    assert smtp_sink.messages == []


def test_approver_sees_only_their_department(client_for, hold_mail) -> None:
    own, other = hold_mail(SALES), hold_mail(ACCOUNTING)
    page = client_for("approver_sales").get("/").text
    assert own.id in page and other.id not in page


def test_racing_releases_from_two_officers_deliver_once(client_for, hold_mail, accounts, smtp_sink) -> None:
    from concurrent.futures import ThreadPoolExecutor

    accounts.add("officer2", "correct horse battery staple", "officer")
    entry = hold_mail()
    clients = [client_for("officer1"), client_for("officer2")]
    tokens = [csrf_of(c, f"/entry/{entry.id}") for c in clients]

    def release(i: int) -> str:
        r = clients[i].post(f"/entry/{entry.id}/release", data={"csrf": tokens[i], "reason": f"担当{i}"})
        return r.headers["location"]

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(release, [0, 1, 0, 1]))
    assert sum(o.endswith("done=release") for o in outcomes) == 1
    assert len(smtp_sink.messages) == 1
