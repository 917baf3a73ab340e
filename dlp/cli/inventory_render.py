"""The roll-up as text: a table for the terminal, CSV for a spreadsheet (UTF-8 with BOM, as
Excel wants), JSON for scripts. Japanese headers first: the reader is the 個人情報管理責任者."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os

from rich.console import Console
from rich.text import Text

from dlp.cli.tables import add_record, record_table
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
    table = record_table("フォルダ folder", "内容 contents")
    for r in report.folders:
        name = r.folder if r.depth == 0 else "  " * r.depth + os.path.basename(r.folder)
        change = (
            ""
            if r.files_change is None
            else f"前回から since last run: files {r.files_change:+d}, records {r.records_change:+d}"
        )
        add_record(
            table,
            name,
            [
                f"ファイル {r.files} files ({r.flagged} 要確認 flagged, {r.unscannable} 読めない unscannable)",
                f"件数 {r.records} records, 人数 {r.people} people",
                _values(r),
                f"所有者 owners: {' '.join(r.owners)}" if r.owners else "",
                f"更新 mtime {_date(r.oldest_mtime_ns)} – {_date(r.newest_mtime_ns)}" if r.files else "",
                change,
            ],
        )
    console.print(table)
    if report.top:
        console.print(Text("リスクの高いフォルダ top folders by risk", style="bold"))
        for i, r in enumerate(report.top, 1):
            console.print(Text(f"{i:2d}. {r.folder}  risk {r.risk} (records {r.records}, people {r.people})"))
