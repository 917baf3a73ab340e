"""The notice queue under poison: a notice that cannot be sent (a non-ASCII address, a refused
recipient, a malformed row) is retried with back-off, then parked with a reason the officer can
see; it never blocks the notices queued after it. Real SMTP over loopback throughout."""

from __future__ import annotations

import email
import json
import time
from email.policy import default as default_policy
from pathlib import Path

import pytest

from dlp.actions.audit import AuditLog
from dlp.actions.notify import RETRY_DELAYS, Notice, Notifier, NotifySettings
from dlp.actions.smtp import SmtpServer
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.slow  # a real SMTP server, retries, dlp as a subprocess

JAPANESE = "山田@例え.jp"


def _notifier(tmp_path: Path, port: int) -> Notifier:
    settings = NotifySettings(
        server=SmtpServer(port=port, timeout=5),
        sender="dlp@example.co.jp",
        officer="",
        internal_domains=frozenset({"example.co.jp", "例え.jp".encode("idna").decode()}),
    )
    return Notifier(settings, tmp_path / "notify.sqlite3", audit=AuditLog(tmp_path / "audit.jsonl"))


def _notices(*recipients: str) -> list[Notice]:
    return [Notice(r, "[DLP] 送信を保留しました / held", "本文 / body") for r in recipients]


def _audit(tmp_path: Path) -> list[dict]:
    path = tmp_path / "audit.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _later(rounds: int) -> float:
    return time.time() + sum(RETRY_DELAYS[:rounds]) + 10


def test_a_non_ascii_address_is_delivered_with_smtputf8(tmp_path: Path, smtp_sink: SmtpSink) -> None:
    notifier = _notifier(tmp_path, smtp_sink.port)
    notifier.notify(_notices(JAPANESE, "a@example.co.jp", "b@example.co.jp"))
    assert notifier.deliver() == 3
    received = {m.rcpt_tos[0]: m for m in smtp_sink.wait_for(3)}
    assert set(received) == {JAPANESE, "a@example.co.jp", "b@example.co.jp"}
    assert "SMTPUTF8" in [o.upper() for o in received[JAPANESE].mail_options]
    message = email.message_from_bytes(received[JAPANESE].data, policy=default_policy)
    assert message["To"] == JAPANESE
    assert notifier.pending() == 0 and notifier.parked() == []


def test_a_non_ascii_address_without_smtputf8_never_blocks_the_queue(tmp_path: Path) -> None:
    sink = SmtpSink(smtputf8=False).start()
    try:
        notifier = _notifier(tmp_path, sink.port)
        notifier.notify(_notices(JAPANESE, "a@example.co.jp"))
        assert notifier.deliver() == 1  # the normal one goes out at once
        notifier.notify(_notices("b@example.co.jp"))
        assert notifier.deliver() == 1  # and so does one queued after the bad one
        assert sorted(m.rcpt_tos[0] for m in sink.wait_for(2)) == ["a@example.co.jp", "b@example.co.jp"]
        assert notifier.pending() == 1  # the bad one waits for a retry (the server may learn SMTPUTF8)
        for rounds in range(1, len(RETRY_DELAYS) + 2):
            notifier.deliver(now=_later(rounds))
        assert notifier.pending() == 0
        parked = notifier.parked()
        assert [p.recipient for p in parked] == [JAPANESE]
        assert "SMTPUTF8" in parked[0].reason and parked[0].attempts == len(RETRY_DELAYS) + 1
        assert [e["event"] for e in _audit(tmp_path)] == ["notify.parked"]
        assert "SMTPUTF8" in _audit(tmp_path)[0]["reason"]
    finally:
        sink.stop()


def test_a_refused_recipient_is_parked_at_once(tmp_path: Path, smtp_sink: SmtpSink) -> None:
    smtp_sink.handler.refuse["gone@example.co.jp"] = "550 5.1.1 no such user"
    notifier = _notifier(tmp_path, smtp_sink.port)
    notifier.notify(_notices("gone@example.co.jp", "a@example.co.jp"))
    assert notifier.deliver() == 1
    assert [m.rcpt_tos for m in smtp_sink.wait_for(1)] == [["a@example.co.jp"]]
    assert notifier.pending() == 0  # not retried forever
    (parked,) = notifier.parked()
    assert parked.recipient == "gone@example.co.jp" and parked.reason.startswith("550")


def test_poison_rows_never_block_the_queue(tmp_path: Path, smtp_sink: SmtpSink) -> None:
    notifier = _notifier(tmp_path, smtp_sink.port)
    # a recipient with a line break (an SMTP command injection attempt: not an internal address,
    # so never even queued), and a row whose stored message is not even bytes (a damaged
    # outbox: parked); the rest goes out
    notifier.notify(_notices("x@example.co.jp\r\nRCPT TO:<evil@example.net>", "a@example.co.jp"))
    import sqlite3

    with sqlite3.connect(tmp_path / "notify.sqlite3") as db:
        db.execute(
            "INSERT INTO outbox (recipient, message, created, next_try) VALUES (?, ?, ?, ?)",
            ("c@example.co.jp", 12345, time.time(), time.time()),
        )
    notifier.notify(_notices("b@example.co.jp"))
    assert notifier.deliver() == 2
    assert sorted(m.rcpt_tos[0] for m in smtp_sink.wait_for(2)) == ["a@example.co.jp", "b@example.co.jp"]
    assert all(b"evil" not in m.data for m in smtp_sink.messages)
    assert notifier.pending() == 0
    assert [p.recipient for p in notifier.parked()] == ["c@example.co.jp"]


def test_the_officer_lists_and_requeues_parked_notices(tmp_path: Path, config_file: Path, smtp_sink: SmtpSink) -> None:
    """`dlp notices list` shows a parked notice with its reason (address masked); `retry` queues it again."""
    import os
    import subprocess
    import sys

    from dlp.config import load_config
    from dlp.services import Services
    from tests.conftest import ROOT

    smtp_sink.handler.refuse["gone@example.co.jp"] = "550 5.1.1 no such user"
    notifier = Services(load_config(config_file)).notifier
    notifier.notify(_notices("gone@example.co.jp"))
    assert notifier.deliver() == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DLP_CONFIG": str(config_file), "COLUMNS": "200"}

    def dlp(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "dlp", *args], capture_output=True, text=True, env=env, timeout=60)

    listed = dlp("notices", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    (row,) = json.loads(listed.stdout)
    assert row["recipient"] == "g***@example.co.jp" and row["reason"].startswith("550")
    assert "gone@" not in listed.stdout
    smtp_sink.handler.refuse.clear()
    assert dlp("notices", "retry", str(row["id"])).returncode == 0
    assert notifier.deliver() == 1 and notifier.parked() == []
    assert dlp("notices", "retry", "999").returncode != 0


def test_a_notice_the_server_drops_the_connection_on_does_not_hold_up_the_rest(tmp_path: Path) -> None:
    """A server that hangs up on one recipient (a poison notice) looks like a server that is
    away; the notices after it are still tried in the same round."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    delivered: list[str] = []

    def serve(conn: socket.socket) -> None:
        with conn, conn.makefile("rwb") as f:
            f.write(b"220 mx ESMTP\r\n")
            f.flush()
            rcpt = ""
            while line := f.readline():
                verb = line[:4].upper()
                if verb == b"RCPT" and b"poison" in line:
                    return  # hang up without a word
                if verb == b"RCPT":
                    rcpt = line.decode().strip()[8:].strip("<>")
                if verb == b"DATA":
                    f.write(b"354 go\r\n")
                    f.flush()
                    while f.readline() not in (b".\r\n", b""):
                        pass
                    delivered.append(rcpt)
                    f.write(b"250 ok\r\n")
                elif verb == b"QUIT":
                    f.write(b"221 bye\r\n")
                    f.flush()
                    return
                else:
                    f.write(b"250 ok\r\n")
                f.flush()

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        notifier = _notifier(tmp_path, listener.getsockname()[1])
        notifier.notify(_notices("poison@example.co.jp", "a@example.co.jp", "b@example.co.jp"))
        assert notifier.deliver() == 2
        assert delivered == ["a@example.co.jp", "b@example.co.jp"]
        for rounds in range(1, len(RETRY_DELAYS) + 2):
            notifier.deliver(now=_later(rounds))
        assert [p.recipient for p in notifier.parked()] == ["poison@example.co.jp"]
    finally:
        listener.close()


def test_a_server_refusing_our_sender_parks_nothing_at_once(tmp_path: Path, smtp_sink: SmtpSink) -> None:
    """A 5xx to MAIL FROM (our settings are wrong, not the notices) is retried like an outage,
    not a reason to park every notice for good."""
    smtp_sink.handler.refuse_mail = "553 5.7.1 sender not allowed"
    notifier = _notifier(tmp_path, smtp_sink.port)
    notifier.notify(_notices("a@example.co.jp", "b@example.co.jp"))
    assert notifier.deliver() == 0
    assert notifier.pending() == 2 and notifier.parked() == []
    smtp_sink.handler.refuse_mail = None
    assert notifier.deliver(now=_later(1)) == 2
