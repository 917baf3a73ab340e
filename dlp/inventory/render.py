"""The roll-up as text: a table for the terminal, CSV for a spreadsheet (UTF-8 with BOM, as
Excel wants), JSON for scripts. Japanese headers first: the reader is the 個人情報管理責任者."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dlp.inventory.rollup import FolderRollup, InventoryReport

CSV_HEADER = [
    "フォルダ folder",
    "深さ depth",
    "ファイル数 files",
    "要確認ファイル flagged",
    "読めないもの unscannable",
    "件数 records",
    "人数(重複除く) people",
    "種類別の件数(重複除く) distinct values",
    "所有者 owners",
    "最古の更新 oldest",
    "最新の更新 newest",
    "リスク risk",
    "前回からのファイル増減 files change",
    "前回からの件数増減 records change",
]


def _date(ns: int | None) -> str:
    return "" if ns is None else dt.datetime.fromtimestamp(ns / 1e9).strftime("%Y-%m-%d")


def _values(r: FolderRollup) -> str:
    return " ".join(f"{t}={n}" for t, n in r.values.items())


def _change(n: int | None) -> str:
    return "" if n is None else f"{n:+d}"


def to_csv(report: InventoryReport) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(CSV_HEADER)
    for r in report.folders:
        w.writerow(
            [
                r.folder,
                r.depth,
                r.files,
                r.flagged,
                r.unscannable,
                r.records,
                r.people,
                _values(r),
                " ".join(r.owners),
                _date(r.oldest_mtime_ns),
                _date(r.newest_mtime_ns),
                r.risk,
                _change(r.files_change),
                _change(r.records_change),
            ]
        )
    return out.getvalue()


def to_json(report: InventoryReport) -> str:
    return json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2)


def print_table(report: InventoryReport, console: Console) -> None:
    last = report.runs[-1] if report.runs else None
    if last is not None:
        console.print(
            Text(
                f"最終実行 last run #{last.id} ({last.status}, {last.engine}): {last.seen} files seen,"
                f" {last.scanned} scanned, {last.carried} carried over, {last.unchanged} unchanged,"
                f" {last.removed} removed, {last.unreadable} unreadable"
            )
        )
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, show_edge=False)
    for name in ("フォルダ folder", "ファイル files", "件数 records", "人数 people", "種類 values", "増減 change"):
        table.add_column(name, overflow="fold", no_wrap=name.startswith("ファイル"))
    for r in report.folders:
        change = "" if r.files_change is None else f"files {r.files_change:+d}, records {r.records_change:+d}"
        table.add_row(
            Text("  " * r.depth + r.folder if r.depth == 0 else "  " * r.depth + r.folder.rsplit("/", 1)[-1]),
            Text(f"{r.files} ({r.flagged} 要確認)"),
            Text(str(r.records)),
            Text(str(r.people)),
            Text(_values(r)),
            Text(change),
        )
    console.print(table)
    if report.top:
        console.print(Text("リスクの高いフォルダ top folders by risk", style="bold"))
        for i, r in enumerate(report.top, 1):
            console.print(Text(f"{i:2d}. {r.folder}  risk {r.risk} (records {r.records}, people {r.people})"))
