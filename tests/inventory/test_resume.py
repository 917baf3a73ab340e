"""A run killed with SIGKILL mid-walk resumes: the next run scans only what the killed one had
not written, and the inventory ends up the same as one uninterrupted run's."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.inventory.conftest import contents, last_run
from tests.inventory.tree import make_tree, scanned_so_far

pytestmark = pytest.mark.slow

FILES = 300
REPO = Path(__file__).resolve().parents[2]


def test_sigkill_mid_run_resumes_without_double_counting(tmp_path: Path, inv_config: Path, run_inventory) -> None:
    root = tmp_path / "share"
    make_tree(root, FILES)
    db = tmp_path / "killed.sqlite3"
    cmd = [sys.executable, "-m", "dlp", "inventory", "run", str(root), "--db", str(db), "-c", str(inv_config)]
    proc = subprocess.Popen([*cmd, "-j", "1", "--batch-files", "5"], cwd=REPO, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while scanned_so_far(db) < 40 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    killed = last_run(db)
    assert killed["status"] == "running"  # it never got to say otherwise
    assert 40 <= killed["scanned"] < FILES, killed
    assert killed["removed"] == 0

    resumed = run_inventory(root, db=db)
    assert resumed["status"] == "complete"
    assert resumed["unchanged"] == killed["scanned"] + killed["carried"]
    assert resumed["scanned"] + resumed["carried"] + resumed["unchanged"] == FILES
    runs = sqlite3.connect(db).execute("SELECT status FROM runs ORDER BY id").fetchall()
    assert runs == [("interrupted",), ("complete",)]

    clean = run_inventory(root, db=tmp_path / "clean.sqlite3")
    assert clean["scanned"] == FILES
    assert contents(db) == contents(tmp_path / "clean.sqlite3")
