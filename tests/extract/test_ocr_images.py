"""Every image format the issue names is read by OCR, page by page, wherever the image sits
(a file, a mail's body), and what an unread image does is the policy's (issue 11). Real
pixels: the fixture form and fax of scripts/make_ocr_fixtures.py saved in each format by
Pillow, read by the real Tesseract. OCR's limits: tests/extract/test_ocr_limits.py."""

from __future__ import annotations

import io
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
from tests.extract.ocr_images import reasons, saved
from tests.fakes import FakeJP

pytestmark = pytest.mark.slow  # Tesseract OCR, dlp run as a subprocess

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def form() -> OcrFixture:
    return form_png(FakeJP(SEED))


@pytest.fixture(scope="module")
def fax() -> OcrFixture:
    return fax_tiff(FakeJP(SEED))


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
    data = saved(page if fmt != "JPEG" else page.convert("L"), fmt, **options)
    item = Item.from_bytes(data, f"form.{ext}")
    parts = list(extract(item, Limits()))
    assert reasons(parts) == [("ocr", "ocr")], reasons(parts)
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
    data = saved(pages[0], "TIFF", compression=compression, dpi=(200, 200), save_all=True, append_images=pages[1:])
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
    data = saved(notice, "TIFF", compression="group4", dpi=(200, 200), save_all=True, append_images=[blank])
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


def test_what_an_unread_image_does_is_the_policys_to_say(settings, tmp_path: Path) -> None:
    """``no_text`` is a reason like every other: the default policy holds a lone blank scan; a
    policy that leaves no_text out of its unscannable clause lets it pass, one that names it in
    a block clause blocks it."""
    from dlp.policy import load_policy

    blank = saved(Image.new("L", (1654, 2339), 255), "PNG", dpi=(200, 200))
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


def _small_card_photo() -> bytes:
    """The licence fixture as a small phone picture (380 x 258 = 98,040 pixels: under the
    logo size, 150,000). On its own it is OCR'd (read poorly: no_text)."""
    from scripts.make_ocr_fixtures import licence_card

    card = Image.open(io.BytesIO(licence_card(FakeJP(SEED)).data))
    return saved(card.resize((380, 258), Image.Resampling.LANCZOS).convert("RGB"), "JPEG", quality=85)


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
