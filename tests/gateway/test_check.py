"""`dlp gateway check` finds what is wrong, naming the address and the setting: another server
on the filter port, a next hop without SMTPUTF8/8BITMIME, no internal domains, an officer
outside them, and a Postfix whose main.cf filters every mail (inbound included). Real servers on
loopback (an aiosmtpd sink stands in for the wrong ones), real postconf."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink

from dlp.gateway import check as checks
from tests.conftest import ROOT
from tests.smtp_sink import SmtpSink, free_port

pytestmark = pytest.mark.slow  # runs the gateway, Postfix tools and dlp as processes

CLI = [sys.executable, "-m", "dlp", "gateway", "check"]


def test_another_server_on_the_filter_port_fails(smtp_sink: SmtpSink) -> None:
    what, ok, detail = checks.filter_port("127.0.0.1", smtp_sink.port)
    assert not ok and f"127.0.0.1:{smtp_sink.port}" in what and "another SMTP server" in detail


def test_nothing_on_the_filter_port_is_not_a_failure() -> None:
    _, ok, detail = checks.filter_port("127.0.0.1", free_port())
    assert ok and "nothing listens yet" in detail


def test_a_next_hop_without_smtputf8_fails() -> None:
    port = free_port()
    plain = Controller(Sink(), hostname="127.0.0.1", port=port, enable_SMTPUTF8=False)  # 8BITMIME only
    plain.start()
    try:
        what, ok, detail = checks.next_hop("127.0.0.1", port)
    finally:
        plain.stop()
    assert not ok and f"127.0.0.1:{port}" in what and "SMTPUTF8" in detail and "8BITMIME" not in detail


def test_a_next_hop_that_is_down_fails() -> None:
    _, ok, detail = checks.next_hop("127.0.0.1", free_port(), timeout=3)
    assert not ok and "10026" in detail


def test_no_internal_domains_fails_and_says_no_notices() -> None:
    _, ok, detail = checks.internal_domains(set())
    assert not ok and "no notice" in detail
    _, ok, _ = checks.notices("127.0.0.1", 25, "dpo@outside.example", {"example.co.jp"})
    assert not ok


def test_a_global_content_filter_in_main_cf_fails(tmp_path: Path) -> None:
    (tmp_path / "main.cf").write_text("content_filter = dlpscan:inet:[127.0.0.1]:10025\n", encoding="utf-8")
    (tmp_path / "master.cf").write_text("smtp inet n - n - - smtpd\n", encoding="utf-8")
    results = checks.postfix(10025, tmp_path)
    assert any(not ok and "mail from outside" in detail for _, ok, detail in results), results


def test_the_cli_exits_1_and_names_the_missing_domains(tmp_path: Path, smtp_sink: SmtpSink) -> None:
    config = tmp_path / "dlp.toml"
    config.write_text(
        f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[mail]\nnext_hop_port = {smtp_sink.port}\n'
        f"[gateway]\nlisten_port = {free_port()}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [*CLI, "--config", str(config), "--postfix-config", str(tmp_path / "none")],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "internal_domains" in result.stdout and "no notice is sent" in result.stdout
    assert f"next hop 127.0.0.1:{smtp_sink.port}" in result.stdout


def _config_check(tmp_path: Path, mail: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "dlp.toml"
    config.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[mail]\n{mail}\n', encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "dlp", "config", "check", "--config", str(config)],
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_config_check_says_no_internal_domains_means_no_notices(tmp_path: Path) -> None:
    bare = _config_check(tmp_path, "")
    assert bare.returncode == 0, bare.stderr
    assert "internal_domains is not set: no notice is sent" in bare.stdout
    assert "internal_domains" not in _config_check(tmp_path, 'internal_domains = ["example.co.jp"]').stdout


def test_trusted_networks_are_validated(tmp_path: Path) -> None:
    result = _config_check(tmp_path, 'trusted_networks = ["10.0.0.0/8", "the office"]')
    assert result.returncode == 4 and "mail.trusted_networks" in result.stderr and "the office" in result.stderr
