"""The SIEM webhook against a real HTTP server (http.server in a thread): signed bodies,
retries from the durable outbox across a restart of the sender, exactly one delivery."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dlp.actions.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, Webhook, WebhookSettings, verify
from dlp.model import Action, Item
from dlp.pipeline import scan_item
from tests.conftest import FIXTURES

pytestmark = pytest.mark.slow  # a real HTTP receiver, retries with back-off

SECRET = b"siem-shared-secret-0123"
RAW_CARD = "5229-8762-1369-7318"  # the card number in fixtures/card_memo.txt


class Collector:
    """A SIEM's HTTP collector: answers ``fail_first`` POSTs with ``fail_status``, then 200."""

    def __init__(self, fail_first: int = 0, fail_status: int = 503) -> None:
        self.fail_first = fail_first
        self.fail_status = fail_status
        self.attempts: list[tuple[Message, bytes]] = []
        self.accepted: list[tuple[Message, bytes]] = []
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = self.headers  # case-insensitive, as HTTP header names are
                collector.attempts.append((headers, body))
                status = collector.fail_status if len(collector.attempts) <= collector.fail_first else 200
                if status == 200:
                    collector.accepted.append((headers, body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/dlp"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def collector() -> Iterator[Collector]:
    c = Collector(fail_first=2)
    yield c
    c.stop()


def _webhook(tmp_path: Path, url: str, level: Action = Action.QUARANTINE) -> Webhook:
    return Webhook(WebhookSettings(url=url, secret=SECRET, level=level, timeout=5), tmp_path / "webhook.sqlite3")


def test_retried_across_a_restart_then_delivered_once_signed(tmp_path: Path, settings, collector: Collector) -> None:
    block = scan_item(Item.from_path(FIXTURES / "card_memo.txt"), settings)  # settings keep values: must not leak
    warn = scan_item(Item.from_path(FIXTURES / "call_notes.txt"), settings)
    sender = _webhook(tmp_path, collector.url)
    assert sender.verdict(block, channel="watch", item="/srv/export/card_memo.txt", enforced="held", quarantine_id="Q1")
    assert not sender.verdict(warn, channel="watch", item="/srv/export/notes.txt")  # below the level
    now = time.time()
    assert sender.deliver(now) == 0 and len(collector.attempts) == 1  # 503
    assert sender.deliver(now + 1) == 0 and len(collector.attempts) == 1  # not due yet: back-off
    assert sender.deliver(now + 61) == 0 and len(collector.attempts) == 2  # 503 again
    del sender  # the daemon stops (or dies) with the verdict still owed

    restarted = _webhook(tmp_path, collector.url)
    assert restarted.pending() == 1
    assert restarted.deliver(now + 61 + 301) == 1
    assert restarted.pending() == 0 and restarted.deliver(now + 86400) == 0
    assert len(collector.attempts) == 3 and len(collector.accepted) == 1

    headers, body = collector.accepted[0]
    assert verify(SECRET, body, headers[SIGNATURE_HEADER])
    assert not verify(b"another secret", body, headers[SIGNATURE_HEADER])
    assert not verify(SECRET, body.replace(b"block", b"allow"), headers[SIGNATURE_HEADER])
    sent = json.loads(body)
    assert {h[DELIVERY_HEADER] for h, _ in collector.attempts} == {sent["id"]}  # one id: the receiver dedups
    assert sent["action"] == "block" and sent["channel"] == "watch" and sent["quarantine_id"] == "Q1"
    assert sent["counts"] == {"CREDIT_CARD": 1}
    (finding,) = sent["findings"]
    assert finding["masked"].endswith("7318") and len(finding["fingerprint"]) >= 16
    assert RAW_CARD not in body.decode() and RAW_CARD.replace("-", "") not in body.decode()
    assert "value" not in finding


def test_a_refused_body_is_parked_not_retried(tmp_path: Path, settings) -> None:
    collector = Collector(fail_first=1, fail_status=400)
    try:
        sender = _webhook(tmp_path, collector.url, level=Action.WARN)
        sender.verdict(scan_item(Item.from_path(FIXTURES / "call_notes.txt"), settings), channel="mail")
        sender.verdict(scan_item(Item.from_path(FIXTURES / "card_memo.txt"), settings), channel="mail")
        assert sender.deliver() == 1  # the first is refused for good, the second goes
        assert sender.pending() == 0 and len(sender.outbox.parked()) == 1
        assert sender.outbox.parked()[0].reason == "HTTP 400"
    finally:
        collector.stop()


def test_nobody_listening_is_retried(tmp_path: Path, settings) -> None:
    collector = Collector()
    url = collector.url
    collector.stop()  # the SIEM is down
    sender = _webhook(tmp_path, url)
    sender.verdict(scan_item(Item.from_path(FIXTURES / "card_memo.txt"), settings), channel="scan")
    assert sender.deliver() == 0 and sender.pending() == 1 and sender.outbox.parked() == []


def test_the_background_sender_delivers_when_woken(tmp_path: Path, settings) -> None:
    collector = Collector()
    sender = _webhook(tmp_path, collector.url)
    sender.start(interval=60)
    try:
        sender.verdict(scan_item(Item.from_path(FIXTURES / "card_memo.txt"), settings), channel="scan")
        deadline = time.monotonic() + 10
        while not collector.accepted and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(collector.accepted) == 1
    finally:
        sender.stop()
        collector.stop()


def test_a_url_without_a_secret_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dlp.config import ConfigError, load_config
    from dlp.services import Services

    config = tmp_path / "dlp.toml"
    config.write_text(
        f'[paths]\ndata_dir = "{tmp_path}"\n[webhook]\nurl = "http://127.0.0.1:9/x"\nsecret_env = "DLP_T_SECRET"\n',
        encoding="utf-8",
    )
    monkeypatch.delenv("DLP_T_SECRET", raising=False)
    with pytest.raises(ConfigError, match="no secret"):
        Services(load_config(config)).webhook  # noqa: B018
    monkeypatch.setenv("DLP_T_SECRET", "s3cret")
    hook = Services(load_config(config)).webhook
    assert hook is not None and hook.settings.secret == b"s3cret" and hook.settings.level is Action.QUARANTINE
