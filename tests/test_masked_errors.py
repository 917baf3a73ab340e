"""Exception texts that quote content are masked wherever they are recorded (issue 9, item 20).

A workbook whose numeric cell holds a card number makes openpyxl raise
``ValueError: invalid literal for int() with base 10: '5229-8762-1369-7318'``; that text became
the item's unscannable reason, stored in the quarantine index, printed by ``quarantine show``
and by ``scan --format json``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # runs dlp as a subprocess

CARD = "5229-8762-1369-7318"
NS = "http://schemas.openxmlformats.org"


def card_in_a_numeric_cell(path: Path, value: str = CARD) -> None:
    """A minimal workbook as Excel writes it, except that cell A2 is typed numeric (t="n") and
    holds a card number; one very long shared string sends it to openpyxl (calamine is not safe)."""
    long = "x" * 2100
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{NS}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{NS}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/officeDocument"'
        ' Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}/spreadsheetml/2006/main"'
        f' xmlns:r="{NS}/officeDocument/2006/relationships"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships'
        f' xmlns="{NS}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/worksheet"'
        ' Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{NS}/officeDocument/2006/relationships/sharedStrings"'
        ' Target="sharedStrings.xml"/></Relationships>',
        "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}/spreadsheetml/2006/main"'
        f' count="2" uniqueCount="2"><si><t>カード番号</t></si><si><t>{long}</t></si></sst>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet'
        f' xmlns="{NS}/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        f'<row r="2"><c r="A2" t="n"><v>{value}</v></c></row></sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)


@pytest.fixture()
def dlp(tmp_path: Path, config_file: Path):
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT), "DLP_CONFIG": str(config_file)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dlp", *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
        )

    return run


def test_an_exception_quoting_a_cell_is_masked_everywhere(dlp, tmp_path: Path) -> None:
    export = tmp_path / "export"
    export.mkdir()
    book = export / "payments.xlsx"
    card_in_a_numeric_cell(book)
    scanned = dlp("scan", "--format", "json", str(book))
    assert scanned.returncode == 2, scanned.stderr  # unscannable (corrupt): held by the default policy
    assert "ValueError" in scanned.stdout and "****-7318" in scanned.stdout  # the reason stays useful
    held = dlp("scan", "--quarantine", "--audit", "--format", "jsonl", str(book))
    assert held.returncode == 2 and not book.exists(), held.stderr
    listed = dlp("quarantine", "list", "--format", "json")
    entry_id = json.loads(listed.stdout)[0]["id"]
    outputs = {
        "scan json": scanned.stdout,
        "scan jsonl": held.stdout + held.stderr,
        "scan table": dlp("scan", str(tmp_path / "nothing.txt"), str(export)).stdout,
        "quarantine show": dlp("quarantine", "show", entry_id).stdout,
        "quarantine show json": dlp("quarantine", "show", entry_id, "--format", "json").stdout,
        "audit": (tmp_path / "data" / "audit.jsonl").read_text(encoding="utf-8"),
    }
    with sqlite3.connect(f"file:{tmp_path / 'data' / 'quarantine' / 'index.sqlite3'}?mode=ro", uri=True) as db:
        outputs["index"] = "\n".join(db.iterdump())
    leaks = [where for where, text in outputs.items() if CARD in text or CARD.replace("-", "") in text]
    assert not leaks, {where: outputs[where][:2000] for where in leaks}
    assert "ValueError" in outputs["quarantine show"]


def test_a_long_number_the_detector_does_not_claim_is_masked_too(dlp, tmp_path: Path) -> None:
    """A 16-digit number with a wrong check digit is no card to the detector, but an exception
    text still has no business quoting it."""
    book = tmp_path / "orders.xlsx"
    card_in_a_numeric_cell(book, "1234-5678-9012-3456")
    scanned = dlp("scan", "--format", "json", str(book))
    assert scanned.returncode == 2, scanned.stderr
    assert "ValueError" in scanned.stdout and "****-3456" in scanned.stdout
    assert "1234-5678-9012" not in scanned.stdout
