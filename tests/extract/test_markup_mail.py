"""Mail bodies as a mail client shows them: format=flowed soft line breaks (RFC 3676) joined,
so that a number wrapped across lines is read whole (issue 9, item 7)."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from dlp.model import Action, Item
from dlp.pipeline import scan_item


def _flowed(text: str, width: int, *, delsp: bool) -> str:
    """Wrap each line as a flowed-writing client does: soft breaks end in a space (with delsp=yes
    that space is an extra one, inserted at the cut)."""
    out: list[str] = []
    for line in text.split("\n"):
        while len(line) > width:
            if delsp:
                out.append(line[:width] + " ")
                line = line[width:]
            else:
                cut = line.rfind(" ", 0, width) + 1 or width
                out.append(line[:cut] if line[cut - 1] == " " else line[:cut] + " ")
                line = line[cut:]
        out.append(line)
    return "\r\n".join(out) + "\r\n"


def _mail(body: str, *, delsp: bool) -> bytes:
    message = EmailMessage()
    message["From"] = "sales@example.co.jp"
    message["To"] = "partner@example.com"
    message["Subject"] = "ご連絡"
    message["Message-ID"] = "<flowed@example.co.jp>"
    message.set_content(body, cte="8bit")
    message.set_param("format", "flowed")
    if delsp:
        message.set_param("delsp", "yes")
    return message.as_bytes()


def test_delsp_flowed_body_splitting_a_phone_number(settings) -> None:
    # A Japanese client with delsp=yes cuts anywhere, also inside a number.
    body = _flowed("いつもお世話になっております。担当の携帯は090-1234-5678です。", 23, delsp=True)
    assert "090-1234-5678" not in body  # the number is cut by a soft break on the wire
    verdict = scan_item(Item.from_bytes(_mail(body, delsp=True), "flowed.eml"), settings)
    assert "PHONE" in verdict.counts
    assert verdict.action >= Action.WARN


def test_flowed_body_splitting_a_my_number_at_spaces(settings) -> None:
    body = _flowed("Please keep this: my individual number (マイナンバー) is 1234 5678 9018 thanks", 58, delsp=False)
    assert "1234 5678 9018" not in body
    verdict = scan_item(Item.from_bytes(_mail(body, delsp=False), "flowed.eml"), settings)
    assert "MY_NUMBER" in verdict.counts
    assert verdict.action is Action.BLOCK


@pytest.mark.parametrize(
    ("wire", "delsp", "shown"),
    [
        ("a \r\nb\r\n", False, "a b\n"),
        ("a \r\nb\r\n", True, "ab\n"),
        ("> q1 \r\n> q2\r\nplain \r\n>quoted\r\n", False, "> q1 q2\nplain \n> quoted\n"),
        (" >stuffed\r\n", False, ">stuffed\n"),
        ("-- \r\nsignature\r\n", False, "-- \nsignature\n"),
    ],
)
def test_unflow_follows_rfc3676(wire: str, delsp: bool, shown: str) -> None:
    from dlp.extract.mail import unflow

    assert unflow(wire, delsp=delsp) == shown
