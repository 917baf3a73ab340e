"""`dlp inventory report --format html`: the page for the 個人情報管理責任者, kept apart from the
table/CSV/JSON path because it needs the rules (to mask names) and Jinja2 (the console's extra)."""

from __future__ import annotations

import sys
from pathlib import Path

from dlp.cli.common import err, fail, load_settings
from dlp.fsutil import private_file
from dlp.inventory.rollup import rollup
from dlp.inventory.store import Inventory
from dlp.inventory.unscannable import unscannable
from dlp.masking import mask_text


def write_html_report(db: Path, config: Path | None, out: Path | None, depth: int, top: int) -> None:
    try:
        from dlp.inventory.html import render_html
    except ImportError as exc:  # Jinja2 is in the console and inventory extras
        raise fail([f"the HTML report needs Jinja2 ({exc})"], "pip install 'dlp[inventory]'") from None
    settings = load_settings(config)  # the detector masks names; the rules name the types
    inv = Inventory(db, settings.key)
    try:
        result = rollup(inv, depth=depth, top=top)
        entries = unscannable(inv)
    finally:
        inv.close()
    page = render_html(result, entries, lambda text: mask_text(text, settings.engine), top_n=top)
    if out is None:
        sys.stdout.write(page)
        return
    # folder names of the share: readable by the owner only, as the inventory itself
    private_file(out)
    out.write_text(page, encoding="utf-8")
    err.print(f"report written to {out}")
