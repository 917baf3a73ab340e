"""Scanned documents dropped into a watched folder (issue 11): a faxed form, an image-only PDF,
a phone photo of a form and photos of each kind of identity document are each held (moved to
the quarantine, the watcher's note left in their place), none is allowed; with Tesseract gone
from the daemon's PATH each is held as no_text."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from scripts.make_ocr_fixtures import OcrFixture, build_all
from tests.smtp_sink import SmtpSink
from tests.watch.harness import Daemon

pytestmark = pytest.mark.slow  # real watcher daemons

KINDS = ("fax", "pdf", "photo", "card", "id_mynumber", "id_notification", "id_insurance", "id_residence", "id_passport")


@pytest.fixture(scope="module")
def scans() -> list[OcrFixture]:
    found = [f for f in build_all() if f.kind in KINDS]
    assert {f.kind for f in found} == set(KINDS)
    return found


def _drop_all(tmp_path: Path, smtp_sink: SmtpSink, scans: list[OcrFixture], path: str | None) -> list[dict]:
    export = tmp_path / "export"
    export.mkdir()
    folders = f'[[watch.folders]]\npath = "{export}"\nowner = "team@example.co.jp"\n'
    with Daemon(tmp_path, smtp_sink.port, folders=folders) as daemon:
        daemon.start(path=path)
        for fixture in scans:
            (tmp_path / fixture.name).write_bytes(fixture.data)
            shutil.move(tmp_path / fixture.name, export / fixture.name)  # a rename into place
        verdicts = daemon.wait_verdicts(len(scans), timeout=240)  # OCR takes seconds per page
        for fixture in scans:
            assert not (export / fixture.name).exists(), f"{fixture.name} was left in the folder"
            assert (export / f"{fixture.name}.dlp.txt").exists()
        assert daemon.errors() == []
        return verdicts


def test_scans_dropped_in_a_watched_folder_are_held(tmp_path: Path, smtp_sink: SmtpSink, scans) -> None:
    for verdict in _drop_all(tmp_path, smtp_sink, scans, None):
        assert verdict["action"] in ("quarantine", "block") and verdict["enforced"] == "held", verdict


def test_without_tesseract_scans_are_held_as_no_text(tmp_path: Path, smtp_sink: SmtpSink, scans) -> None:
    bare = tmp_path / "bin"
    bare.mkdir()
    os.symlink(sys.executable, bare / "python3")
    for verdict in _drop_all(tmp_path, smtp_sink, scans, f"{bare}:/nonexistent"):
        assert verdict["action"] == "quarantine" and verdict["unscannable"] == ["no_text"], verdict
        assert verdict["enforced"] == "held", verdict
