"""Scan workers: a spinning or crashing extractor costs one worker, never the scan or the daemon."""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import replace

import pytest

from dlp import extract as extract_module
from dlp.extract.limits import Limits
from dlp.model import Action, UnscannableReason
from dlp.worker import ItemSpec, WorkerPool
from tests.conftest import FIXTURES
from tests.processes import still_running

pytestmark = pytest.mark.slow  # real worker processes, their timeouts and memory limits


@pytest.fixture()
def fast_settings(settings):
    return replace(settings, limits=replace(settings.limits, timeout=2.0))


def _spin(item, budget):  # a malformed PDF that makes a parser loop
    while True:
        time.sleep(0.05)
    yield  # pragma: no cover


def _crash(item, budget):  # a library that takes its process down (a Rust panic, a segfault)
    os.kill(os.getpid(), signal.SIGSEGV)
    yield  # pragma: no cover


def _hog(item, budget):  # runaway allocation
    hoard = [bytearray(64 * 1024 * 1024) for _ in range(100)]
    yield hoard  # pragma: no cover


@pytest.fixture()
def patched(monkeypatch):
    def patch(kind: str, extractor) -> None:
        monkeypatch.setitem(extract_module.EXTRACTORS, kind, extractor)

    return patch


def test_verdicts_come_back_in_order(settings) -> None:
    names = ["card_memo.txt", "minutes.txt", "customers_cp932.csv", "call_notes.txt", "nested.zip"]
    with WorkerPool(settings, 2) as pool:
        verdicts = list(pool.map(ItemSpec.for_path(FIXTURES / n) for n in names))
    assert [v.action.label for v in verdicts] == ["block", "allow", "quarantine", "warn", "warn"]


def test_a_spinning_extractor_times_out_and_the_worker_is_replaced(fast_settings, patched) -> None:
    patched("pdf", _spin)
    with WorkerPool(fast_settings, 1) as pool:
        started = time.monotonic()
        verdict = pool.scan(ItemSpec.for_path(FIXTURES / "report_cid.pdf"))
        assert time.monotonic() - started < 10
        assert [u.reason for u in verdict.unscannable] == [UnscannableReason.TIMEOUT]
        assert verdict.action is Action.QUARANTINE
        after = pool.scan(ItemSpec.for_path(FIXTURES / "card_memo.txt"))
        assert after.action is Action.BLOCK


def test_a_crashing_worker_gives_an_error_verdict(fast_settings, patched) -> None:
    patched("pdf", _crash)
    with WorkerPool(fast_settings, 1) as pool:
        verdict = pool.scan(ItemSpec.for_path(FIXTURES / "report_cid.pdf"))
        assert verdict.unscannable[0].reason is UnscannableReason.ERROR
        assert "signal 11" in verdict.unscannable[0].detail
        assert verdict.action is Action.QUARANTINE
        assert pool.scan(ItemSpec.for_path(FIXTURES / "minutes.txt")).action is Action.ALLOW


def test_memory_is_limited(settings, patched) -> None:
    patched("pdf", _hog)
    limited = replace(settings, limits=Limits(max_memory_mb=1024, timeout=30))
    with WorkerPool(limited, 1) as pool:
        verdict = pool.scan(ItemSpec.for_path(FIXTURES / "report_cid.pdf"))
    assert verdict.unscannable[0].reason in (UnscannableReason.TOO_LARGE, UnscannableReason.ERROR)
    assert verdict.action is Action.QUARANTINE


def test_scan_is_thread_safe(settings) -> None:
    results: dict[int, str] = {}
    with WorkerPool(settings, 2) as pool:

        def one(i: int) -> None:
            name = "card_memo.txt" if i % 2 else "minutes.txt"
            results[i] = pool.scan(ItemSpec.for_path(FIXTURES / name)).action.label

        threads = [threading.Thread(target=one, args=(i,)) for i in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert results == {i: "block" if i % 2 else "allow" for i in range(10)}


def test_bytes_items_and_their_locator(settings) -> None:
    spec = ItemSpec(data="携帯 090-1234-5678".encode(), name="body.txt", locator="mail:<x@example.jp>/body.txt")
    with WorkerPool(settings, 1) as pool:
        verdict = pool.scan(spec)
    assert verdict.action is Action.WARN
    assert verdict.findings[0].locator == "mail:<x@example.jp>/body.txt"


_ORPHANS = """
import sys, time
sys.path.insert(0, {root!r})
from dlp.config import load_config
from dlp.settings import Settings
from dlp.worker import WorkerPool
from dlp.model import Item  # noqa: F401
settings = Settings.load(load_config(None))
pool = WorkerPool(settings, 3)  # forked, as dlp scan and dlp inventory run make them
pool._replace(pool._idle.get())  # and one made later, as after a worker's timeout
print(" ".join(str(w.process.pid) for w in pool._all), flush=True)
time.sleep(120)
"""


def test_workers_of_a_killed_parent_exit() -> None:
    """`kill -9` of `dlp scan` or `dlp inventory run`: its forked workers held each other's
    pipe ends, so none saw the parent go and they waited forever (found in CI: one idle set of
    workers per killed inventory run, hours later)."""
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    proc = subprocess.Popen([sys.executable, "-c", _ORPHANS.format(root=root)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert len(pids) == 3
    proc.kill()
    proc.wait()
    alive = still_running(pids, 10)
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive, f"workers left running after their parent was killed: {alive}"
