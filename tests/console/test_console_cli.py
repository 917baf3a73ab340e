"""`dlp console user add|passwd|disable`, `dlp console link` and `dlp console serve` as an
administrator runs them: real processes, a real dlp.toml, uvicorn on loopback and httpx."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from tests.console.conftest import PASSWORD
from tests.smtp_sink import free_port

pytestmark = pytest.mark.slow  # runs dlp as a subprocess


@pytest.fixture()
def dlp(tmp_path: Path, console_config: Path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DLP_CONFIG": str(console_config), "COLUMNS": "200"}

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dlp", *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
        )

    run.env = env  # type: ignore[attr-defined]
    return run


def test_accounts_from_the_command_line(dlp, console_services) -> None:
    add = dlp("console", "user", "add", "yamada", "--role", "officer", "--password-stdin", stdin=PASSWORD + "\n")
    assert add.returncode == 0, add.stderr
    again = dlp("console", "user", "add", "yamada", "--role", "officer", "--password-stdin", stdin=PASSWORD + "\n")
    assert again.returncode == 4 and "exists" in again.stderr
    short = dlp("console", "user", "add", "kato", "--role", "officer", "--password-stdin", stdin="short\n")
    assert short.returncode == 4 and "12 characters" in short.stderr
    no_dept = dlp("console", "user", "add", "ito", "--role", "approver", "--password-stdin", stdin=PASSWORD + "\n")
    assert no_dept.returncode == 4 and "department" in no_dept.stderr
    assert (
        dlp("console", "user", "passwd", "yamada", "--password-stdin", stdin="another long password\n").returncode == 0
    )
    assert dlp("console", "user", "disable", "yamada").returncode == 0
    assert dlp("console", "user", "disable", "nobody").returncode == 4
    events = [r["event"] for r in console_services.audit.read()]
    assert (
        events.count("console.user_add") == 1 and "console.user_passwd" in events and "console.user_disable" in events
    )
    stored = (console_services.config.data_dir / "console.sqlite3").read_bytes()
    assert PASSWORD.encode() not in stored and b"$argon2id$" in stored


def test_unlock_from_the_command_line(dlp, console_services) -> None:
    from dlp.console.auth import FAILURES_ALLOWED, Accounts

    assert (
        dlp("console", "user", "add", "yamada", "--role", "officer", "--password-stdin", stdin=PASSWORD).returncode == 0
    )
    accounts = Accounts(console_services.config.path_of("console", "users_file", "console.sqlite3"))
    for _ in range(FAILURES_ALLOWED + 1):
        accounts.failed("user:yamada", "ip:192.0.2.7")
    assert accounts.wait_seconds("user:yamada") > 0
    run = dlp("console", "user", "unlock", "yamada", "--client", "192.0.2.7")
    assert run.returncode == 0, run.stderr
    assert accounts.wait_seconds("user:yamada", "ip:192.0.2.7") == 0
    assert dlp("console", "user", "unlock", "nobody").returncode == 4
    unlocks = [r for r in console_services.audit.read() if r["event"] == "console.user_unlock"]
    assert len(unlocks) == 1 and unlocks[0]["user"] == "yamada" and unlocks[0]["cleared"] == 2 * (FAILURES_ALLOWED + 1)


def test_serve_answers_on_loopback_with_its_security_headers(dlp, tmp_path: Path) -> None:
    assert (
        dlp("console", "user", "add", "yamada", "--role", "officer", "--password-stdin", stdin=PASSWORD).returncode == 0
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "dlp", "console", "serve", "--port", str(port), "--insecure-http", "--allow-root"],
        env=dlp.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx.get(f"{base}/login")
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline and server.poll() is None, "dlp console serve did not start"
                time.sleep(0.2)
        assert page.status_code == 200 and "ログイン" in page.text
        assert "server" not in page.headers and page.headers["x-frame-options"] == "DENY"
        with httpx.Client(base_url=base) as client:
            r = client.post("/login", data={"user": "yamada", "password": PASSWORD})
            assert r.status_code == 303
            assert "保留一覧" in client.get("/").text
    finally:
        server.terminate()
        server.wait(30)
