"""CSV/TSV extraction: rows are records, the header is context, offsets point into the file."""

from __future__ import annotations

import pytest

from dlp.extract import extract
from dlp.extract.limits import Limits
from dlp.model import Item, Segment


def _segments(data: bytes, name: str = "list.csv") -> list[Segment]:
    return [p for p in extract(Item.from_bytes(data, name), Limits()) if isinstance(p, Segment)]


def test_header_and_rows(scan_text) -> None:
    text = "氏名,電話番号\r\n山田太郎,090-1234-5678\r\n佐藤花子,080-2345-6789\r\n"
    segments = _segments(text.encode("cp932"))
    kinds = [s.kind for s in segments]
    assert kinds == ["name", "header", "table"]
    table = segments[2].table
    assert table.header == ("氏名", "電話番号")
    assert table.first_row == 2 and table.delimiter == ","


def test_offsets_point_into_the_decoded_file(settings) -> None:
    from dlp.pipeline import scan_item

    text = '番号,氏名,住所,電話番号\n1,山田太郎,"東京都千代田区丸の内1-2-3, 5F",０９０－１２３４－５６７８\n'
    verdict = scan_item(Item.from_bytes(text.encode("utf-8"), "c.csv"), settings)
    spans = {f.type: text[f.start : f.end] for f in verdict.findings}
    assert spans["PHONE"] == "０９０－１２３４－５６７８"
    # the 住所 column's cell is the address, building included (inside the quotes)
    assert spans["ADDRESS"] == "東京都千代田区丸の内1-2-3, 5F"
    assert spans["PERSON"] == "山田太郎"
    phone = next(f for f in verdict.findings if f.type == "PHONE")
    assert phone.column == "電話番号" and phone.record == "c.csv#row2" and phone.line == 2


def test_quoted_cells_may_span_lines(settings) -> None:
    from dlp.pipeline import scan_item

    text = '氏名,備考,電話番号\n山田太郎,"一行目\n二行目",090-1234-5678\n佐藤花子,なし,080-2345-6789\n'
    verdict = scan_item(Item.from_bytes(text.encode(), "c.csv"), settings)
    phones = [f for f in verdict.findings if f.type == "PHONE"]
    assert [f.record for f in phones] == ["c.csv#row2", "c.csv#row3"]
    assert all(f.column == "電話番号" for f in phones)


def test_tab_separated_text_is_a_table() -> None:
    text = "氏名\t電話\n山田\t090-1234-5678\n佐藤\t080-2345-6789\n鈴木\t070-3456-7890\n"
    segments = _segments(text.encode(), "export.txt")
    assert segments[-1].kind == "table" and segments[-1].table.delimiter == "\t"


def test_a_file_without_header_is_rows_all_the_same() -> None:
    text = "1,090-1234-5678\n2,080-2345-6789\n"
    segments = _segments(text.encode())
    assert [s.kind for s in segments] == ["name", "table"]
    assert segments[1].table.header == () and segments[1].table.first_row == 1


def test_memory_does_not_hold_the_whole_file() -> None:
    """Large files come as many blocks, not one string."""
    row = "山田太郎,090-1234-5678,taro@example.jp\n"
    data = ("氏名,電話,メール\n" + row * 10000).encode("cp932")
    tables = [s for s in _segments(data) if s.kind == "table"]
    assert len(tables) == 5
    assert max(len(s.text) for s in tables) < len(row) * 2001


def _stray_quote(cell_edit, unquoted: bool = False) -> bytes:
    """The Faker ja_JP customer list (CP932, CRLF, 150 rows) with one stray quote in row 3."""
    from tests.extract.hostile_files import customer_rows

    rows = customer_rows(150)
    if unquoted:  # no other quote in the file: the stray one stays open to the end
        rows = [r.replace('"', "") for r in rows]
    cells = rows[3].split(",")
    cells[1] = cell_edit(cells[1])
    rows[3] = ",".join(cells)
    return ("\r\n".join(rows) + "\r\n").encode("cp932")


@pytest.mark.parametrize(
    "cell_edit",
    [
        lambda name: name.replace(" ", ' "', 1),  # 佐藤 "舞 : a quote inside a cell is a character
        lambda name: '"' + name,  # "佐藤 舞 : a quote opens a cell that never closes on its line
        lambda name: name + '"',  # 佐藤 舞" : a closing quote with no opening one
    ],
    ids=["inside", "opening", "trailing"],
)
@pytest.mark.parametrize("unquoted", [False, True], ids=["quoted-addresses", "no-other-quotes"])
def test_a_stray_quote_does_not_merge_the_list_into_one_record(settings, tmp_path, cell_edit, unquoted) -> None:
    from dlp.model import Action
    from dlp.pipeline import scan_item
    from tests.extract.hostile_files import customer_csv

    clean = scan_item(Item.from_bytes(customer_csv(150), "customers.csv"), settings)
    data = _stray_quote(cell_edit, unquoted)
    path = tmp_path / "customers.csv"
    path.write_bytes(data)
    stray = scan_item(Item.from_path(path), settings)
    assert clean.records == 150 and clean.action is Action.BLOCK
    assert stray.records == 150, stray.records
    assert stray.action is clean.action


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_a_list_with_classic_mac_line_ends_counts_every_row(settings, newline: str) -> None:
    """CR-only line ends (classic Mac OS, some exports): Excel opens 150 rows; split on LF only,
    the file was one row, 1 record, and 150 customers got a warning instead of a block."""
    from faker import Faker

    from dlp.model import Action
    from dlp.pipeline import scan_item

    fake = Faker("ja_JP")
    Faker.seed(7)
    rows = ["氏名,電話番号,住所"] + [
        f"{fake.name()},{fake.phone_number()},{fake.address().replace(chr(10), ' ')}" for _ in range(150)
    ]
    data = (newline.join(rows) + newline).encode("cp932", "replace")
    verdict = scan_item(Item.from_bytes(data, "customers.csv"), settings)
    assert verdict.records >= 100, verdict.records
    assert verdict.action is Action.BLOCK


@pytest.mark.parametrize("layout", ["one_line", "transposed"])
def test_150_customers_in_one_row_are_150_records(settings, layout: str) -> None:
    """A list that lost its line ends (every customer on one line) or was transposed (one row
    of names, one row of phones) parsed as a table of one or two rows: 1 record, a warning.
    A row with many distinct values of one identifying type is that many people."""
    from faker import Faker

    from dlp.model import Action
    from dlp.pipeline import scan_item

    fake = Faker("ja_JP")
    Faker.seed(11)
    people = [(fake.name(), fake.phone_number(), fake.address().replace("\n", " ")) for _ in range(150)]
    if layout == "one_line":
        text = "氏名,電話番号,住所 ; " + " ; ".join(f"{n},{p},{a}" for n, p, a in people) + "\n"
    else:
        text = "氏名," + ",".join(n for n, _, _ in people) + "\n電話番号," + ",".join(p for _, p, _ in people) + "\n"
    verdict = scan_item(Item.from_bytes(text.encode(), "customers.csv"), settings)
    assert verdict.records >= 100, verdict.records
    assert verdict.action is Action.BLOCK


def test_a_person_with_three_phones_is_one_record(settings) -> None:
    from dlp.pipeline import scan_item

    rows = ["氏名,自宅,携帯,勤務先"] + [
        f"顧客{i:02d},03-{1000 + i:04d}-{2000 + i:04d},"
        f"090-{3000 + i:04d}-{4000 + i:04d},06-{5000 + i:04d}-{6000 + i:04d}"
        for i in range(12)
    ]
    verdict = scan_item(Item.from_bytes(("\n".join(rows) + "\n").encode(), "c.csv"), settings)
    assert verdict.records == 12


@pytest.mark.parametrize(
    "first",
    ["山田 太郎,ヤマダ タロウ", "佐藤\u3000花子,東京都", "鈴木一郎,ichiro@example.jp", "ヤマダ　タロウ,ゴールド"],
)
def test_a_first_row_written_as_a_name_or_a_mail_is_data(first: str) -> None:
    """No header word, and a name with a space in it or a mail address: the headerless list's
    first person, not its header."""
    text = f"{first}\n伊藤 美咲,イトウ ミサキ\n高橋 健,タカハシ ケン\n"
    segments = _segments(text.encode("utf-8"))
    assert [s.kind for s in segments] == ["name", "table"]
    assert segments[1].table.header == () and segments[1].text.startswith(first)


@pytest.mark.parametrize("first", ["氏名,フリガナ", "お客様名,ご住所", "会員ランク,備考", "店舗,地域"])
def test_short_labels_are_still_a_header(first: str) -> None:
    text = f"{first}\n伊藤 美咲,イトウ ミサキ\n高橋 健,タカハシ ケン\n"
    segments = _segments(text.encode("utf-8"))
    assert [s.kind for s in segments] == ["name", "header", "table"]


def _lines_by_regex(chunks: list[str]) -> list[str]:
    """Line ends found one by one with the regex (the path for text with a lone CR)."""
    from dlp.extract.delimited import _LINE_END

    out, carry = [], ""
    for chunk in chunks:
        text, start = carry + chunk, 0
        for m in _LINE_END.finditer(text):
            if m.end() == len(text) and m.group() == "\r":
                break
            out.append(text[start : m.end()])
            start = m.end()
        carry = text[start:]
    return [*out, carry] if carry else out


def test_lines_split_at_lf_are_the_lines_the_regex_finds() -> None:
    """The one-split path for chunks without a lone CR gives the same lines as the regex, with
    CR, LF and CRLF anywhere and chunks cut anywhere (a CRLF cut in two included)."""
    import random

    from dlp.extract.delimited import _Lines

    def _lines(chunks: list[str]) -> list[str]:
        lines, out = _Lines(chunks), []
        while (line := lines.next()) is not None:
            out.append(line)
        return out

    r = random.Random(5)
    for _ in range(3000):
        text = "".join(r.choice(["a", "b,", "\r", "\n", "\r\n", "顧客"]) for _ in range(r.randint(0, 40)))
        cuts = sorted(r.sample(range(len(text) + 1), min(len(text) + 1, r.randint(0, 4))))
        chunks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        assert list(_lines(chunks)) == _lines_by_regex(chunks), chunks


def test_rows_are_the_same_however_the_text_comes_in_chunks() -> None:
    """Rows come a chunk's lines at a time while no line holds a quote, else one by one: the
    rows are the same wherever the decoder's chunks happen to end, quoted cells over lines,
    stray quotes and lone CRs included, and together they are the text."""
    import random

    from dlp.extract.delimited import _rows

    r = random.Random(6)
    parts = ["a", "b,", "c,d", "\r", "\n", "\r\n", "顧客", '"', '"x\r\ny"', '""']
    for _ in range(3000):
        text = "".join(r.choice(parts) for _ in range(r.randint(0, 60)))
        cuts = sorted(r.sample(range(len(text) + 1), min(len(text) + 1, r.randint(0, 6))))
        chunks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        whole = [row for batch in _rows([text], ",") for row in batch]
        cut = [row for batch in _rows(chunks, ",") for row in batch]
        assert cut == whole, chunks
        assert "".join(whole) == text


@pytest.mark.parametrize("header", [True, False])
def test_a_chunk_of_many_blocks_is_cut_into_them_in_order(monkeypatch: pytest.MonkeyPatch, header: bool) -> None:
    """A decoded chunk of short lines holds many blocks (1 MiB of "1\\n" lines: 260 blocks of
    2,000 rows): each is cut in turn, BLOCK_ROWS rows each but the last, and together they are
    the file, offsets and first rows following on."""
    import dlp.extract.delimited as delimited

    monkeypatch.setattr(delimited, "BLOCK_ROWS", 7)
    rows = [f"{i},{i * 7 % 10}\n" for i in range(1000)]
    text = ("番号,区分\n" if header else "") + "".join(rows)
    parts = list(extract(Item.from_bytes(text.encode(), "codes.csv"), Limits()))
    blocks = [p for p in parts if isinstance(p, Segment) and p.kind == "table"]
    assert [len(b.table.row_starts) for b in blocks] == [7] * (1000 // 7) + [1000 % 7]
    assert "".join(p.text for p in parts if isinstance(p, Segment) and p.kind != "name") == text
    first = 2 if header else 1
    for b in blocks:
        assert text[b.offset : b.offset + len(b.text)] == b.text and b.table.first_row == first
        first += len(b.table.row_starts)
