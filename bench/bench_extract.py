"""Extraction throughput and peak memory: a 200-page Japanese PDF, a 100,000 x 10 workbook, a
large CP932 CSV. Each measurement runs in a fresh process (peak RSS is that process's), median
of several runs, with a baseline measured in the same run:

- PDF: pages/s of our extraction (pypdfium2, forms, notes) against pdfminer.six extract_text.
- xlsx: cells/s of our extraction (calamine + the XML pass) against openpyxl read-only.
- CSV: MB/s of extraction alone (decode, rows, segments) against a plain csv.reader over the
  decoded file; end-to-end scan MB/s with --full (every row counted) on a slice, and with the
  default early decision on the whole file.

    python bench/bench_extract.py                 # CSV of 1 GB (generated once, cached)
    python bench/bench_extract.py --csv-mb 200 --runs 3
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".corpus"
sys.path.insert(0, str(ROOT))


def make_pdf(path: Path, pages: int = 200, lines: int = 70) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from tests.fakes import FakeJP

    fake = FakeJP(200)
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for _ in range(pages):
        c.setFont("HeiseiMin-W3", 8)
        y = 820
        for _ in range(lines):
            p = fake.person()
            c.drawString(30, y, f"氏名：{p.name}　住所：{fake.address()}　電話：{fake.phone()}")
            y -= 11
        c.showPage()
    c.save()


def make_xlsx(path: Path, rows: int = 100_000) -> None:
    import xlsxwriter

    from tests.fakes import FakeJP

    fake = FakeJP(100)
    names = [fake.person().name for _ in range(2000)]
    phones = [fake.phone() for _ in range(2000)]
    mails = [fake.email() for _ in range(2000)]
    addresses = [fake.address() for _ in range(2000)]
    r = random.Random(1)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("顧客")
    sheet.write_row(0, 0, ["No", "氏名", "電話番号", "メール", "住所", "区分", "金額", "数量", "備考", "担当"])
    for i in range(1, rows + 1):
        sheet.write_row(
            i,
            0,
            [i, r.choice(names), r.choice(phones), r.choice(mails), r.choice(addresses), "一般", r.randint(100, 99999),
             r.randint(1, 9), "特記事項なし", "営業部"],
        )  # fmt: skip
    book.close()


def make_csv(path: Path, megabytes: int) -> None:
    """An order export as Japanese Excel saves it (CP932, CRLF): 11 columns, 2-3 personal."""
    from tests.fakes import FakeJP

    fake = FakeJP(7)
    names = [fake.person().name for _ in range(5000)]
    phones = [fake.phone() for _ in range(5000)]
    products = [f"{fake.faker.word()}セット" for _ in range(500)]
    r = random.Random(3)
    target = megabytes * 1024 * 1024
    header = "注文番号,注文日,顧客番号,氏名,電話番号,商品コード,商品名,数量,単価,金額,配送状況\r\n"
    with path.open("wb") as out:
        out.write(header.encode("cp932"))
        written = 0
        n = 0
        while written < target:
            lines = []
            for _ in range(10_000):
                n += 1
                qty = r.randint(1, 9)
                price = r.randint(100, 20000)
                date = f"2026/{r.randint(1, 12):02d}/{r.randint(1, 28):02d}"
                lines.append(
                    f"{202600000000 + n},{date},CU-{r.randint(0, 99999999):08d},"
                    f"{r.choice(names)},{r.choice(phones)},SKU-{r.randint(10000, 99999)},{r.choice(products)},"
                    f"{qty},{price},{qty * price},{r.choice(['出荷済', '配送中', '受付'])}\r\n"
                )
            chunk = "".join(lines).encode("cp932")
            out.write(chunk)
            written += len(chunk)


CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
kind, path = {kind!r}, {path!r}
started = time.perf_counter()
units = 0
if kind == "ours":
    from dlp.extract import extract
    from dlp.extract.limits import Limits
    from dlp.model import Item, Segment
    limits = Limits(max_item_bytes=1 << 40, max_member_bytes=1 << 40, max_extra_chars=1 << 40)
    for part in extract(Item.from_path(path), limits):
        if isinstance(part, Segment):
            units += part.text.count("\n") + 1 if part.table is None else len(part.table.row_starts)
elif kind == "pdfminer":
    from pdfminer.high_level import extract_text
    units = len(extract_text(path))
elif kind == "openpyxl":
    from openpyxl import load_workbook
    wb = load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            units += sum(1 for v in row if v is not None and str(v))
    wb.close()
elif kind == "csvreader":
    import codecs, csv
    with open(path, "rb") as fh:
        reader = csv.reader(codecs.iterdecode(fh, "cp932"))
        for row in reader:
            units += 1
elif kind in ("scan", "scan-full"):
    from dlp.config import load_config
    from dlp.settings import Settings
    from dlp.extract.limits import Limits
    from dlp.model import Item
    from dlp.pipeline import scan_item
    settings = Settings.load(load_config(None, search=False), key=b"k" * 32)
    settings.limits = Limits(max_item_bytes=1 << 40, max_member_bytes=1 << 40, max_extra_chars=1 << 40, timeout=1e9)
    if kind == "scan-full":
        settings.stop_after_records = None
    verdict = scan_item(Item.from_path(path), settings)
    units = verdict.records
elapsed = time.perf_counter() - started
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": elapsed, "units": units, "rss_mb": rss}}))
"""


def measure(kind: str, path: Path, runs: int) -> dict[str, float]:
    results = []
    for _ in range(runs):
        code = CHILD.format(root=str(ROOT), kind=kind, path=str(path))
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "units": results[0]["units"],
        "rss_mb": max(r["rss_mb"] for r in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--csv-mb", type=int, default=1024)
    parser.add_argument("--slice-mb", type=int, default=50, help="size of the CSV scanned with --full")
    parser.add_argument("--only", choices=["pdf", "xlsx", "csv"])
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    if args.only in (None, "pdf"):
        pdf = CACHE / "bench200.pdf"
        if not pdf.exists():
            make_pdf(pdf)
        ours, base = measure("ours", pdf, args.runs), measure("pdfminer", pdf, args.runs)
        print(
            f"PDF 200 pages: ours {200 / ours['seconds']:7.1f} pages/s (peak {ours['rss_mb']:.0f} MB)   "
            f"pdfminer {200 / base['seconds']:6.1f} pages/s (peak {base['rss_mb']:.0f} MB)   "
            f"ratio {base['seconds'] / ours['seconds']:.1f}x   target >= 100 pages/s"
        )
    if args.only in (None, "xlsx"):
        xlsx = CACHE / "bench100k.xlsx"
        if not xlsx.exists():
            make_xlsx(xlsx)
        cells = 1_000_010
        ours, base = measure("ours", xlsx, args.runs), measure("openpyxl", xlsx, args.runs)
        scan = measure("scan-full", xlsx, 1)
        print(
            f"xlsx 100,000 x 10: ours {cells / ours['seconds'] / 1e3:7.0f} k cells/s (peak {ours['rss_mb']:.0f} MB)   "
            f"openpyxl read-only {cells / base['seconds'] / 1e3:6.0f} k cells/s (peak {base['rss_mb']:.0f} MB)   "
            f"ratio {base['seconds'] / ours['seconds']:.1f}x   target >= 500 k cells/s\n"
            f"   full scan with detection: {cells / scan['seconds'] / 1e3:.0f} k cells/s (peak {scan['rss_mb']:.0f} MB)"
        )
    if args.only in (None, "csv"):
        csv_path = CACHE / f"orders{args.csv_mb}.csv"
        if not csv_path.exists():
            make_csv(csv_path, args.csv_mb)
        size = csv_path.stat().st_size / 1e6
        slice_path = CACHE / f"orders{args.slice_mb}.csv"
        if not slice_path.exists():
            make_csv(slice_path, args.slice_mb)
        slice_size = slice_path.stat().st_size / 1e6
        ours, base = measure("ours", csv_path, 1), measure("csvreader", csv_path, 1)
        full = measure("scan-full", slice_path, args.runs)
        early = measure("scan", csv_path, args.runs)
        print(
            f"CSV {size:.0f} MB CP932, extraction only: "
            f"ours {size / ours['seconds']:6.1f} MB/s (peak {ours['rss_mb']:.0f} MB)   "
            f"csv.reader {size / base['seconds']:6.1f} MB/s (peak {base['rss_mb']:.0f} MB)   "
            f"ratio {ours['seconds'] / base['seconds']:.2f}x slower than bare parsing\n"
            f"   scan --full on {slice_size:.0f} MB: {slice_size / full['seconds']:.1f} MB/s, "
            f"{full['units']:,} records "
            f"(peak {full['rss_mb']:.0f} MB)\n"
            f"   scan (default, stops once block past 1,000 records) on {size:.0f} MB: "
            f"{early['seconds']:.2f} s (peak {early['rss_mb']:.0f} MB)   targets >= 20 MB/s, peak < 200 MB"
        )


if __name__ == "__main__":
    main()
