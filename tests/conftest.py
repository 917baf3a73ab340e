"""Shared test fixtures: default rules and policy with a fixed key, and a text scanner."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dlp.config import load_config
from dlp.model import Finding, Item, Segment, Verdict
from dlp.pipeline import scan_item
from dlp.services import Services
from dlp.settings import Settings
from tests.smtp_sink import SmtpSink

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
TEST_KEY = b"dlp-tests-fingerprint-key-000000"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The search for raw values in logs runs after everything else has written its logs."""
    last = [i for i in items if i.path.name == "test_zz_no_raw_values.py"]
    items[:] = [i for i in items if i.path.name != "test_zz_no_raw_values.py"] + last


@pytest.fixture(scope="session", autouse=True)
def log_everything(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every log record of the test session, as the daemons would write it (our loggers at
    DEBUG, third-party ones at ERROR with their messages withheld), kept in a file for
    tests/test_zz_no_raw_values.py to search."""
    from dlp.logs import QUIET, JsonFormatter

    path = tmp_path_factory.getbasetemp() / "session.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.DEBUG)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.ERROR)
    yield path
    root.removeHandler(handler)
    root.setLevel(previous)


@pytest.fixture()
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture()
def config_file(tmp_path: Path, smtp_sink: SmtpSink) -> Path:
    """A dlp.toml for one test: its own data folder, notices and releases to the SMTP sink."""
    path = tmp_path / "dlp.toml"
    path.write_text(
        f"""
[paths]
data_dir = "{tmp_path / "data"}"

[smtp]
host = "127.0.0.1"
port = {smtp_sink.port}

[notify]
from = "dlp@example.co.jp"
officer = "dpo@example.co.jp"
contact = "個人情報管理責任者 山本（内線 1234） / the personal-data officer, ext. 1234"

[mail]
internal_domains = ["example.co.jp"]
next_hop_host = "127.0.0.1"
next_hop_port = {smtp_sink.port}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture()
def services(config_file: Path) -> Services:
    return Services(load_config(config_file))


@pytest.fixture(scope="session")
def settings() -> Settings:
    config = load_config(None, search=False)
    s = Settings.load(config, key=TEST_KEY, keep_values=True, explain=True)
    s.max_findings = 100_000
    return s


@pytest.fixture(scope="session")
def detect(settings: Settings) -> Callable[[str], list[Finding]]:
    """Findings of the whole default pack in one piece of text (values kept for asserts)."""

    def run(text: str) -> list[Finding]:
        return settings.engine.detect(Segment(text, "test"))

    return run


@pytest.fixture(scope="session")
def scan_text(settings: Settings) -> Callable[[str], Verdict]:
    def run(text: str, name: str = "text.txt") -> Verdict:
        return scan_item(Item.from_bytes(text.encode("utf-8"), name), settings)

    return run
