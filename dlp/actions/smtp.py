"""Sending mail over SMTP: notices, mail passed by the gateway, and held mail released.

``relay`` sends one transaction and reports the outcome per recipient, as Postfix's own SMTP
client does: a recipient refused at RCPT does not stop the others, and the caller learns who got
the message, who was refused (with the server's code: 4xx try later, 5xx give up) and whose
outcome is unknown. "Unknown" is the one case that must never be retried silently: the whole
message and its final dot went out and no reply came back (the connection dropped, or timed
out), so the next hop may well have delivered it.

Addresses with non-ASCII characters (``山田@例え.jp``) go out with SMTPUTF8 when the server offers
it; when it does not, those recipients are refused with a 5.6.7 reason, never an exception.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import ssl
from dataclasses import dataclass, field

UNKNOWN = -1  # Reply.code for "the message went out in full, no final reply came back"


@dataclass(frozen=True)
class SmtpServer:
    host: str = "127.0.0.1"
    port: int = 25
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 30.0


@dataclass(frozen=True)
class Reply:
    """What the server said about one recipient (code 0: it could not be asked at all)."""

    code: int
    text: str = ""
    session: bool = False  # the server or our own settings failed (connect, TLS, AUTH, MAIL), not this recipient

    @property
    def delivered(self) -> bool:
        return 200 <= self.code < 300

    @property
    def unknown(self) -> bool:
        return self.code == UNKNOWN

    @property
    def temporary(self) -> bool:
        return self.code == 0 or 400 <= self.code < 500

    @property
    def permanent(self) -> bool:
        return 500 <= self.code < 600

    def __str__(self) -> str:
        return f"{self.code} {self.text}".strip() if self.code != UNKNOWN else f"outcome unknown: {self.text}"


@dataclass
class Delivery:
    """One transaction's outcome, per recipient, in the order the recipients were given."""

    replies: dict[str, Reply] = field(default_factory=dict)

    @property
    def delivered(self) -> list[str]:
        return [r for r, reply in self.replies.items() if reply.delivered]

    @property
    def unknown(self) -> list[str]:
        return [r for r, reply in self.replies.items() if reply.unknown]

    @property
    def refused(self) -> dict[str, Reply]:
        return {r: reply for r, reply in self.replies.items() if not reply.delivered and not reply.unknown}


class SmtpRefused(Exception):
    """The server did not take the message (``code`` 4xx or 0: try later; 5xx: give up)."""

    def __init__(self, code: int, message: str, *, session: bool = False) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.text = message
        self.session = session  # not this message's fault: the server, or our connection settings

    def scrubbed(self) -> str:
        """Code and reason with digit runs, addresses and non-ASCII text masked (for logs)."""
        from dlp.logs import scrub

        return f"{self.code} {scrub(self.text)}"

    @property
    def temporary(self) -> bool:
        return 400 <= self.code < 500 or self.code == 0


def _text(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()


def _needs_utf8(address: str) -> bool:
    return not address.isascii()


def relay(
    server: SmtpServer,
    mail_from: str,
    rcpt_tos: list[str] | tuple[str, ...],
    data: bytes,
    options: tuple[str, ...] = (),
) -> Delivery:
    """Send one message; every recipient ends with a Reply, and nothing raises (a connection
    that fails before the message went out refuses every recipient with code 0)."""
    rcpts = list(dict.fromkeys(rcpt_tos))
    outcome = Delivery({r: Reply(0, "not attempted", True) for r in rcpts})
    bad = [r for r in [mail_from, *rcpts] if "\r" in r or "\n" in r or "<" in r or ">" in r]
    for r in rcpts:
        if r in bad:
            outcome.replies[r] = Reply(553, "5.1.3 malformed address (line break or angle bracket)")
    if mail_from in bad:
        return Delivery({r: Reply(553, "5.1.7 malformed sender address", True) for r in rcpts})
    wanted = [o for o in options if o.upper().startswith(("SMTPUTF8", "BODY="))]
    client = smtplib.SMTP(timeout=server.timeout)
    try:
        client.connect(server.host, server.port)
        client.ehlo()
        if server.starttls:
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if server.username:
            client.login(server.username, server.password)
        usable = [o for o in wanted if client.has_extn(o.split("=")[0].lower())]
        utf8 = client.has_extn("smtputf8")
        needs_utf8 = _needs_utf8(mail_from) or any(_needs_utf8(r) for r in rcpts if r not in bad)
        if needs_utf8 and not utf8:
            # temporary: the server may be given SMTPUTF8; the caller's retry limit ends it
            reason = Reply(450, "4.6.7 non-ASCII address and the server does not offer SMTPUTF8")
            if _needs_utf8(mail_from):
                return Delivery({r: Reply(reason.code, reason.text, True) for r in rcpts})
            for r in rcpts:
                if _needs_utf8(r):
                    outcome.replies[r] = reason
        elif needs_utf8 and not any(o.upper() == "SMTPUTF8" for o in usable):
            usable.append("SMTPUTF8")
        todo = [r for r in rcpts if outcome.replies[r].code == 0]
        if not todo:
            return outcome
        code, text = client.mail(mail_from, usable)
        if code != 250:
            for r in todo:
                outcome.replies[r] = Reply(code, _text(text), True)
            return outcome
        accepted = []
        for r in todo:
            code, text = client.rcpt(r)
            if code in (250, 251):
                accepted.append(r)
            else:
                outcome.replies[r] = Reply(code, _text(text))
        if not accepted:
            return outcome
        code, text = client.docmd("DATA")
        if code != 354:
            for r in accepted:
                outcome.replies[r] = Reply(code, _text(text))
            return outcome
        body = re.sub(rb"(?m)^\.", b"..", data)
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        try:
            client.send(body + b".\r\n")
        except smtplib.SMTPServerDisconnected as exc:
            # sendall failed: the final dot did not leave in full, so the server cannot have taken it
            for r in accepted:
                outcome.replies[r] = Reply(0, f"connection lost while sending: {_text(str(exc))}")
            return outcome
        try:
            code, text = client.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            for r in accepted:
                outcome.replies[r] = Reply(UNKNOWN, f"no reply after the message was sent ({type(exc).__name__})")
            return outcome
        for r in accepted:
            outcome.replies[r] = Reply(code, _text(text))
        with contextlib.suppress(smtplib.SMTPException, OSError):
            client.quit()  # the reply to the dot is what counts
        return outcome
    except (smtplib.SMTPException, OSError, ValueError, UnicodeError) as exc:
        if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 400:
            code = exc.smtp_code
        elif isinstance(exc, (ValueError, UnicodeError)):
            code = 554  # our own side cannot express this message: retrying will not help
        else:
            code = 0  # connection refused, lost or timed out: try later
        session = not isinstance(exc, (ValueError, UnicodeError))
        reason = Reply(code, f"{type(exc).__name__}: {_text(str(exc))}"[:300], session)
        for r in rcpts:
            if outcome.replies[r].code == 0:
                outcome.replies[r] = reason
        return outcome
    finally:
        client.close()


def send(
    server: SmtpServer,
    mail_from: str,
    rcpt_tos: list[str] | tuple[str, ...],
    data: bytes,
    options: tuple[str, ...] = (),
) -> None:
    """Deliver one message; returns only when the server accepted it for every recipient, else
    raises SmtpRefused with the first refusal (an unknown outcome counts as code 0)."""
    outcome = relay(server, mail_from, rcpt_tos, data, options)
    for reply in outcome.replies.values():
        if not reply.delivered:
            raise SmtpRefused(max(reply.code, 0), reply.text, session=reply.session)
