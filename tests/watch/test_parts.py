"""The watcher's parts on their own: which names wait, how a file settles, mounts, backpressure."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from dlp.watch.folders import FolderError, WatchFolder, folder_of, folders_from, mount_type
from dlp.watch.ignore import is_lock, is_temp
from dlp.watch.settle import Settler, Timing, open_for_writing


@pytest.mark.parametrize("name", ["~$顧客一覧.xlsx", ".~lock.report.ods#"])
def test_lock_files_are_never_scanned(name: str) -> None:
    assert is_lock(name) and not is_temp(name)


@pytest.mark.parametrize(
    "name", ["3F2A1B0C.tmp", "Cedd4100", "report.xlsx.part", "list.csv.crdownload", ".notes.txt.swp", "~WRL0001.tmp"]
)
def test_temp_names_are_told(name: str) -> None:
    """Only the name (the wait for temp_grace is the daemon's: tests/watch/test_watch.py)."""
    assert is_temp(name) and not is_lock(name)


@pytest.mark.parametrize("name", ["顧客一覧.xlsx", "CEDD41000", "Cedd410", "tmp.csv", "customers.dlp.txt", "part.txt"])
def test_ordinary_names_are_scanned(name: str) -> None:
    assert not is_lock(name) and not is_temp(name)


def test_mount_type_from_the_longest_mount_point(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/vda / ext4 rw 0 0\n//nas/share /mnt/share cifs rw 0 0\nserver:/export /mnt/share/nfs nfs4 rw 0 0\n",
        encoding="utf-8",
    )
    assert mount_type("/srv/export", str(mounts)) == "ext4"
    assert mount_type("/mnt/share/outgoing", str(mounts)) == "cifs"
    assert mount_type("/mnt/share/nfs/x", str(mounts)) == "nfs4"
    assert mount_type("/mnt/shared", str(mounts)) == "ext4"  # a prefix of the name is not the mount


def test_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(FolderError, match="does not exist"):
        folders_from([tmp_path / "missing"], [], dry_run=False, polling=False)
    (tmp_path / "file").write_text("x")
    with pytest.raises(FolderError, match="is not a folder"):
        folders_from([tmp_path / "file"], [], dry_run=False, polling=False)
    with pytest.raises(FolderError, match="no folder to watch"):
        folders_from([], [], dry_run=False, polling=False)
    (folder,) = folders_from([tmp_path], [], dry_run=True, polling=False)
    assert folder.dry_run and not folder.polling and folder_of(str(tmp_path / "a" / "b.txt"), [folder]) == folder
    assert folder_of(str(tmp_path) + "-other/x", [folder]) is None


def _settler(ready: list[str], overflow: list[int], **kw) -> tuple[Settler, threading.Event]:
    settler = Settler(
        lambda path, folder: ready.append(path),
        lambda: overflow.append(1),
        timing=Timing(settle=0.2, quick=0.05),
        **kw,
    )
    stop = threading.Event()
    threading.Thread(target=settler.run, args=(stop,), daemon=True).start()
    return settler, stop


@pytest.mark.slow  # waits for settle timers
def test_a_file_that_keeps_changing_is_not_ready(tmp_path: Path) -> None:
    ready: list[str] = []
    settler, stop = _settler(ready, [])
    folder = WatchFolder(str(tmp_path))
    path = tmp_path / "growing.csv"
    try:
        with path.open("wb") as fh:
            for _ in range(8):
                fh.write(b"x" * 100)
                fh.flush()
                settler.touch(str(path), folder, "changed")
                time.sleep(0.1)
            assert ready == []
        settler.touch(str(path), folder, "closed")
        deadline = time.monotonic() + 5
        while not ready and time.monotonic() < deadline:
            time.sleep(0.02)
        assert ready == [str(path)]
    finally:
        stop.set()


def test_a_file_open_for_writing_waits(tmp_path: Path) -> None:
    path = tmp_path / "open.txt"
    with path.open("wb") as fh:
        fh.write(b"x")
        st = os.stat(path)
        assert (st.st_dev, st.st_ino) in open_for_writing({(st.st_dev, st.st_ino)})
    assert open_for_writing({(st.st_dev, st.st_ino)}) == set()
    with path.open("rb"):
        assert open_for_writing({(st.st_dev, st.st_ino)}) == set()  # a reader is not a writer


def test_too_many_settling_files_turn_into_a_walk(tmp_path: Path) -> None:
    ready: list[str] = []
    overflow: list[int] = []
    settler, stop = _settler(ready, overflow, max_pending=10)
    folder = WatchFolder(str(tmp_path))
    try:
        for n in range(25):
            settler.touch(str(tmp_path / f"f{n}"), folder, "changed")
        deadline = time.monotonic() + 5
        while not overflow and time.monotonic() < deadline:
            time.sleep(0.02)
        assert overflow and settler.pending <= 10  # memory stays bounded; the walk will find them
    finally:
        stop.set()
