"""Table findings cell by cell: a split name or address is one finding per cell, one person per row.

Real files (CP932 CSV as Japanese Excel saves it, xlsx by openpyxl, docx by python-docx, HTML)
of Faker ja_JP customers go through the pipeline as ``dlp scan`` runs it. A labeller, a
reviewer and a redaction tool see 山根 | 清良 or 住所1 | 住所2 as separate cells: a finding that
spans both (and the delimiter between them) matches neither.
"""

from __future__ import annotations

import copy
import random
import unicodedata
from pathlib import Path

import pytest

from dlp.model import Action, Item, Verdict
from dlp.pipeline import scan_item
from tests.fakes import FakeJP

_FULL_DIGITS = str.maketrans("0123456789-", "０１２３４５６７８９－")


def _csv(tmp_path: Path, name: str, rows: list[list[str]], encoding: str = "cp932") -> Path:
    path = tmp_path / name
    path.write_bytes("".join(",".join(r) + "\r\n" for r in rows).encode(encoding))
    return path


def _scan(settings, path: Path) -> Verdict:  # type: ignore[no-untyped-def]
    return scan_item(Item.from_path(path), settings)


def _distinct(verdict: Verdict, data_type: str) -> int:
    count = verdict.counts.get(data_type)
    return count.by_confidence.get("medium", 0) if count else 0


def _split_people(seed: int, n: int) -> list[list[str]]:
    fake, r = FakeJP(seed), random.Random(seed)
    dashes = ["-", "－", "‐", "ー", "−"]
    rows = []
    for i in range(n):
        p = fake.person()
        town = f"{fake.faker.prefecture()}{fake.faker.city()}{fake.faker.town()}"
        dash = dashes[i % len(dashes)]
        block = dash.join(str(r.randint(1, 30)) for _ in range(3))
        if i % 2:
            block = block.translate(_FULL_DIGITS)
        rows.append([p.last, p.first, p.last_kana, p.first_kana, town, f"{block} {fake.faker.building_name()}"])
    return rows


def test_split_name_and_address_cells_are_findings_of_their_own(settings, tmp_path: Path) -> None:
    rows = [["姓", "名", "セイ", "メイ", "住所1", "住所2"], *_split_people(201, 15)]
    path = _csv(tmp_path, "customers.csv", rows)
    text = path.read_bytes().decode("cp932")
    verdict = _scan(settings, path)
    cells = {(f.type, f.column, f.record): f for f in verdict.findings}
    for n, row in enumerate(rows[1:], 2):
        for col, header in enumerate(rows[0]):
            data_type = "ADDRESS" if header.startswith("住所") else "PERSON"
            f = cells.get((data_type, header, f"{path}#row{n}"))
            assert f is not None, (n, header, row[col])
            cell = row[col].encode("cp932").decode("cp932")  # − (U+2212) is read back as －
            assert text[f.start : f.end] == cell  # the cell's own span in the decoded file
            assert f.value == unicodedata.normalize("NFKC", cell)  # the cell, not the joined value
    # one row is one person: 15 records, and each row's 姓+名 (and セイ+メイ) is counted once
    assert verdict.records == 15 and verdict.action is Action.QUARANTINE
    assert _distinct(verdict, "PERSON") == 15  # a reading is the same person as the name in its row
    assert _distinct(verdict, "ADDRESS") == 15


def test_split_name_cells_that_are_no_name_give_no_findings(settings, tmp_path: Path) -> None:
    rows = [["姓", "名", "ランク"]]
    rows += [["未記入", "未記入", "A"], ["株式会社テスト", "本社", "B"], ["０３－１２３４", "5678", "C"]]
    verdict = _scan(settings, _csv(tmp_path, "members.csv", rows))
    assert [f for f in verdict.findings if f.type == "PERSON"] == []
    assert verdict.action is Action.ALLOW


def test_split_cells_in_an_xlsx_sheet(settings, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["顧客一覧"])
    header = ["姓", "名", "セイ", "メイ", "住所1", "住所2"]
    ws.append(header)
    people = _split_people(202, 12)
    for row in people:
        ws.append(row)
    path = tmp_path / "customers.xlsx"
    wb.save(path)
    verdict = _scan(settings, path)
    persons = [f for f in verdict.findings if f.type == "PERSON"]
    assert len(persons) == 4 * 12
    assert {f.value for f in persons if f.column == "名"} == {p[1] for p in people}
    assert verdict.records == 12 and verdict.action is Action.QUARANTINE


# -- HTML tables read column by column --------------------------------------------------------


def _page(table: str) -> str:
    head = '<head><meta charset="utf-8"><title>一覧</title></head>'
    return f'<!DOCTYPE html>\n<html lang="ja">{head}<body>\n{table}</body></html>'


def test_single_column_html_name_list_is_held(settings, tmp_path: Path) -> None:
    """No header, the first name in a <th>, names without a space, with a full-width space,
    katakana with ・: a list of 12 people is 12 records and is held."""
    fake = FakeJP(203)
    names = []
    for i in range(12):
        p = fake.person()
        names.append([f"{p.last}{p.first}", f"{p.last}\u3000{p.first}", f"{p.last_kana}・{p.first_kana}"][i % 3])
    rows = f"<tr><th>{names[0]}</th></tr>" + "".join(f"<tr><td>{n}</td></tr>" for n in names[1:])
    path = tmp_path / "names.html"
    path.write_text(_page(f'<table border="1">\n{rows}\n</table>'), encoding="utf-8")
    verdict = _scan(settings, path)
    found = {f.value for f in verdict.findings if f.type == "PERSON"}
    assert found == {unicodedata.normalize("NFKC", n) for n in names}
    assert all("#table1#row" in f.locator for f in verdict.findings)
    assert verdict.records == 12 and verdict.action is Action.QUARANTINE


def test_html_crm_table_under_a_title_with_split_readings(settings, tmp_path: Path) -> None:
    fake = FakeJP(204)
    head = "<tr><th>会員氏名</th><th>姓（カナ）</th><th>名（カナ）</th><th>銀行</th><th>口座No</th></tr>"
    body = ""
    for i in range(11):
        p = fake.person()
        cells = [p.name, p.last_kana, p.first_kana, "ひかり銀行", str(7000000 + i * 1331)]
        body += "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
    path = tmp_path / "customers.html"
    path.write_text(_page(f"<h2>定期購入者一覧</h2><table>{head}{body}</table>"), encoding="utf-8")
    verdict = _scan(settings, path)
    columns = {(f.type, f.column) for f in verdict.findings}
    expected = {("PERSON", "会員氏名"), ("PERSON", "姓（カナ）"), ("PERSON", "名（カナ）"), ("BANK_ACCOUNT", "口座No")}
    assert expected <= columns
    assert verdict.records == 11 and verdict.action is Action.QUARANTINE


def test_html_store_list_is_not_personal(settings, tmp_path: Path) -> None:
    fake, r = FakeJP(205), random.Random(205)
    head = "<tr><th>店舗名</th><th>〒</th><th>住所</th><th>電話番号</th><th>営業時間</th><th>定休日</th></tr>"
    body = "".join(
        f"<tr><td>{fake.faker.city()}店</td><td>{fake.postal()}</td><td>{fake.address()}</td>"
        f"<td>{fake.landline()}</td><td>10:00～{r.randint(18, 21)}:00</td><td>水曜日</td></tr>"
        for _ in range(14)
    )
    path = tmp_path / "stores.html"
    path.write_text(_page(f"<h2>店舗一覧</h2><table>{head}{body}</table>"), encoding="utf-8")
    verdict = _scan(settings, path)
    assert verdict.records == 0 and verdict.action is Action.ALLOW


# -- single-column name lists: a title above the header, readings without a space -------------


def test_name_list_under_a_title_and_an_extraction_condition(settings, tmp_path: Path) -> None:
    """定期購入者一覧 is the list's title (購入者 inside it names no column); the header 氏名 is
    on row 3 and is no person."""
    fake = FakeJP(206)
    names = [fake.person().name for _ in range(12)]
    rows = [["定期購入者一覧"], ["抽出条件：最終購入日 ２０２６/９/１〜"], ["氏名"], *[[n] for n in names]]
    verdict = _scan(settings, _csv(tmp_path, "names.csv", rows))
    found = [f.value for f in verdict.findings if f.type == "PERSON"]
    assert "氏名" not in found and "定期購入者一覧" not in found
    assert sorted(found) == sorted(unicodedata.normalize("NFKC", n) for n in names)
    assert verdict.records == 12 and verdict.action is Action.QUARANTINE


def test_headerless_list_of_readings_without_spaces(settings, tmp_path: Path) -> None:
    """ヤマダタロウ with no space (a dictionary surname reading and a given-name reading), readings
    with a full-width space, and foreign names in three parts (チャン・ティ・フォン)."""
    fake = FakeJP(207)
    cells = []
    for i in range(14):
        p = fake.person()
        cells.append([f"{p.last_kana}{p.first_kana}", f"{p.last_kana}\u3000{p.first_kana}"][i % 2])
    cells += ["チャン・ティ・フォン", "グエン・ヴァン・アン"]
    verdict = _scan(settings, _csv(tmp_path, "participants.csv", [[c] for c in cells]))
    found = {f.value for f in verdict.findings if f.type == "PERSON"}
    assert found == {unicodedata.normalize("NFKC", c) for c in cells}
    assert verdict.records == 16 and verdict.action is Action.QUARANTINE


def test_headerless_list_of_katakana_products_is_no_list_of_people(settings, tmp_path: Path) -> None:
    products = ["バスタオル", "フェイスタオル", "ハンドソープ", "ボディソープ", "シャンプー", "リンス"]
    products += ["コンディショナー"]
    products += ["ヘアオイル", "ハンドクリーム", "リップクリーム", "マスカラ", "アイシャドウ", "ファンデーション"]
    products += ["クレンジング・オイル", "トラベル・セット・ミニ"]
    verdict = _scan(settings, _csv(tmp_path, "items.csv", [[p] for p in products]))
    assert [f for f in verdict.findings if f.type == "PERSON"] == []
    assert verdict.records == 0 and verdict.action is Action.ALLOW


def test_list_titles_name_no_column() -> None:
    from dlp.detect.columns import load_columns
    from dlp.detect.rules import default_rules_dir

    columns = load_columns(default_rules_dir() / "columns.yaml")
    for title in ("定期購入者一覧", "参加者名簿", "お客様リスト", "当選者一覧表"):
        spec = columns.match(title)
        assert spec is not None and spec.check == "ignore", title
    assert columns.match("購入者").check == "name"  # type: ignore[union-attr]
    assert columns.is_word("氏名") and columns.is_word("お名前") and not columns.is_word("山田 太郎")


# -- store lists with a title line (or extraction conditions) above the header ------------------


def _store_rows(seed: int, n: int) -> list[list[str]]:
    fake = FakeJP(seed)
    rows = []
    for i in range(n):
        phone = fake.landline()
        if i % 3 == 1:
            phone = phone.translate(_FULL_DIGITS)
        rows.append([f"{fake.faker.city()}駅前店", fake.postal(), fake.address(), phone, "10:00〜21:00", "水曜日"])
    return rows


@pytest.mark.parametrize("above", [1, 2, 4])
def test_store_list_under_title_lines_is_business(settings, tmp_path: Path, above: int) -> None:
    titles = [["取扱店舗のご案内", "", "", "", "", ""], ["出力日：２０２６年１２月３日", "", "", "", "", ""]]
    titles += [["対象：全店舗", "", "", "", "", ""], ["", "", "", "", "", ""]]
    rows = [*titles[:above], ["店舗名", "郵便番号", "住所", "電話番号", "営業時間", "定休日"], *_store_rows(208, 15)]
    verdict = _scan(settings, _csv(tmp_path, "stores.csv", rows))
    contacts = [f for f in verdict.findings if f.type in ("PHONE", "ADDRESS", "POSTAL_CODE")]
    assert contacts and all(f.role == "business" for f in contacts)
    assert verdict.records == 0 and verdict.action is Action.ALLOW


def test_xlsx_store_list_under_a_title_is_business(settings, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["店舗一覧"])
    ws.append(["店舗", "〒", "所在地", "TEL", "営業時間", "FAX"])
    for row in _store_rows(209, 12):
        ws.append([*row[:5], row[3]])
    path = tmp_path / "stores.xlsx"
    wb.save(path)
    verdict = _scan(settings, path)
    assert verdict.records == 0 and verdict.action is Action.ALLOW


def test_customer_list_under_a_store_title_is_held(settings, tmp_path: Path) -> None:
    """A store column and 営業時間-like words in the title do not make customers a store list."""
    fake = FakeJP(210)
    rows = [["店舗別 顧客一覧", "", "", ""], ["店舗名", "お客様名", "電話番号", "住所"]]
    rows += [[f"{fake.faker.city()}店", fake.person().name, fake.phone(), fake.address()] for _ in range(12)]
    verdict = _scan(settings, _csv(tmp_path, "customers.csv", rows))
    assert verdict.records == 12 and verdict.action is Action.QUARANTINE
    assert not any(f.role for f in verdict.findings if f.type in ("PHONE", "ADDRESS"))


@pytest.mark.parametrize("counted_only", [False, True])
def test_store_list_cells_are_whole_business_contacts(settings, tmp_path: Path, counted_only: bool) -> None:
    """A 〒 column of bare 7 digits and addresses without a prefecture (桜井市新屋敷8-8-12) are
    read whole, as the column says, and reported as business contacts; also when the tally
    only counts (a long scan past its findings limit)."""
    fake, r = FakeJP(211), random.Random(211)
    rows = [["店舗一覧", "", "", "", ""], ["店舗", "〒", "所在地", "TEL", "営業時間"]]
    for i in range(14):
        block = f"{r.randint(1, 9)}-{r.randint(1, 30)}-{r.randint(1, 20)}"
        if i % 2:
            block = block.translate(_FULL_DIGITS)
        rows.append([f"{fake.faker.city()}店", f"{r.randint(100, 999)}{r.randint(0, 9999):04d}",
                     f"{fake.faker.city()}{fake.faker.town()}{block}", fake.landline(), "10:00-20:00"])  # fmt: skip
    path = _csv(tmp_path, "stores.csv", rows)
    run = copy.copy(settings)
    if counted_only:
        run.max_findings = 0
    verdict = _scan(run, path)
    assert verdict.records == 0 and verdict.action is Action.ALLOW
    assert _distinct(verdict, "POSTAL_CODE") == 0 and _distinct(verdict, "ADDRESS") == 0
    assert _distinct(verdict, "BUSINESS_CONTACT") >= 14 * 3 - 2  # 〒, address, TEL a row
    if not counted_only:
        text = path.read_bytes().decode("cp932")
        postal = {text[f.start : f.end] for f in verdict.findings if f.type == "POSTAL_CODE"}
        assert postal == {row[1] for row in rows[2:]}
        addresses = {text[f.start : f.end] for f in verdict.findings if f.type == "ADDRESS"}
        assert addresses == {row[2] for row in rows[2:]}


def test_a_reading_is_not_a_second_person_but_a_second_name_is(settings, tmp_path: Path) -> None:
    """氏名 + フリガナ: N people, N distinct names (the reading is reported, not counted again);
    契約者 + 受取人 are two people a row."""
    fake = FakeJP(212)
    people = [fake.person() for _ in range(12)]
    readings = [["フリガナ", "氏名", "電話番号"], *[[p.kana, p.name, fake.phone()] for p in people]]
    verdict = _scan(settings, _csv(tmp_path, "customers.csv", readings))
    assert _distinct(verdict, "PERSON") == 12 and verdict.records == 12
    assert len([f for f in verdict.findings if f.type == "PERSON"]) == 24
    others = [fake.person() for _ in range(12)]
    pairs = [["契約者名", "受取人"], *[[p.name, o.name] for p, o in zip(people, others, strict=True)]]
    verdict = _scan(settings, _csv(tmp_path, "orders.csv", pairs))
    assert _distinct(verdict, "PERSON") == 24 and verdict.records == 12


def test_split_names_ending_like_places_and_foreign_given_names(settings, tmp_path: Path) -> None:
    """迫 | 晃道 (a dictionary surname; 道 ends 北海道 too) and グエン | ヴァン・アン are people;
    札幌 | 市 and 株式会社テスト | 本社 under the same headers are not."""
    rows = [["姓", "名", "ランク"], ["迫", "晃道", "A"], ["グエン", "ヴァン・アン", "B"], ["札幌", "市", "C"]]
    rows += [["株式会社テスト", "本社", "D"]]
    verdict = _scan(settings, _csv(tmp_path, "members.csv", rows))
    found = sorted((f.column, f.value) for f in verdict.findings if f.type == "PERSON")
    assert found == [("名", "ヴァン・アン"), ("名", "晃道"), ("姓", "グエン"), ("姓", "迫")]


def test_given_names_ending_in_michi_and_to_under_a_name_header(settings, tmp_path: Path) -> None:
    rows = [["会員氏名", "ランク"], ["安東 花道", "A"], ["椎葉　弘道", "B"], ["山口梨都", "C"]]
    rows += [["北海道", "D"], ["東京都", "E"], ["尾道", "F"]]
    verdict = _scan(settings, _csv(tmp_path, "members.csv", rows))
    found = sorted(f.value for f in verdict.findings if f.type == "PERSON")
    assert found == ["安東 花道", "山口梨都", "椎葉 弘道"]


def test_the_header_row_under_a_title_is_no_label_and_value(settings, tmp_path: Path) -> None:
    """A header row kept among a sheet's rows (under a title): お名前（フリガナ） next to 送付先〒
    is two headers, not a label and a name."""
    openpyxl = pytest.importorskip("openpyxl")
    fake = FakeJP(213)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["顧客一覧"])
    ws.append(["契約者名", "お名前（フリガナ）", "送付先〒", "送付先住所"])
    for _ in range(5):
        p = fake.person()
        ws.append([p.name, p.kana, fake.postal().replace("-", ""), fake.address()])
    path = tmp_path / "customers.xlsx"
    wb.save(path)
    verdict = _scan(settings, path)
    values = {f.value for f in verdict.findings}
    assert not values & {"送付先", "送付先〒", "契約者名", "お名前(フリガナ)", "顧客一覧"}
    assert len([f for f in verdict.findings if f.type == "PERSON"]) == 10


# -- one person's form laid out as a table (label | value rows) is one person --------------------


def _form_rows(seed: int) -> list[list[str]]:
    fake = FakeJP(seed)
    p = fake.person()
    return [
        ["氏名", p.name, "フリガナ", p.kana],
        ["住所", fake.address(), "〒", fake.postal()],
        ["電話番号", fake.mobile().translate(_FULL_DIGITS), "メールアドレス", fake.email()],
        ["生年月日", "1980年4月1日", "勤務先", "株式会社テスト"],
        ["備考", "", "会員番号", ""],
    ]


def test_html_form_table_is_one_person(settings, tmp_path: Path) -> None:
    rows = _form_rows(214)
    pairs = [zip(r[::2], r[1::2], strict=True) for r in rows]
    body = "".join("<tr>" + "".join(f"<th>{a}</th><td>{b}</td>" for a, b in pair) + "</tr>" for pair in pairs)
    path = tmp_path / "form.html"
    path.write_text(_page(f"<h1>申込内容</h1><table>{body}</table>"), encoding="utf-8")
    verdict = _scan(settings, path)
    types = {f.type for f in verdict.findings}
    assert {"PERSON", "ADDRESS", "PHONE", "EMAIL", "BIRTH_DATE"} <= types
    assert verdict.records == 1 and verdict.action is Action.WARN


def test_xlsx_form_sheet_is_one_person_and_a_list_is_many(settings, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["お申込書"])
    for row in _form_rows(215) * 3:  # a long form (15 label rows) is still one form
        ws.append(row)
    path = tmp_path / "form.xlsx"
    wb.save(path)
    verdict = _scan(settings, path)
    assert verdict.records <= 3 and verdict.action is Action.WARN
    fake = FakeJP(216)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["氏名", "電話番号"])
    for _ in range(12):
        ws.append([fake.person().name, fake.phone()])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    verdict = _scan(settings, path)
    assert verdict.records == 12 and verdict.action is Action.QUARANTINE


@pytest.mark.parametrize("header", ["当選者", "参加者", "応募者", "出席者一覧", "受取人", "お名前（フリガナ）"])
def test_single_column_lists_under_role_headers(settings, tmp_path: Path, header: str) -> None:
    """当選者, 参加者 … name people by their role: the header is no person, the 15 names are."""
    fake = FakeJP(217)
    people = [fake.person() for _ in range(15)]
    rows = [[header]] + [[p.kana if "フリガナ" in header else p.name] for p in people]
    verdict = _scan(settings, _csv(tmp_path, "list.csv", rows))
    found = [f.value for f in verdict.findings if f.type == "PERSON"]
    assert len(found) == 15 and header not in found
    assert verdict.records == 15 and verdict.action is Action.QUARANTINE


def test_html_cell_with_an_address_and_a_phone_on_two_lines(settings, tmp_path: Path) -> None:
    """<td>address<br>phone</td>: two values on two lines of one cell, each found whole."""
    fake = FakeJP(218)
    data = [(fake.person().name, fake.address(), fake.phone()) for _ in range(11)]
    body = "".join(f"<tr><td>{n}</td><td>{a}<br>{t}</td></tr>" for n, a, t in data)
    path = tmp_path / "contacts.html"
    path.write_text(_page(f"<table><tr><th>お客様名</th><th>連絡先</th></tr>{body}</table>"), encoding="utf-8")
    verdict = _scan(settings, path)
    assert {f.value for f in verdict.findings if f.type == "PHONE"} == {t for _, _, t in data}
    assert {f.value for f in verdict.findings if f.type == "ADDRESS"} == {a for _, a, _ in data}
    assert verdict.records == 11


# -- lists pasted into notes and mails ---------------------------------------------------------


def test_two_column_list_pasted_with_commas_under_a_header(settings, tmp_path: Path) -> None:
    fake = FakeJP(219)
    lines = ["氏名,電話番号"] + [f"{fake.person().name},{fake.phone().translate(_FULL_DIGITS)}" for _ in range(12)]
    path = tmp_path / "note.txt"
    path.write_text("本日の折り返し対象です。\n" + "\n".join(lines) + "\n以上\n", encoding="utf-8")
    verdict = _scan(settings, path)
    assert len([f for f in verdict.findings if f.type == "PERSON"]) == 12
    assert verdict.records == 12 and verdict.action is Action.QUARANTINE


def test_one_comma_lines_without_a_header_stay_text(settings, tmp_path: Path) -> None:
    """Amounts (7,063円) and prose with one comma a line are no table."""
    lines = [f"注文番号 {628617895605 + i}  数量 {i + 1}  単価 {i + 1},063円" for i in range(6)]
    lines += ["Thanks, see you", "Yes, tomorrow", "OK, fine"]
    path = tmp_path / "note.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    verdict = _scan(settings, path)
    assert verdict.records == 0 and verdict.action is Action.ALLOW
    assert not any(n.startswith("columns") for n in verdict.notes)


def test_headerless_list_whose_first_row_has_no_digits_counts_its_first_person(settings, tmp_path: Path) -> None:
    fake = FakeJP(220)
    people = [fake.person() for _ in range(10)]
    verdict = _scan(settings, _csv(tmp_path, "list.csv", [[p.name, p.kana] for p in people]))
    assert verdict.records == 10 and verdict.action is Action.QUARANTINE
    assert {f.value for f in verdict.findings if f.type == "PERSON"} >= {people[0].name, people[0].kana}


def test_pptx_table_of_customers_is_read_column_by_column(settings, tmp_path: Path) -> None:
    pptx = pytest.importorskip("pptx")
    from pptx.util import Inches

    fake = FakeJP(221)
    people = [fake.person() for _ in range(11)]
    prs = pptx.Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "対象顧客（担当：営業部）"
    table = slide.shapes.add_table(len(people) + 1, 3, Inches(0.5), Inches(1.5), Inches(9), Inches(5)).table
    for col, header in enumerate(["お客様名", "フリガナ", "携帯番号"]):
        table.cell(0, col).text = header
    for row, p in enumerate(people, 1):
        table.cell(row, 0).text, table.cell(row, 1).text = p.name, p.kana
        table.cell(row, 2).text = fake.mobile().translate(_FULL_DIGITS)
    path = tmp_path / "deck.pptx"
    prs.save(path)
    verdict = _scan(settings, path)
    names = {f.value for f in verdict.findings if f.type == "PERSON" and "#table1#row" in f.locator}
    assert names == {p.name for p in people} | {p.kana for p in people}
    assert verdict.records == 11 and verdict.action is Action.QUARANTINE


def test_a_lone_carriage_return_inside_a_csv_never_breaks_the_column_pass(settings, tmp_path: Path) -> None:
    """Rows end at CR LF, LF or a lone CR: a stray CR in the middle of a line ends a row too."""
    rows = "氏名,生年月日,電話番号\r\n山田 花子,1985/04/02,090-1234-5678\r'\n佐藤 一郎,1979/11/30,080-2345-6789\r\n"
    path = tmp_path / "list.csv"
    path.write_bytes(rows.encode("cp932"))
    verdict = _scan(settings, path)
    assert {f.value for f in verdict.findings if f.type == "PHONE"} == {"090-1234-5678", "080-2345-6789"}


def test_a_csv_header_row_is_read_as_a_row_not_as_prose(settings, tmp_path: Path) -> None:
    """カナ氏名 in a header is no person called カナ; a value in a first row taken for a header
    (a phone among short labels) is still found."""
    fake = FakeJP(222)
    people = [fake.person() for _ in range(3)]
    rows = [["カナ氏名", "氏名", "電話番号"]] + [[p.kana, p.name, fake.phone()] for p in people]
    verdict = _scan(settings, _csv(tmp_path, "list.csv", rows))
    assert "カナ" not in {f.value for f in verdict.findings}
    rows = [["ご担当", "鈴木一郎様"], ["ゴールド", "なし"], ["シルバー", "なし"]]
    verdict = _scan(settings, _csv(tmp_path, "odd.csv", rows))
    assert {f.value for f in verdict.findings if f.type == "PERSON"} == {"鈴木一郎"}


def _invoice(letterhead: str) -> str:
    items = "<tr><th>品名</th><th>数量</th><th>金額</th></tr><tr><td>コピー用紙</td><td>10</td><td>5,000円</td></tr>"
    items += "<tr><td>トナー</td><td>2</td><td>12,000円</td></tr>"
    return _page(f"<h1>請求書</h1><p>株式会社テスト商事 御中</p>{letterhead}<table>{items}</table>")


def test_supplier_letterhead_laid_out_in_an_html_table_is_business(settings, tmp_path: Path) -> None:
    """A supplier's invoice: its letterhead in table cells is a business block, as it is in text."""
    cells = ["株式会社サンプル物産", "〒530-0001 大阪府大阪市北区梅田1-2-3 梅田ビル5F"]
    cells.append("TEL 06-6345-1234　FAX 06-6345-1235")
    letterhead = "<table>" + "".join(f"<tr><td>{c}</td></tr>" for c in cells) + "</table>"
    path = tmp_path / "invoice.html"
    path.write_text(_invoice(letterhead), encoding="utf-8")
    verdict = _scan(settings, path)
    contacts = [f for f in verdict.findings if f.type in ("PHONE", "ADDRESS", "POSTAL_CODE")]
    assert contacts and all(f.role == "business" for f in contacts)
    assert verdict.action is Action.ALLOW


def test_a_small_headerless_html_table_of_people_is_still_found(settings, tmp_path: Path) -> None:
    fake = FakeJP(223)
    people = [(fake.person().name, fake.mobile()) for _ in range(4)]
    body = "".join(f"<tr><td>{n}</td><td>{t}</td></tr>" for n, t in people)
    path = tmp_path / "list.html"
    path.write_text(_page(f"<table>{body}</table>"), encoding="utf-8")
    verdict = _scan(settings, path)
    assert {f.value for f in verdict.findings if f.type == "PHONE"} == {t for _, t in people}
    assert verdict.action is Action.WARN


def test_a_header_whose_kind_no_cell_fits_gives_way_to_the_values(settings, tmp_path: Path) -> None:
    """DM送付先 (送付先 is an address word) over a column of customers' names: the values decide."""
    fake = FakeJP(44)
    rows = ["DM送付先"] + [fake.person().name for _ in range(15)]
    path = tmp_path / "dm.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    verdict = _scan(settings, path)
    assert verdict.records == 15 and verdict.action is Action.QUARANTINE, verdict.reason_en
    # a real address column keeps its header's kind even where some cells are odd
    rows = ["送付先"] + [fake.address() for _ in range(12)] + ["同上"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    verdict = _scan(settings, path)
    assert verdict.counts["ADDRESS"].distinct >= 12
