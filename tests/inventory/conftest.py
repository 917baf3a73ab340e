"""Shared by the inventory tests: a dlp.toml of its own, `dlp inventory` run in this process,
and the inventory's contents in a form two runs can be compared by."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from dlp.cli import main


@pytest.fixture()
def inv_config(tmp_path: Path) -> Path:
    path = tmp_path / "dlp.toml"
    path.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    return path


def dlp(*args: str) -> int:
    try:
        main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.fixture()
def run_inventory(inv_config: Path, tmp_path: Path) -> Callable[..., dict[str, int]]:
    """`dlp inventory run` on the paths; the run's counters."""

    def run(*roots: Path, db: Path | None = None, extra: tuple[str, ...] = ()) -> dict[str, int]:
        db = db or tmp_path / "inv.sqlite3"
        code = dlp("inventory", "run", *map(str, roots), "--db", str(db), "-c", str(inv_config), "-j", "2", *extra)
        assert code == 0
        return last_run(db)

    return run


def last_run(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    row = con.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    con.close()
    return dict(row)


def contents(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every file's result and every value, keyed by path key (the same key: the same paths)."""
    con = sqlite3.connect(db)
    files = con.execute(
        "SELECT path_key, folder_key, size, format, action, clause, counts, records, error, content_key"
        " FROM files ORDER BY path_key"
    ).fetchall()
    values = con.execute("SELECT path_key, type, fingerprint FROM file_values ORDER BY 1, 2, 3").fetchall()
    con.close()
    return files, values
