"""Shared test fixtures: default rules and policy with a fixed key, and a text scanner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dlp.config import Settings, load_config
from dlp.model import Finding, Item, Segment, Verdict
from dlp.pipeline import scan_item

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
TEST_KEY = b"dlp-tests-fingerprint-key-000000"


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
