"""`dlp inventory report --format html`: one page that carries everything itself (no script, no
fetch), shows the roll-up, the ranking, the change and what could not be read, and never runs
or shows in clear what a folder name holds."""

from __future__ import annotations

import random
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.fakes import FakeJP
from tests.inventory.conftest import dlp
from tests.inventory.tree import write_file

REPO = Path(__file__).resolve().parents[2]
LISTS = ("営業部/顧客リスト", "コールセンター/架電リスト")
QUIET = ("総務部/議事録", "経理部/会議メモ")
HOSTILE = ("<script>alert(1)", "<img src=x onerror=alert(2)>")
PHONE_FOLDER = "顧客_090-1234-5678"


def make_share(root: Path) -> Path:
    """Customer lists (CSV and xlsx) in two folders, minutes without personal data in two others,
    a locked PDF, and folders whose names are markup or a phone number."""
    rng = random.Random(15)
    fake = FakeJP(15)
    for folder in LISTS:
        (root / folder).mkdir(parents=True)
        for i in range(8):
            kind = ("csv", "xlsx")[i % 2]
            write_file(root / folder / f"list{i:02d}.{kind}", kind, fake, rng)
    for folder in QUIET:
        (root / folder).mkdir(parents=True)
        for i in range(6):
            write_file(root / folder / f"minutes{i:02d}.txt", "plain", fake, rng)
    shutil.copy(REPO / "fixtures" / "locked.pdf", root / "経理部" / "会議メモ" / "locked.pdf")
    for name in (*HOSTILE, PHONE_FOLDER):
        (root / "その他" / name).mkdir(parents=True)
        write_file(root / "その他" / name / "memo.txt", "txt", fake, rng)
    return root


class Elements(HTMLParser):
    """Tags and attributes of the page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs


@pytest.fixture()
def report_page(tmp_path: Path, run_inventory, inv_config: Path) -> tuple[Path, Path]:
    """Two runs (a list deleted in between), then the page; (page, share)."""
    root = make_share(tmp_path / "share")
    run_inventory(root)
    (root / LISTS[0] / "list00.csv").unlink()
    run_inventory(root)
    page = tmp_path / "report.html"
    db = tmp_path / "inv.sqlite3"
    assert dlp("inventory", "report", "--db", str(db), "-c", str(inv_config), "-f", "html", "-o", str(page)) == 0
    return page, root


def test_page_carries_everything_itself(report_page) -> None:
    page, _ = report_page
    text = page.read_text(encoding="utf-8")
    parsed = Elements()
    parsed.feed(text)
    assert "script" not in parsed.tags and "img" not in parsed.tags and "link" not in parsed.tags
    assert not [a for a in parsed.attrs if a[0] in ("src", "href") or a[0].startswith("on")]
    assert parsed.tags.count("svg") >= 2  # the risk chart and the types of the root
    assert "default-src 'none'" in text  # no script even if an escape were ever missed
    assert page.stat().st_mode & 0o077 == 0  # folder names of the share: the owner's only


def test_page_shows_rollup_ranking_change_and_unscannable(report_page) -> None:
    page, root = report_page
    text = page.read_text(encoding="utf-8")
    for heading in (
        "個人データ棚卸しレポート",
        "Personal data inventory report",
        "リスクの高いフォルダ",
        "前回からの変化",
    ):
        assert heading in text
    top = text.split('id="top-table"', 1)[1].split("</table>", 1)[0]
    ranks = [row.split('title="', 1)[1].split('"', 1)[0] for row in top.split('class="top-row')[1:]]
    # the folders holding the lists and their departments come first; the minutes never rank
    assert {Path(p).relative_to(root).as_posix() for p in ranks[:4]} == {*LISTS, "営業部", "コールセンター"}
    assert not any(q in r for r in ranks for q in QUIET)
    change = text.split('id="change-table"', 1)[1].split("</table>", 1)[0]
    assert "顧客リスト" in change and "-1" in change
    unscannable = text.split('id="unscannable-table"', 1)[1].split("</table>", 1)[0]
    assert "locked.pdf" in unscannable and "encrypted" in unscannable
    assert "氏名" in text and "電話番号" in text  # types by their Japanese names


def test_folder_names_are_inert_and_masked(report_page) -> None:
    page, _ = report_page
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)" in text and "&lt;img src=x onerror=alert(2)&gt;" in text
    assert "090-1234-5678" not in text and "顧客_090-" in text  # masked, still recognisable


def test_html_without_out_writes_to_stdout(report_page, inv_config: Path, tmp_path: Path, capsys) -> None:
    capsys.readouterr()
    db = tmp_path / "inv.sqlite3"
    assert dlp("inventory", "report", "--db", str(db), "-c", str(inv_config), "-f", "html") == 0
    assert capsys.readouterr().out.startswith("<!doctype html>")


def test_page_of_a_share_without_personal_data_says_so() -> None:
    """Nothing found and no earlier run: the sections say so instead of showing empty tables."""
    from dlp.inventory.html import render_html
    from dlp.inventory.rollup import FolderRollup, InventoryReport

    folders = [FolderRollup("/share", 0, files=3), FolderRollup("/share/総務部", 1, files=3)]
    page = render_html(InventoryReport(folders, [], [], 3), [], lambda text: text)
    assert 'id="top-table"' not in page and "個人データは見つかっていません" in page
    assert "比較できる前回の完了した実行がありません" in page
    assert 'id="unscannable-table"' not in page
