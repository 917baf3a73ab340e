"""The inventory on Dask: a LocalCluster, and a real `dask scheduler` with two `dask worker`
processes on 127.0.0.1, one of them killed mid-run. The results are those of a local run:
nothing missed, nothing doubled."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.inventory.conftest import contents
from tests.inventory.tree import make_tree, scanned_so_far
from tests.smtp_sink import free_port

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def test_local_cluster_gives_the_local_results(tmp_path: Path, run_inventory) -> None:
    root = tmp_path / "share"
    make_tree(root, 120)
    local = run_inventory(root, db=tmp_path / "local.sqlite3")
    dask = run_inventory(root, db=tmp_path / "dask.sqlite3", extra=("--cluster", "local:2", "--batch-files", "10"))
    assert (dask["status"], dask["scanned"]) == ("complete", local["scanned"]) == ("complete", 120)
    assert dask["engine"] == "dask"
    assert contents(tmp_path / "dask.sqlite3") == contents(tmp_path / "local.sqlite3")


@pytest.fixture()
def cluster(tmp_path: Path) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """`dlp inventory scheduler`, a `dlp inventory worker` and a plain `dask worker`, on 127.0.0.1."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),  # the workers import dlp from this checkout
        # the workers start killable scan processes of their own (dlp/inventory/task.py)
        "DASK_DISTRIBUTED__WORKER__DAEMON": "False",
    }
    dask = [sys.executable, "-m", "distributed.cli.dask_worker"]
    logs = (tmp_path / "dask.log").open("wb")
    dlp = [sys.executable, "-m", "dlp", "inventory"]
    run = {"env": env, "cwd": tmp_path, "stdout": logs, "stderr": logs}
    procs = [
        subprocess.Popen([*dlp, "scheduler", "--host", "127.0.0.1", "--port", str(port)], **run),
        # one worker as the systemd unit starts it (a nanny restarts it if it dies) ...
        subprocess.Popen([*dlp, "worker", address, "--host", "127.0.0.1", "--nworkers", "1"], **run),
        # ... and one plain Dask worker without a nanny: the one killed, and it stays dead
        subprocess.Popen(
            [*dask, address, "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1", "--no-dashboard"],
            **run,
        ),
    ]
    from distributed import Client

    try:
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, procs[1:]
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        logs.close()


def test_real_cluster_with_a_worker_killed_mid_run(tmp_path: Path, inv_config: Path, run_inventory, cluster) -> None:
    address, workers = cluster
    files = 2000
    root = tmp_path / "share"
    make_tree(root, files)
    db = tmp_path / "dask.sqlite3"
    cmd = [sys.executable, "-m", "dlp", "inventory", "run", str(root), "--db", str(db), "-c", str(inv_config)]
    proc = subprocess.Popen([*cmd, "--cluster", address, "--batch-files", "25"], cwd=REPO, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while scanned_so_far(db) < 200 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
    os.kill(workers[1].pid, signal.SIGKILL)
    workers[1].wait(timeout=10)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    con = sqlite3.connect(db)
    status, scanned = con.execute("SELECT status, scanned FROM runs").fetchone()
    con.close()
    # each finished batch is written once, whatever Dask re-ran: the counters match the rows
    assert (status, scanned) == ("complete", files)

    local = run_inventory(root, db=tmp_path / "local.sqlite3")
    assert local["scanned"] == files
    assert contents(db) == contents(tmp_path / "local.sqlite3")


def test_batches_failing_on_the_workers_are_split_and_scanned_again_next_run(
    tmp_path: Path, inv_config: Path, run_inventory
) -> None:
    """Workers that cannot load the run's config (a host without the file): every batch fails,
    is split into single files, and each file is recorded as an error to retry; the next run
    (with workers that can scan) scans exactly those files."""
    from dlp.config import load_config
    from dlp.inventory.executors import DaskExecutor
    from dlp.inventory.run import Batching
    from dlp.inventory.run import run_inventory as run_library
    from dlp.inventory.store import Inventory
    from dlp.settings import Settings, SettingsSpec

    root = tmp_path / "share"
    make_tree(root, 12)
    db = tmp_path / "inv.sqlite3"
    settings = Settings.load(load_config(inv_config))
    unusable = SettingsSpec(tmp_path / "not-on-this-host.toml", key=settings.key, full=True)
    inv = Inventory(db, settings.key)
    run = inv.start_run([str(root)], "dask")
    executor = DaskExecutor("local:1", settings, unusable, run)
    try:
        stats = run_library(inv, [str(root)], executor, settings.key, run, Batching(files=4, window=2))
    finally:
        executor.close()
        inv.close()
    assert (stats.complete, stats.scanned) == (True, 12)
    con = sqlite3.connect(db)
    rows = con.execute("SELECT error, retry, reason FROM files").fetchall()
    con.close()
    assert len(rows) == 12
    assert all(error == "error" and retry == 1 and "scan task failed" in reason for error, retry, reason in rows)

    again = run_inventory(root, db=db)
    assert (again["scanned"], again["unchanged"]) == (12, 0)
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM files WHERE retry = 1 OR error IS NOT NULL").fetchone()[0] == 0
    con.close()
