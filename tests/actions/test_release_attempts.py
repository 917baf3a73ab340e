"""Releasing a held mail when the next hop misbehaves (issue 9 #15): real SMTP over loopback.

A next hop that takes the whole message and then drops the connection before its 250 may have
delivered it; the release used to say "still held", and three releases delivered it three
times. Now the attempt is on record before a byte goes out, the outcome is recorded per
recipient, and while an outcome is unknown a release is refused unless the officer forces it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dlp.actions.mailrelease import ReleaseIncomplete, ReleaseRefused, attempts, status
from dlp.actions.quarantine import Envelope, QuarantineError, QuarantineStore
from dlp.actions.smtp import SmtpServer, relay
from dlp.model import Item
from dlp.pipeline import scan_item
from tests.conftest import FIXTURES, ROOT
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.slow  # runs dlp as a subprocess

MAIL = (FIXTURES / "mail_iso2022jp.eml").read_bytes()


@dataclass
class DroppingHop:
    """A raw SMTP server that reads a whole message, then: ``before`` drops the connection
    without a reply, ``after`` replies 250 and drops it, ``hang`` never replies."""

    mode: str = "before"
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.closing = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closing.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rwb") as f:

            def say(line: str) -> None:
                f.write(line.encode() + b"\r\n")
                f.flush()

            say("220 hop.example.net ESMTP")
            mail_from, rcpts = "", []
            while True:
                line = f.readline()
                if not line:
                    return
                verb = line[:4].upper()
                if verb == b"EHLO":
                    say("250-hop.example.net\r\n250-8BITMIME\r\n250 SMTPUTF8")
                elif verb == b"MAIL":
                    mail_from, rcpts = line.decode().strip(), []
                    say("250 2.1.0 ok")
                elif verb == b"RCPT":
                    rcpts.append(line.decode().strip()[8:].strip("<>"))
                    say("250 2.1.5 ok")
                elif verb == b"DATA":
                    say("354 go ahead")
                    data = b""
                    while (chunk := f.readline()) not in (b".\r\n", b""):
                        data += chunk
                    self.received.append((mail_from, rcpts, data))
                    if self.mode == "before":
                        conn.shutdown(socket.SHUT_RDWR)
                        return
                    if self.mode == "hang":
                        self.closing.wait(120)
                        return
                    say("250 2.0.0 queued")
                    conn.shutdown(socket.SHUT_RDWR)
                    return
                elif verb == b"QUIT":
                    say("221 bye")
                    return
                else:
                    say("250 ok")

    def relay(self):
        server = SmtpServer(port=self.port, timeout=5)
        return lambda envelope, data: relay(server, envelope.mail_from, envelope.rcpt_tos, data, envelope.mail_options)

    def close(self) -> None:
        self.closing.set()
        self.sock.close()


@pytest.fixture()
def hop():
    h = DroppingHop()
    yield h
    h.close()


@pytest.fixture()
def store(tmp_path: Path) -> QuarantineStore:
    return QuarantineStore(tmp_path / "q", os.urandom(32))


def _held(store: QuarantineStore, settings, *rcpts: str):
    verdict = scan_item(Item.from_bytes(MAIL, "m.eml", channel="mail"), settings)
    envelope = Envelope("sato@example.co.jp", tuple(rcpts or ("partner@example.net",)))
    return store.put_mail(MAIL, verdict, envelope, locator="mail:<20261130.1@example.co.jp>")


def test_a_dropped_connection_after_data_is_never_released_again_silently(
    store: QuarantineStore, hop: DroppingHop, settings
) -> None:
    audit: list[dict] = []
    store.audit = lambda event, **fields: audit.append({"event": event, **fields})
    entry = _held(store, settings)
    with pytest.raises(ReleaseIncomplete, match="outcome unknown"):
        store.release(entry.id, actor="officer", relay=hop.relay())
    assert len(hop.received) == 1
    for _ in range(2):  # the second and third release: refused before connecting
        with pytest.raises(ReleaseRefused, match="--force"):
            store.release(entry.id, actor="officer", relay=hop.relay())
    assert len(hop.received) == 1, "the mail must not be sent again without the officer forcing it"
    held = store.get(entry.id)
    assert held.state == "held" and (held.note or "").startswith("release_unknown")
    assert status(store, entry.id, ["partner@example.net"]) == {"partner@example.net": "unknown"}
    # the officer checked with the recipient and forces it; the audit says so
    hop.mode = "after"
    released = store.release(entry.id, actor="officer", relay=hop.relay(), force=True)
    assert released.state == "released" and len(hop.received) == 2
    forced = [a for a in audit if a["event"] in ("quarantine.release_attempt", "quarantine.release")]
    assert [(a["event"], a["forced"]) for a in forced] == [
        ("quarantine.release_attempt", False),
        ("quarantine.release_attempt", True),
        ("quarantine.release", True),
    ]
    assert [len(a.recipients) for a in attempts(store, entry.id)] == [1, 1]


def test_a_250_then_a_dropped_connection_is_delivered(store: QuarantineStore, hop: DroppingHop, settings) -> None:
    hop.mode = "after"
    entry = _held(store, settings)
    assert store.release(entry.id, actor="officer", relay=hop.relay()).state == "released"
    with pytest.raises(QuarantineError, match="not held"):
        store.release(entry.id, actor="officer", relay=hop.relay())
    assert len(hop.received) == 1


def _sink_relay(sink: SmtpSink):
    server = SmtpServer(port=sink.port, timeout=5)
    return lambda envelope, data: relay(server, envelope.mail_from, envelope.rcpt_tos, data, envelope.mail_options)


def test_each_recipient_gets_a_released_mail_at_most_once(
    store: QuarantineStore, smtp_sink: SmtpSink, settings
) -> None:
    a, gone, busy = "a@example.net", "gone@example.net", "busy@example.org"
    smtp_sink.handler.refuse[gone] = "550 5.1.1 no such user"
    smtp_sink.handler.refuse[busy] = "451 4.2.0 mailbox busy"
    entry = _held(store, settings, a, gone, busy)
    with pytest.raises(ReleaseIncomplete, match="1 delivered, 1 refused, 1 refused for now"):
        store.release(entry.id, actor="officer", relay=_sink_relay(smtp_sink))
    assert [m.rcpt_tos for m in smtp_sink.wait_for(1)] == [[a]]
    assert status(store, entry.id, [a, gone, busy]) == {a: "delivered", gone: "refused", busy: "pending"}
    assert store.get(entry.id).state == "held"
    smtp_sink.handler.refuse.clear()  # the busy mailbox is free again; `gone` stays refused for good
    released = store.release(entry.id, actor="officer", relay=_sink_relay(smtp_sink))
    assert released.state == "released" and "2 delivered, 1 refused" in (released.released_to or "")
    assert [m.rcpt_tos for m in smtp_sink.wait_for(2)] == [[a], [busy]]
    last = attempts(store, entry.id)[-1]
    assert last.recipients == [busy] and last.replies is not None and last.replies[busy].code == 250
    first = attempts(store, entry.id)[0]
    assert first.replies is not None and {r: x.code for r, x in first.replies.items()} == {a: 250, gone: 550, busy: 451}


def test_a_release_killed_mid_send_is_unknown(tmp_path: Path, store: QuarantineStore, settings) -> None:
    """The releasing process dies (kill -9) after the message went out: the attempt was on record
    before it connected, so the next release refuses instead of sending a second copy."""
    hop = DroppingHop("hang")
    try:
        entry = _held(store, settings)
        key = store.master_key.hex()
        code = (
            "import sys\nfrom pathlib import Path\n"
            "from dlp.actions.quarantine import QuarantineStore\nfrom dlp.actions.smtp import SmtpServer, relay\n"
            f"store = QuarantineStore(Path({str(store.directory)!r}), bytes.fromhex({key!r}))\n"
            f"server = SmtpServer(port={hop.port}, timeout=60)\n"
            "send = lambda e, d: relay(server, e.mail_from, e.rcpt_tos, d)\n"
            "store.release(sys.argv[1], actor='officer', relay=send)\n"
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-c", code, entry.id], env=env)
        deadline = time.monotonic() + 30
        while not hop.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert hop.received, "the release never sent"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        report = store.check(stale_after=0)
        assert report.interrupted == [entry.id] and store.get(entry.id).state == "held"
        with pytest.raises(ReleaseRefused):
            store.release(entry.id, actor="officer", relay=hop.relay())
        assert len(hop.received) == 1
    finally:
        hop.close()


def test_the_cli_refuses_a_second_release_and_forces_on_request(tmp_path: Path, settings) -> None:
    hop = DroppingHop("before")
    config = tmp_path / "dlp.toml"
    config.write_text(
        f'[paths]\ndata_dir = "{tmp_path / "data"}"\n\n[smtp]\ntimeout = 5\n\n'
        f'[mail]\nnext_hop_host = "127.0.0.1"\nnext_hop_port = {hop.port}\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DLP_CONFIG": str(config), "COLUMNS": "200"}
    env.pop("DLP_QUARANTINE_KEY", None)

    def dlp(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dlp", *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
        )

    try:
        eml = tmp_path / "m.eml"
        eml.write_bytes(MAIL)
        added = dlp("quarantine", "add", "--mail", str(eml))
        assert added.returncode == 0, added.stderr
        entry_id = added.stdout.split()[1].rstrip(":")
        first = dlp("quarantine", "release", entry_id)
        assert first.returncode != 0 and "unknown" in first.stderr + first.stdout
        second = dlp("quarantine", "release", entry_id)
        assert second.returncode != 0 and "--force" in second.stderr + second.stdout
        assert len(hop.received) == 1
        shown = dlp("quarantine", "show", entry_id)
        assert "unknown" in shown.stdout, shown.stdout
        assert "p***@example.net" in shown.stdout and "partner@" not in shown.stdout  # masked
        listed = dlp("quarantine", "list")
        assert "release unknown" in listed.stdout, listed.stdout
        hop.mode = "after"
        forced = dlp("quarantine", "release", entry_id, "--force")
        assert forced.returncode == 0, forced.stderr + forced.stdout
        assert len(hop.received) == 2
        audit = [json.loads(line) for line in (tmp_path / "data" / "audit.jsonl").read_text().splitlines()]
        assert [a.get("forced") for a in audit if a["event"] == "quarantine.release"] == [True]
    finally:
        hop.close()
