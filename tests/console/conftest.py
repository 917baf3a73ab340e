"""The console against a real store, audit trail and SMTP sink: accounts, held mails made with
the standard library's email package, and the app served by Starlette's TestClient over
https://testserver (so the Secure session cookie is sent, as a browser would)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest
from faker import Faker
from starlette.testclient import TestClient

from dlp.actions.entries import Entry
from dlp.actions.quarantine import Envelope
from dlp.config import load_config
from dlp.console.app import create_app
from dlp.console.auth import Accounts
from dlp.gateway.address import mail_context
from dlp.masking import mask_text
from dlp.model import Item
from dlp.pipeline import scan_item
from dlp.services import Services

PASSWORD = "correct horse battery staple"
SALES = "sato@example.co.jp"  # 営業部
ACCOUNTING = "suzuki@example.co.jp"  # 経理部


@pytest.fixture()
def console_config(config_file: Path) -> Path:
    with config_file.open("a", encoding="utf-8") as fh:
        fh.write(f'\n[console.departments]\n"営業部" = ["{SALES}"]\n"経理部" = ["{ACCOUNTING}"]\n')
    return config_file


@pytest.fixture()
def console_services(console_config: Path) -> Services:
    return Services(load_config(console_config))


@pytest.fixture()
def accounts(console_services: Services) -> Accounts:
    accounts = Accounts(console_services.config.path_of("console", "users_file", "console.sqlite3"))
    accounts.add("officer1", PASSWORD, "officer")
    accounts.add("approver_sales", PASSWORD, "approver", "営業部")
    accounts.add("auditor1", PASSWORD, "auditor")
    return accounts


@pytest.fixture()
def app(console_services: Services, accounts: Accounts, settings):
    return create_app(console_services, accounts=accounts, mask=lambda text: mask_text(text, settings.engine))


@pytest.fixture()
def client_for(app) -> Iterator[Callable[[str | None], TestClient]]:
    clients: list[TestClient] = []

    def make(user: str | None = "officer1") -> TestClient:
        client = TestClient(app, base_url="https://testserver", follow_redirects=False)
        clients.append(client)
        if user:
            r = client.post("/login", data={"user": user, "password": PASSWORD})
            assert r.status_code == 303, r.text
        return client

    yield make
    for c in clients:
        c.close()


def customer_list_mail(
    sender: str = SALES, subject: str = "顧客リスト送付", filename: str = "顧客リスト.csv", display: str = "佐藤 一郎"
) -> bytes:
    """A mail to an outside address with a Faker ja_JP customer list attached."""
    fake = Faker("ja_JP")
    Faker.seed(14)
    rows = "\n".join(f"{fake.name()},{fake.phone_number()},{fake.email()}" for _ in range(20))
    msg = EmailMessage()
    msg["From"] = f"{display} <{sender}>"
    msg["To"] = "tanaka@partner.example.net"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{fake.uuid4()}@example.co.jp>"
    msg.set_content("お世話になっております。顧客リストを送付します。")
    msg.add_attachment(("氏名,電話,メール\n" + rows).encode("utf-8"), maintype="text", subtype="csv", filename=filename)
    return msg.as_bytes(policy=SMTP)  # CRLF line ends, as a mail arrives over SMTP


@pytest.fixture()
def hold_mail(console_services: Services, settings) -> Callable[..., Entry]:
    def hold(sender: str = SALES, **kw: str) -> Entry:
        data = customer_list_mail(sender, **kw)
        envelope = Envelope(sender, ("tanaka@partner.example.net",))
        context = mail_context(sender, envelope.rcpt_tos, console_services.internal_domains())  # as the gateway
        verdict = scan_item(Item.from_bytes(data, "mail.eml", channel="mail"), settings, context)
        return console_services.quarantine.put_mail(data, verdict, envelope, locator="mail:<test@example.co.jp>")

    return hold


def csrf_of(client: TestClient, path: str = "/") -> str:
    """The CSRF token from a page's forms (as a browser would post it)."""
    import re

    page = client.get(path).text
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)
