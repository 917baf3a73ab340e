"""Fixtures of the Milter tests: one real Postfix per module with the Milter snippets on a
submission port (and the gateway's, for the comparisons), a fresh Milter process per test."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.gateway.postfix import Postfix
from tests.milter.harness import MilterFilter

TIMEOUT = "15s"  # Postfix's milter command/content timeouts here (30s/300s in the snippet)


def milter_socket() -> Path:
    """A socket path smtpd (user postfix) can reach: not under pytest's 0700 folders."""
    folder = Path(tempfile.mkdtemp(prefix="dlp-milter-"))
    folder.chmod(0o755)
    return folder / "milter.sock"


@pytest.fixture(scope="module")
def postfix():
    socket = milter_socket()
    lab = Postfix(milter_socket=socket, milter_timeout=TIMEOUT, main_extra="message_size_limit = 60000000\n")
    yield lab
    lab.stop()


@pytest.fixture()
def mta(postfix: Postfix):
    postfix.clear()
    yield postfix
    postfix.clear()


@pytest.fixture()
def milter(tmp_path: Path, mta: Postfix):
    f = MilterFilter(tmp_path / "milter", mta, mta.milter_socket)
    yield f
    f.stop()
