"""`dlp watch` as a real daemon for tests: its own process, config, data folder and log file;
the test process is the "other process" that writes files, so the events are real."""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3


def _drop_file_capabilities() -> None:
    """In the child before exec: even as root, obey file permissions (for permission tests)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and os.geteuid() == 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


class Daemon:
    def __init__(
        self,
        base: Path,
        smtp_port: int,
        *,
        watch: str = "",
        folders: str = "",
        extra: str = "",
        args: tuple[str, ...] = (),
        obey_permissions: bool = False,
    ) -> None:
        self.base = base
        self.data = base / "data"
        self.log = base / "watch.log"
        self.config = base / "dlp.toml"
        self.args = args
        self.obey_permissions = obey_permissions
        self.process: subprocess.Popen[bytes] | None = None
        self.write_config(smtp_port, watch, folders, extra)

    def write_config(self, smtp_port: int, watch: str = "", folders: str = "", extra: str = "") -> None:
        settings = {"settle": "0.3", "rescan": '"1h"', "log": f'"{self.log}"', "log_level": '"debug"'}
        for line in watch.splitlines():
            if "=" in line:
                key, value = (part.strip() for part in line.split("=", 1))
                settings[key] = value
        watch_section = "\n".join(f"{k} = {v}" for k, v in settings.items())
        self.config.write_text(
            f"""
[paths]
data_dir = "{self.data}"

[smtp]
port = {smtp_port}

[notify]
from = "dlp@example.co.jp"
officer = "dpo@example.co.jp"
contact = "個人情報管理責任者（内線 1234）"

[mail]
next_hop_port = {smtp_port}
internal_domains = ["example.co.jp"]

{extra}

[watch]
{watch_section}

{folders}
""",
            encoding="utf-8",
        )

    def start(self, *, wait: bool = True, expect_exit: bool = False, path: str | None = None) -> Daemon:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        if path is not None:  # e.g. a PATH without tesseract
            env["PATH"] = path
        env.pop("DLP_CONFIG", None)
        self._offset = self.log.stat().st_size if self.log.exists() else 0
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dlp", "watch", "--config", str(self.config), *self.args],
            cwd=self.base,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=_drop_file_capabilities if self.obey_permissions else None,
        )
        if wait and not expect_exit:
            self.wait_log(lambda r: r.get("msg", "").startswith("watching"), timeout=60)
            self.wait_log(lambda r: r.get("msg", "").startswith("walked the folders"), timeout=60)
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError("the watcher did not stop in time") from None
        return self.process.returncode

    def signal(self, sig: int) -> None:
        assert self.process is not None
        self.process.send_signal(sig)

    # --- reading what it did ---------------------------------------------------------------------

    def records(self, since_start: bool = True) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        with self.log.open(encoding="utf-8") as fh:
            if since_start:
                fh.seek(self._offset)
            return [json.loads(line) for line in fh if line.strip()]

    def wait_log(self, match: Callable[[dict[str, Any]], bool], timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for record in self.records():
                if match(record):
                    return record
            self._alive()
            time.sleep(0.05)
        raise AssertionError(f"no such log line within {timeout} s; log:\n" + self._tail())

    def verdicts(self) -> list[dict[str, Any]]:
        path = self.data / "audit.jsonl"
        if not path.exists():
            return []
        text = path.read_text(encoding="utf-8")
        # the daemon may be writing a line right now: only whole lines (ended by "\n") count
        lines = text[: text.rfind("\n") + 1].splitlines()
        return [r for r in map(json.loads, lines) if r["event"] == "verdict" and r["channel"] == "watch"]

    def wait_verdicts(self, count: int, timeout: float = 30) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            verdicts = self.verdicts()
            if len(verdicts) >= count:
                return verdicts
            self._alive()
            time.sleep(0.05)
        raise AssertionError(f"{len(self.verdicts())} of {count} verdicts within {timeout} s; log:\n" + self._tail())

    def per_item(self) -> Counter[str]:
        return Counter(os.path.basename(v["item"]) for v in self.verdicts())

    def errors(self) -> list[dict[str, Any]]:
        return [r for r in self.records(since_start=False) if r["level"] in ("error", "critical")]

    def _alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            stderr = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
            raise AssertionError(f"the watcher exited with {self.process.returncode}: {stderr}\n{self._tail()}")

    def _tail(self) -> str:
        return "\n".join(json.dumps(r, ensure_ascii=False) for r in self.records(since_start=False)[-25:])

    def __enter__(self) -> Daemon:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.stop()
