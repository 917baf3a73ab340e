"""A generated share for the inventory tests: departments, projects, files in several formats
made by the real libraries (openpyxl, python-docx, reportlab), filled with Faker ja_JP people."""

from __future__ import annotations

import csv
import io
import random
import sqlite3
from pathlib import Path

from docx import Document
from openpyxl import Workbook
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from tests.fakes import FakeJP

DEPARTMENTS = ("営業部", "総務部", "コールセンター", "経理部")
KINDS = ("csv", "txt", "xlsx", "docx", "pdf", "plain")


def _rows(fake: FakeJP, n: int) -> list[list[str]]:
    rows = [["氏名", "電話番号", "メールアドレス", "住所"]]
    for _ in range(n):
        p = fake.person()
        rows.append([p.name, fake.mobile(), fake.email(), fake.address()])
    return rows


def write_file(path: Path, kind: str, fake: FakeJP, rng: random.Random) -> None:
    rows = _rows(fake, rng.randint(1, 6))
    if kind == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    elif kind == "txt":
        p = fake.person()
        path.write_text(f"お客様 {p.name} 様\nご連絡先: {fake.mobile()}\n住所: {fake.address()}\n", encoding="utf-8")
    elif kind == "xlsx":
        wb = Workbook()
        ws = wb.active
        for row in rows:
            ws.append(row)
        wb.save(path)
    elif kind == "docx":
        doc = Document()
        for row in rows:
            doc.add_paragraph(" ".join(row))
        doc.save(str(path))
    elif kind == "pdf":
        pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
        c = canvas.Canvas(str(path), pagesize=A4)
        c.setFont("HeiseiKakuGo-W5", 10)
        for i, row in enumerate(rows):
            c.drawString(40, 800 - 16 * i, " ".join(row))
        c.save()
    else:  # no personal data at all
        path.write_text(f"議事録 {rng.randint(1, 10**9)}\n本日の議題は来期の予算です。\n", encoding="utf-8")


def make_tree(root: Path, files: int, seed: int = 15, kinds: tuple[str, ...] = KINDS) -> list[Path]:
    """``files`` files spread over departments and projects (paths sorted)."""
    rng = random.Random(seed)
    fake = FakeJP(seed)
    made: list[Path] = []
    for i in range(files):
        folder = root / DEPARTMENTS[i % len(DEPARTMENTS)] / f"案件{(i // 7) % 9:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        kind = kinds[i % len(kinds)]
        ext = "txt" if kind == "plain" else kind
        path = folder / f"file{i:05d}.{ext}"
        write_file(path, kind, fake, rng)
        made.append(path)
    return sorted(made)


def scanned_so_far(db: Path) -> int:
    """Files the latest run has written so far (0 before its first commit)."""
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            row = con.execute("SELECT scanned FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return 0
    return int(row[0]) if row else 0
