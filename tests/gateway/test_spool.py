"""The memory budget's rules, with real threads: room is waited for, never overdrawn, and one
message larger than the whole budget still runs (alone)."""

from __future__ import annotations

import threading
import time

import pytest

from dlp.gateway.spool import COPIES, MemoryBudget, open_spool

pytestmark = pytest.mark.slow  # threads waiting for memory, timeouts


def test_a_second_message_waits_for_room_and_gets_it_on_release() -> None:
    budget = MemoryBudget(100 * COPIES)
    assert budget.acquire(60, timeout=1)
    got: list[bool] = []
    waiter = threading.Thread(target=lambda: got.append(budget.acquire(60, timeout=10)))
    waiter.start()
    time.sleep(0.3)
    assert got == [] and budget.used == 60 * COPIES  # never overdrawn
    budget.release(60)
    waiter.join(5)
    assert got == [True] and budget.used == 60 * COPIES


def test_too_big_for_the_budget_runs_alone_and_the_wait_can_time_out_or_be_cancelled() -> None:
    budget = MemoryBudget(10)
    assert budget.acquire(1000, timeout=0.1)  # nothing else loaded: it fits
    assert not budget.acquire(1, timeout=0.2)
    assert not budget.acquire(1, timeout=30, cancelled=lambda: True)
    budget.release(1000)
    assert budget.acquire(1, timeout=0.1)


def test_spool_files_are_unnamed_and_private(tmp_path) -> None:
    spool = open_spool(tmp_path / "spool")
    spool.write(b"x" * (1024 * 1024))  # past the in-memory size: on disk now
    assert list((tmp_path / "spool").iterdir()) == []  # unnamed: nothing to find, nothing left behind
    assert (tmp_path / "spool").stat().st_mode & 0o777 == 0o700
    spool.close()
