"""OCR quality measurements behind two settings, so that they can be measured again rather than
taken on trust (issue 11: "choose the resolution by measurement"; digit confusions "measured,
not guessed"):

* ``pdf_dpi``: the resolution image-only PDF pages are rendered at (dlp/extract/pdf.py renders
  at the picture's own resolution, 150..ocr_pdf_dpi). 200-dpi scans (a clean form and a blurred
  fax, each a JPEG in a PDF) rendered at 150, 200, 300 and 400 dpi: fixture values found.
* ``confusions``: which characters Tesseract writes for digits on degraded pages (a blurred
  200-dpi fax, a 120-dpi fax, a 204 x 98 standard fax squared as ocr_parts does), tallied from
  the best-matching OCR line of each value; and the digit-bearing values found without and with
  ``fold_digits`` (dlp/extract/ocr.py's table).

Run through bench/bench_ocr.py (``--pdf-dpi``, ``--confusions``); fake data only.
"""

from __future__ import annotations

import io
import random
from collections import Counter
from difflib import SequenceMatcher

import pypdfium2 as pdfium
from PIL import Image, ImageFilter

from dlp.extract.ocr import fold_digits, recognise
from scripts.make_ocr_fixtures import OcrFixture, _fax, comparable, draw_form, form_values, recall
from tests.fakes import FakeJP

RENDER_DPIS = (150, 200, 300, 400)
# The form's fields made of digits (an address or a mail address may hold some, but are words).
DIGIT_FIELDS = ("BIRTH_DATE", "POSTAL", "PHONE", "MOBILE", "MY_NUMBER", "BANK_ACCOUNT", "CUSTOMER_ID")
TIMEOUT = 60.0


def _scan_pdf(page: Image.Image, dpi: int) -> bytes:
    out = io.BytesIO()
    page.convert("RGB").save(out, "PDF", resolution=float(dpi), quality=85)
    return out.getvalue()


def _blurred_fax(values: dict[str, str], dpi: int, seed: int) -> Image.Image:
    page = _fax(draw_form(values, dpi), random.Random(seed), 0.6)
    return page.convert("L").filter(ImageFilter.GaussianBlur(0.8))


def pdf_dpi(seeds: int) -> dict[int, tuple[int, int]]:
    """Render dpi -> (values found, values shown) over ``seeds`` clean and ``seeds`` blurred-fax
    200-dpi scanned PDFs."""
    fake = FakeJP(3100)
    scans: list[tuple[bytes, dict[str, str]]] = []
    for seed in range(seeds):
        clean, faxed = form_values(fake), form_values(fake)
        scans.append((_scan_pdf(draw_form(clean, 200), 200), clean))
        scans.append((_scan_pdf(_blurred_fax(faxed, 200, seed), 200), faxed))
    totals = {dpi: [0, 0] for dpi in RENDER_DPIS}
    for data, values in scans:
        document = pdfium.PdfDocument(data)
        try:
            for dpi in RENDER_DPIS:
                image = document[0].render(scale=dpi / 72, grayscale=True).to_pil()
                text = fold_digits(recognise(image, dpi, TIMEOUT).text)
                found, _missing = recall(OcrFixture("scan.pdf", "pdf", data, values), text)
                totals[dpi][0] += found
                totals[dpi][1] += len(values)
        finally:
            document.close()
    return {dpi: (found, shown) for dpi, (found, shown) in totals.items()}


def _degraded(values: dict[str, str], seed: int) -> list[tuple[Image.Image, int]]:
    """The same form as three poor faxes, each with the resolution OCR is told."""
    standard = draw_form(values, 204)
    standard = standard.resize((standard.width, standard.height * 98 // 204), Image.Resampling.BILINEAR)
    standard = _fax(standard, random.Random(seed), 0.4).convert("L")
    squared = standard.resize((standard.width, round(standard.height * 204 / 98)), Image.Resampling.BILINEAR)
    return [
        (_blurred_fax(values, 200, seed), 200),
        (_fax(draw_form(values, 120), random.Random(seed), -0.5), 120),
        (squared, 204),
    ]


def confusions(seeds: int) -> tuple[Counter[tuple[str, str]], int, int, int, int]:
    """(expected digit, written character) counts where a digit came back as something else,
    the digits compared, and digit-bearing values found raw, found folded, and shown."""
    fake = FakeJP(3200)
    tally: Counter[tuple[str, str]] = Counter()
    digits = raw_found = folded_found = shown = 0
    for seed in range(seeds):
        form = form_values(fake)
        values = {key: form[key] for key in DIGIT_FIELDS}
        for image, dpi in _degraded(form, seed):
            text = recognise(image, dpi, TIMEOUT).text
            raw, folded = comparable(text), comparable(fold_digits(text))
            lines = [comparable(line) for line in text.splitlines() if line.strip()]
            for value in values.values():
                want = comparable(value)
                shown += 1
                raw_found += want in raw
                folded_found += want in folded
                digits += sum(c.isdigit() for c in want)
                tally.update(_misreads(want, lines))
    return tally, digits, raw_found, folded_found, shown


def _misreads(want: str, lines: list[str]) -> list[tuple[str, str]]:
    """Digit -> character pairs where the best-matching line replaced a digit of ``want``."""
    if not lines:
        return []
    best = max(lines, key=lambda line: SequenceMatcher(None, want, line, autojunk=False).ratio())
    pairs = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, want, best, autojunk=False).get_opcodes():
        if op == "replace" and i2 - i1 == j2 - j1:
            pairs += [(a, b) for a, b in zip(want[i1:i2], best[j1:j2], strict=True) if a.isdigit()]
    return pairs
