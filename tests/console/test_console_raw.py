"""Raw values on request: only for a role `[console] raw_value_roles` names (officers by default),
only by a POST with the session's CSRF token and a reason, shown in that response only
(no-store), and audited with who and why but never the values."""

from __future__ import annotations

import logging
import re

import pytest
from faker import Faker

from tests.console.conftest import PASSWORD, csrf_of


def _phones() -> list[str]:
    """The phone numbers of the Faker ja_JP list customer_list_mail attaches (same seed)."""
    fake = Faker("ja_JP")
    Faker.seed(14)
    rows = [(fake.name(), fake.phone_number(), fake.email()) for _ in range(20)]
    return [phone for _, phone, _ in rows]


def test_an_officer_sees_raw_values_once_with_a_reason_and_the_view_is_audited(
    client_for, hold_mail, console_services, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    entry = hold_mail()
    client = client_for("officer1")
    detail = client.get(f"/entry/{entry.id}")
    phones = _phones()
    assert 'id="raw"' in detail.text and not any(p in detail.text for p in phones)  # masked by default

    token = csrf_of(client, f"/entry/{entry.id}")
    r = client.post(f"/entry/{entry.id}/raw", data={"csrf": token, "reason": "誤検知の確認（問い合わせ 123）"})
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    shown = [p for p in phones if p in r.text]
    assert len(shown) >= 10, r.text[:2000]  # the list's numbers, as written

    views = [line for line in console_services.audit.read() if line["event"] == "console.raw_view"]
    assert len(views) == 1
    assert views[0]["actor"] == "console:officer1" and views[0]["entry_id"] == entry.id
    assert views[0]["reason"] == "誤検知の確認（問い合わせ 123）" and views[0]["findings"] >= 10
    trail = console_services.audit.path.read_text(encoding="utf-8")
    assert not any(p in trail or re.sub(r"\D", "", p) in trail for p in phones)
    assert not any(p in caplog.text for p in phones)
    # nothing is kept: the detail page afterwards is masked again
    assert not any(p in client.get(f"/entry/{entry.id}").text for p in phones)


def test_a_view_needs_a_reason(client_for, hold_mail, console_services) -> None:
    entry = hold_mail()
    client = client_for("officer1")
    r = client.post(f"/entry/{entry.id}/raw", data={"csrf": csrf_of(client, f"/entry/{entry.id}"), "reason": " "})
    assert r.status_code == 303 and r.headers["location"].endswith("error=reason_needed")
    assert not [x for x in console_services.audit.read() if x["event"] == "console.raw_view"]


@pytest.mark.parametrize("user", ["approver_sales", "auditor1"])
def test_approvers_and_auditors_get_403(client_for, hold_mail, console_services, user) -> None:
    entry = hold_mail()  # a 営業部 mail: the sales approver may see it, masked
    client = client_for(user)
    detail = client.get(f"/entry/{entry.id}")
    assert detail.status_code == 200 and 'id="raw"' not in detail.text
    r = client.post(f"/entry/{entry.id}/raw", data={"csrf": csrf_of(client, f"/entry/{entry.id}"), "reason": "見たい"})
    assert r.status_code == 403 and not any(p in r.text for p in _phones())
    refused = [x for x in console_services.audit.read() if x["event"] == "console.refused"]
    assert refused and "raw values" in refused[-1]["why"]
    assert not [x for x in console_services.audit.read() if x["event"] == "console.raw_view"]


@pytest.mark.parametrize("token", [None, "forged", "other"])
def test_a_view_without_the_sessions_csrf_token_is_refused(client_for, hold_mail, console_services, token) -> None:
    entry = hold_mail()
    if token == "other":  # a real token, of another session
        token = csrf_of(client_for("officer1"), f"/entry/{entry.id}")
    client = client_for("officer1")
    data = {"reason": "確認"} | ({"csrf": token} if token else {})
    r = client.post(f"/entry/{entry.id}/raw", data=data)
    assert r.status_code == 403 and not any(p in r.text for p in _phones())
    assert not [x for x in console_services.audit.read() if x["event"] == "console.raw_view"]


def test_a_cross_site_view_is_refused(client_for, hold_mail) -> None:
    entry = hold_mail()
    client = client_for("officer1")
    token = csrf_of(client, f"/entry/{entry.id}")
    r = client.post(
        f"/entry/{entry.id}/raw",
        data={"csrf": token, "reason": "確認"},
        headers={"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
    )
    assert r.status_code == 403


def test_the_roles_are_a_setting(console_config, accounts, hold_mail, settings) -> None:
    from starlette.testclient import TestClient

    from dlp.config import load_config
    from dlp.console.app import create_app
    from dlp.services import Services

    with console_config.open("a", encoding="utf-8") as fh:
        fh.write('\n[console]\nraw_value_roles = ["auditor"]\n')
    services = Services(load_config(console_config))
    entry = hold_mail()
    app = create_app(services, accounts=accounts, mask=lambda text: text)
    for user, status in (("auditor1", 200), ("officer1", 403)):
        with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
            assert client.post("/login", data={"user": user, "password": PASSWORD}).status_code == 303
            token = csrf_of(client, f"/entry/{entry.id}")
            r = client.post(f"/entry/{entry.id}/raw", data={"csrf": token, "reason": "監査"})
            assert r.status_code == status, (user, r.text[:300])
