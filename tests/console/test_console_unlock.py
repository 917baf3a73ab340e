"""An officer unlocks a throttled sign-in (page and CLI), audited; nobody else can."""

from __future__ import annotations

from starlette.testclient import TestClient

from dlp.console.auth import FAILURES_ALLOWED
from tests.console.conftest import PASSWORD, csrf_of

ATTACKER = "192.0.2.66"


def _throttle(app, accounts, user: str) -> None:
    """Password guesses for ``user`` from another address than the officers' browsers, then six
    more recorded: the account waits 64 s, longer than any test."""
    with TestClient(app, base_url="https://testserver", follow_redirects=False, client=(ATTACKER, 40000)) as client:
        for _ in range(FAILURES_ALLOWED):
            assert client.post("/login", data={"user": user, "password": "wrong password guess"}).status_code == 401
        assert client.post("/login", data={"user": user, "password": PASSWORD}).status_code == 429
    for _ in range(6):
        accounts.failed(f"user:{user}")


def test_an_officer_unlocks_a_throttled_account_and_it_is_audited(app, accounts, client_for, console_services) -> None:
    _throttle(app, accounts, "approver_sales")
    officer = client_for("officer1")
    page = officer.get("/throttled")
    assert page.status_code == 200 and "user:approver_sales" in page.text and f"ip:{ATTACKER}" in page.text
    assert client_for(None).post("/login", data={"user": "approver_sales", "password": PASSWORD}).status_code == 429
    r = officer.post("/throttled/unlock", data={"csrf": csrf_of(officer, "/throttled"), "key": "user:approver_sales"})
    assert r.status_code == 303
    assert "user:approver_sales" not in officer.get("/throttled").text
    client_for("approver_sales")  # signs in at once (asserts 303)
    unlocks = [x for x in console_services.audit.read() if x["event"] == "console.user_unlock"]
    assert len(unlocks) == 1
    assert unlocks[0]["actor"] == "console:officer1" and unlocks[0]["user"] == "approver_sales"
    assert unlocks[0]["cleared"] == FAILURES_ALLOWED + 6


def test_approvers_and_auditors_cannot_unlock(app, client_for, accounts, console_services) -> None:
    _throttle(app, accounts, "officer1")
    for user in ("approver_sales", "auditor1"):
        client = client_for(user)
        assert client.get("/throttled").status_code == 403
        token = csrf_of(client, "/")
        r = client.post("/throttled/unlock", data={"csrf": token, "key": "user:officer1"})
        assert r.status_code == 403
    assert "user:officer1" in [key for key, _, _ in accounts.throttled()]  # still counted
    assert not [x for x in console_services.audit.read() if x["event"] == "console.user_unlock"]


def test_an_unlock_without_the_csrf_token_is_refused(app, client_for, accounts) -> None:
    _throttle(app, accounts, "auditor1")
    officer = client_for("officer1")
    assert officer.post("/throttled/unlock", data={"key": "user:auditor1"}).status_code == 403
    assert officer.post("/throttled/unlock", data={"csrf": "forged", "key": "user:auditor1"}).status_code == 403
    assert "user:auditor1" in [key for key, _, _ in accounts.throttled()]
