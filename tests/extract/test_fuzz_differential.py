"""Differential silence: a file that carries a My Number is mutated, and as long as a common
reader (a text editor, Python's zipfile as `unzip` would, openpyxl as Excel would, pdfium as a
PDF viewer would, the stdlib mail parser as a mail client would) still shows the number, our
verdict must never drop to allow.

The random tests in test_fuzz.py only ask that nothing crashes; this asks the harder question an
insider asks: which damage to a file hides it from the scanner but not from the person who opens
it? A mutation that breaks the file for the reader too is no leak, so the assertion applies only
while the reader still shows a valid My Number.
"""

from __future__ import annotations

import email
import email.policy
import html.parser
import io
import re
import tarfile
import unicodedata
import zipfile
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlp.detect.validators import my_number_valid
from dlp.model import Action, Item
from dlp.pipeline import scan_item
from dlp.settings import Settings

pytestmark = pytest.mark.slow  # mutates and scans many files

MY_NUMBER = "3470-1288-4109"
SENTENCE = f"ご依頼の件、お客様の個人番号は {MY_NUMBER} です。"

# Damage an insider can do by hand: bytes that readers tend to skip or treat as separators.
TOKENS = [
    b"\x00",
    b"\r\n",
    b"\n",
    b'"',
    b"'",
    b"<!--",
    b"-->",
    b"<",
    b">",
    b"&",
    b"\xe2\x80\x8b",  # zero-width space
    b"\xc2\xad",  # soft hyphen
    b"\xef\xbb\xbf",  # byte-order mark
    b"\x1b$B",  # ISO-2022-JP shift
    b"=\r\n",  # quoted-printable soft break
    b"PK\x03\x04",
    b"GIF89a",
]

_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(\d{4})-(\d{4})-(\d{4})(?![0-9A-Za-z])")


def shows_my_number(text: str) -> bool:
    """A valid My Number written 4-4-4, as a person reading the text would take it."""
    text = unicodedata.normalize("NFKC", text)
    return any(my_number_valid("".join(m.groups())) for m in _CANDIDATE.finditer(text))


# --- seed files, made by the libraries that make such files ----------------------------------


def _seed_text() -> bytes:
    return ("お問い合わせ記録\n" + SENTENCE + "\n以上\n").encode()


def _seed_csv_cp932() -> bytes:
    rows = ["氏名,生年月日,個人番号", "山田 花子,1985/04/02," + MY_NUMBER, "佐藤 一郎,1979/11/30,なし"]
    return ("\r\n".join(rows) + "\r\n").encode("cp932")


def _seed_html() -> bytes:
    return f"<html><head><title>記録</title></head><body><p>{SENTENCE}</p></body></html>".encode()


def _seed_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["氏名", "個人番号"])
    ws.append(["山田 花子", MY_NUMBER])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _seed_pptx() -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1)).text_frame.text = SENTENCE
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _seed_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont("Helvetica", 12)
    page.drawString(72, 720, f"Kojin bango: {MY_NUMBER}")
    page.save()
    return out.getvalue()


def _seed_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("memo.txt", SENTENCE.encode())
    return out.getvalue()


def _seed_stored_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("readme.txt", b"nothing here")
        archive.writestr("memo.txt", SENTENCE.encode())
    return out.getvalue()


def _seed_tar() -> bytes:
    out = io.BytesIO()
    data = SENTENCE.encode()
    with tarfile.open(fileobj=out, mode="w") as archive:
        info = tarfile.TarInfo("memo.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _seed_eml() -> bytes:
    message = email.message.EmailMessage()
    message["From"] = "agent@example.co.jp"
    message["To"] = "partner@example.com"
    message["Subject"] = "ご依頼の件"
    message.set_content(SENTENCE + "\n")
    message.add_attachment(SENTENCE.encode(), maintype="text", subtype="plain", filename="memo.txt")
    return bytes(message)


# --- what a common reader shows --------------------------------------------------------------


def _read_text(data: bytes) -> str:
    return data.decode("utf-8", "replace") + "\n" + data.decode("cp932", "replace")


class _Visible(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _read_html(data: bytes) -> str:
    parser = _Visible()
    parser.feed(data.decode("utf-8", "replace"))
    parser.close()
    return " ".join(parser.parts)


def _read_xlsx(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return "\n".join(
        str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value
    )


def _read_pptx(data: bytes) -> str:
    from pptx import Presentation

    deck = Presentation(io.BytesIO(data))
    return "\n".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)


def _read_pdf(data: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def _read_zip(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(_read_text(archive.read(info)) for info in archive.infolist() if not info.is_dir())


def _read_tar(data: bytes) -> str:
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        texts = []
        for member in archive.getmembers():
            handle = archive.extractfile(member)
            if handle is not None:
                texts.append(_read_text(handle.read()))
        return "\n".join(texts)


def _read_eml(data: bytes) -> str:
    message = email.message_from_bytes(data, policy=email.policy.default)
    texts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        content = part.get_content()
        texts.append(content if isinstance(content, str) else _read_text(content))
    return "\n".join(texts)


FORMATS: dict[str, tuple[Callable[[], bytes], Callable[[bytes], str], str]] = {
    "text": (_seed_text, _read_text, "memo.txt"),
    "csv-cp932": (_seed_csv_cp932, _read_text, "list.csv"),
    "html": (_seed_html, _read_html, "page.html"),
    "xlsx": (_seed_xlsx, _read_xlsx, "book.xlsx"),
    "pptx": (_seed_pptx, _read_pptx, "deck.pptx"),
    "pdf": (_seed_pdf, _read_pdf, "report.pdf"),
    "zip": (_seed_zip, _read_zip, "memo.zip"),
    "zip-stored": (_seed_stored_zip, _read_zip, "memo.zip"),
    "tar": (_seed_tar, _read_tar, "memo.tar"),
    "eml": (_seed_eml, _read_eml, "mail.eml"),
}
SEEDS = {name: make() for name, (make, _, _) in FORMATS.items()}


def _reader_shows(name: str, data: bytes) -> bool:
    try:
        return shows_my_number(FORMATS[name][1](data))
    except Exception:  # the reader cannot open it either: nothing a person would see
        return False


@pytest.fixture(scope="module")
def scan_settings(settings: Settings) -> Settings:
    return settings


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_seed_is_seen_by_reader_and_blocked(name: str, scan_settings: Settings) -> None:
    """The oracle and the scanner agree on the undamaged file, or the mutations prove nothing."""
    data = SEEDS[name]
    assert _reader_shows(name, data), f"the reference reader does not show the number in the {name} seed"
    verdict = scan_item(Item.from_bytes(data, FORMATS[name][2]), scan_settings)
    assert verdict.action is Action.BLOCK, (name, verdict.action, verdict.unscannable)


def _mutate(data: bytes, draw: st.DataObject) -> bytes:
    raw = bytearray(data)
    for _ in range(draw.draw(st.integers(1, 4), label="mutations")):
        if not raw:
            break
        position = draw.draw(st.integers(0, len(raw) - 1), label="position")
        action = draw.draw(st.sampled_from(["flip", "cut", "insert", "token"]), label="action")
        if action == "flip":
            raw[position] ^= draw.draw(st.integers(1, 255), label="xor")
        elif action == "cut":
            del raw[position : position + draw.draw(st.integers(1, 32), label="length")]
        elif action == "insert":
            raw[position:position] = draw.draw(st.binary(min_size=1, max_size=16), label="bytes")
        else:
            raw[position:position] = draw.draw(st.sampled_from(TOKENS), label="token")
    return bytes(raw)


@pytest.mark.parametrize("name", sorted(FORMATS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draw=st.data())
def test_mutated_file_is_never_allowed_while_the_number_shows(
    name: str, draw: st.DataObject, scan_settings: Settings
) -> None:
    data = _mutate(SEEDS[name], draw)
    verdict = scan_item(Item.from_bytes(data, FORMATS[name][2]), scan_settings)
    if _reader_shows(name, data):
        assert verdict.action is not Action.ALLOW, (
            f"{name}: a common reader shows the My Number, the verdict is allow "
            f"(unscannable={[(u.reason.value, u.detail) for u in verdict.unscannable]})"
        )
