"""Document fixtures (PDF, Excel, Word, PowerPoint, archives, mail) made by real libraries.

Each builder returns the file's bytes and the values it put in, as (type, value) pairs in
normalised form, plus the verdict the default policy should give. Used by make_fixtures.py.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP

from tests.fakes import FULLWIDTH, FakeJP

FIXED_TIME = datetime.datetime(2026, 11, 1, 9, 0, 0)


def _fixed(name: str) -> zipfile.ZipInfo:
    """A zip member with a fixed date, so that regenerating the fixtures changes nothing."""
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


@dataclass
class DocFixture:
    name: str
    data: bytes
    action: str
    note: str
    values: list[dict[str, str]] = field(default_factory=list)
    unscannable: list[str] = field(default_factory=list)

    def expect(self, data_type: str, value: str) -> str:
        self.values.append({"type": data_type, "value": value})
        return value


def _customer_rows(fake: FakeJP, fx: DocFixture, count: int) -> list[list[str]]:
    rows = []
    for _ in range(count):
        p = fake.person()
        rows.append([fx.expect("PERSON", p.name), fx.expect("PHONE", fake.phone()), fx.expect("EMAIL", fake.email())])
    return rows


def _csv(rows: list[list[str]], header: list[str]) -> str:
    return "\r\n".join(",".join(r) for r in [header, *rows]) + "\r\n"


# --- PDF -------------------------------------------------------------------------------------


def pdf_report(fake: FakeJP) -> DocFixture:
    """A Japanese PDF with a non-embedded CID font (HeiseiMin-W3, UniJIS-UCS2-H), a form field,
    a sticky note, metadata and an embedded customer list."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    fx = DocFixture(
        "report_cid.pdf", b"", "warn", "a Japanese PDF (CID font) with a form field, a note and an attachment"
    )
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)  # invariant: the same bytes every run
    c.setAuthor("品質管理部")
    c.setTitle("対応報告書")
    c.setFont("HeiseiMin-W3", 11)
    y = 800
    for page in range(2):
        c.setFont("HeiseiMin-W3", 11)  # showPage resets the font
        p = fake.person()
        lines = [
            f"対応報告書（{page + 1}/2）",
            f"お客様氏名：{fx.expect('PERSON', p.name)}",
            f"電話番号：{fx.expect('PHONE', fake.mobile()).translate(FULLWIDTH)}",
            f"ご住所：{fx.expect('ADDRESS', fake.address())}",
            "受注番号 202611020001 の件、返品を受け付けました。",
        ]
        for line in lines:
            c.drawString(60, y, line)
            y -= 22
        if page == 0:
            form_phone = fx.expect("PHONE", fake.landline())
            c.acroForm.textfield(name="tel", value=form_phone, x=60, y=y - 30, width=200, height=20)
            c.textAnnotation(f"連絡先メール {fx.expect('EMAIL', fake.email())}", Rect=(300, 700, 500, 760))
        c.showPage()
        y = 800
    c.save()
    rows = _customer_rows(fake, fx, 3)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    writer.add_attachment("attached_list.csv", _csv(rows, ["氏名", "電話番号", "メール"]).encode("cp932"))
    out = io.BytesIO()
    writer.write(out)
    fx.data = out.getvalue()
    return fx


def pdf_locked(fake: FakeJP) -> DocFixture:
    """A PDF that needs a password to open: unscannable, held."""
    from pypdf import PdfWriter

    fx = DocFixture("locked.pdf", b"", "quarantine", "a PDF with a password to open", unscannable=["encrypted"])
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    fx.data = out.getvalue()
    return fx


# --- Excel -------------------------------------------------------------------------------------


def xlsx_book(fake: FakeJP) -> DocFixture:
    """A workbook with a visible list, a hidden and a very hidden sheet, a comment, a header,
    a formula with a cached value, document properties and furigana on a name."""
    import xlsxwriter

    fx = DocFixture("customer_book.xlsx", b"", "quarantine", "xlsx: hidden sheets, a comment, a header, furigana")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": "顧客一覧", "company": "サンプル商事", "created": FIXED_TIME})
    visible = book.add_worksheet("顧客一覧")
    visible.write_row(0, 0, ["氏名", "電話番号", "メールアドレス"])
    rows = _customer_rows(fake, fx, 8)
    for r, row in enumerate(rows, 1):
        visible.write_row(r, 0, row)
    note_phone = fx.expect("PHONE", fake.mobile())
    visible.write_comment("B2", f"日中は携帯 {note_phone} へ")
    header_name = fake.person()
    visible.set_header(f"&L担当：{fx.expect('PERSON', header_name.name)}様")
    formula_phone = fake.landline()
    visible.write_formula(len(rows) + 1, 1, '="' + formula_phone + '"', None, fx.expect("PHONE", formula_phone))
    hidden = book.add_worksheet("退会者")
    hidden.write_row(0, 0, ["氏名", "電話番号", "メールアドレス"])
    for r, row in enumerate(_customer_rows(fake, fx, 3), 1):
        hidden.write_row(r, 0, row)
    hidden.hide()
    secret = book.add_worksheet("管理")
    secret.write_row(0, 0, ["氏名", "生年月日"])
    p = fake.person()
    born = fake.birth_date()
    secret.write_row(
        1, 0, [fx.expect("PERSON", p.name), fx.expect("BIRTH_DATE", f"{born.year}/{born.month:02d}/{born.day:02d}")]
    )
    secret.very_hidden()
    book.close()
    fx.data = _add_furigana(buffer.getvalue(), rows[0][0], fake)
    return fx


def _add_furigana(xlsx: bytes, name: str, fake: FakeJP) -> bytes:
    """xlsxwriter writes no phonetic runs; add one (<rPh>) to a name, as Excel's IME does."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/sharedStrings.xml":
                text = data.decode("utf-8")
                reading = "ヨミガナ テスト"
                text = re.sub(
                    rf"<si><t>{re.escape(name)}</t></si>",
                    f'<si><t>{name}</t><rPh sb="0" eb="2"><t>{reading}</t></rPh><phoneticPr fontId="0"/></si>',
                    text,
                    count=1,
                )
                data = text.encode("utf-8")
            target.writestr(_fixed(info.filename), data)
    return out.getvalue()


def xlsx_locked(fake: FakeJP) -> DocFixture:
    """An xlsx with a password to open (a CFB EncryptedPackage): unscannable, held."""
    import msoffcrypto.format.ooxml
    import xlsxwriter

    fx = DocFixture("locked.xlsx", b"", "quarantine", "an xlsx with a password to open", unscannable=["encrypted"])
    plain = io.BytesIO()
    book = xlsxwriter.Workbook(plain, {"in_memory": True})
    book.add_worksheet().write("A1", "秘密")
    book.close()
    plain.seek(0)
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("pass1234", out)
    fx.data = out.getvalue()
    return fx


# --- Word and PowerPoint ---------------------------------------------------------------------------

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_WORDML = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def docx_tracked(fake: FakeJP) -> DocFixture:
    """A docx written as raw XML: a header, a tracked insertion and deletion, a comment, a table."""
    fx = DocFixture("contract_tracked.docx", b"", "block", "docx: a header, tracked changes, a comment, a table")
    p = fake.person()
    inserted = fx.expect("PHONE", fake.mobile())
    my_number = fake.my_number()
    fx.expect("MY_NUMBER", my_number)
    comment_mail = fx.expect("EMAIL", fake.email())
    table_rows = "".join(
        f"<w:tr><w:tc><w:p><w:r><w:t>{fx.expect('PERSON', fake.person().name)}</w:t></w:r></w:p></w:tc>"
        f"<w:tc><w:p><w:r><w:t>{fx.expect('PHONE', fake.landline())}</w:t></w:r></w:p></w:tc></w:tr>"
        for _ in range(2)
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_W}><w:body>'
        f"<w:p><w:r><w:t>契約者：{fx.expect('PERSON', p.name)}</w:t></w:r></w:p>"
        '<w:p><w:r><w:t>連絡先（携帯）：</w:t></w:r><w:ins w:id="1" w:author="編集者"><w:r>'
        f"<w:t>{inserted}</w:t></w:r></w:ins></w:p>"
        '<w:p><w:r><w:t>個人番号：</w:t></w:r><w:del w:id="2" w:author="編集者"><w:r>'
        f"<w:delText>{my_number}</w:delText></w:r></w:del></w:p>"
        '<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>備考欄</w:t></w:r>'
        '<w:commentRangeEnd w:id="0"/></w:p>'
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>氏名</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>電話番号</w:t></w:r></w:p></w:tc></w:tr>"
        f"{table_rows}</w:tbl></w:body></w:document>"
    )
    header = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {_W}>'
        f"<w:p><w:r><w:t>担当：{fx.expect('PERSON', fake.person().name)}様</w:t></w:r></w:p></w:hdr>"
    )
    comments = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments {_W}>'
        f'<w:comment w:id="0" w:author="確認者"><w:p><w:r><w:t>返信先は {comment_mail} です</w:t></w:r></w:p>'
        "</w:comment>"
        "</w:comments>"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{_WORDML}.document.main+xml"/>'
        f'<Override PartName="/word/header1.xml" ContentType="{_WORDML}.header+xml"/>'
        f'<Override PartName="/word/comments.xml" ContentType="{_WORDML}.comments+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/>'
        "</Relationships>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(_fixed("[Content_Types].xml"), content_types)
        z.writestr(_fixed("_rels/.rels"), rels)
        z.writestr(_fixed("word/document.xml"), document)
        z.writestr(_fixed("word/header1.xml"), header)
        z.writestr(_fixed("word/comments.xml"), comments)
    fx.data = out.getvalue()
    return fx


def pptx_deck(fake: FakeJP) -> DocFixture:
    from pptx import Presentation
    from pptx.util import Inches

    fx = DocFixture("briefing.pptx", b"", "warn", "pptx: a slide and its speaker notes")
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = "クレーム対応の振り返り"
    box = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(2))
    box.text_frame.text = f"{fx.expect('PERSON', fake.person().name)}様 携帯 {fx.expect('PHONE', fake.mobile())}"
    slide.notes_slide.notes_text_frame.text = f"メール：{fx.expect('EMAIL', fake.email())}"
    out = io.BytesIO()
    deck.save(out)
    fx.data = out.getvalue()
    return fx


# --- archives ----------------------------------------------------------------------------------------


def _zip_with_cp932_names(files: dict[str, bytes]) -> bytes:
    """A zip as Japanese Windows Explorer writes it: CP932 member names, no UTF-8 flag."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i, (name, data) in enumerate(files.items()):
            z.writestr(_fixed(f"NAME{i:04d}" + "X" * (len(name.encode("cp932")) - 8)), data)
    raw = out.getvalue()
    for i, name in enumerate(files):
        placeholder = (f"NAME{i:04d}" + "X" * (len(name.encode("cp932")) - 8)).encode("ascii")
        raw = raw.replace(placeholder, name.encode("cp932"))
    return raw


def nested_zip(fake: FakeJP) -> DocFixture:
    fx = DocFixture("nested.zip", b"", "warn", "a zip inside a zip, CP932 member names, a name in a file name")
    rows = _customer_rows(fake, fx, 4)
    person = fake.person()
    inner = _zip_with_cp932_names(
        {
            "顧客名簿.csv": _csv(rows, ["氏名", "電話番号", "メール"]).encode("cp932"),
            f"{fx.expect('PERSON', person.last + person.first)}様_源泉徴収票.txt": "令和7年分".encode("cp932"),
        }
    )
    fx.data = _zip_with_cp932_names({"2026年11月分.zip": inner, "readme.txt": b"see inside"})
    return fx


def ppap_zip(fake: FakeJP) -> DocFixture:
    import pyzipper

    fx = DocFixture("ppap_aes.zip", b"", "quarantine", "an AES-encrypted zip (PPAP)", unscannable=["encrypted"])
    rows = _customer_rows(fake, DocFixture("", b"", "", ""), 20)
    out = io.BytesIO()
    with pyzipper.AESZipFile(out, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as z:
        z.setpassword(b"ppap-password")
        z.writestr("customers.csv", _csv(rows, ["氏名", "電話番号", "メール"]).encode("cp932"))
    fx.data = out.getvalue()
    return fx


# --- mail -----------------------------------------------------------------------------------------------


def mail_iso2022jp(fake: FakeJP) -> DocFixture:
    """An ISO-2022-JP mail (with ① in the body, which Python's codec rejects) and a CP932 CSV
    attachment whose Japanese name is RFC 2231 encoded."""
    fx = DocFixture("mail_iso2022jp.eml", b"", "warn", "ISO-2022-JP mail with ① and a Japanese attachment name")
    p = fake.person()
    body = (
        f"{fx.expect('PERSON', p.name)}様\r\n\r\nいつもお世話になっております。\r\n"
        f"①ご連絡先：{fx.expect('PHONE', fake.mobile())}\r\n②送付先：{fx.expect('ADDRESS', fake.address())}\r\n"
    )
    rows = _customer_rows(fake, fx, 3)
    msg = EmailMessage(policy=SMTP)
    msg["From"] = "support@example.co.jp"
    msg["To"] = "partner@example.net"
    msg["Subject"] = "顧客情報の件"
    msg["Message-ID"] = "<20261129.0001@example.co.jp>"
    msg.set_content("placeholder")
    msg.add_attachment(
        _csv(rows, ["氏名", "電話番号", "メール"]).encode("cp932"),
        maintype="text",
        subtype="csv",
        filename=("utf-8", "", "顧客リスト.csv"),
    )
    msg.set_boundary("dlp-fixture-boundary")
    raw = msg.as_bytes()
    jis = _to_iso2022jp(body)
    raw = raw.replace(
        b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 7bit\r\n\r\nplaceholder',
        b'Content-Type: text/plain; charset="ISO-2022-JP"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n' + jis,
    )
    assert jis in raw, "body replacement failed"
    fx.data = raw
    return fx


def _to_iso2022jp(text: str) -> bytes:
    """Encode via CP932 -> JIS so that NEC special characters (①) are written as Outlook does."""
    out = bytearray()
    kanji = False
    for ch in text:
        if ord(ch) < 0x80:
            if kanji:
                out += b"\x1b(B"
                kanji = False
            out += ch.encode("ascii")
            continue
        s1, s2 = ch.encode("cp932")
        if not kanji:
            out += b"\x1b$B"
            kanji = True
        j1 = (s1 - (0x70 if s1 <= 0x9F else 0xB0)) * 2
        if s2 >= 0x9F:
            j2 = s2 - 0x7E
        else:
            j1 -= 1
            j2 = s2 - (0x1F if s2 <= 0x7E else 0x20)
        out += bytes((j1, j2))
    if kanji:
        out += b"\x1b(B"
    return bytes(out)


def renamed_file(fake: FakeJP) -> DocFixture:
    """An xlsx saved as .txt: the type comes from the bytes, not the name."""
    import xlsxwriter

    fx = DocFixture("renamed_sheet.txt", b"", "warn", "an xlsx named .txt")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": FIXED_TIME})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["氏名", "携帯電話"])
    sheet.write_row(1, 0, [fx.expect("PERSON", fake.person().name), fx.expect("PHONE", fake.mobile())])
    book.close()
    fx.data = buffer.getvalue()
    return fx


BUILDERS = [
    pdf_report,
    pdf_locked,
    xlsx_book,
    xlsx_locked,
    docx_tracked,
    pptx_deck,
    nested_zip,
    ppap_zip,
    mail_iso2022jp,
    renamed_file,
]
