"""Only complete files: a per-path debounce before anything is scanned.

Every event (or a walk) *touches* a path. A touched path is checked twice, some time apart; it
is ready when its size and mtime did not change between the checks and, on a local mount, no
process holds it open for writing (``/proc/*/fd``: a writer that pauses before closing must not
be scanned half-way). A close or a rename-into-place means the writer is done, so those wait
less than a plain create or modify. A writer that keeps a file open longer than
``max_open_wait`` is not waited for any more.

Memory is bounded: past ``max_pending`` settling paths, every pending path is dropped and a walk
is requested instead — the walk is the truth, events are a shortcut.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from dlp.watch.folders import WatchFolder

log = logging.getLogger("dlp.watch")

# first check, then the confirming one, in seconds, per kind of touch
QUICK = ("closed", "moved")


@dataclass
class _Pending:
    folder: WatchFolder
    due: float
    first_seen: float
    hint: str
    snapshot: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class Timing:
    settle: float = 1.0  # a plain create/modify: wait this long, twice
    quick: float = 0.15  # after a close or a rename into place
    poll: float = 30.0  # a polled (network) folder: the poll interval
    max_open_wait: float = 600.0

    def delays(self, hint: str, folder: WatchFolder) -> tuple[float, float]:
        if folder.polling:
            return self.settle, max(self.settle, self.poll / 2)
        if hint in QUICK:
            return self.quick, self.quick
        if hint == "found":  # by a walk: probably long complete, but check it is not being written
            return self.quick, self.settle
        return self.settle, self.settle


class Settler:
    def __init__(
        self,
        ready: Callable[[str, WatchFolder], None],
        overflow: Callable[[], None],
        *,
        timing: Timing,
        max_pending: int = 100_000,
    ) -> None:
        self._ready = ready
        self._overflow = overflow
        self.timing = timing
        self.max_pending = max_pending
        self._pending: dict[str, _Pending] = {}
        self._heap: list[tuple[float, int, str]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()

    def touch(self, path: str, folder: WatchFolder, hint: str = "changed") -> None:
        now = time.monotonic()
        first, _ = self.timing.delays(hint, folder)
        with self._cond:
            entry = self._pending.get(path)
            if entry is None:
                if len(self._pending) >= self.max_pending:
                    self._drop_all()
                    return
                entry = _Pending(folder, now + first, now, hint)
                self._pending[path] = entry
            elif hint == "found":
                return  # a walk found what is already settling: its events know more
            else:
                entry.snapshot = None  # it changed: start over
                entry.hint = hint
                entry.due = now + first
            heapq.heappush(self._heap, (entry.due, next(self._seq), path))
            self._cond.notify()

    def _drop_all(self) -> None:
        log.warning("more than %d files settling at once: dropping events and walking the folders", self.max_pending)
        self._pending.clear()
        self._heap.clear()
        threading.Thread(target=self._overflow, daemon=True).start()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            due = self._due(stop)
            if not due:
                continue
            ready = self._check(due)
            for path, folder in ready:
                if stop.is_set():
                    return
                self._ready(path, folder)  # may block: that is the backpressure

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def _due(self, stop: threading.Event) -> list[tuple[str, _Pending, float]]:
        with self._cond:
            while not stop.is_set():
                now = time.monotonic()
                if self._heap and self._heap[0][0] <= now:
                    break
                timeout = min(self._heap[0][0] - now, 0.5) if self._heap else 0.5
                self._cond.wait(timeout)
            out: list[tuple[str, _Pending, float]] = []
            now = time.monotonic()
            while self._heap and self._heap[0][0] <= now and len(out) < 1000:
                due, _, path = heapq.heappop(self._heap)
                entry = self._pending.get(path)
                if entry is not None and entry.due == due:  # else a later touch superseded this one
                    out.append((path, entry, due))
            return out

    def _check(self, due: list[tuple[str, _Pending, float]]) -> list[tuple[str, WatchFolder]]:
        stable: list[tuple[str, _Pending, tuple[int, int, int, int], float]] = []
        for path, entry, when in due:
            try:
                st = os.lstat(path)
            except OSError:  # gone (deleted, or renamed away) before it settled
                self._finish(path, entry, when)
                continue
            snap = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
            if entry.snapshot == snap:
                stable.append((path, entry, snap, when))
            else:
                self._again(path, entry, snap, when)
        if not stable:
            return []
        local = {(s[0], s[1]) for _, e, s, _ in stable if not e.folder.polling}
        writing = open_for_writing(local) if local else set()
        ready = []
        now = time.monotonic()
        for path, entry, snap, when in stable:
            if (snap[0], snap[1]) in writing and now - entry.first_seen < self.timing.max_open_wait:
                self._again(path, entry, snap, when)  # a writer still has it open: not complete yet
                continue
            if (snap[0], snap[1]) in writing:
                log.warning("a writer has kept a file open for %.0f s; scanning it anyway", now - entry.first_seen)
            if self._finish(path, entry, when):
                ready.append((path, entry.folder))
        return ready

    def _again(self, path: str, entry: _Pending, snap: tuple[int, int, int, int], when: float) -> None:
        _, interval = self.timing.delays(entry.hint, entry.folder)
        with self._cond:
            if self._pending.get(path) is not entry or entry.due != when:
                return  # touched again meanwhile: that touch has scheduled it
            entry.snapshot = snap
            entry.due = time.monotonic() + interval
            heapq.heappush(self._heap, (entry.due, next(self._seq), path))

    def _finish(self, path: str, entry: _Pending, when: float) -> bool:
        with self._cond:
            if self._pending.get(path) is entry and entry.due == when:
                del self._pending[path]
                return True
            return False


def open_for_writing(files: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of ``files`` (device, inode) some process has open for writing.

    The mode of a /proc/<pid>/fd link says how the file was opened (0o200: for writing). Only
    processes this user may inspect are seen: run the watcher as root or as the writers' user.
    """
    found: set[tuple[int, int]] = set()
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return found
    for pid in pids:
        fd_dir = f"/proc/{pid}/fd"
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue
        for fd in fds:
            link = f"{fd_dir}/{fd}"
            try:
                if not os.lstat(link).st_mode & 0o200:
                    continue
                st = os.stat(link)
            except OSError:
                continue
            key = (st.st_dev, st.st_ino)
            if key in files:
                found.add(key)
                if len(found) == len(files):
                    return found
    return found
