"""Write fixtures/ from fake data (Faker ja_JP), with fixtures/expected.json beside them.

Every personal value a text fixture holds is inserted through ``Doc.value``, which records its
type and its character offsets in the decoded file; document fixtures (PDF, Office, archives,
mail; scripts/fixture_documents.py) record each value's type and normalised text. expected.json
lists them with the verdict each file should get under the default policy. The scanner is never
asked what to expect.

    python scripts/make_fixtures.py          # deterministic: the same seed gives the same files
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.fixture_documents import BUILDERS  # noqa: E402
from tests.fakes import FULLWIDTH, Doc, FakeJP  # noqa: E402

OUT = ROOT / "fixtures"
SEED = 20261129


@dataclass
class Fixture:
    name: str
    encoding: str
    action: str
    doc: Doc
    note: str


FIXTURES: list[Callable[[FakeJP], Fixture]] = []


def fixture(fn: Callable[[FakeJP], Fixture]) -> Callable[[FakeJP], Fixture]:
    FIXTURES.append(fn)
    return fn


def _customer_table(fake: FakeJP, rows: int, *, newline: str) -> Doc:
    doc = Doc().text(
        ",".join(["顧客番号", "氏名", "フリガナ", "電話番号", "メールアドレス", "郵便番号", "住所", "生年月日"])
        + newline
    )
    for i in range(rows):
        p = fake.person()
        doc.value("CUSTOMER_ID", f"CU-{20240000 + i:08d}").text(",")
        doc.value("PERSON", p.name).text(",")
        doc.value("PERSON", p.kana).text(",")
        doc.value("PHONE", fake.phone()).text(",")
        doc.value("EMAIL", fake.email()).text(",")
        doc.value("POSTAL_CODE", fake.postal()).text(',"')
        doc.value("ADDRESS", fake.address()).text('",')
        born = fake.birth_date()
        doc.value("BIRTH_DATE", f"{born.year}/{born.month:02d}/{born.day:02d}").text(newline)
    return doc


@fixture
def customers_cp932(fake: FakeJP) -> Fixture:
    return Fixture(
        "customers_cp932.csv",
        "cp932",
        "quarantine",
        _customer_table(fake, 30, newline="\r\n"),
        "a CP932 customer list as Excel saves it (CRLF, quoted addresses): 30 people",
    )


@fixture
def customers_bulk(fake: FakeJP) -> Fixture:
    return Fixture(
        "customer_export_150.csv",
        "utf-8-sig",
        "block",
        _customer_table(fake, 150, newline="\n"),
        "a UTF-8 (BOM) export of 150 customers: bulk personal data",
    )


@fixture
def call_notes(fake: FakeJP) -> Fixture:
    doc = Doc()
    for _ in range(4):
        p = fake.person()
        phone = fake.phone()
        doc.text("2026年11月2日 受電\nお客様：").value("PERSON", p.name).text("様より、請求額についてお問い合わせ。\n")
        doc.text("折り返し先は").value("PHONE", phone.translate(FULLWIDTH)).text("（携帯）とのこと。\n")
        doc.text("ご住所：").value("ADDRESS", fake.address()).text("\n")
        doc.text("連絡先メール ").value("EMAIL", fake.email()).text("\n\n")
    p = fake.person()
    doc.text("対応者メモ：").value("PERSON", p.name).text("様、生年月日 ")
    doc.value("BIRTH_DATE", fake.styled_date(fake.birth_date())).text(" で本人確認済み。TEL ")
    doc.value("PHONE", fake.mobile().replace("-", "ー")).text("\n")
    return Fixture("call_notes.txt", "utf-8", "warn", doc, "call notes: full-width digits, odd dashes, era dates")


@fixture
def call_notes_euc(fake: FakeJP) -> Fixture:
    doc = Doc().text("受付記録（EUC-JP）\n")
    p = fake.person()
    doc.text("ご契約者 ").value("PERSON", p.name).text(" 様\n電話 ").value("PHONE", fake.landline()).text("\n")
    return Fixture("notes_euc.txt", "euc_jp", "warn", doc, "an EUC-JP note from an old system")


@fixture
def minutes(fake: FakeJP) -> Fixture:
    doc = Doc().text("第12回 品質改善会議 議事録\n日時：2026年10月15日 14:00〜15:30\n出席者：")
    for i in range(4):
        if i:
            doc.text("、")
        doc.value("PERSON", fake.person().last).text("さん")
    doc.text("\n\n1. 9月の応答率は92.4%、放棄率は3.1%。目標は2026年12月末までに95%。\n")
    doc.text("2. 受注番号 202610150001 から 202610150120 までを再確認する。\n")
    doc.text("3. 次回は2026年11月19日（木）10:00から。資料番号 QA-2026-0042。\n")
    return Fixture("minutes.txt", "utf-8", "allow", doc, "minutes: colleagues' names, dates, order numbers")


@fixture
def invoice(fake: FakeJP) -> Fixture:
    doc = Doc().text(f"請求書\n{fake.company()} 御中\n\n請求書番号：INV-2026-00417\n発行日：2026年11月1日\n")
    for _ in range(5):
        doc.text(
            f"注文番号 {fake.not_my_number()}  数量 {fake.r.randint(1, 40)}  金額 {fake.r.randint(1000, 99999):,}円\n"
        )
    doc.text("合計 1,234,560円（税込）  お支払期限 2026年11月30日\n")
    doc.text("お問い合わせ：フリーダイヤル ").value("PHONE_FREE", "0120-123-456").text("\n")
    doc.text("JANコード 4901234567894  口座振替をご希望の方はご連絡ください。\n")
    return Fixture(
        "invoice.txt", "utf-8", "allow", doc, "an invoice: 12-digit order numbers, amounts, dates, a free-dial number"
    )


@fixture
def my_number_form(fake: FakeJP) -> Fixture:
    p = fake.person()
    number = fake.my_number()
    grouped = f"{number[:4]} {number[4:8]} {number[8:]}"
    doc = Doc().text("扶養控除等申告書 記入内容の確認\n氏名：").value("PERSON", p.name).text("\n")
    doc.text("個人番号：").value("MY_NUMBER", grouped.translate(FULLWIDTH)).text("\n")
    doc.text("住所：").value("ADDRESS", fake.address()).text("\n")
    return Fixture("my_number_form.txt", "utf-8", "block", doc, "a My Number written full-width with its label")


@fixture
def card_memo(fake: FakeJP) -> Fixture:
    card = fake.card()
    doc = Doc().text("決済エラーの件、カード番号 ")
    doc.value("CREDIT_CARD", f"{card[:4]}-{card[4:8]}-{card[8:12]}-{card[12:]}").text(
        " 有効期限 12/28 で再決済を依頼。\n"
    )
    return Fixture("card_memo.txt", "utf-8", "block", doc, "a card number in a memo")


def main() -> None:
    fake = FakeJP(SEED)
    OUT.mkdir(exist_ok=True)
    expected: dict[str, object] = {}
    for make in FIXTURES:
        fx = make(fake)
        text = fx.doc.render()
        (OUT / fx.name).write_bytes(text.encode(fx.encoding))
        expected[fx.name] = {
            "action": fx.action,
            "encoding": fx.encoding,
            "note": fx.note,
            "values": fx.doc.labels,
        }
        print(f"wrote fixtures/{fx.name} ({fx.encoding}, {len(fx.doc.labels)} values, expect {fx.action})")
    for build in BUILDERS:
        document = build(fake)
        (OUT / document.name).write_bytes(document.data)
        expected[document.name] = {
            "action": document.action,
            "note": document.note,
            "values": sorted(document.values, key=lambda v: (v["type"], v["value"])),
            "unscannable": document.unscannable,
        }
        print(f"wrote fixtures/{document.name} ({len(document.values)} values, expect {document.action})")
    (OUT / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
