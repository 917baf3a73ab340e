"""Extractors load with their first item: a scan of text files does not pay the start-up of the
PDF, archive, Office and picture libraries (measured: a tenth of `dlp scan`'s start-up)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dlp.extract import EXTRACTORS

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pypdfium2", "py7zr", "PIL", "openpyxl", "dlp.extract.pdf", "dlp.extract.archive", "dlp.extract.office")

_PROBE = """
import json, sys
from pathlib import Path
from dlp.model import Item
from dlp.extract import extract
from dlp.extract.limits import Limits
parts = list(extract(Item.from_path(Path(sys.argv[1])), Limits()))
print(json.dumps({"modules": sorted(sys.modules), "text": "".join(getattr(p, "text", "") for p in parts)}))
"""


def _probe(path: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path)], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(out.stdout)


def test_a_csv_is_read_without_loading_the_other_formats_libraries(tmp_path: Path) -> None:
    csv = tmp_path / "customers.csv"
    csv.write_bytes("氏名,電話番号\r\n山田 太郎,090-1234-5678\r\n".encode("cp932"))
    seen = _probe(csv)
    assert "090-1234-5678" in str(seen["text"])
    loaded = set(seen["modules"])  # type: ignore[arg-type]
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert "dlp.extract.delimited" in loaded


def test_a_pdf_loads_its_reader_at_its_first_item(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(200, 200)
    path = tmp_path / "blank.pdf"
    pdf.save(str(path))
    loaded = set(_probe(path)["modules"])  # type: ignore[arg-type]
    assert {"dlp.extract.pdf", "pypdfium2"} <= loaded


def test_every_kind_names_an_extractor_that_exists() -> None:
    """A typo in the table would only surface at the first item of that kind: caught here."""
    for kind, extractor in EXTRACTORS.items():
        assert callable(extractor.load()), kind  # type: ignore[attr-defined]
