"""Detection of an item's parts, in order, with a long table's blocks fanned out to helper
processes when the scan may use more cores than it has items (`dlp scan -j 4 export.csv`).

Why: the column pass and the rules over a dense 200,000-row export are CPU-bound Python, and a
scan of one file used one core of many. A block of a table can be detected on its own once its
header is known from the block itself (a CSV block carries the file's header) and the tally
keeps no more findings in detail (its first findings are listed, every later block is only
counted): such blocks go to forked helpers, which inherit the compiled engine. Everything else
(the first blocks, text, a block without a known header, unscannable parts) is detected here,
and every result reaches the caller in the item's order, after the results before it, so the
tally sees what one process would have given it: same counts, records, listing and verdict.

The helpers are made at the second block that can go out (a small file never forks), at most
``2 x helpers`` blocks are out at once (memory stays bounded), and they end with the item. A
helper that dies breaks the pool: the item's scan fails with an error, as a crash in one
process does, and the policy holds it.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING

from dlp.model import Finding, Segment, Unscannable

if TYPE_CHECKING:
    from dlp.detect.engine import Engine
    from dlp.tally import Tally

Part = Segment | Unscannable
Detected = tuple[Part, list[Finding] | None]

MAX_HELPERS = 8  # helpers an item may use at most (dlp scan -j 64 on one file: 8)
_PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)
_SAME = "same"  # what a helper returns when a block left the header state as it found it
_engine: Engine | None = None  # the engine a forked helper inherits


def detections(parts: Iterator[Part], engine: Engine, tally: Tally, helpers: int) -> Generator[Detected, None, None]:
    """(part, its findings; None for an unscannable part), in the parts' order. The caller adds
    each result to ``tally`` before asking for the next: the detail wanted is read from it."""
    if helpers < 2 or not can_fan_out():
        for part in parts:
            yield part, _here(engine, tally, part)
        return
    pending: deque[tuple[Segment, Future[tuple[list[Finding], list[int], object]]]] = deque()
    pool: ProcessPoolExecutor | None = None
    eligible = 0
    try:
        for part in parts:
            if isinstance(part, Segment) and not tally.wants_detail and engine.stands_alone(part):
                eligible += 1
                if eligible >= 2:
                    if pool is None:
                        pool = _pool(engine, helpers)
                    pending.append((part, pool.submit(_detect_out, part)))
                    if len(pending) >= 2 * helpers:
                        yield _received(engine, *pending.popleft())
                    continue
            while pending:  # the results before this part first: the tally is then as it would be
                yield _received(engine, *pending.popleft())
            yield part, _here(engine, tally, part)
        while pending:
            yield _received(engine, *pending.popleft())
    finally:
        if pool is not None:
            # Waited for (the blocks out, at most 2 x helpers, finish or are cancelled): the pool's
            # thread is gone before this worker forks helpers for its next item.
            pool.shutdown(wait=True, cancel_futures=True)


def _here(engine: Engine, tally: Tally, part: Part) -> list[Finding] | None:
    if not isinstance(part, Segment):
        return None
    return engine.detect(part, detail=part.kind == "name" or tally.wants_detail)


def _pool(engine: Engine, helpers: int) -> ProcessPoolExecutor:
    global _engine
    _engine = engine
    # A scan worker is a daemonic process, which multiprocessing lets have no children lest they
    # outlive it: these helpers cannot (the kernel kills them when it dies: _die_with_parent,
    # and the item's end shuts them down).
    multiprocessing.current_process()._config["daemon"] = False  # type: ignore[attr-defined]
    return ProcessPoolExecutor(
        max_workers=helpers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )


def _die_with_parent(parent: int) -> None:
    """In a helper: SIGKILL when the scanning process dies (a worker killed at its timeout
    must not leave helpers behind), and none at all if it is gone already."""
    _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def helpers_for(jobs: int, items: int) -> int:
    """Helpers an item may use when ``jobs`` processes scan ``items`` items: the processes the
    items leave idle, within the cores this process may run on and at most MAX_HELPERS (each
    helper is a process with its own memory limit; past a few, a table's blocks gain little).
    0 below two: one helper would only take turns with its parent."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    helpers = min(jobs // max(items, 1), cores, MAX_HELPERS)
    return helpers if helpers >= 2 else 0


def can_fan_out() -> bool:
    """Fork and a parent-death signal (Linux): helpers are then sure to end with their parent."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        return hasattr(_libc(), "prctl")
    except OSError:
        return False


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _detect_out(segment: Segment) -> tuple[list[Finding], list[int], object]:
    """In a helper: the block's findings (counted only), which of them its tally must not count
    again (by index: ids do not cross processes) and the header state the block left."""
    assert _engine is not None
    before = _engine.header_state()
    findings = _engine.detect(segment, detail=False)
    kept: set[int] = getattr(findings, "kept", set())
    after = _engine.header_state()
    return findings, [i for i, f in enumerate(findings) if id(f) in kept], after if after != before else _SAME


def _received(engine: Engine, segment: Segment, future: Future[tuple[list[Finding], list[int], object]]) -> Detected:
    findings, kept, state = future.result()
    if kept:
        findings.kept = {id(findings[i]) for i in kept}  # type: ignore[attr-defined]
    if state != _SAME:
        engine.set_header_state(state)
    return segment, findings
