"""The inventory report as one HTML page for the 個人情報管理責任者: a single file to open from a
share or a mail, so it carries everything itself (inline CSS, charts as SVG drawn here by the
console's chart code, no script, no CDN, no font or image to fetch) and works offline.

Folder and file names come from the share and are put on the page twice guarded: Jinja2
escapes every text (a folder named ``<script>`` is shown, never run), and a Content Security
Policy without any script source stops a script even if an escape were ever missed. Names can
hold personal data too (a folder ``顧客_090-1234-5678``): each path component goes through
the detector's mask first, as `dlp scan` masks locators. Values are never in the inventory.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from dlp.detect.typenames import type_name
from dlp.inventory.rollup import SENSITIVE, SENSITIVE_WEIGHT, FolderRollup, InventoryReport
from dlp.inventory.unscannable import UnscannableEntry
from dlp.report.charts import hbars

TEMPLATES = Path(__file__).resolve().parent / "templates"
TOP_CHART = 15  # bars in the risk chart
MATRIX_FOLDERS = 60  # rows of the types-per-folder table (the deepest first would be noise)

Mask = Callable[[str], str]


@dataclass(frozen=True)
class Row:
    """A folder as the page shows it: names masked, numbers as they are."""

    r: FolderRollup
    path: str  # masked full path
    label: str  # masked, relative to its root (the root itself: its full path)
    leaf: str  # masked last component (the root: its full path), indented by depth in the tree table
    sensitive: int  # distinct values of the sensitive types
    values: str  # "氏名 12, 電話番号 10"


class Names:
    """Masked display names, one detector call per distinct path component."""

    def __init__(self, mask: Mask) -> None:
        self.mask = mask
        self._cache: dict[str, str] = {}

    def part(self, part: str) -> str:
        if part not in self._cache:
            self._cache[part] = self.mask(part) if part else part
        return self._cache[part]

    def path(self, path: str) -> str:
        return os.sep.join(self.part(p) for p in path.split(os.sep))


def _date(ns: int | None) -> str:
    return "" if ns is None else dt.datetime.fromtimestamp(ns / 1e9).strftime("%Y-%m-%d")


def _time(ts: float | None) -> str:
    return "" if ts is None else dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def _type_label(data_type: str) -> dict[str, str]:
    name = type_name(data_type)
    return {"id": data_type, "ja": name.ja if name else data_type, "en": name.en if name else ""}


def _rows(report: InventoryReport, names: Names) -> dict[str, Row]:
    roots = sorted((r.folder for r in report.folders if r.depth == 0), key=len, reverse=True)
    rows: dict[str, Row] = {}
    for r in report.folders:
        root = next((p for p in roots if r.folder == p or r.folder.startswith(p.rstrip(os.sep) + os.sep)), None)
        label = r.folder if root is None or r.folder == root else os.path.relpath(r.folder, root)
        if root is not None and r.folder != root and len(roots) > 1:
            label = os.path.join(os.path.basename(root), label)
        sensitive = sum(n for t, n in r.values.items() if t in SENSITIVE)
        leaf = names.path(r.folder) if r.depth == 0 else names.part(os.path.basename(r.folder))
        values = ", ".join(f"{_type_label(t)['ja']} {n}" for t, n in sorted(r.values.items(), key=lambda kv: -kv[1]))
        rows[r.folder] = Row(r, names.path(r.folder), names.path(label), leaf, sensitive, values)
    return rows


def ranked(report: InventoryReport, top: int) -> list[FolderRollup]:
    """The folders by risk, below the roots: a root holds the whole share and would always be
    first, telling the officer nothing (the roll-up's own list keeps it, for the table)."""
    inner = [r for r in report.folders if r.depth > 0 and r.risk > 0]
    if not inner:
        return report.top[:top]
    return sorted(inner, key=lambda r: (-r.risk, -r.depth, r.folder))[:top]


def context(
    report: InventoryReport,
    unreadable: list[UnscannableEntry],
    mask: Mask,
    *,
    top_n: int = 10,
    made: dt.datetime | None = None,
) -> dict[str, Any]:
    """Everything the template shows, masked; the numbers untouched."""
    names = Names(mask)
    rows = _rows(report, names)
    top = [rows[r.folder] for r in ranked(report, top_n)]
    types = sorted(
        {t for r in report.folders for t in r.values},
        key=lambda t: (-max(r.values.get(t, 0) for r in report.folders), t),
    )
    matrix = sorted((rows[r.folder] for r in report.folders if r.values), key=lambda x: -x.r.risk)[:MATRIX_FOLDERS]
    matrix.sort(key=lambda x: x.r.folder)
    peak = {t: max((x.r.values.get(t, 0) for x in matrix), default=0) or 1 for t in types}
    changed = [x for x in rows.values() if x.r.files_change is not None and (x.r.files_change or x.r.records_change)]
    changed.sort(key=lambda x: (-abs(x.r.records_change or 0), -abs(x.r.files_change or 0), x.r.folder))
    chart = hbars(
        "chart-top",
        "リスクの高いフォルダ Top folders by risk",
        "リスク = 件数 + 人数 + 要配慮・番号類の値 × "
        f"{SENSITIVE_WEIGHT} (risk = records + people + {SENSITIVE_WEIGHT} × sensitive values)",
        [(x.label, x.r.risk) for x in top[:TOP_CHART]],
    )
    root_charts = [
        (
            x,
            hbars(
                f"chart-types-{i}",
                f"種類別の件数(重複除く) Distinct values by type: {x.path}",
                "フォルダ全体で重複を除いた値の数 (distinct values in the whole folder)",
                [(_type_label(t)["ja"], n) for t, n in sorted(x.r.values.items(), key=lambda kv: -kv[1])],
            ),
        )
        for i, x in enumerate(x for x in rows.values() if x.r.depth == 0 and x.r.values)
    ][:5]
    runs = [
        {
            "id": run.id,
            "status": run.status,
            "engine": run.engine,
            "started": _time(run.started),
            "finished": _time(run.finished),
            "seen": run.seen,
            "scanned": run.scanned,
            "carried": run.carried,
            "unchanged": run.unchanged,
            "removed": run.removed,
            "unreadable": run.unreadable,
        }
        for run in reversed(report.runs)
    ]
    complete = [r for r in runs if r["status"] == "complete"]
    return {
        "made": (made or dt.datetime.now()).strftime("%Y-%m-%d %H:%M"),
        "depth": report.depth,
        "roots": [x for x in rows.values() if x.r.depth == 0],
        "folders": list(rows.values()),
        "top": top,
        "chart_top": chart,
        "root_charts": root_charts,
        "types": [_type_label(t) for t in types],
        "sensitive_types": SENSITIVE,
        "matrix": matrix,
        "peak": peak,
        "changed": changed,
        "has_previous": any(r.files_change is not None for r in report.folders),
        "runs": runs,
        "last": runs[0] if runs else None,
        "last_complete": complete[0] if complete else None,
        "unscannable": [
            {
                "folder": names.path(e.folder),
                "name": names.part(e.name),
                "error": e.error,
                "detail": mask(e.detail) if e.detail else "",
                "listing": e.listing,
            }
            for e in unreadable
        ],
        "weight": SENSITIVE_WEIGHT,
        "date": _date,
    }


def render_html(
    report: InventoryReport,
    unreadable: list[UnscannableEntry],
    mask: Mask,
    *,
    top_n: int = 10,
    made: dt.datetime | None = None,
) -> str:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("inventory_report.html").render(**context(report, unreadable, mask, top_n=top_n, made=made))
