"""Sending mail over SMTP: notices, and held mail released to the next hop.

One function for both, with the envelope as given (SMTPUTF8 and 8BITMIME passed through) and
every refusal raised as SmtpRefused carrying the server's code, so a caller can tell a
temporary failure (retry) from a permanent one.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass


@dataclass(frozen=True)
class SmtpServer:
    host: str = "127.0.0.1"
    port: int = 25
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 30.0


class SmtpRefused(Exception):
    """The server did not take the message (``code`` 4xx: try later; 5xx: give up)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code

    @property
    def temporary(self) -> bool:
        return 400 <= self.code < 500 or self.code == 0


def send(
    server: SmtpServer,
    mail_from: str,
    rcpt_tos: list[str] | tuple[str, ...],
    data: bytes,
    options: tuple[str, ...] = (),
) -> None:
    """Deliver one message; returns only when the server accepted it for every recipient."""
    wanted = [o for o in options if o.upper().startswith(("SMTPUTF8", "BODY="))]
    try:
        with smtplib.SMTP(server.host, server.port, timeout=server.timeout) as client:
            client.ehlo()
            if server.starttls:
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if server.username:
                client.login(server.username, server.password)
            usable = [o for o in wanted if client.has_extn(o.split("=")[0].lower())]
            refused = client.sendmail(mail_from, list(rcpt_tos), data, mail_options=usable)
            if refused:
                code, text = next(iter(refused.values()))
                raise SmtpRefused(code, text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text))
    except smtplib.SMTPResponseException as exc:
        message = (
            exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        )
        raise SmtpRefused(exc.smtp_code, message) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        raise SmtpRefused(code, text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SmtpRefused(0, f"{type(exc).__name__}: {exc}") from exc
