"""`dlp milter serve` behind the real Postfix of tests/gateway/postfix.py, on its submission port."""

from __future__ import annotations

import smtplib
from pathlib import Path

from tests.gateway.postfix import Filter, Postfix


class MilterFilter(Filter):
    """The Milter as Postfix meets it: its own process, config (the gateway's plus [milter]) and data."""

    command = "milter"

    def __init__(self, base: Path, postfix: Postfix, socket: Path | None, *, milter: str = "") -> None:
        assert socket is not None, "a Postfix(milter_socket=...) is needed"
        super().__init__(base, postfix)
        # notices go in where the Milter is not (the re-injection smtpd), as an admin points [smtp] at port 25
        entry, reinject = f"port = {postfix.entry}\n", f"port = {postfix.reinject}\n"
        text = self.config.read_text(encoding="utf-8").replace(entry, reinject)
        self.config.write_text(text, encoding="utf-8")
        with self.config.open("a", encoding="utf-8") as f:
            level = "" if "log_level" in milter else 'log_level = "debug"\n'
            f.write(f'\n[milter]\nsocket = "{socket}"\nlog = "{self.log}"\n{level}{milter}\n')


def submit(
    postfix: Postfix, data: bytes, rcpts: list[str], sender: str, options: tuple[str, ...] = ()
) -> tuple[int, str]:
    """Send through the submission port as a mail client does: (code, text) of the reply to the
    message (DATA's, or the first refusal before it)."""
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    with smtplib.SMTP("127.0.0.1", postfix.submit, timeout=120) as client:
        try:
            refused = client.sendmail(sender, rcpts, data, mail_options=list(options))
        except smtplib.SMTPDataError as exc:
            return exc.smtp_code, _text(exc.smtp_error)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            return code, text.decode("utf-8", "replace")
        except smtplib.SMTPSenderRefused as exc:
            return exc.smtp_code, _text(exc.smtp_error)
        assert not refused, refused
        return 250, "ok"


def _text(reply: bytes | str) -> str:
    return reply if isinstance(reply, str) else reply.decode("utf-8", "replace")
