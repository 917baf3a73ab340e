"""Random and mangled bytes fed to every extractor: the only outcomes allowed are Segments and
unscannable reasons — no exception escapes, whatever the bytes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlp.extract import EXTRACTORS, extract
from dlp.extract.limits import Limits
from dlp.model import Item, Segment, Unscannable
from tests.conftest import FIXTURES

pytestmark = pytest.mark.slow  # mutates and scans many files

LIMITS = Limits(max_member_bytes=2_000_000, max_item_bytes=5_000_000, max_extra_chars=2_000_000)
SEEDS = {
    "pdf": (FIXTURES / "report_cid.pdf").read_bytes(),
    "xlsx": (FIXTURES / "customer_book.xlsx").read_bytes(),
    "docx": (FIXTURES / "contract_tracked.docx").read_bytes(),
    "pptx": (FIXTURES / "briefing.pptx").read_bytes(),
    "zip": (FIXTURES / "nested.zip").read_bytes(),
    "eml": (FIXTURES / "mail_iso2022jp.eml").read_bytes(),
    "cfb": (FIXTURES / "locked.xlsx").read_bytes(),
    "delimited": (FIXTURES / "customers_cp932.csv").read_bytes(),
}


def _check(kind: str, data: bytes) -> None:
    for part in extract(Item.from_bytes(data, f"fuzz.{kind}"), LIMITS, kind=kind):
        assert isinstance(part, Segment | Unscannable), part


@pytest.mark.parametrize("kind", sorted(EXTRACTORS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4096))
def test_random_bytes(kind: str, data: bytes) -> None:
    _check(kind, data)


@pytest.mark.parametrize("kind", sorted(SEEDS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mangled_real_files(kind: str, data: st.DataObject) -> None:
    """Real files with bytes flipped, cut or inserted: structure almost right is the hard case."""
    raw = bytearray(SEEDS[kind])
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            raw[position] ^= data.draw(st.integers(1, 255))
        elif action == "cut":
            del raw[position : position + data.draw(st.integers(1, 64))]
        else:
            raw[position:position] = data.draw(st.binary(min_size=1, max_size=32))
        if not raw:
            break
    _check(kind, bytes(raw))
