"""A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts, or answers
with a chosen error: the stand-in for a mail server and for the internet in tests."""

from __future__ import annotations

import random
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    mail_options: list[str]
    at: float = 0.0  # time.time() when the message was accepted


@dataclass
class SinkHandler:
    messages: list[Received] = field(default_factory=list)
    reply: str | None = None  # e.g. "451 4.3.0 try later": refuse instead of accepting
    refuse: dict[str, str] = field(default_factory=dict)  # RCPT address -> reply, e.g. "550 5.1.1 no such user"
    refuse_mail: str | None = None  # a reply to MAIL FROM, e.g. "553 5.7.1 sender not allowed"
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_mail:
            return self.refuse_mail
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        with self.lock:
            self.messages.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.original_content,
                    list(envelope.mail_options),
                    time.time(),
                )
            )
        return "250 2.0.0 OK"


_GIVEN: set[int] = set()  # ports handed out in this process, not bound yet perhaps


def free_port() -> int:
    """A free port below the kernel's ephemeral range: a port the kernel hands out (bind to 0)
    can be taken as the source port of any outgoing connection (Postfix's, a test client's)
    before the server that was meant to listen on it binds it again after a restart."""
    low, _ = (int(v) for v in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    rng = random.Random()
    for _ in range(200):
        port = rng.randrange(max(1024, low - 12000), low)
        if port in _GIVEN:  # free now but promised already: 8 draws for one Postfix once gave two
            continue  # services the same port, and its master failed to start
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            _GIVEN.add(port)
            return port
    with socket.socket() as s:  # no luck below the range: any free port
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    def __init__(self, port: int | None = None, *, smtputf8: bool = True) -> None:
        self.handler = SinkHandler()
        self.port = port or free_port()
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            enable_SMTPUTF8=smtputf8,
            decode_data=False,
        )

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return self.messages
            time.sleep(0.05)
        raise AssertionError(f"expected {count} message(s) at the sink, got {len(self.messages)}")


__all__ = ["SMTP", "Received", "SmtpSink", "free_port"]
