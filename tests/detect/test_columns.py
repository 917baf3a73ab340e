"""Tables read column by column: customer lists in the layouts real CRM exports use are held.

Each test writes a real file (CP932 CSV as Japanese Excel saves it, or an xlsx made by
openpyxl) of Faker ja_JP customers and scans it through the pipeline, as ``dlp scan`` does.
Before column profiling these lists read as a handful of people (names under 姓/名 or お客様名,
住所1 without a block number, 7 bare digits under 〒, 口座番号 cells, a header under a title
line) and got a warning or nothing instead of a hold.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest

from dlp.detect.rules import default_rules_dir
from dlp.model import Action, Item, Verdict
from dlp.pipeline import scan_item
from tests.fakes import FakeJP


def _csv(tmp_path: Path, name: str, rows: list[list[str]]) -> Path:
    path = tmp_path / name
    path.write_bytes("".join(",".join(r) + "\r\n" for r in rows).encode("cp932"))
    return path


def _scan(settings, path: Path) -> Verdict:  # type: ignore[no-untyped-def]
    return scan_item(Item.from_path(path), settings)


def _medium(verdict: Verdict, data_type: str) -> int:
    count = verdict.counts.get(data_type)
    return count.by_confidence.get("medium", 0) if count else 0


def _postal7(r: random.Random) -> str:
    return f"{r.randint(100, 999)}{r.randint(1, 9999):04d}"


def _town(fake: FakeJP) -> str:
    return f"{fake.faker.prefecture()}{fake.faker.city()}{fake.faker.town()}"


def _block(r: random.Random) -> str:
    return f"{r.randint(1, 9)}-{r.randint(1, 30)}-{r.randint(1, 20)}"


def test_split_name_columns_make_each_row_a_person(settings, tmp_path: Path) -> None:
    fake = FakeJP(101)
    people = [fake.person() for _ in range(15)]
    rows = [["会員ランク", "姓", "名", "セイ", "メイ", "来店回数"]]
    rows += [["ゴールド", p.last, p.first, p.last_kana, p.first_kana, str(i % 7 + 1)] for i, p in enumerate(people)]
    verdict = _scan(settings, _csv(tmp_path, "members.csv", rows))
    assert verdict.records >= 15
    assert verdict.action is Action.QUARANTINE
    assert _medium(verdict, "PERSON") >= 15


def test_a_hundred_split_names_are_blocked(settings, tmp_path: Path) -> None:
    fake = FakeJP(102)
    people = [fake.person() for _ in range(120)]
    rows = [["姓", "名", "来店回数"]] + [[p.last, p.first, "1"] for p in people]
    verdict = _scan(settings, _csv(tmp_path, "members.csv", rows))
    assert verdict.records >= 100 and verdict.action is Action.BLOCK


def test_address_split_into_jusho1_and_jusho2(settings, tmp_path: Path) -> None:
    fake, r = FakeJP(103), random.Random(103)
    rows = [["お客様名", "住所1", "住所2"]]
    rows += [
        [fake.person().name, _town(fake), f"{_block(r)} {fake.faker.building_name()}{r.randint(101, 909)}"]
        for _ in range(12)
    ]
    verdict = _scan(settings, _csv(tmp_path, "addresses.csv", rows))
    assert _medium(verdict, "ADDRESS") == 12
    assert verdict.records >= 12 and verdict.action is Action.QUARANTINE
    address = next(f for f in verdict.findings if f.type == "ADDRESS")
    assert address.column == "住所1" and address.record is not None


def test_seven_bare_digits_under_the_postal_mark(settings, tmp_path: Path) -> None:
    fake, r = FakeJP(104), random.Random(104)
    rows = [["ご購入者", "〒", "都道府県", "市区町村", "番地"]]
    rows += [
        [fake.person().name, _postal7(r), fake.faker.prefecture(), fake.faker.city(), _block(r)] for _ in range(12)
    ]
    verdict = _scan(settings, _csv(tmp_path, "orders.csv", rows))
    assert _medium(verdict, "POSTAL_CODE") == 12
    assert _medium(verdict, "ADDRESS") == 12
    assert verdict.action is Action.QUARANTINE


def test_bank_account_column(settings, tmp_path: Path) -> None:
    fake, r = FakeJP(105), random.Random(105)
    rows = [["契約者名", "銀行名", "支店名", "口座種別", "口座番号"]]
    rows += [[fake.person().name, "みずほ銀行", "新宿支店", "普通", f"{r.randint(0, 9999999):07d}"] for _ in range(12)]
    verdict = _scan(settings, _csv(tmp_path, "accounts.csv", rows))
    assert _medium(verdict, "BANK_ACCOUNT") == 12
    assert verdict.records >= 12 and verdict.action is Action.QUARANTINE


def test_header_on_row_three_under_a_title_line(settings, tmp_path: Path) -> None:
    fake, r = FakeJP(106), random.Random(106)
    rows = [["顧客一覧（2025年3月抽出）"], ["抽出条件：会員ランク＝ゴールド", "", ""]]
    rows += [["お客様名", "生年月日", "郵便番号"]]
    rows += [
        [fake.person().name, f"{r.randint(1950, 2000)}/{r.randint(1, 12)}/{r.randint(1, 28)}", _postal7(r)]
        for _ in range(12)
    ]
    verdict = _scan(settings, _csv(tmp_path, "gold.csv", rows))
    assert _medium(verdict, "BIRTH_DATE") == 12
    assert _medium(verdict, "POSTAL_CODE") == 12
    assert verdict.records >= 12 and verdict.action is Action.QUARANTINE


def test_single_column_name_list(settings, tmp_path: Path) -> None:
    fake = FakeJP(107)
    rows = [["お客様名"]] + [[fake.person().name] for _ in range(30)]
    verdict = _scan(settings, _csv(tmp_path, "names.csv", rows))
    assert verdict.records >= 30 and verdict.action is Action.QUARANTINE


def test_headerless_name_list(settings, tmp_path: Path) -> None:
    fake = FakeJP(108)
    rows = [[fake.person().name] for _ in range(30)]
    verdict = _scan(settings, _csv(tmp_path, "list.csv", rows))
    assert verdict.records >= 30 and verdict.action is Action.QUARANTINE


def test_headerless_customer_list_with_readings_and_addresses(settings, tmp_path: Path) -> None:
    fake, r = FakeJP(109), random.Random(109)
    people = [fake.person() for _ in range(12)]
    rows = [[p.name, p.kana, f"{_town(fake)}{_block(r)}"] for p in people]
    verdict = _scan(settings, _csv(tmp_path, "list.csv", rows))
    assert verdict.records >= 12 and verdict.action is Action.QUARANTINE


def test_xlsx_title_rows_and_split_names(settings, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    fake = FakeJP(110)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["顧客名簿"])
    ws.append(["出力日", "2025-03-01"])
    ws.append(["姓", "名", "メイ", "セイ", "ランク"])
    for _ in range(110):
        p = fake.person()
        ws.append([p.last, p.first, p.first_kana, p.last_kana, "A"])
    path = tmp_path / "customers.xlsx"
    wb.save(path)
    verdict = _scan(settings, path)
    assert verdict.records >= 100 and verdict.action is Action.BLOCK


def test_product_codes_are_not_postal_codes(settings, tmp_path: Path) -> None:
    r = random.Random(111)
    rows = [["商品コード", "商品名", "単価", "在庫"]]
    rows += [[_postal7(r), f"タオルセット{i}", str(r.randint(100, 9000)), str(r.randint(0, 99))] for i in range(60)]
    verdict = _scan(settings, _csv(tmp_path, "products.csv", rows))
    assert _medium(verdict, "POSTAL_CODE") == 0 and verdict.records == 0
    assert verdict.action is Action.ALLOW


def test_headerless_seven_digit_codes_are_not_postal_codes(settings, tmp_path: Path) -> None:
    r = random.Random(112)
    rows = [[f"49{r.randint(10000, 99999)}", "タオル", str(r.randint(1, 9))] for _ in range(60)]
    verdict = _scan(settings, _csv(tmp_path, "jan.csv", rows))
    assert _medium(verdict, "POSTAL_CODE") == 0 and verdict.action is Action.ALLOW


def test_store_list_jan_like_column_is_not_postal(settings, tmp_path: Path) -> None:
    fake, r = FakeJP(113), random.Random(113)
    rows = [["店舗名", "店舗コード", "電話番号", "営業時間"]]
    rows += [[f"{fake.faker.city()}店", _postal7(r), fake.landline(), "10:00-20:00"] for _ in range(15)]
    verdict = _scan(settings, _csv(tmp_path, "stores.csv", rows))
    assert _medium(verdict, "POSTAL_CODE") == 0
    assert _medium(verdict, "PERSON") == 0


def test_a_cell_that_does_not_fit_its_column_is_still_scanned(settings, tmp_path: Path) -> None:
    """More than a phone typed into a phone column is not hidden by the column: the cell fails
    the column's check (it is not one whole phone number) and the ordinary rules still read it."""
    fake = FakeJP(114)
    rows = [["氏名", "電話番号"]] + [[fake.person().name, fake.phone()] for _ in range(5)]
    rows.append([fake.person().name, f"{fake.mobile()} 携帯 / {fake.email()}"])
    verdict = _scan(settings, _csv(tmp_path, "list.csv", rows))
    assert _medium(verdict, "EMAIL") == 1
    assert _medium(verdict, "PHONE") == 6


def test_explain_shows_each_column_decision(settings, tmp_path: Path) -> None:
    fake = FakeJP(115)
    rows = [["お客様名", "電話番号", "商品コード"]] + [[fake.person().name, fake.phone(), "1234567"] for _ in range(5)]
    verdict = _scan(settings, _csv(tmp_path, "list.csv", rows))
    note = next(n for n in verdict.notes if n.startswith("columns"))
    assert "お客様名→PERSON (header, 100% of 5 fit)" in note
    assert "電話番号→PHONE (header, 100% of 5 fit)" in note
    assert "商品コード→- (header" in note


def test_column_words_are_validated_with_file_and_line(tmp_path: Path) -> None:
    from dlp.detect.columns import ColumnFileError, load_columns

    bad = tmp_path / "columns.yaml"
    bad.write_text(
        "schema: 1\ncolumns:\n  - id: phone\n    type: PHONE\n    rule: jp.phone\n    check: guess\n"
        "    words: [電話]\n  - id: mail\n    check: value\n    words: [メール]\n",
        encoding="utf-8",
    )
    with pytest.raises(ColumnFileError) as err:
        load_columns(bad)
    text = str(err.value)
    assert f"{bad}:6: check:" in text
    assert f"{bad}:8: mail: type and rule are needed" in text


def test_bundled_column_words_load_and_name_real_headers() -> None:
    from dlp.detect.columns import load_columns

    columns = load_columns(default_rules_dir() / "columns.yaml")
    expected = {
        "お客様名": "name", "ご購入者": "name", "契約者名": "name", "受取人": "name", "氏名（カナ）": "kana",
        "姓": "surname", "名": "given", "セイ": "surname_kana", "メイ": "given_kana", "住所1": "address_part",
        "住所２": "address_part", "建物名": "address_part", "〒": "postal_code", "口座番号": "bank_account",
        "携帯電話": "phone", "FAX": "phone", "メールアドレス": "email", "誕生日": "birth_date",
        "契約者生年月日": "birth_date", "受取人住所": "address", "顧客ID": "customer_id", "商品コード": "ignore",
    }  # fmt: skip
    got = {h: (s.id if (s := columns.match(h)) else None) for h in expected}
    assert got == expected


def _split_rows(fake: FakeJP, r: random.Random, n: int) -> list[list[str]]:
    out = []
    for _ in range(n):
        p = fake.person()
        out.append([p.last, p.first, _town(fake), _block(r)])
    return out


def test_list_pasted_into_a_mail_is_read_column_by_column(settings, tmp_path: Path) -> None:
    from email.message import EmailMessage

    fake, r = FakeJP(116), random.Random(116)
    rows = [["姓", "名", "住所1", "住所2"], *_split_rows(fake, r, 12)]
    table = "\n".join("\t".join(x) for x in rows)
    body = f"お世話になっております。\n対象のお客様です。\n\n{table}\n\n以上です。\n"
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@example.jp", "b@example.com", "リスト"
    msg.set_content(body)
    path = tmp_path / "list.eml"
    path.write_bytes(msg.as_bytes())
    verdict = _scan(settings, path)
    assert verdict.records >= 12 and verdict.action is Action.QUARANTINE


def test_html_table_of_names(settings, tmp_path: Path) -> None:
    fake = FakeJP(117)
    cells = "".join(f"<tr><td>{fake.person().name}</td><td>ゴールド</td></tr>" for _ in range(30))
    page = f"<html><body><h1>会員一覧</h1><table><tr><th>お客様名</th><th>ランク</th></tr>{cells}</table></body></html>"
    path = tmp_path / "members.html"
    path.write_text(page, encoding="utf-8")
    verdict = _scan(settings, path)
    assert verdict.records >= 30 and verdict.action is Action.QUARANTINE


def test_a_tab_aligned_schedule_in_a_mail_is_not_a_list_of_people(settings, tmp_path: Path) -> None:
    rows = ["10:00\t定例会議\t会議室A", "13:00\t商談\t本社3F", "15:00\t研修\t会議室B", "17:00\t日報\t各自"]
    path = tmp_path / "note.txt"
    path.write_text("本日の予定\n" + "\n".join(rows) + "\n", encoding="utf-8")
    verdict = _scan(settings, path)
    assert verdict.action is Action.ALLOW and verdict.records == 0


def test_header_under_a_two_cell_extraction_condition(settings, tmp_path: Path) -> None:
    """The extractor takes a first row of two short cells for the header; the real header is
    the next row, and a list longer than one block (2,000 rows) keeps it in every block."""
    fake, r = FakeJP(118), random.Random(118)
    rows = [["抽出条件：ランク＝ゴールド", "地域＝関東", ""], ["お客様名", "生年月日", "〒"]]
    rows += [
        [fake.person().name, f"{r.randint(1950, 2000)}/{r.randint(1, 12)}/{r.randint(1, 28)}", _postal7(r)]
        for _ in range(2500)
    ]
    full = copy.copy(settings)
    full.stop_after_records = None  # count every block (dlp scan --full)
    verdict = _scan(full, _csv(tmp_path, "gold.csv", rows))
    assert _medium(verdict, "POSTAL_CODE") >= 2400  # random codes may repeat
    assert verdict.records == 2500 and verdict.action is Action.BLOCK


def test_counting_in_bulk_agrees_with_findings_in_detail(settings, tmp_path: Path) -> None:
    """The fast path (the tally keeps no more findings, cells are only counted) accepts exactly
    the cells the detailed path reports."""
    fake, r = FakeJP(119), random.Random(119)
    rows = [["顧客ID", "お客様名", "フリガナ", "〒", "住所", "電話番号", "メール", "生年月日", "口座番号"]]
    for n in range(300):
        p = fake.person()
        phone = fake.phone() if n % 10 else "000-0000-0000"  # placeholders fail the validator
        rows.append(
            [f"C{n:07d}", p.name, p.kana, fake.postal(), fake.address(), phone, fake.email(),
             f"{r.randint(1950, 2001)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}", f"{r.randint(0, 9999999):07d}"]
        )  # fmt: skip
    path = _csv(tmp_path, "customers.csv", rows)
    detailed, counted = copy.copy(settings), copy.copy(settings)
    detailed.stop_after_records = counted.stop_after_records = None
    counted.max_findings = 0
    a, b = _scan(detailed, path), _scan(counted, path)
    assert {t: c.by_confidence for t, c in a.counts.items()} == {t: c.by_confidence for t, c in b.counts.items()}
    assert a.records == b.records == 300
    assert len(b.findings) == 0 and len(a.findings) > 2000


def test_ragged_and_broken_tables_never_crash_the_column_pass(settings, tmp_path: Path) -> None:
    """Malformed exports (stray quotes, ragged rows, quoted line breaks, empty header cells, a
    header word as data) get a verdict, never an exception."""
    r = random.Random(120)
    fake = FakeJP(120)
    pieces = ["氏名", "電話番号", "", '"', '""', "〒", "住所1", "1234567", "\t", "山田 太郎", fake.phone(), ","]
    pieces += ['"a\nb"', '"x,\r\ny"', "セイ", "メイ", "姓", "名"]
    for n in range(40):
        rows = [[r.choice(pieces) for _ in range(r.randint(0, 12))] for _ in range(r.randint(1, 30))]
        data = "\r\n".join(",".join(row) for row in rows)
        path = tmp_path / f"broken{n}.csv"
        path.write_bytes(data.encode("cp932"))
        verdict = _scan(settings, path)
        assert verdict.action in Action
        assert not any(u.reason.value == "error" for u in verdict.unscannable), verdict.unscannable


def test_a_sheet_header_row_is_not_a_person(settings, tmp_path: Path) -> None:
    """A sheet keeps its header row (under a title line) among its rows: 氏名 is no name."""
    openpyxl = pytest.importorskip("openpyxl")
    fake = FakeJP(121)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["会員名簿"])
    ws.append(["氏名", "ランク"])
    for _ in range(3):
        ws.append([fake.person().name, "A"])
    path = tmp_path / "members.xlsx"
    wb.save(path)
    verdict = _scan(settings, path)
    names = {f.value for f in verdict.findings if f.type == "PERSON"}
    assert "氏名" not in names and len(names) == 3
