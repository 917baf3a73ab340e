"""Why the inventory is SQLite, not DuckDB: upserts as a run writes them (row by row, one
transaction per batch of 200 files), and whether a report can read while a run writes.

    python -m bench.bench_inventory_store --rows 4000      (needs `pip install duckdb`)
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TABLE = "CREATE TABLE files (path_key TEXT PRIMARY KEY, folder INT, size INT, counts TEXT)"
UPSERT = (
    "INSERT INTO files VALUES (?, ?, ?, ?)"
    " ON CONFLICT(path_key) DO UPDATE SET size = excluded.size, counts = excluded.counts"
)


def _upserts(db: Any, begin: str, rows: list[tuple[str, int, int, str]]) -> float:
    started = time.perf_counter()
    for _ in range(2):  # insert, then update every row
        for b in range(0, len(rows), 200):
            db.execute(begin)
            for row in rows[b : b + 200]:
                db.execute(UPSERT, row)
            db.execute("COMMIT")
    return time.perf_counter() - started


def _reader(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    return done.stdout.strip() or (done.stderr.strip().splitlines() or ["?"])[-1][:140]


def main() -> None:
    import duckdb

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=4000)
    n = parser.parse_args().rows
    rows = [(f"{i:064x}", i % 1000, i, f'{{"PERSON": {i % 7}}}') for i in range(n)]
    folder = Path(tempfile.mkdtemp())
    lite = sqlite3.connect(folder / "s.sqlite3", isolation_level=None)
    lite.execute("PRAGMA journal_mode=WAL")
    lite.execute("PRAGMA synchronous=NORMAL")
    lite.execute(TABLE)
    duck = duckdb.connect(str(folder / "d.duckdb"))
    duck.execute(TABLE)
    for name, db, begin in (("SQLite WAL", lite, "BEGIN IMMEDIATE"), ("DuckDB", duck, "BEGIN")):
        seconds = _upserts(db, begin, rows)
        print(f"{name}: {2 * n} upserts in {seconds:.2f} s, {seconds / (2 * n) * 1e6:.0f} µs a row")
    count = "execute('SELECT COUNT(*) FROM files').fetchone()"
    lite_ro = f"file:{folder / 's.sqlite3'}?mode=ro"
    lite_code = f"import sqlite3; print(sqlite3.connect({lite_ro!r}, uri=True).{count})"
    duck_code = f"import duckdb; print(duckdb.connect({str(folder / 'd.duckdb')!r}, read_only=True).{count})"
    print("SQLite, a reader while the writer is open:", _reader(lite_code))
    print("DuckDB, a reader while the writer is open:", _reader(duck_code))


if __name__ == "__main__":
    main()
