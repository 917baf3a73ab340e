"""Metrics scraped over real HTTP and read by Prometheus' own parser; log lines through a real
syslog socket."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from dlp.metrics import Metrics, serve
from tests.smtp_sink import free_port


def scrape(port: int) -> dict[str, object]:
    """name -> family, as a Prometheus server reads the endpoint."""
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    return {family.name: family for family in text_string_to_metric_families(body)}


def sample(families: dict, family: str, name: str, **labels: str) -> float:
    for s in families[family].samples:
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    raise AssertionError(f"no sample {name}{labels}")


@pytest.mark.slow  # a real HTTP server
def test_metrics_over_http_parse_as_prometheus_reads_them() -> None:
    metrics = Metrics("gateway", "mail", [("replies_accepted", "Mails answered 250")])
    depth = [3]
    metrics.gauge("in_flight", "Messages being decided", lambda: depth[0])
    metrics.verdict("block", 0.2)
    metrics.verdict("allow", 0.02)
    metrics.verdict("allow", 7.0)
    metrics.error("inspect")
    metrics.inc("replies_accepted", 2)
    port = free_port()
    server = serve(metrics, "127.0.0.1", port)
    try:
        families = scrape(port)
        depth[0] = 0
        again = scrape(port)
    finally:
        server.shutdown()
        server.server_close()
    assert families["dlp_verdicts"].type == "counter"
    assert sample(families, "dlp_verdicts", "dlp_verdicts_total", channel="mail", action="allow") == 2
    assert sample(families, "dlp_verdicts", "dlp_verdicts_total", channel="mail", action="block") == 1
    assert sample(families, "dlp_verdicts", "dlp_verdicts_total", channel="mail", action="quarantine") == 0
    assert sample(families, "dlp_items", "dlp_items_total", channel="mail") == 3
    assert sample(families, "dlp_errors", "dlp_errors_total", channel="mail", kind="inspect") == 1
    assert families["dlp_scan_seconds"].type == "histogram"
    assert sample(families, "dlp_scan_seconds", "dlp_scan_seconds_count", channel="mail") == 3
    assert sample(families, "dlp_scan_seconds", "dlp_scan_seconds_bucket", channel="mail", le="0.25") == 2
    assert sample(families, "dlp_scan_seconds", "dlp_scan_seconds_bucket", channel="mail", le="+Inf") == 3
    assert sample(families, "dlp_gateway_replies_accepted", "dlp_gateway_replies_accepted_total") == 2
    assert sample(families, "dlp_gateway_in_flight", "dlp_gateway_in_flight") == 3
    assert sample(again, "dlp_gateway_in_flight", "dlp_gateway_in_flight") == 0  # read at scrape time
    with pytest.raises(KeyError):
        metrics.inc("replies_acepted")  # a typo is an error, not a new series


def test_two_daemons_in_one_process_have_their_own_figures() -> None:
    a, b = Metrics("watch", "watch"), Metrics("gateway", "mail")
    a.verdict("warn", 0.1)
    assert a.value("dlp_verdicts_total", channel="watch", action="warn") == 1
    assert b.value("dlp_verdicts_total", channel="mail", action="warn") == 0


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "example.com"])
def test_metrics_are_served_on_loopback_only(tmp_path: Path, host: str) -> None:
    from dlp.config import ConfigError, load_config

    config = tmp_path / "dlp.toml"
    config.write_text(f'[gateway]\nmetrics_port = 9464\nmetrics_host = "{host}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"gateway\.metrics_host.*loopback"):
        load_config(config)
    config.write_text('[watch]\nmetrics_port = 9464\nmetrics_host = "::1"\n', encoding="utf-8")
    assert load_config(config).get("watch", "metrics_host") == "::1"


@pytest.fixture()
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_log_lines_reach_a_syslog_socket(tmp_path: Path, restore_logging: None) -> None:
    from dlp.logs import setup_logging

    path = str(tmp_path / "log.sock")  # a syslog daemon's /dev/log, of our own
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as syslogd:
        syslogd.bind(path)
        syslogd.settimeout(10)
        setup_logging("info", syslog=path, facility="local3", ident="dlp-watch")
        logging.getLogger("dlp.watch").warning(
            "held: %s",
            "a file",
            extra={"fields": {"item": "/srv/export/顧客_090-****-5678.csv", "quarantine_id": "Q1"}},
        )
        logging.getLogger("dlp.watch").debug("below the level: not sent")
        datagram = syslogd.recv(65536).decode("utf-8")
    facility, severity = 19, 4  # local3, warning
    prefix = f"<{facility * 8 + severity}>dlp-watch[{os.getpid()}]: "
    assert datagram.startswith(prefix), datagram
    line = json.loads(datagram[len(prefix) :].rstrip("\x00"))
    assert line["msg"] == "held: a file" and line["quarantine_id"] == "Q1" and line["level"] == "warning"


def test_an_unavailable_destination_falls_back_to_standard_error(
    tmp_path: Path, restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from dlp.logs import setup_logging

    journald = importlib.util.find_spec("systemd") is not None
    setup_logging("info", syslog=str(tmp_path / "no-such.sock"), journald=True, ident="dlp-gateway")
    handlers = logging.getLogger().handlers
    if journald:
        assert any(type(h).__name__ == "JournalHandler" for h in handlers)
        return
    assert [type(h).__name__ for h in handlers] == ["StreamHandler"]
    logged = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    problems = " ".join(r["msg"] for r in logged)
    assert "no-such.sock" in problems and "python3-systemd" in problems


def test_a_port_in_use_is_named_with_the_fix() -> None:
    from dlp.metrics import MetricsError

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(MetricsError, match=rf"127\.0\.0\.1:{port}.*\[watch\] metrics_port"):
            serve(Metrics("watch", "watch"), "127.0.0.1", port)
