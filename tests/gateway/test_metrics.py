"""The gateway's /metrics, through a real Postfix, read by Prometheus' own parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.gateway.postfix import Filter, Postfix
from tests.gateway.test_postfix import OUTSIDE, _mail, _send, _wait, _with_attachment
from tests.smtp_sink import free_port
from tests.test_metrics_logs import sample, scrape

pytestmark = pytest.mark.slow  # a real Postfix (tests/gateway/postfix.py)


def test_verdicts_items_and_scan_times_by_channel(mta: Postfix, tmp_path: Path) -> None:
    port = free_port()
    gateway = Filter(tmp_path / "gateway", mta, gateway=f"metrics_port = {port}")
    try:
        gateway.start()
        _send(mta, _mail(), [OUTSIDE])
        listing = (FIXTURES / "customer_export_150.csv").read_bytes()
        _send(mta, _with_attachment("顧客一覧.csv", listing, maintype="text", subtype="csv"), [OUTSIDE])
        _wait(lambda: len(gateway.verdicts()) == 2, what="two verdicts")
        # the counters move once a reply is sent, a moment after the audit line: wait for them
        _wait(
            lambda: (
                sum(
                    sample(scrape(port), "dlp_verdicts", "dlp_verdicts_total", channel="mail", action=a)
                    for a in ("allow", "block")
                )
                == 2
            ),
            what="two verdicts counted",
        )
        families = scrape(port)
        assert sample(families, "dlp_verdicts", "dlp_verdicts_total", channel="mail", action="allow") == 1
        assert sample(families, "dlp_verdicts", "dlp_verdicts_total", channel="mail", action="block") == 1
        assert sample(families, "dlp_verdicts", "dlp_verdicts_total", channel="mail", action="warn") == 0
        assert sample(families, "dlp_items", "dlp_items_total", channel="mail") == 2
        assert sample(families, "dlp_scan_seconds", "dlp_scan_seconds_count", channel="mail") == 2
        assert sample(families, "dlp_scan_seconds", "dlp_scan_seconds_sum", channel="mail") > 0
        # the allowed mail, and the block's notices once Postfix has passed them back through
        # the filter (tagged, not scanned: no verdict), however far that has got
        assert 1 <= sample(families, "dlp_gateway_replies_accepted", "dlp_gateway_replies_accepted_total") <= 3
        assert sample(families, "dlp_gateway_replies_rejected", "dlp_gateway_replies_rejected_total") == 1
        # notices may still be passing through: the gauge comes back to 0 once they have
        _wait(lambda: sample(scrape(port), "dlp_gateway_in_flight", "dlp_gateway_in_flight") == 0, what="idle")
        assert "dlp_errors" in families  # declared; no sample until something fails
    finally:
        gateway.stop()
