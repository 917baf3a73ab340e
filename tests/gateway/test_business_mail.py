"""Business contacts through the real gateway (issue 10): a mail to a partner with a normal
signature and a supplier's invoice is relayed as allowed; a customer list dressed up as
supplier data (株式会社 names, an お振込先 title) is still stopped."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from tests.detect import business_docs as docs
from tests.gateway.postfix import Filter, Postfix
from tests.gateway.test_postfix import OUTSIDE, SENDER, _bounces, _send, _to

pytestmark = pytest.mark.slow  # a real Postfix (tests/gateway/postfix.py)


def _partner_mail_with(name: str, data: bytes, maintype: str, subtype: str) -> bytes:
    m = EmailMessage()
    m["From"] = SENDER
    m["To"] = OUTSIDE
    m["Subject"] = "ご請求書の件"
    m["Message-ID"] = make_msgid(domain="example.co.jp")
    m["Date"] = "Mon, 30 Nov 2026 10:00:00 +0900"
    fake = docs.FakeJP(101)
    m.set_content(
        "いつもお世話になっております。\n先日のご請求書を転送いたします。\n\n" + docs.signature(fake, "bars") + "\n"
    )
    m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return m.as_bytes()


def test_partner_mail_with_signature_and_supplier_invoice_is_relayed(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    name, data = docs.supplier_invoice_docx()
    sub = "vnd.openxmlformats-officedocument.wordprocessingml.document"
    _send(mta, _partner_mail_with(name, data, "application", sub), [OUTSIDE])
    (delivered,) = mta.sink.wait_for(1)
    assert delivered.rcpt_tos == [OUTSIDE]
    (verdict,) = gateway.verdicts()
    assert verdict["action"] == "allow", verdict


def test_customer_list_dressed_as_supplier_data_is_stopped(mta: Postfix, gateway: Filter) -> None:
    gateway.start()
    name, data = docs.laundered_customer_csv(150)
    _send(mta, _partner_mail_with(name, data, "text", "csv"), [OUTSIDE])
    mta.sink.wait_for(1)
    assert _to(mta.sink.messages, OUTSIDE) == [], "the list reached the outside"
    assert _bounces(mta.sink.messages)
    (verdict,) = gateway.verdicts()
    assert verdict["action"] == "block", verdict
