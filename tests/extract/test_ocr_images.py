"""Every image format the issue names is read by OCR, page by page, and an image too large to
decode is refused before a pixel is decoded (issue 11). Real pixels: the fixture form and fax
of scripts/make_ocr_fixtures.py saved in each format by Pillow, read by the real Tesseract; a
decompression bomb written chunk by chunk (30000 x 30000 pixels in under 1 MB of PNG)."""

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
from email.message import EmailMessage
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from dlp.extract import extract
from dlp.extract.limits import Limits
from dlp.extract.ocr import find_tesseract
from dlp.model import Action, Item, Segment, Unscannable, UnscannableReason
from dlp.pipeline import scan_item
from scripts.make_ocr_fixtures import SEED, OcrFixture, fax_tiff, font, form_png, recall
from tests.fakes import FakeJP

pytestmark = pytest.mark.slow  # Tesseract OCR, dlp run as a subprocess

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def form() -> OcrFixture:
    return form_png(FakeJP(SEED))


@pytest.fixture(scope="module")
def fax() -> OcrFixture:
    return fax_tiff(FakeJP(SEED))


def _saved(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _reasons(parts: list) -> list[tuple[str, str]]:
    return [(u.reason.value, u.locator.rsplit("#", 1)[1]) for u in parts if isinstance(u, Unscannable)]


def _ocr_text(parts: list) -> str:
    return "\n".join(p.text for p in parts if isinstance(p, Segment) and p.kind == "ocr")


# Pillow writes each of them; GIF is a 256-colour palette, BMP 8-bit grey, WebP lossy at 80.
_FORMATS = {
    "png": ("PNG", {"dpi": (300, 300)}),
    "jpg": ("JPEG", {"quality": 80, "dpi": (300, 300)}),
    "bmp": ("BMP", {"dpi": (300, 300)}),
    "gif": ("GIF", {}),
    "webp": ("WEBP", {"quality": 80}),
    "tif": ("TIFF", {"compression": "tiff_lzw", "dpi": (300, 300)}),
}


@pytest.mark.parametrize("ext", list(_FORMATS))
def test_a_form_is_read_in_every_image_format(settings, form: OcrFixture, ext: str) -> None:
    """PNG, JPEG, BMP, GIF, WebP and TIFF: the same scanned form is read, its My Number found
    where it was drawn, and the item blocked. Recall measured (Tesseract 5.3.0): 9/11 in PNG,
    BMP, GIF and LZW TIFF, 10/11 in WebP, 8/11 in JPEG at quality 80 (its artefacts cost the
    postal code); the floor is 0.7."""
    fmt, options = _FORMATS[ext]
    page = Image.open(io.BytesIO(form.data))
    data = _saved(page if fmt != "JPEG" else page.convert("L"), fmt, **options)
    item = Item.from_bytes(data, f"form.{ext}")
    parts = list(extract(item, Limits()))
    assert _reasons(parts) == [("ocr", "ocr")], _reasons(parts)
    found, missing = recall(OcrFixture(item.name, "form", data, form.values), _ocr_text(parts))
    print(f"OCR recall form.{ext}: {found}/{len(form.values)} missing {missing}")
    assert found / len(form.values) >= 0.7, (ext, missing)
    verdict = scan_item(item, settings)
    assert verdict.action is Action.BLOCK, (ext, verdict.clause)
    mine = [f for f in verdict.findings if f.type == "MY_NUMBER"]
    assert mine and mine[0].value == form.values["MY_NUMBER"] and "#ocr@" in mine[0].locator, ext


@pytest.mark.parametrize("compression", ["group3", "group4"])
def test_every_page_of_a_multi_page_fax_is_read_and_counted(settings, fax: OcrFixture, compression: str) -> None:
    """A two-page fax in CCITT G3 or G4: each page is OCR'd on its own, carries its own reason
    and locator, and the My Number of each page is found on that page."""
    tiff = Image.open(io.BytesIO(fax.data))
    pages = []
    for index in range(tiff.n_frames):
        tiff.seek(index)
        pages.append(tiff.copy())
    data = _saved(pages[0], "TIFF", compression=compression, dpi=(200, 200), save_all=True, append_images=pages[1:])
    verdict = scan_item(Item.from_bytes(data, "fax.tif"), settings)
    assert [(u.reason.value, u.locator) for u in verdict.unscannable] == [
        ("ocr", "fax.tif#page1/ocr"),
        ("ocr", "fax.tif#page2/ocr"),
    ]
    for page in (1, 2):
        value = fax.values[f"MY_NUMBER#{page}"]
        where = [f.locator for f in verdict.findings if f.type == "MY_NUMBER" and f.value == value]
        assert where and where[0].startswith(f"fax.tif#page{page}/ocr@"), (page, where)
    assert verdict.action is Action.BLOCK


def _notice_page() -> Image.Image:
    page = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(["営業時間変更のお知らせ", "年末年始は休業いたします。", "ご不便をおかけします。"]):
        draw.text((150, 200 + i * 150), line, font=font("gothic", 70), fill=0)
    return page


def test_a_page_that_cannot_be_read_holds_the_item_whatever_the_other_pages(settings) -> None:
    """Per page counted: a fax whose first page is a notice read well and whose second page
    gives no text is held for the second page (it may be the one with the data)."""
    blank = Image.new("1", (1654, 2339), 1)
    notice = _notice_page().convert("1")
    data = _saved(notice, "TIFF", compression="group4", dpi=(200, 200), save_all=True, append_images=[blank])
    verdict = scan_item(Item.from_bytes(data, "fax.tif"), settings)
    assert [(u.reason.value, u.locator) for u in verdict.unscannable] == [
        ("ocr", "fax.tif#page1/ocr"),
        ("no_text", "fax.tif#page2/ocr"),
    ]
    assert verdict.action is Action.QUARANTINE and verdict.clause == "unscannable"


def test_without_tesseract_each_page_is_counted(monkeypatch, tmp_path: Path, fax: OcrFixture) -> None:
    """With Tesseract gone, the first page says why and the pages left are counted in one
    reason (page 2 here; pages 2-N for longer faxes)."""
    monkeypatch.setenv("PATH", str(tmp_path))
    find_tesseract.cache_clear()
    try:
        parts = list(extract(Item.from_bytes(fax.data, "fax.tif"), Limits()))
    finally:
        monkeypatch.undo()
        find_tesseract.cache_clear()
    unread = [u for u in parts if isinstance(u, Unscannable)]
    assert [(u.reason.value, u.locator) for u in unread] == [
        ("no_text", "fax.tif#page1/ocr"),
        ("no_text", "fax.tif#page2/ocr"),
    ]
    assert "Tesseract is not installed" in unread[0].detail
    assert unread[1].detail.startswith("page 2: "), unread[1].detail


def test_a_scan_inlined_in_an_html_mail_is_read(settings, form: OcrFixture) -> None:
    """An image shown inside the mail body (multipart/related, ``cid:``) is read like an
    attachment: the My Number on it blocks the mail."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.jp", "b@example.com", "申込書"
    message["Message-ID"] = "<inline-scan@example.jp>"
    message.set_content("申込書を本文に貼りました。")
    message.add_alternative('<p>申込書を本文に貼りました。</p><img src="cid:scan1@example.jp">', subtype="html")
    html = message.get_payload()[1]
    html.add_related(form.data, maintype="image", subtype="png", cid="<scan1@example.jp>")
    assert "multipart/related" in message.as_string() and "Content-Disposition: attachment" not in message.as_string()
    verdict = scan_item(Item.from_bytes(message.as_bytes(), "inline.eml"), settings)
    assert verdict.action is Action.BLOCK and "MY_NUMBER" in verdict.counts, verdict.clause
    assert any(u.reason is UnscannableReason.OCR for u in verdict.unscannable)
    assert any("#ocr@" in f.locator for f in verdict.findings if f.type == "MY_NUMBER")


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


def test_what_an_unread_image_does_is_the_policys_to_say(settings, tmp_path: Path) -> None:
    """``no_text`` is a reason like every other: the default policy holds a lone blank scan; a
    policy that leaves no_text out of its unscannable clause lets it pass, one that names it in
    a block clause blocks it."""
    from dlp.policy import load_policy

    blank = _saved(Image.new("L", (1654, 2339), 255), "PNG", dpi=(200, 200))
    verdict = scan_item(Item.from_bytes(blank, "blank_scan.png"), settings)
    assert [u.reason for u in verdict.unscannable] == [UnscannableReason.NO_TEXT]
    assert verdict.action is Action.QUARANTINE
    default = (ROOT / "rules" / "policy.yaml").read_text(encoding="utf-8")
    assert default.count(" no_text,") == 1

    def decide(policy_text: str) -> Action:
        (tmp_path / "policy.yaml").write_text(policy_text, encoding="utf-8")
        policy = load_policy(tmp_path / "policy.yaml")
        tally = policy.new_tally()
        for u in verdict.unscannable:
            tally.add_unscannable(u)
        return policy.decide(tally, None).action

    assert decide(default) is Action.QUARANTINE
    assert decide(default.replace(" no_text,", "")) is Action.ALLOW
    strict = default.replace("clauses:\n", "clauses:\n" + _BLOCK_NO_TEXT, 1)
    assert decide(strict) is Action.BLOCK


_BLOCK_NO_TEXT = """\
  - id: unread-scan
    name: {ja: 読み取れないスキャン, en: an unread scan}
    action: block
    when: {unscannable: [no_text]}
"""


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
    return _saved(sheet, "PNG", dpi=(300, 300))


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
    assert _reasons(parts) == [("no_text", "ocr")] and "ocr_timeout" in parts[-1].detail, _reasons(parts)
    assert seen, "Tesseract never ran"
    assert _gone(seen) == set()


def test_a_worker_killed_for_the_items_timeout_takes_its_tesseract_with_it(settings, form: OcrFixture) -> None:
    """The item's own timeout (``limits.timeout``) is shorter than OCR takes: the worker is
    killed, the item is held as ``timeout``, and no Tesseract is left running (it dies with its
    parent, PR_SET_PDEATHSIG)."""
    from dataclasses import replace

    from dlp.worker import ItemSpec, WorkerPool

    short = replace(settings, limits=replace(settings.limits, timeout=4.0))
    spec = ItemSpec(data=_big_page(form), name="sheet.png", locator="sheet.png")
    with WorkerPool(short, 1) as pool:
        verdict, seen = _watching(pool.scan, spec)
    assert [u.reason for u in verdict.unscannable] == [UnscannableReason.TIMEOUT], verdict.unscannable
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


def _small_card_photo() -> bytes:
    """The licence fixture as a small phone picture (380 x 258 = 98,040 pixels: under the
    logo size, 150,000). On its own it is OCR'd (read poorly: no_text)."""
    from scripts.make_ocr_fixtures import licence_card

    card = Image.open(io.BytesIO(licence_card(FakeJP(SEED)).data))
    return _saved(card.resize((380, 258), Image.Resampling.LANCZOS).convert("RGB"), "JPEG", quality=85)


def test_a_document_whose_only_content_is_a_small_picture_is_no_text(settings) -> None:
    """A small picture is passed as a logo only beside text of the item's own: a Word file with
    nothing but a small card photo, and a mail with an empty body and the photo attached, are
    held as no_text (names, headers and metadata are not the item's content)."""
    import docx
    from docx.shared import Mm

    photo = _small_card_photo()
    document = docx.Document()
    document.add_picture(io.BytesIO(photo), width=Mm(60))
    out = io.BytesIO()
    document.save(out)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.jp", "b@example.com", "写真"
    message["Message-ID"] = "<small-photo@example.jp>"
    message.set_content("")
    message.add_attachment(photo, maintype="image", subtype="jpeg", filename="IMG_0001.jpg")
    for item in (Item.from_bytes(out.getvalue(), "photo.docx"), Item.from_bytes(message.as_bytes(), "photo.eml")):
        verdict = scan_item(item, settings)
        assert [u.reason for u in verdict.unscannable] == [UnscannableReason.NO_TEXT], (item.name, verdict.unscannable)
        assert "small picture" in verdict.unscannable[0].detail
        assert verdict.action is Action.QUARANTINE, item.name


def test_a_small_picture_beside_text_is_still_a_logo(settings) -> None:
    """The same small photo in a mail that says something is a logo or a signature: not read,
    no reason (the rule's cost: README, Scanned documents)."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.jp", "b@example.com", "ご案内"
    message["Message-ID"] = "<logo@example.jp>"
    message.set_content("来週の打ち合わせは第2会議室で行います。")
    message.add_attachment(_small_card_photo(), maintype="image", subtype="jpeg", filename="logo.jpg")
    verdict = scan_item(Item.from_bytes(message.as_bytes(), "note.eml"), settings)
    assert verdict.unscannable == [] and verdict.action is Action.ALLOW
