"""`dlp inventory run` throughput: local worker processes against Dask on this machine.

One generated share (the inventory tests' tree: CSV, text, xlsx, docx and PDF made by their
libraries, Faker ja_JP people, a sixth without personal data), measured in the same run:

* ``local``       `dlp inventory run` with its embedded default (SQLite, ``--jobs`` processes)
* ``dask local:2`` the same with ``--cluster local:2`` (a LocalCluster started by the run)
* ``dask tcp``    a real ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1,
                   started once for all its runs, as a deployment keeps them (``--real``)
* ``dlp scan``    plain `dlp scan --format jsonl` of the same files: the inventory's per-file
                   overhead is the difference
* ``again``       a second run on the same inventory with nothing changed (walk, stat, lookups)
* ``client``      the client alone, in this process: walk, change detection and inventory
                   writes, with every batch answered at once by a canned result (no scan), the
                   ceiling one client sets however many workers scan

Every figure is the median of ``--runs`` fresh runs (a new inventory each), wall clock, process
start included, as an operator sees it.

    python bench/bench_inventory.py                  # 500 files, 3 runs, with the real cluster
    python bench/bench_inventory.py --files 2000 --runs 5 --no-real

Measured on the reference machine (2 vCPU, shared with other work; the table, the earlier runs
and the projection are in the README, `dlp inventory`, "Throughput and scaling"): 2,000 files,
`dlp scan` 263 files/s, the local inventory 141 (+3.2 ms per file), the same again with nothing
changed 2.6 s, Dask LocalCluster 68 and a running scheduler with two workers 107 files/s (close to
local once started: 128 files/s scanning against 171), one Dask worker 64 files/s, the client alone 2,040
files/s.

What it means for N workers: a run goes at about min(N × w, C), w one worker's scan rate, C
the client's. The client walks, stats, looks each file up, digests candidates, writes each batch
in one transaction and hands out batches, for *every* file whether or not a worker scans it, so
it is the ceiling (the ``client`` and ``again`` rows): with w = 64 and C = 2,040 files/s, from
about 30 workers on. The walk is a small part of the client's time on a local disk; on NFS/SMB
each stat is a round trip and the walk becomes the limit first (run a client per top-level
folder with an inventory each, or thread the stat calls). The scheduler is not the limit at
50-200 files per task (~0.2 ms per item of scheduling measured in
shared/reference/inventory.md, against seconds of scanning per batch), as long as the window
keeps a few batches per worker in flight. SQLite writes are a few microseconds per row, one
transaction per batch; SQLite takes one writer, so shares beyond one client's rate need one
inventory per client, reported together.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dlp.config import load_config  # noqa: E402
from dlp.inventory.run import Batching, run_inventory  # noqa: E402
from dlp.inventory.store import Inventory  # noqa: E402
from dlp.inventory.task import FileResult  # noqa: E402
from dlp.inventory.walk import Entry, walk  # noqa: E402
from tests.inventory.tree import make_tree  # noqa: E402


@dataclass
class Timing:
    name: str
    times: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def _dlp(args: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "dlp", *args], cwd=ROOT, capture_output=True, text=True, env=env, check=False
    )
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1, 2, 3):  # scan exits 1-3 for what it found
        raise SystemExit(f"dlp {' '.join(args[:2])} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed


def _inventory(share: Path, db: Path, config: Path, extra: list[str]) -> float:
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    return _dlp(["inventory", "run", str(share), "--db", str(db), "-c", str(config), *extra])


class CannedExecutor:
    """Answers every batch at once with a typical customer-list result (8 distinct values):
    what is left is the client's own work, the ceiling however many workers scan."""

    name = "canned"

    def results(self, batches: Iterator[tuple[int, list[str]]], window: int) -> Iterator[tuple[int, list[FileResult]]]:
        for batch_id, paths in batches:
            yield batch_id, [_canned(p) for p in paths]

    def close(self) -> None:
        pass


def _canned(path: str) -> FileResult:
    fp = [hashlib.sha256(f"{path}\0{i}".encode()).hexdigest() for i in range(8)]
    values = [("PERSON", fp[i]) for i in range(4)] + [("PHONE", fp[i]) for i in range(4, 8)]
    return FileResult(path, "delimited", "block", None, {"PERSON": 4, "PHONE": 4}, 4, values=values)


def _client_only(share: Path, db: Path, key: bytes, batch_files: int) -> float:
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    started = time.perf_counter()
    inv = Inventory(db, key)
    try:
        run = inv.start_run([str(share)], "canned")
        stats = run_inventory(inv, [str(share)], CannedExecutor(), key, run, Batching(batch_files, 256 << 20, 4))
    finally:
        inv.close()
    assert stats.complete, stats
    return time.perf_counter() - started


def _walk_only(share: Path) -> float:
    started = time.perf_counter()
    n = sum(isinstance(e, Entry) for e in walk(str(share)))
    assert n > 0
    return time.perf_counter() - started


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_cluster(tmp: Path) -> tuple[str, list[subprocess.Popen[bytes]]]:
    """A scheduler and two single-thread workers on 127.0.0.1, started as a deployment would."""
    port = _port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    dask = [os.path.join(os.path.dirname(sys.executable), "dask")]
    if not os.path.exists(dask[0]):
        dask = [shutil.which("dask") or "dask"]
    log = (tmp / "dask.log").open("wb")
    procs = [
        subprocess.Popen(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            env=env,
            cwd=tmp,
            stdout=log,
            stderr=log,
        )
    ]
    for _ in range(2):
        procs.append(
            subprocess.Popen(
                [*dask, "worker", address, "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"],
                env=env,
                cwd=tmp,
                stdout=log,
                stderr=log,
            )
        )
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(2, timeout=120)
    return address, procs


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in reversed(procs):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2, help="local scan processes (and dask local:N workers)")
    parser.add_argument("--batch-files", type=int, default=50, help="files per batch (Dask task)")
    parser.add_argument("--no-real", action="store_true", help="skip the real dask scheduler and workers")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-inventory-") as tmp_name:
        tmp = Path(tmp_name)
        share = tmp / "share"
        started = time.perf_counter()
        files = make_tree(share, args.files)
        made = time.perf_counter() - started
        size = sum(p.stat().st_size for p in files)
        config = tmp / "dlp.toml"
        config.write_text(f'[paths]\ndata_dir = "{tmp / "data"}"\n', encoding="utf-8")
        key = load_config(config).fingerprint_key()
        print(f"share: {len(files)} files, {size / 1e6:.1f} MB (made in {made:.0f} s); batch {args.batch_files} files")

        common = ["--batch-files", str(args.batch_files)]
        timings = {
            name: Timing(name)
            for name in (
                "dlp scan",
                "local",
                "again (local)",
                f"dask local:{args.jobs}",
                "again (dask)",
                "dask tcp",
                "again (tcp)",
            )
        }
        client, walked = Timing("client"), Timing("walk")
        for i in range(args.runs):
            print(f"run {i + 1}/{args.runs} …", file=sys.stderr)
            scan = ["scan", "--format", "jsonl", "--jobs", str(args.jobs), "-c", str(config), str(share)]
            timings["dlp scan"].times.append(_dlp(scan))
            local_db = tmp / "local.sqlite3"
            timings["local"].times.append(_inventory(share, local_db, config, [*common, "-j", str(args.jobs)]))
            again = ["inventory", "run", str(share), "--db", str(local_db), "-c", str(config), "-j", str(args.jobs)]
            timings["again (local)"].times.append(_dlp([*again, *common]))
            dask_db = tmp / "dask.sqlite3"
            cluster = [*common, "--cluster", f"local:{args.jobs}"]
            timings[f"dask local:{args.jobs}"].times.append(_inventory(share, dask_db, config, cluster))
            again = ["inventory", "run", str(share), "--db", str(dask_db), "-c", str(config), *cluster]
            timings["again (dask)"].times.append(_dlp(again))
            client.times.append(_client_only(share, tmp / "client.sqlite3", key, args.batch_files))
            walked.times.append(_walk_only(share))
        if args.no_real:
            del timings["dask tcp"], timings["again (tcp)"]
        else:
            address, procs = _start_cluster(tmp)
            try:
                for _ in range(args.runs):
                    db = tmp / "tcp.sqlite3"
                    timings["dask tcp"].times.append(_inventory(share, db, config, [*common, "--cluster", address]))
                    again = ["inventory", "run", str(share), "--db", str(db), "-c", str(config)]
                    timings["again (tcp)"].times.append(_dlp([*again, *common, "--cluster", address]))
            finally:
                _stop(procs)

    report(timings, client, walked, len(files), size / 1e6, args.jobs)


def _line(name: str, seconds: float, n: int) -> str:
    return f"{name}: {seconds / n * 1000:+.1f} ms per file"


def report(timings: dict[str, Timing], client: Timing, walked: Timing, n: int, mb: float, jobs: int) -> None:
    """The table, then the differences that matter: what the inventory adds to a scan, what Dask
    adds to local workers, and the rate at which the scan itself runs once started (a run's
    fixed cost, process and worker start and the rules compiled, is its `again` run's time)."""
    print(f"\nload average {os.getloadavg()[0]:.1f} (2 cores: other work on the machine slows every figure)")
    print("| mode | median s | files/s | MB/s | runs (s) |")
    print("| --- | ---: | ---: | ---: | --- |")
    for t in (*timings.values(), client, walked):
        runs = ", ".join(f"{x:.1f}" for x in t.times)
        print(f"| {t.name} | {t.median:.2f} | {n / t.median:.1f} | {mb / t.median:.2f} | {runs} |")
    print()
    local = timings["local"].median
    print(_line("inventory over dlp scan", local - timings["dlp scan"].median, n))
    rates: dict[str, float] = {}
    pairs = (("local", "again (local)"), (f"dask local:{jobs}", "again (dask)"), ("dask tcp", "again (tcp)"))
    for mode, again in pairs:
        if mode not in timings:
            continue
        if mode != "local":
            print(_line(f"{mode} over local", timings[mode].median - local, n))
        fixed = timings[again].median
        rates[mode] = n / max(1e-9, timings[mode].median - fixed)
        print(f"{mode}: fixed cost {fixed:.1f} s (nothing to scan), then {rates[mode]:.1f} files/s scanning")
    dask_mode = "dask tcp" if "dask tcp" in rates else f"dask local:{jobs}"
    per_worker = rates[dask_mode] / jobs
    ceiling = n / client.median
    print(
        f"projection: {per_worker:.1f} files/s per worker ({dask_mode}); the client alone {ceiling:.0f} files/s:"
        f" about {ceiling / per_worker:.0f} such workers before the client is the limit"
    )


if __name__ == "__main__":
    main()
