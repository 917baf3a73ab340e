"""`dlp inventory run|report` on a generated share: what is recorded, what a second run rescans
after touch, rename, modify and delete, and that nothing of a path is stored in clear."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from dlp.inventory.walk import Entry, Unreadable, walk
from tests.fakes import FakeJP
from tests.inventory.conftest import contents, dlp
from tests.inventory.tree import make_tree, write_file

FILES = 240


@pytest.fixture()
def share(tmp_path: Path) -> tuple[Path, list[Path]]:
    root = tmp_path / "share"
    return root, make_tree(root, FILES)


def test_cli_help_lists_inventory(capsys: pytest.CaptureFixture[str]) -> None:
    assert dlp("--help") == 0
    assert "inventory" in capsys.readouterr().out


def test_first_run_records_every_file_with_its_values(share, run_inventory, tmp_path: Path) -> None:
    root, _ = share
    stats = run_inventory(root)
    assert (stats["status"], stats["seen"], stats["scanned"]) == ("complete", FILES, FILES)
    rows, values = contents(tmp_path / "inv.sqlite3")
    assert len(rows) == FILES
    by_format = {r[3] for r in rows}
    assert {"delimited", "text", "xlsx", "docx", "pdf"} <= by_format, by_format
    flagged = [r for r in rows if r[4] != "allow"]
    assert flagged, "customer lists must be flagged"
    people = {fp for _, t, fp in values if t == "PERSON"}
    assert len(people) > 100
    # the plain minutes (every 6th file) hold nothing
    plain = {r[0] for r in rows if json.loads(str(r[6])) == {}}
    assert len(plain) >= FILES // 6


def test_paths_are_not_stored_in_clear(share, run_inventory, tmp_path: Path) -> None:
    root, files = share
    run_inventory(root)
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("inv.sqlite3*"))
    for needle in ("営業部", "案件00", files[0].name, str(root)):
        assert needle.encode() not in raw, needle


def test_second_run_rescans_only_what_changed(share, run_inventory, tmp_path: Path) -> None:
    root, files = share
    run_inventory(root)
    touched, renamed, modified, deleted = files[1], files[2], files[3], files[4]
    st = touched.stat()
    os.utime(touched, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9 * 3600))  # mtime moves, content does not
    renamed.rename(renamed.with_name("renamed_" + renamed.name))
    with modified.open("a", encoding="utf-8") as f:
        p = FakeJP(99).person()
        f.write(f"\n{p.name} 様 090-1234-5678\n")
    deleted.unlink()
    copied = root / "総務部" / ("copy_" + files[5].name)
    shutil.copy2(files[5], copied)  # as cp -p: same size and mtime, new inode, same content
    new = root / "経理部" / "new_list.csv"
    write_file(new, "csv", FakeJP(7), random.Random(7))

    stats = run_inventory(root)
    assert stats["status"] == "complete"
    assert stats["scanned"] == 2  # modified, new
    assert stats["carried"] == 3  # touched and copied (same content), renamed (same inode)
    assert stats["unchanged"] == FILES - 4
    assert stats["removed"] == 2  # the deleted file, the renamed file's old path
    rows, _ = contents(tmp_path / "inv.sqlite3")
    assert len(rows) == FILES + 1  # -1 deleted, +1 new, +1 copy; the rename is one file
    copies = [r for r in rows if r[9] is not None and sum(1 for x in rows if x[9] == r[9]) > 1]
    assert len(copies) >= 2  # the copy and its original: one content, the same result
    assert len({(r[4], r[6], r[7]) for r in copies}) == 1

    stats = run_inventory(root)
    assert (stats["scanned"], stats["carried"], stats["unchanged"], stats["removed"]) == (0, 0, FILES + 1, 0)


def test_unreadable_folder_is_recorded_and_snapshots_skipped(tmp_path: Path, run_inventory) -> None:
    root = tmp_path / "share"
    make_tree(root, 12)
    (root / ".snapshot" / "hourly").mkdir(parents=True)
    make_tree(root / ".snapshot" / "hourly", 6, seed=3)
    locked = root / "人事部"
    locked.mkdir()
    (locked / "salaries.txt").write_text("給与", encoding="utf-8")
    locked.chmod(0)
    try:
        found = list(walk(str(root)))
        if os.geteuid() != 0:
            assert any(isinstance(f, Unreadable) and f.path == str(locked) for f in found)
        assert not any(".snapshot" in f.path for f in found if isinstance(f, Entry))
        stats = run_inventory(root)
        assert stats["seen"] == 12 + (1 if os.geteuid() == 0 else 0)
        assert stats["unreadable"] == (0 if os.geteuid() == 0 else 1)
    finally:
        locked.chmod(0o700)


def test_report_rolls_folders_up_and_shows_change(share, run_inventory, inv_config: Path, tmp_path, capsys) -> None:
    root, files = share
    db = tmp_path / "inv.sqlite3"
    run_inventory(root)
    files[0].unlink()
    run_inventory(root)
    capsys.readouterr()
    assert dlp("inventory", "report", "--db", str(db), "-c", str(inv_config), "-f", "json", "--depth", "2") == 0
    report = json.loads(capsys.readouterr().out)
    folders = {f["folder"]: f for f in report["folders"]}
    top = folders[str(root)]
    assert top["files"] == FILES - 1
    assert top["files_change"] == -1
    departments = [f for f in report["folders"] if f["depth"] == 1]
    assert sum(f["files"] for f in departments) == FILES - 1
    # distinct people: a subtree's union is at most the sum of its parts, at least the largest
    assert max(f["people"] for f in departments) <= top["people"] <= sum(f["people"] for f in departments)
    assert report["top"] and report["top"][0]["risk"] >= report["top"][-1]["risk"]
    assert dlp("inventory", "report", "--db", str(db), "-c", str(inv_config), "-f", "csv") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].lstrip("\ufeff").startswith("フォルダ folder")
    assert dlp("inventory", "report", "--db", str(db), "-c", str(inv_config)) == 0
    assert "営業部" in capsys.readouterr().out


def test_a_reader_can_open_the_inventory_during_a_run(share, run_inventory, tmp_path: Path) -> None:
    """WAL: the console or a report reads while a run writes (DuckDB's lock would refuse)."""
    root, _ = share
    db = tmp_path / "inv.sqlite3"
    run_inventory(root)
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE files SET records = records")
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert reader.execute("SELECT COUNT(*) FROM files").fetchone()[0] == FILES
    writer.execute("ROLLBACK")


def test_usage_errors(tmp_path: Path, inv_config: Path) -> None:
    assert dlp("inventory", "run", str(tmp_path / "nope"), "--db", str(tmp_path / "i.db"), "-c", str(inv_config)) == 4
    assert dlp("inventory", "report", "--db", str(tmp_path / "nope.db"), "-c", str(inv_config)) == 4
