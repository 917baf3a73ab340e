"""Fixtures of the gateway tests: a real Postfix per test module, a fresh filter per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gateway.postfix import Filter, Postfix


@pytest.fixture(scope="module")
def postfix():
    lab = Postfix()
    yield lab
    lab.stop()


@pytest.fixture()
def mta(postfix: Postfix):
    postfix.clear()
    yield postfix
    postfix.clear()


@pytest.fixture()
def gateway(tmp_path: Path, mta: Postfix):
    f = Filter(tmp_path / "gateway", mta)
    yield f
    f.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that starts a real Postfix or gateway process is slow, wherever it is written."""
    for item in items:
        if {"postfix", "mta", "gateway"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
