"""Realistic documents for the business-contact tests: letterheads, signatures, store lists,
supplier invoices, and the customer material that must stay personal (Faker ja_JP, fake only).

Each builder returns (file name, bytes) made by the library a real sender would use: csv,
openpyxl, python-docx, email.message.
"""

from __future__ import annotations

import csv
import io
from email.message import EmailMessage

import openpyxl
from docx import Document

from tests.fakes import FakeJP


def _csv(rows: list[list[str]], title: list[str] | None = None) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if title:
        w.writerow(title)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _mail(body: str, *, to: str = "partner@example.co.jp", subject: str = "お見積りの件") -> bytes:
    msg = EmailMessage()
    msg["From"] = "sender@example.net"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    return msg.as_bytes()


def _store_rows(fake: FakeJP, n: int) -> list[list[str]]:
    suffixes = ["店", "駅前店", "本店", "支店", "ショッピングセンター店", "営業所"]
    rows = [["店舗名", "住所", "電話番号", "営業時間", "定休日"]]
    for i in range(n):
        city = fake.faker.city()
        rows.append(
            [
                f"{city}{suffixes[i % len(suffixes)]}",
                fake.address(building=i % 3 == 0),
                fake.landline(),
                "10:00～20:00",
                "水曜日",
            ]
        )
    return rows


def store_list_csv(n: int = 30) -> tuple[str, bytes]:
    return "店舗一覧.csv", _csv(_store_rows(FakeJP(11), n))


def store_list_xlsx(n: int = 40) -> tuple[str, bytes]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "店舗"
    for row in _store_rows(FakeJP(12), n):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return "stores.xlsx", buf.getvalue()


def supplier_letterhead(fake: FakeJP) -> str:
    company = fake.company()
    return (
        f"{company}\n"
        f"〒{fake.postal()}\n"
        f"{fake.address(building=True)}\n"
        f"TEL：{fake.landline()}　FAX：{fake.landline()}\n"
        f"E-mail：info@{fake.faker.domain_name()}\n"
        f"登録番号：T{fake.r.randint(10**12, 10**13 - 1)}\n"
        f"担当：{fake.person().last}\n"
    )


def supplier_invoice_docx() -> tuple[str, bytes]:
    fake = FakeJP(21)
    doc = Document()
    doc.add_heading("請求書", 0)
    doc.add_paragraph("株式会社サンプル商事 御中")
    doc.add_paragraph("請求日：2026年11月30日　請求番号：INV-2026-1130")
    doc.add_paragraph(supplier_letterhead(fake).rstrip())
    table = doc.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ["品名", "数量", "単価", "金額"], strict=True):
        cell.text = text
    for item, qty, price in (("コピー用紙 A4", 10, 450), ("トナー", 2, 12800)):
        cells = table.add_row().cells
        for cell, text in zip(cells, [item, str(qty), f"{price:,}", f"{qty * price:,}"], strict=True):
            cell.text = text
    doc.add_paragraph("合計金額：30,100円（税込）")
    doc.add_paragraph(
        "【お振込先】\n"
        f"{fake.faker.company()}銀行 本店営業部\n"
        f"普通預金 口座番号 {fake.r.randint(1000000, 9999999)}\n"
        "口座名義 カ）サンプルサプライ\n"
        "※振込手数料は貴社にてご負担ください。"
    )
    buf = io.BytesIO()
    doc.save(buf)
    return "請求書_202611.docx", buf.getvalue()


def supplier_invoice_mail() -> tuple[str, bytes]:
    fake = FakeJP(22)
    body = (
        "株式会社サンプル商事\n経理部 御中\n\n"
        "いつもお世話になっております。\n11月分のご請求書をお送りいたします。\n\n"
        "――――――――――――――――――――\n" + supplier_letterhead(fake) + "――――――――――――――――――――\n\n"
        "お振込先：三井住友銀行 新宿支店 普通 " + str(fake.r.randint(1000000, 9999999)) + "\n"
        "口座名義：カ）サンプルサプライ\n"
    )
    return "invoice.eml", _mail(body, subject="ご請求書送付のご案内")


def signature(fake: FakeJP, style: str) -> str:
    p = fake.person()
    company = fake.company()
    lines = [
        f"{company}",
        "営業本部 第二営業部",
        f"{p.last} {p.first}（{p.last_kana} {p.first_kana}）",
        f"〒{fake.postal()} {fake.address(building=True)}",
        f"TEL: {fake.landline()} / FAX: {fake.landline()}",
        f"携帯: {fake.mobile()}",
        f"Mail: {p.last_kana.lower()}@{fake.faker.domain_name()}".replace(p.last_kana.lower(), "k.sato"),
        f"URL: https://www.{fake.faker.domain_name()}/",
    ]
    if style == "bars":
        bar = "━" * 30
        return "\n".join([bar, *lines, bar])
    if style == "underscores":
        bar = "＿" * 24
        return "\n".join([bar, *lines, bar])
    if style == "dashes":
        return "\n".join(["-- ", *lines])
    return "\n".join(["*" * 30, *lines, "*" * 30])


def partner_mail(style: str) -> tuple[str, bytes]:
    fake = FakeJP(31 + len(style))
    body = (
        f"{fake.company()}\n{fake.person().last}様\n\n"
        "いつも大変お世話になっております。\n"
        "先日の打ち合わせの件、資料を添付いたしますのでご確認ください。\n"
        "引き続きよろしくお願いいたします。\n\n" + signature(fake, style) + "\n"
    )
    return f"partner_{style}.eml", _mail(body)


def call_note() -> tuple[str, bytes]:
    fake = FakeJP(41)
    p = fake.person()
    text = (
        "【応対履歴】2026/11/30 14:05\n"
        f"{fake.company()}の{p.last}様より入電。請求書の再発行依頼。\n"
        f"折り返し先：{fake.mobile()}（ご本人携帯）\n"
        "FAXでの送付を希望。担当：営業部\n"
    )
    return "call_note.txt", text.encode("utf-8")


def corporate_customers_csv(n: int = 15) -> tuple[str, bytes]:
    """A B2B customer list: company names, but a contact person's name and direct mobile/mail per row."""
    fake = FakeJP(51)
    rows = [["会社名", "担当者名", "部署", "電話番号", "メールアドレス", "住所"]]
    for _ in range(n):
        p = fake.person()
        rows.append([fake.company(), p.name, "総務部", fake.mobile(), fake.email(), fake.address()])
    return "法人顧客.csv", _csv(rows)


def laundered_customer_csv(n: int = 150) -> tuple[str, bytes]:
    """The insider's attack: a customer list dressed as supplier data (株式会社 names, お振込先 title)."""
    fake = FakeJP(61)
    rows = [["会社名", "氏名", "電話番号", "FAX", "メールアドレス", "住所"]]
    for i in range(n):
        p = fake.person()
        rows.append([f"株式会社{p.last}商店{i}", p.name, fake.phone(), fake.landline(), fake.email(), fake.address()])
    return "お振込先一覧.csv", _csv(rows, title=["お振込先"])


def laundered_customer_csv_no_names(n: int = 150) -> tuple[str, bytes]:
    """The same attack without a name column: 株式会社 in every row, mobiles and personal mails."""
    fake = FakeJP(62)
    rows = [["会社名", "電話番号", "FAX", "メールアドレス", "住所"]]
    for i in range(n):
        p = fake.person()
        rows.append([f"株式会社{p.last}{i}", fake.mobile(), fake.landline(), fake.email(), fake.address()])
    return "取引先.csv", _csv(rows, title=["お振込先"])


def laundered_signature_blocks(n: int = 150) -> tuple[str, bytes]:
    """A customer list written as 150 signature-like blocks (株式会社, FAX) in a text file."""
    fake = FakeJP(71)
    blocks = []
    for _ in range(n):
        p = fake.person()
        tel = f"TEL {fake.mobile()}　FAX {fake.landline()}"
        blocks.append(f"株式会社{p.last}商事\n{p.name}\n{tel}\n〒{fake.postal()} {fake.address()}")
    return "取引先リスト.txt", ("\n\n".join(blocks) + "\n").encode("utf-8")


def store_guide_text(n: int = 12, *, mobile: bool = False) -> tuple[str, bytes]:
    """店舗のご案内 as text: one block per store (name, 〒 address, TEL, opening hours)."""
    fake = FakeJP(91)
    blocks = ["■店舗のご案内"]
    for i in range(n):
        tel = fake.mobile() if mobile else fake.landline()
        blocks.append(
            f"{['青葉', '緑町', '桜台', '港南'][i % 4]}{['駅前', '中央', '北口'][i % 3]}店\n"
            f"〒{fake.postal()} {fake.address(building=True)}\nTEL {tel}\n営業時間 10:00〜19:00（水曜定休）"
        )
    return "店舗のご案内.txt", ("\n\n".join(blocks) + "\n").encode("utf-8")


def mail_with_customer_and_signature() -> tuple[str, bytes]:
    """Our own signature is business, but the customer's number in the body is not."""
    fake = FakeJP(81)
    p = fake.person()
    body = (
        "お疲れ様です。\n"
        f"お客様の{p.last}様から、連絡先変更のご依頼がありました。\n"
        f"新しい電話番号：{fake.mobile()}\n"
        "システムへの反映をお願いします。\n\n" + signature(fake, "bars") + "\n"
    )
    return "handover.eml", _mail(body, subject="連絡先変更")


DOCUMENTS = {
    # name: (builder, expected action label)
    "store_list_csv": (store_list_csv, "allow"),
    "store_list_xlsx": (store_list_xlsx, "allow"),
    "supplier_invoice_docx": (supplier_invoice_docx, "allow"),
    "supplier_invoice_mail": (supplier_invoice_mail, "allow"),
    "partner_mail_bars": (lambda: partner_mail("bars"), "allow"),
    "partner_mail_underscores": (lambda: partner_mail("underscores"), "allow"),
    "partner_mail_dashes": (lambda: partner_mail("dashes"), "allow"),
    "partner_mail_stars": (lambda: partner_mail("stars"), "allow"),
    "call_note": (call_note, "warn"),
    "mail_with_customer_and_signature": (mail_with_customer_and_signature, "warn"),
    "corporate_customers_csv": (corporate_customers_csv, "quarantine"),
    "laundered_customer_csv": (laundered_customer_csv, "block"),
    "laundered_customer_csv_no_names": (laundered_customer_csv_no_names, "block"),
    "laundered_signature_blocks": (laundered_signature_blocks, "block"),
}
