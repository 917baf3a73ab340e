"""Differential silence: mutate a file that carries a value and assert the verdict never drops
to allow while the value is still there for a common reader (unzip, Excel) to see."""

from __future__ import annotations

import io
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlp.config import load_config
from dlp.model import Action, Item
from dlp.pipeline import scan_item
from dlp.settings import Settings
from tests.conftest import TEST_KEY
from tests.extract.hostile_files import customer_rows

pytestmark = pytest.mark.slow  # mutates and scans many files

SECRET = "連絡先 090-1234-5678 マイナンバー 1234 5678 9018\n".encode()
_SETTINGS: list[Settings] = []


def _settings() -> Settings:
    if not _SETTINGS:
        _SETTINGS.append(Settings.load(load_config(None, search=False), key=TEST_KEY))
    return _SETTINGS[0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_stray_quotes_never_undo_a_block(data: st.DataObject) -> None:
    """One to three quotes dropped anywhere into a 150-customer CP932 list: still a block."""
    text = "\r\n".join(customer_rows(150)) + "\r\n"
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + '"' + text[at:]
    verdict = scan_item(Item.from_bytes(text.encode("cp932"), "customers.csv"), _settings())
    assert verdict.action is Action.BLOCK, (verdict.records, verdict.clause)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_zip_header_lies_never_pass_silently(data: st.DataObject) -> None:
    """CRC and sizes in either header rewritten to declare only a prefix of the member (the
    lie that fools zipfile), or to random values: whenever unzip still shows the value, the
    verdict is not allow."""
    method = data.draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    content = b"meeting notes\n" * 5 + SECRET
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as z:
        z.writestr("a.txt", b"nothing here\n" * 20)
        z.writestr("notes.txt", content)
    raw = bytearray(buffer.getvalue())
    local = raw.find(b"PK\x03\x04", 1)  # the second entry: notes.txt
    central = raw.rfind(b"PK\x01\x02")
    prefix = data.draw(st.integers(0, len(content)))
    declared = {"crc": zlib.crc32(content[:prefix]), "csize": prefix, "usize": prefix}
    for base, offset in ((local, 14), (central, 16)):
        for index, field in enumerate(("crc", "csize", "usize")):
            choice = data.draw(st.sampled_from(["keep", "prefix", "random"]))
            if choice == "keep" or (field == "csize" and method == zipfile.ZIP_DEFLATED and choice == "prefix"):
                continue
            value = declared[field] if choice == "prefix" else data.draw(st.integers(0, 2**32 - 1))
            at = base + offset + 4 * index
            raw[at : at + 4] = value.to_bytes(4, "little")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.zip"
        path.write_bytes(bytes(raw))
        shown = subprocess.run(["unzip", "-p", str(path)], capture_output=True, check=False, timeout=60).stdout
    verdict = scan_item(Item.from_bytes(bytes(raw), "a.zip"), _settings())
    if SECRET in shown:
        assert verdict.action is not Action.ALLOW, verdict.unscannable
