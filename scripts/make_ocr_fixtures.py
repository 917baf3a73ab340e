"""Scanned-document fixtures for the OCR tests: real pixels, fake people, real Japanese fonts.

Every fixture is drawn from fake data (tests/fakes.py, Faker ja_JP with valid check digits)
with the IPA fonts Debian ships (fonts-ipafont-gothic, fonts-ipafont-mincho; Noto CJK as a
fallback), then degraded the way real scans are: a 200-dpi 1-bit fax TIFF (G4, two pages,
skewed), a phone photo (perspective, noise, blur, JPEG), an image-only PDF, a licence-like card,
a Word file with a pasted scan, a memo in vertical columns, and phone photos of the other
identity documents (個人番号カード, 通知カード, 健康保険証, 在留カード, a passport page). Each fixture lists the fake
values it shows, so that a test can measure which of them OCR gives back. Nothing is
committed: tests build them at run time.

    python scripts/make_ocr_fixtures.py OUTDIR [--fonts noto]   # the files and values.json
"""

from __future__ import annotations

import io
import json
import random
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fakes import FakeJP  # noqa: E402

SEED = 20261130
A4_MM = (210.0, 297.0)
CARD_MM = (85.6, 54.0)
_IPA = {
    "gothic": (
        "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
        "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    ),
    "mincho": (
        "/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf",
        "/usr/share/fonts/truetype/fonts-japanese-mincho.ttf",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    ),
}
# fonts-noto-cjk (index 0 of the collections is the Japanese face): `--fonts noto`. Measured
# with seed 11: 84/100 values found, every fixture held or blocked (IPA, same seed: see tests).
_NOTO = {
    "gothic": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",),
    "mincho": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",),
}
_FONTS = dict(_IPA)


@dataclass
class OcrFixture:
    """One file and the fake values it shows (type -> value as printed)."""

    name: str
    kind: str  # form | fax | photo | pdf | card | docx | vertical | id_* (tests/extract/test_ocr.py)
    data: bytes
    values: dict[str, str] = field(default_factory=dict)


def font(style: str, px: float) -> ImageFont.FreeTypeFont:
    for path in _FONTS[style]:
        if Path(path).exists():
            return ImageFont.truetype(path, max(6, round(px)))
    raise FileNotFoundError(f"no Japanese {style} font: apt-get install fonts-ipafont-gothic fonts-ipafont-mincho")


def form_values(fake: FakeJP) -> dict[str, str]:
    """The fields of a 申込書 (application form), as printed."""
    person = fake.person()
    born = fake.birth_date()
    return {
        "NAME": f"{person.last} {person.first}",
        "KANA": f"{person.last_kana} {person.first_kana}",
        "BIRTH_DATE": f"{born.year}年{born.month}月{born.day}日",
        "POSTAL": fake.postal(),
        "ADDRESS": fake.address(),
        "PHONE": fake.landline(),
        "MOBILE": fake.mobile(),
        "EMAIL": fake.email(),
        "MY_NUMBER": fake.my_number(),
        "BANK_ACCOUNT": fake.bank_account(),
        "CUSTOMER_ID": f"CU{fake.r.randint(100000, 999999)}",
    }


def draw_form(values: dict[str, str], dpi: int, *, page: int = 1) -> Image.Image:
    """An A4 application form (ruled table, label | value), greyscale, at ``dpi``."""
    mm = dpi / 25.4
    pt = dpi / 72
    width, height = round(A4_MM[0] * mm), round(A4_MM[1] * mm)
    img = Image.new("L", (width, height), 255)
    d = ImageDraw.Draw(img)
    d.text((20 * mm, 18 * mm), "お客様情報 登録申込書", font=font("mincho", 18 * pt), fill=0)
    d.text((140 * mm, 20 * mm), f"受付日 2026年11月{page + 9}日", font=font("gothic", 10 * pt), fill=0)
    labels = [
        ("お名前", "NAME"),
        ("フリガナ", "KANA"),
        ("生年月日", "BIRTH_DATE"),
        ("郵便番号", "POSTAL"),
        ("ご住所", "ADDRESS"),
        ("電話番号", "PHONE"),
        ("携帯電話", "MOBILE"),
        ("メールアドレス", "EMAIL"),
        ("個人番号", "MY_NUMBER"),
        ("口座番号（普通）", "BANK_ACCOUNT"),
        ("お客様番号", "CUSTOMER_ID"),
    ]
    top, row, left, split, right = 40 * mm, 14 * mm, 20 * mm, 68 * mm, 190 * mm
    label_font, value_font = font("gothic", 10 * pt), font("mincho", 12 * pt)
    line = max(1, round(0.3 * mm))
    for i, (label, key) in enumerate(labels):
        y = top + i * row
        d.rectangle([left, y, right, y + row], outline=0, width=line)
        d.line([split, y, split, y + row], fill=0, width=line)
        d.text((left + 3 * mm, y + 4 * mm), label, font=label_font, fill=0)
        text = values[key]
        if key == "POSTAL":
            text = "〒" + text
        d.text((split + 4 * mm, y + 3.5 * mm), text, font=value_font, fill=0)
    y = top + len(labels) * row + 10 * mm
    remarks = [
        "備考：ご記入いただいた個人情報は、お申込みの手続きにのみ利用いたします。",
        "本人確認書類の写しを添付してください。",
    ]
    for text in remarks:
        d.text((left, y), text, font=font("gothic", 9 * pt), fill=0)
        y += 7 * mm
    return img


def card_values(fake: FakeJP) -> dict[str, str]:
    person = fake.person()
    born = fake.birth_date()
    return {
        "NAME": f"{person.last} {person.first}",
        "BIRTH_DATE": f"{born.year}年{born.month:02d}月{born.day:02d}日",
        "ADDRESS": fake.address(),
        "DRIVERS_LICENSE": fake.drivers_license(),
    }


def draw_licence(values: dict[str, str], width: int = 1100) -> Image.Image:
    """A driving-licence-like card (made-up layout, fake data): the printed words a real one has
    (氏名, 住所, 交付, 有効期限, 免許の条件等, 番号 第…号, 運転免許証, 公安委員会)."""
    mm = width / CARD_MM[0]
    img = Image.new("RGB", (width, round(CARD_MM[1] * mm)), (228, 238, 226))
    d = ImageDraw.Draw(img)
    g, m = (lambda s: font("gothic", s * mm)), (lambda s: font("mincho", s * mm))
    d.rounded_rectangle([1, 1, img.width - 2, img.height - 2], radius=round(3 * mm), outline=(80, 120, 90), width=3)
    d.text((3 * mm, 3 * mm), f"氏名  {values['NAME']}", font=m(3.2), fill=(0, 0, 0))
    d.text((50 * mm, 3.4 * mm), f"{values['BIRTH_DATE']}生", font=g(2.6), fill=(0, 0, 0))
    d.text((3 * mm, 9 * mm), f"住所  {values['ADDRESS']}", font=g(2.6), fill=(0, 0, 0))
    d.text((3 * mm, 14 * mm), "交付  令和05年04月01日  12345", font=g(2.4), fill=(0, 0, 0))
    d.rectangle([3 * mm, 18.5 * mm, 60 * mm, 23.5 * mm], fill=(120, 170, 220))
    d.text((5 * mm, 19.2 * mm), "2031年05月10日まで有効", font=g(3.2), fill=(0, 0, 0))
    d.text((3 * mm, 26 * mm), "免許の条件等  眼鏡等", font=g(2.6), fill=(0, 0, 0))
    d.text((3 * mm, 33 * mm), f"番号  第 {values['DRIVERS_LICENSE']} 号", font=g(3.2), fill=(0, 0, 0))
    d.text((3 * mm, 40 * mm), "運転免許証", font=m(4.5), fill=(0, 0, 0))
    d.text((38 * mm, 46 * mm), "東京都公安委員会", font=m(3.2), fill=(0, 0, 0))
    d.rectangle([62 * mm, 14 * mm, 82 * mm, 40 * mm], fill=(170, 170, 180))  # the photo
    return img


Line = tuple[float, float, str, float, str]  # x mm, y mm, text, size mm, gothic | mincho


def draw_card(lines: list[Line], size_mm: tuple[float, float], width: int, colour: tuple[int, int, int]) -> Image.Image:
    """A card or passport page of made-up layout: ``lines`` at their places, a grey photo box."""
    mm = width / size_mm[0]
    img = Image.new("RGB", (width, round(size_mm[1] * mm)), colour)
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([1, 1, img.width - 2, img.height - 2], radius=round(3 * mm), outline=(90, 90, 90), width=3)
    for x, y, text, size, style in lines:
        d.text((x * mm, y * mm), text, font=font(style, size * mm), fill=(0, 0, 0))
    return img


def _photographed(card: Image.Image, angle: float, seed: int) -> bytes:
    """A phone photo of a card on a desk: margin, a slight turn, sensor noise, blur, JPEG."""
    del seed  # Image.effect_noise has its own generator; the rest is fixed
    canvas = Image.new("RGB", (card.width + 160, card.height + 160), (60, 60, 70))
    canvas.paste(card, (80, 80))
    canvas = canvas.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(60, 60, 70))
    noise = Image.effect_noise(canvas.size, 14).convert("RGB")
    canvas = Image.blend(canvas, noise, 0.06).filter(ImageFilter.GaussianBlur(0.5))
    return _jpeg(canvas, 85)


def my_number_card(fake: FakeJP) -> OcrFixture:
    """The front of a My Number card (個人番号カード), made-up layout, fake data."""
    person = fake.person()
    born = fake.birth_date()
    values = {"NAME": f"{person.last} {person.first}", "ADDRESS": fake.address()}
    lines: list[Line] = [
        (3, 3, f"氏名  {values['NAME']}", 3.2, "mincho"),
        (3, 9, f"住所  {values['ADDRESS']}", 2.5, "gothic"),
        (3, 17, f"{born.year}年{born.month}月{born.day}日生", 2.6, "gothic"),
        (40, 17, "性別  女", 2.6, "gothic"),
        (3, 23, "2034年03月31日まで有効", 2.8, "gothic"),
        (3, 29, "電子証明書の有効期限 2029年03月31日", 2.4, "gothic"),
        (3, 38, "個人番号カード", 4.5, "mincho"),
        (3, 46, "臓器提供意思 裏面に記載", 2.2, "gothic"),
        (45, 46, "千代田区長", 2.8, "mincho"),
    ]
    card = draw_card(lines, CARD_MM, 1100, (236, 236, 246))
    return OcrFixture("mynumber_card.jpg", "id_mynumber", _photographed(card, -1.2, 1), values)


def notification_card(fake: FakeJP) -> OcrFixture:
    """A paper notification card (通知カード, issued 2015-2020 and still kept by many), made-up
    layout, fake data: the card's name, the My Number in large digits, 発行日 and the mayor."""
    person = fake.person()
    born = fake.birth_date()
    number = fake.my_number()
    values = {"NAME": f"{person.last} {person.first}", "MY_NUMBER": number}
    lines: list[Line] = [
        (3, 3, "通知カード", 4.2, "mincho"),
        (3, 11, f"個人番号  {number[:4]} {number[4:8]} {number[8:]}", 3.6, "gothic"),
        (3, 19, f"氏名  {values['NAME']}", 3.2, "mincho"),
        (3, 25, f"住所  {fake.address()}", 2.5, "gothic"),
        (3, 31, f"生年月日  {born.year}年{born.month}月{born.day}日   性別  男", 2.6, "gothic"),
        (3, 38, "発行日  平成27年10月5日", 2.6, "gothic"),
        (52, 45, "品川区長", 3.2, "mincho"),
    ]
    card = draw_card(lines, CARD_MM, 1100, (226, 242, 230))
    return OcrFixture("notification_card.jpg", "id_notification", _photographed(card, 0.7, 5), values)


def health_insurance_card(fake: FakeJP) -> OcrFixture:
    person = fake.person()
    insurer = fake.insurer_number()
    values = {"NAME": f"{person.last} {person.first}", "HEALTH_INSURANCE": insurer}
    lines: list[Line] = [
        (3, 3, "健康保険 被保険者証", 3.8, "mincho"),
        (55, 3.5, "本人（被保険者）", 2.6, "gothic"),
        (3, 10, f"記号 {fake.r.randint(1000, 9999)}  番号 {fake.r.randint(10, 99)}  （枝番）00", 2.8, "gothic"),
        (3, 16, f"氏名  {values['NAME']}", 3.2, "mincho"),
        (3, 22, "資格取得年月日  令和2年4月1日", 2.6, "gothic"),
        (3, 27, "交付年月日  令和5年4月1日", 2.6, "gothic"),
        (3, 33, f"事業所名称  {fake.company()}", 2.6, "gothic"),
        (3, 40, f"保険者番号  {insurer}", 2.8, "gothic"),
        (3, 46, "保険者名称  全国健康保険協会 東京支部", 2.6, "gothic"),
    ]
    card = draw_card(lines, CARD_MM, 1100, (246, 240, 226))
    return OcrFixture("insurance_card.jpg", "id_insurance", _photographed(card, 0.9, 2), values)


def residence_card(fake: FakeJP) -> OcrFixture:
    number = fake.residence_card()
    values = {"RESIDENCE_CARD": number}
    lines: list[Line] = [
        (3, 3, "日本国政府", 2.6, "gothic"),
        (20, 3, "在留カード", 3.6, "mincho"),
        (50, 3.5, f"番号 {number}", 2.8, "gothic"),
        (3, 10, "氏名  NGUYEN VAN AN", 3.0, "gothic"),
        (3, 16, "生年月日 1995年05月06日  性別 男  国籍・地域 ベトナム", 2.4, "gothic"),
        (3, 21, "住居地  東京都新宿区西新宿二丁目8番1号", 2.4, "gothic"),
        (3, 27, "在留資格  技術・人文知識・国際業務", 2.8, "gothic"),
        (3, 33, "就労制限の有無  在留資格に基づく就労活動のみ可", 2.4, "gothic"),
        (3, 39, "在留期間（満了日） 5年（2029年05月06日）", 2.6, "gothic"),
        (3, 46, "このカードは2029年05月06日まで有効です。", 2.4, "gothic"),
        (62, 48, "法務大臣", 2.8, "mincho"),
    ]
    card = draw_card(lines, CARD_MM, 1100, (232, 240, 246))
    return OcrFixture("residence_card.jpg", "id_residence", _photographed(card, 1.0, 3), values)


def passport_page(fake: FakeJP) -> OcrFixture:
    surname = fake.faker.last_romanized_name().upper()
    given = fake.faker.first_romanized_name().upper()
    number = fake.passport()
    values = {"PASSPORT": number}
    mrz = f"P<JPN{surname}<<{given}".ljust(44, "<")
    lines: list[Line] = [
        (4, 4, "日本国 JAPAN", 3.2, "mincho"),
        (60, 4, "旅券 PASSPORT", 3.2, "mincho"),
        (40, 12, f"型/Type P   発行国/Issuing country JPN   旅券番号/Passport No. {number}", 2.2, "gothic"),
        (40, 19, f"姓/Surname  {surname}", 2.8, "gothic"),
        (40, 25, f"名/Given name  {given}", 2.8, "gothic"),
        (40, 31, "国籍/Nationality  JAPAN     生年月日/Date of birth  02 JAN 1990", 2.2, "gothic"),
        (40, 37, "性別/Sex  F     本籍/Registered Domicile  TOKYO", 2.2, "gothic"),
        (40, 43, "発行年月日/Date of issue  01 APR 2023", 2.2, "gothic"),
        (40, 49, "有効期間満了日/Date of expiry  01 APR 2033", 2.2, "gothic"),
        (40, 55, "発行官庁/Authority  MINISTRY OF FOREIGN AFFAIRS", 2.2, "gothic"),
        (4, 70, mrz, 3.4, "gothic"),
        (4, 77, f"{number}<0JPN9001025F3304014<<<<<<<<<<<<<<06", 3.4, "gothic"),
    ]
    page = draw_card(lines, (125.0, 88.0), 1600, (240, 236, 244))
    return OcrFixture("passport_page.jpg", "id_passport", _photographed(page, -0.8, 4), values)


def _png(img: Image.Image, dpi: int) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()


def _fax(img: Image.Image, rng: random.Random, angle: float) -> Image.Image:
    """1-bit like a fax machine: rotated a little, thresholded (no dithering), speckled."""
    img = img.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
    bw = img.point(lambda v: 255 if v > 150 else 0).convert("1", dither=Image.Dither.NONE)
    px = bw.load()
    for _ in range(bw.width * bw.height // 2000):  # 0.05 % speckle
        px[rng.randrange(bw.width), rng.randrange(bw.height)] = 0
    return bw


def _photo(img: Image.Image, rng: random.Random) -> Image.Image:
    """A phone photo of a page lying on a desk: perspective, uneven light, noise, blur, JPEG."""
    img = img.convert("RGB")
    w, h = img.size
    pad = round(0.06 * w)
    canvas = Image.new("RGB", (w + 2 * pad, h + 2 * pad), (96, 80, 64))
    canvas.paste(img, (pad, pad))
    cw, ch = canvas.size
    k = 0.04
    # quad: where the output corners come from in the input (upper-left, lower-left, lower-right, upper-right)
    quad = (-k * cw, 0, 0, ch, cw, ch + k * ch, cw + k * cw, -k * ch)
    warped = canvas.transform((cw, ch), Image.Transform.QUAD, quad, Image.Resampling.BICUBIC, fillcolor=(96, 80, 64))
    shade = Image.linear_gradient("L").resize((cw, ch)).point(lambda v: 200 + v // 5)
    warped = Image.composite(warped, Image.new("RGB", (cw, ch), (0, 0, 0)), shade)
    noise = Image.effect_noise((cw, ch), 18).convert("RGB")
    warped = Image.blend(warped, noise, 0.08).filter(ImageFilter.GaussianBlur(0.7))
    return warped


def _jpeg(img: Image.Image, quality: int = 80, dpi: int = 72) -> bytes:
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=quality, dpi=(dpi, dpi))
    return out.getvalue()


def form_png(fake: FakeJP) -> OcrFixture:
    values = form_values(fake)
    return OcrFixture("form_300dpi.png", "form", _png(draw_form(values, 300), 300), values)


def fax_tiff(fake: FakeJP) -> OcrFixture:
    """Two pages, 200 dpi, 1-bit, CCITT G4, skewed 0.8° and -0.6°: the values of both pages."""
    rng = random.Random(SEED)
    first, second = form_values(fake), form_values(fake)
    pages = [_fax(draw_form(first, 200), rng, 0.8), _fax(draw_form(second, 200, page=2), rng, -0.6)]
    out = io.BytesIO()
    pages[0].save(out, "TIFF", compression="group4", dpi=(200, 200), save_all=True, append_images=pages[1:])
    values = {f"{k}#1": v for k, v in first.items()} | {f"{k}#2": v for k, v in second.items()}
    return OcrFixture("fax_200dpi_g4.tif", "fax", out.getvalue(), values)


def fax_standard(fake: FakeJP) -> OcrFixture:
    """A fax at standard resolution (204 x 98 dpi, CCITT G3): half the lines of a fine fax."""
    values = form_values(fake)
    page = draw_form(values, 204)
    page = page.resize((page.width, page.height * 98 // 204), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    _fax(page, random.Random(SEED + 2), 0.4).save(out, "TIFF", compression="group3", dpi=(204, 98))
    return OcrFixture("fax_standard_g3.tif", "fax_standard", out.getvalue(), values)


def photo_jpeg(fake: FakeJP) -> OcrFixture:
    values = form_values(fake)
    img = _photo(draw_form(values, 250), random.Random(SEED + 1))
    return OcrFixture("form_photo.jpg", "photo", _jpeg(img, 82), values)


def image_pdf(fake: FakeJP) -> OcrFixture:
    """A scanner's PDF: one JPEG per page at 200 dpi, no text layer."""
    first, second = form_values(fake), form_values(fake)
    pages = [draw_form(first, 200).convert("RGB"), draw_form(second, 200, page=2).convert("RGB")]
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=200.0, save_all=True, append_images=pages[1:], quality=85)
    values = {f"{k}#1": v for k, v in first.items()} | {f"{k}#2": v for k, v in second.items()}
    return OcrFixture("scan_image_only.pdf", "pdf", out.getvalue(), values)


def licence_card(fake: FakeJP) -> OcrFixture:
    """A photographed licence-like card: slightly rotated, noisy, JPEG."""
    values = card_values(fake)
    card = draw_licence(values)
    canvas = Image.new("RGB", (card.width + 160, card.height + 160), (60, 60, 70))
    canvas.paste(card, (80, 80))
    canvas = canvas.rotate(1.5, resample=Image.Resampling.BICUBIC, fillcolor=(60, 60, 70))
    noise = Image.effect_noise(canvas.size, 14).convert("RGB")
    canvas = Image.blend(canvas, noise, 0.06).filter(ImageFilter.GaussianBlur(0.5))
    return OcrFixture("licence_photo.jpg", "card", _jpeg(canvas, 85), values)


def vertical_note(fake: FakeJP) -> OcrFixture:
    """A handwritten-style memo in vertical columns (縦書き), right to left, 300 dpi: Tesseract's
    horizontal model reads it as noise; dlp retries it with jpn_vert."""
    person = fake.person()
    values = {"NAME": f"{person.last}{person.first}", "ADDRESS": fake.address()}
    columns = ["お客様の連絡先は次のとおりです", f"氏名 {values['NAME']} 様", f"住所 {values['ADDRESS']}"]
    dpi = 300
    px = 12 * dpi / 72
    face = font("mincho", px)
    img = Image.new("L", (900, 1500), 255)
    d = ImageDraw.Draw(img)
    x = 800.0
    for column in columns:
        y = 80.0
        for ch in column:
            if ch == " ":
                y += px * 0.5
                continue
            d.text((x, y), ch, font=face, fill=0)
            y += px * 1.1
        x -= px * 1.8
    return OcrFixture("vertical_memo.png", "vertical", _png(img, dpi), values)


def docx_with_scan(fake: FakeJP) -> OcrFixture:
    """A Word file whose only content is a pasted scan of a form (and one line of text)."""
    import docx
    from docx.shared import Mm

    values = form_values(fake)
    document = docx.Document()
    document.add_paragraph("スキャンした申込書を貼り付けます。")
    document.add_picture(io.BytesIO(_png(draw_form(values, 200), 200)), width=Mm(170))
    out = io.BytesIO()
    document.save(out)
    return OcrFixture("pasted_scan.docx", "docx", out.getvalue(), values)


_DASHES = str.maketrans({c: "-" for c in "ー－‐−―—一="})


def comparable(text: str) -> str:
    """Text as compared for recall: NFKC, no whitespace, every dash one ``-`` (OCR writes
    ``－`` as ``ー`` or ``一``; the engine's normaliser folds those between digits too)."""
    return "".join(unicodedata.normalize("NFKC", text).translate(_DASHES).split())


def recall(fixture: OcrFixture, text: str) -> tuple[int, list[str]]:
    """How many of the fixture's values appear in ``text``, and the keys of those missing."""
    seen = comparable(text)
    missing = [key for key, value in fixture.values.items() if comparable(value) not in seen]
    return len(fixture.values) - len(missing), missing


BUILDERS: list[Callable[[FakeJP], OcrFixture]] = [
    form_png,
    fax_tiff,
    fax_standard,
    photo_jpeg,
    image_pdf,
    licence_card,
    docx_with_scan,
    vertical_note,
    my_number_card,
    health_insurance_card,
    residence_card,
    passport_page,
    notification_card,
]


def build_all(seed: int = SEED) -> list[OcrFixture]:
    fake = FakeJP(seed)
    return [builder(fake) for builder in BUILDERS]


def main(argv: list[str]) -> int:
    if "--fonts" in argv:  # --fonts noto: draw with fonts-noto-cjk instead of the IPA fonts
        at = argv.index("--fonts")
        _FONTS.update(_NOTO if argv[at + 1] == "noto" else _IPA)
        argv = argv[:at] + argv[at + 2 :]
    out = Path(argv[1] if len(argv) > 1 else "ocr_fixtures")
    out.mkdir(parents=True, exist_ok=True)
    index = {}
    for fixture in build_all():
        (out / fixture.name).write_bytes(fixture.data)
        index[fixture.name] = {"kind": fixture.kind, "values": fixture.values}
    (out / "values.json").write_text(json.dumps(index, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"{len(index)} fixtures in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
