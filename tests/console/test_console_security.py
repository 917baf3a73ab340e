"""Attacks on the console, as real HTTP requests: forged forms (CSRF), another department's
entry (IDOR), script in a file name, subject and sender name (XSS), password guessing."""

from __future__ import annotations

import pytest

from dlp.console.auth import FAILURES_ALLOWED
from dlp.model import Item
from dlp.pipeline import scan_item
from tests.console.conftest import ACCOUNTING, PASSWORD, csrf_of

pytestmark = pytest.mark.slow  # serves the app

SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize("token", [None, "", "forged-token-of-the-right-length-000000000"])
def test_a_form_without_the_session_token_is_refused(client_for, hold_mail, console_services, smtp_sink, token) -> None:
    entry = hold_mail()
    client = client_for()
    data = {"reason": "CSRF"} | ({"csrf": token} if token is not None else {})
    assert client.post(f"/entry/{entry.id}/release", data=data).status_code == 403
    assert client.post(f"/entry/{entry.id}/delete", data=data).status_code == 403
    assert console_services.quarantine.get(entry.id).state == "held" and smtp_sink.messages == []
    refused = [r for r in console_services.audit.read() if r["event"] == "console.refused"]
    assert refused and refused[-1]["why"] == "csrf"


def test_another_sessions_token_is_refused(client_for, hold_mail, console_services) -> None:
    entry = hold_mail()
    other = csrf_of(client_for("auditor1"), f"/entry/{entry.id}")
    client = client_for()
    assert client.post(f"/entry/{entry.id}/delete", data={"csrf": other}).status_code == 403
    assert console_services.quarantine.get(entry.id).state == "held"


def test_a_cross_site_post_is_refused_even_with_the_token(client_for, hold_mail, console_services) -> None:
    entry = hold_mail()
    client = client_for()
    token = csrf_of(client, f"/entry/{entry.id}")
    r = client.post(f"/entry/{entry.id}/delete", data={"csrf": token}, headers={"origin": "https://evil.example"})
    assert r.status_code == 403
    r = client.post(f"/entry/{entry.id}/delete", data={"csrf": token}, headers={"sec-fetch-site": "cross-site"})
    assert r.status_code == 403
    assert console_services.quarantine.get(entry.id).state == "held"


def test_an_approver_cannot_open_or_act_on_another_departments_entry(
    client_for, hold_mail, console_services, smtp_sink
) -> None:
    other = hold_mail(ACCOUNTING)
    client = client_for("approver_sales")
    assert client.get(f"/entry/{other.id}").status_code == 403
    token = csrf_of(client, "/")
    r = client.post(f"/entry/{other.id}/release", data={"csrf": token, "reason": "IDOR"})
    assert r.status_code == 403
    assert console_services.quarantine.get(other.id).state == "held" and smtp_sink.messages == []
    refused = [r for r in console_services.audit.read() if r["event"] == "console.refused"]
    assert any(other.id in r["why"] for r in refused)


def test_script_in_subject_sender_name_and_file_name_is_shown_as_text(
    client_for, hold_mail, console_services, settings, tmp_path
) -> None:
    mail = hold_mail(subject=SCRIPT, display='<img src=x onerror="alert(2)">', filename=f"{SCRIPT}.csv")
    path = tmp_path / '<svg onload=alert(3)>"顧客.txt'
    path.write_text("電話 090-1234-5678 山田太郎", encoding="utf-8")
    held = console_services.quarantine.put_file(path, scan_item(Item.from_path(path), settings), channel="scan")
    client = client_for()
    pages = [client.get("/").text, client.get(f"/entry/{mail.id}").text, client.get(f"/entry/{held.id}").text]
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page and "<svg onload" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1]  # the subject, escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.csv" in pages[1]  # the attachment name, escaped
    assert "&lt;svg onload=alert(3)&gt;" in pages[2]


def test_login_is_throttled_after_repeated_failures(client_for, console_services) -> None:
    client = client_for(None)
    for _ in range(FAILURES_ALLOWED):
        r = client.post("/login", data={"user": "officer1", "password": "wrong password guess"})
        assert r.status_code == 401
    r = client.post("/login", data={"user": "officer1", "password": PASSWORD})
    assert r.status_code == 429  # even the right password waits
    assert "しばらく待って" in r.text
    events = [r["event"] for r in console_services.audit.read()]
    assert events.count("console.login_failed") == FAILURES_ALLOWED and "console.login_throttled" in events


def test_an_unknown_user_fails_like_a_wrong_password(client_for) -> None:
    client = client_for(None)
    r = client.post("/login", data={"user": "nobody", "password": PASSWORD})
    assert r.status_code == 401 and "ユーザー名またはパスワードが違います" in r.text


def test_disabling_an_account_ends_its_session(client_for, accounts) -> None:
    client = client_for("auditor1")
    assert client.get("/").status_code == 200
    accounts.disable("auditor1")
    assert client.get("/").status_code == 303


def test_a_login_posted_from_another_site_is_refused(client_for) -> None:
    client = client_for(None)
    r = client.post(
        "/login", data={"user": "officer1", "password": PASSWORD}, headers={"origin": "https://evil.example"}
    )
    assert r.status_code == 403 and "dlp_session" not in r.headers.get("set-cookie", "")


def test_the_proxy_header_is_ignored_unless_configured(client_for) -> None:
    client = client_for(None)
    assert client.get("/", headers={"x-remote-user": "officer1"}).status_code == 303


def test_the_configured_proxy_header_signs_in_local_users_only(console_config, accounts, settings) -> None:
    from starlette.testclient import TestClient

    from dlp.config import load_config
    from dlp.console.app import create_app
    from dlp.masking import mask_text
    from dlp.services import Services

    with console_config.open("a", encoding="utf-8") as fh:
        fh.write('\n[console]\ntrusted_proxy_header = "X-Remote-User"\n')
    services = Services(load_config(console_config))
    app = create_app(services, accounts=accounts, mask=lambda text: mask_text(text, settings.engine))
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        assert client.get("/", headers={"x-remote-user": "nobody"}).status_code == 303  # never made from a header
        assert client.get("/", headers={"x-remote-user": "officer1"}).status_code == 200
    logins = [r for r in services.audit.read() if r["event"] == "console.login"]
    assert logins and logins[-1]["via"] == "X-Remote-User"
