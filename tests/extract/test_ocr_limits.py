"""OCR's own limits (issue 11): an image too large to decode is refused before a pixel is
decoded (a decompression bomb written chunk by chunk: 30000 x 30000 pixels in under 1 MB of
PNG), Tesseract past its time is killed and dies with a killed worker, a Tesseract without its
Japanese model is said once and every image is no_text, and Pillow's warnings stay out of the
log. Real Tesseract, real worker processes, `dlp` run as a subprocess."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from dlp.extract import extract
from dlp.extract.limits import Limits
from dlp.model import Action, Item, Segment, UnscannableReason
from dlp.pipeline import scan_item
from scripts.make_ocr_fixtures import SEED, OcrFixture, form_png
from tests.extract.ocr_images import reasons, saved
from tests.fakes import FakeJP

pytestmark = pytest.mark.slow  # Tesseract OCR, dlp run as a subprocess

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def form() -> OcrFixture:
    return form_png(FakeJP(SEED))


def png_bomb(width: int, height: int) -> bytes:
    """A grey PNG of ``width`` x ``height`` white pixels, compressed row by row (never held
    decoded): 30000 x 30000 is 900 MB of pixels in under 1 MB."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    packer = zlib.compressobj(9)
    row = b"\0" + b"\xff" * width
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return png_bomb(30_000, 30_000)


def test_a_decompression_bomb_is_no_text_before_a_pixel_is_decoded(settings, bomb: bytes) -> None:
    """30000 x 30000 pixels (Pillow's own limit refuses it at open): held as no_text at once,
    with the size in the reason."""
    started = time.monotonic()
    verdict = scan_item(Item.from_bytes(bomb, "bomb.png"), settings)
    assert time.monotonic() - started < 10
    assert [u.reason for u in verdict.unscannable] == [UnscannableReason.NO_TEXT]
    assert "900,000,000 pixels" in verdict.unscannable[0].detail, verdict.unscannable[0].detail
    assert verdict.action is Action.QUARANTINE


def test_an_image_over_ocr_max_pixels_is_not_decoded_and_pillow_stays_quiet(tmp_path: Path) -> None:
    """10000 x 10000 (over ``ocr_max_pixels`` and over Pillow's warning threshold, under its
    error): no_text naming our limit, and no DecompressionBombWarning in the output; and the
    30000 x 30000 bomb costs `dlp scan` and its worker little memory (decoded it is 900 MB)."""
    (tmp_path / "big.png").write_bytes(png_bomb(10_000, 10_000))
    (tmp_path / "bomb.png").write_bytes(png_bomb(30_000, 30_000))
    measure = (
        "import resource, subprocess, sys\n"
        "out = subprocess.run([sys.executable, '-m', 'dlp', 'scan', '-j', '1', '--format', 'jsonl', *sys.argv[1:]],"
        " capture_output=True, text=True)\n"
        "sys.stdout.write(out.stdout); sys.stderr.write(out.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    paths = [str(tmp_path / "big.png"), str(tmp_path / "bomb.png")]
    out = subprocess.run(
        [sys.executable, "-c", measure, *paths], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
        env={**os.environ, "PYTHONWARNINGS": "default"},
    )  # fmt: skip
    lines = out.stdout.splitlines()
    verdicts = {Path(v["path"]).name: v for v in map(json.loads, lines[:-1]) if "action" in v}
    assert set(verdicts) == {"big.png", "bomb.png"}, out.stdout + out.stderr
    for verdict in verdicts.values():
        assert verdict["action"] == "quarantine" and [u["reason"] for u in verdict["unscannable"]] == ["no_text"]
    assert "ocr_max_pixels" in verdicts["big.png"]["unscannable"][0]["detail"]
    assert "DecompressionBomb" not in out.stderr, out.stderr
    assert int(lines[-1]) < 400_000, f"max RSS {int(lines[-1]) // 1024} MB"  # KB


def test_a_bomb_pasted_in_a_word_file_is_held(settings, bomb: bytes) -> None:
    import docx
    from docx.shared import Mm

    document = docx.Document()
    document.add_paragraph("添付の図をご確認ください。")
    document.add_picture(io.BytesIO(bomb), width=Mm(150))
    out = io.BytesIO()
    document.save(out)
    verdict = scan_item(Item.from_bytes(out.getvalue(), "figure.docx"), settings)
    assert [u.reason for u in verdict.unscannable] == [UnscannableReason.NO_TEXT], verdict.unscannable
    assert verdict.action is Action.QUARANTINE


def _processes() -> dict[int, tuple[str, str, int]]:
    """pid -> (command name, state, parent pid), from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry.name)] = (stat[stat.index("(") + 1 : stat.rindex(")")], fields[0], int(fields[1]))
    return table


def _tesseracts_below(ancestor: int) -> set[int]:
    table = _processes()

    def below(pid: int) -> bool:
        for _ in range(20):
            pid = table.get(pid, ("", "", 0))[2]
            if pid == ancestor:
                return True
            if pid <= 1:
                return False
        return False

    return {pid for pid, (name, state, _) in table.items() if name == "tesseract" and state != "Z" and below(pid)}


def _alive(pids: set[int]) -> set[int]:
    table = _processes()
    return {pid for pid in pids if pid in table and table[pid][1] != "Z"}


def _big_page(form: OcrFixture) -> bytes:
    """Four form pages on one sheet (4960 x 7016, 35 M pixels): seconds of Tesseract."""
    page = Image.open(io.BytesIO(form.data))
    sheet = Image.new("L", (page.width * 2, page.height * 2), 255)
    for x in (0, page.width):
        for y in (0, page.height):
            sheet.paste(page, (x, y))
    return saved(sheet, "PNG", dpi=(300, 300))


def _watching(target, *args):  # type: ignore[no-untyped-def]
    """Run ``target(*args)`` while noting every Tesseract below this process."""
    seen: set[int] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.update(_tesseracts_below(os.getpid()))
            time.sleep(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        result = target(*args)
    finally:
        done.set()
        watcher.join()
    return result, seen


def _gone(pids: set[int], seconds: float = 1.0) -> set[int]:
    """Those of ``pids`` still running after ``seconds``. Short on purpose: without
    PR_SET_PDEATHSIG the Tesseract of a killed worker ran on for 4.4 s (measured)."""
    deadline = time.monotonic() + seconds
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _alive(pids)


def test_tesseract_past_ocr_timeout_is_killed_and_the_page_is_no_text(form: OcrFixture) -> None:
    item = Item.from_bytes(_big_page(form), "sheet.png")
    parts, seen = _watching(lambda: list(extract(item, Limits(ocr_timeout=1.0))))
    assert reasons(parts) == [("no_text", "ocr")] and "ocr_timeout" in parts[-1].detail, reasons(parts)
    assert seen, "Tesseract never ran"
    assert _gone(seen) == set()


def test_a_worker_killed_for_the_items_timeout_takes_its_tesseract_with_it(settings, form: OcrFixture) -> None:
    """The item's own timeout (``limits.timeout``) is shorter than OCR takes: the worker is
    killed, the item is held as ``timeout``, and no Tesseract is left running (it dies with its
    parent, PR_SET_PDEATHSIG)."""
    from dataclasses import replace

    from dlp.worker import ItemSpec, WorkerPool

    spec = ItemSpec(data=_big_page(form), name="sheet.png", locator="sheet.png")
    timeout = 4.0
    for _ in range(3):
        short = replace(settings, limits=replace(settings.limits, timeout=timeout))
        with WorkerPool(short, 1) as pool:
            started = time.monotonic()
            verdict, seen = _watching(pool.scan, spec)
            took = time.monotonic() - started
        if [u.reason for u in verdict.unscannable] != [UnscannableReason.TIMEOUT]:
            timeout = took / 2  # a fast machine read the sheet in time: half of that is mid-OCR
            continue
        break
    assert [u.reason for u in verdict.unscannable] == [UnscannableReason.TIMEOUT], (timeout, verdict.unscannable)
    assert verdict.action is Action.QUARANTINE
    assert seen, "Tesseract never ran"
    assert _gone(seen) == set()


def test_tesseract_without_its_japanese_model_is_said_once_and_images_are_no_text(
    tmp_path: Path, form: OcrFixture
) -> None:
    """tesseract-ocr installed without tesseract-ocr-jpn (its models looked for in an empty
    folder): OCR is unavailable, `dlp config check` and `dlp scan` say why, the scan says it
    once, and every image is held as no_text."""
    (tmp_path / "tessdata").mkdir()
    for name in ("a.png", "b.png"):
        (tmp_path / name).write_bytes(form.data)
    env = {**os.environ, "TESSDATA_PREFIX": str(tmp_path / "tessdata"), "XDG_DATA_HOME": str(tmp_path)}

    def dlp(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "dlp", *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False)

    said = "OCR unavailable: Tesseract has no 'jpn' model"
    assert said in dlp("config", "check").stdout
    out = dlp("scan", "--format", "jsonl", str(tmp_path / "a.png"), str(tmp_path / "b.png"))
    verdicts = [json.loads(line) for line in out.stdout.splitlines() if '"action"' in line]
    assert [(v["action"], [u["reason"] for u in v["unscannable"]]) for v in verdicts] == [
        ("quarantine", ["no_text"]),
        ("quarantine", ["no_text"]),
    ], out.stderr
    assert out.stderr.count(said) == 1, out.stderr


def test_a_hostile_image_header_leaves_no_warning_in_the_log() -> None:
    """Text behind a TIFF signature makes Pillow warn of corrupt EXIF data: the item's reasons
    say what became of it; Python warnings (stderr of the daemons) stay empty."""
    import warnings

    from tests.extract.hostile_files import customer_csv

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parts = list(extract(Item.from_bytes(b"II*\x00" + customer_csv(), "list.tif"), Limits()))
    assert any(isinstance(p, Segment) for p in parts)
    assert [str(w.message) for w in caught] == []
