"""Extraction in worker processes that can be killed: a malformed PDF can spin forever and a
Rust panic in calamine takes its process down, so no entry point scans in its own process.

Each worker scans one item at a time under a memory limit (RLIMIT_AS) and the caller waits at
most ``limits.timeout`` seconds: past that the worker is killed and replaced, and the item gets
the unscannable reason ``timeout``. A worker that dies (out of memory, a crash in a library)
gives the reason ``error``. Either way the item has a verdict — by default the policy holds it.

``scan`` is thread-safe: a call takes an idle worker and blocks until its verdict (the mail
gateway calls it from a thread per message, the watcher from its dispatcher).
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import multiprocessing
import os
import queue
import resource
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from dlp.extract.ocr import status as ocr_status
from dlp.model import Item, Unscannable, UnscannableReason, Verdict
from dlp.pipeline import decide, scan_item
from dlp.policy import ScanContext
from dlp.settings import Settings

log = logging.getLogger("dlp.worker")
_inherited: Settings | None = None


@dataclass(frozen=True)
class ItemSpec:
    """What to scan, in a form that crosses a process boundary (an Item holds an opener)."""

    path: str | None = None
    data: bytes | None = None
    name: str = ""
    locator: str = ""
    channel: str = "scan"
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_path(cls, path: str | os.PathLike[str], *, channel: str = "scan", locator: str | None = None) -> ItemSpec:
        p = Path(path)
        return cls(path=str(p), name=p.name, locator=locator or str(p), channel=channel)

    def item(self) -> Item:
        if self.path is not None:
            item = Item.from_path(self.path, channel=self.channel)
            item.name = self.name or item.name
            item.locator = self.locator or item.locator
        else:
            item = Item.from_bytes(self.data or b"", self.name, locator=self.locator or self.name, channel=self.channel)
        item.meta.update(self.meta)
        return item


def _worker_main(conn: Connection, settings_spec: Any, memory_limit: int, parent_end: int = -1) -> None:
    """Worker loop: (task id, ItemSpec, ScanContext) in, (task id, Verdict) out. ``parent_end``:
    the parent's end of this pipe, inherited by fork, closed so that the parent's death is EOF."""
    if parent_end >= 0:  # /dev/null over it, not a close: the inherited Connection still owns the number
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, parent_end)
            os.close(devnull)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    faulthandler.disable()  # a crash is reported by the parent ("worker died"), not as a dump
    if memory_limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    settings = _inherited if _inherited is not None else settings_spec.build()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task, spec, ctx = message
        try:
            verdict = scan_item(spec.item(), settings, ctx)
        except MemoryError:
            verdict = failure_verdict(
                spec, settings, UnscannableReason.TOO_LARGE, "ran out of memory while scanning", ctx
            )
        except Exception as exc:
            verdict = failure_verdict(
                spec, settings, UnscannableReason.ERROR, f"{type(exc).__name__}: {exc}"[:300], ctx
            )
        try:
            conn.send((task, verdict))
        except (OSError, ValueError):
            return


def cut_short(verdict: Verdict) -> bool:
    """The verdict of a scan whose worker was killed or died (at shutdown: not the item's doing,
    so the item is left for the next start or for Postfix's retry, not decided on this)."""
    return any(u.reason in (UnscannableReason.ERROR, UnscannableReason.TIMEOUT) for u in verdict.unscannable)


def failure_verdict(
    spec: ItemSpec, settings: Settings, reason: UnscannableReason, detail: str, ctx: ScanContext | None = None
) -> Verdict:
    """The verdict of an item that could not be scanned at all: the policy decides (it holds)."""
    tally = settings.policy.new_tally(settings.max_findings)
    tally.add_unscannable(Unscannable(spec.locator or spec.name, reason, detail))
    return decide(
        spec.locator or spec.name, tally, settings, ctx or ScanContext(channel=spec.channel), time.monotonic()
    )


class _Worker:
    served = 0

    def __init__(self, context: Any, settings_spec: Any, memory_limit: int) -> None:
        self.conn, child = context.Pipe()
        # A forked child holds a copy of our end of its pipe (and of every older worker's): it
        # closes its own at once, and the copies of older workers' ends go when it exits. Then a
        # parent killed with SIGKILL leaves the newest worker at EOF, and the others follow it.
        ours = self.conn.fileno() if context.get_start_method() == "fork" else -1
        self.process = context.Process(
            target=_worker_main, args=(child, settings_spec, memory_limit, ours), daemon=True
        )
        self.process.start()
        child.close()

    def stop(self, *, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError, ValueError):
                self.conn.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        # At shutdown the pool closes a worker while the thread waiting on its scan also does:
        # the second close of the pipe is EBADF, which must not escape either thread.
        with contextlib.suppress(OSError):
            self.conn.close()


_ocr_said = False


def _say_once_without_ocr(settings: Settings) -> None:
    """Without Tesseract every image and scanned page is no_text (held by the default policy):
    logged once per process, not once per image."""
    global _ocr_said
    if _ocr_said or not settings.limits.ocr:
        return
    _ocr_said = True
    ok, message = ocr_status()
    if not ok:
        log.warning("%s", message)


class WorkerPool:
    """A fixed number of killable scan workers.

    With ``fork`` (the default for the CLI) workers inherit the compiled rules; daemons with
    threads use ``spawn`` and the workers build their settings from ``settings_spec``.
    """

    def __init__(
        self,
        settings: Settings,
        size: int,
        *,
        settings_spec: Any = None,
        start_method: str = "fork",
        memory_limit: int | None = None,
    ) -> None:
        global _inherited
        self.settings = settings
        self.size = max(1, size)
        self.timeout = settings.limits.timeout
        self.memory_limit = settings.limits.max_memory_mb * 1024 * 1024 if memory_limit is None else memory_limit
        self.settings_spec = settings_spec
        self._context = multiprocessing.get_context(start_method)
        if start_method == "fork":
            _inherited = settings
            settings.engine  # noqa: B018 - compile once, before forking
        elif settings_spec is None:
            raise ValueError("a spawned worker needs settings_spec to build its settings")
        else:
            _say_once_without_ocr(settings)  # the daemons (gateway, watcher); `dlp scan` says it itself
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._task = 0
        self._stillborn = 0
        self._closed = False
        for _ in range(self.size):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self._context, self.settings_spec, self.memory_limit)
        with self._lock:
            self._all.append(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
            # A worker that dies before its first verdict cannot start (a broken install, no
            # memory): back off instead of spinning, and say so once it is clearly not the item.
            self._stillborn = 0 if worker.served else self._stillborn + 1
            stillborn = self._stillborn
        worker.stop(kill=True)
        if stillborn >= 3:
            log.error("scan workers die as they start (%d in a row); retrying with back-off", stillborn)
            time.sleep(min(30.0, 0.5 * 2 ** (stillborn - 3)))
        if not self._closed:
            self._add()

    def scan(self, spec: ItemSpec, ctx: ScanContext | None = None) -> Verdict:
        """Scan one item in a worker; never raises for the item's sake, never waits forever."""
        worker = self._idle.get()
        with self._lock:
            self._task += 1
            task = self._task
        try:
            worker.conn.send((task, spec, ctx))
        except (OSError, ValueError):
            self._replace(worker)
            return failure_verdict(spec, self.settings, UnscannableReason.ERROR, "scan worker unavailable", ctx)
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._replace(worker)
                return failure_verdict(
                    spec,
                    self.settings,
                    UnscannableReason.TIMEOUT,
                    f"not finished within {self.timeout:g} s (limits.timeout)",
                    ctx,
                )
            try:
                ready = worker.conn.poll(min(remaining, 1.0))
            except (OSError, ValueError):
                ready = True
            if not ready:
                continue
            try:
                got, verdict = worker.conn.recv()
            except (EOFError, OSError):
                worker.process.join(timeout=2)  # reap it, so its exit code (or signal) is known
                code = worker.process.exitcode
                self._replace(worker)
                how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                return failure_verdict(spec, self.settings, UnscannableReason.ERROR, f"scan worker died ({how})", ctx)
            if got == task:
                worker.served += 1
                self._idle.put(worker)
                return verdict

    def idle(self) -> bool:
        """No scan in progress."""
        return self._idle.qsize() >= len(self._all)

    def retire(self, wait: float) -> None:
        """Close the pool in the background once its scans are done (at most ``wait`` seconds):
        a reload's old pool finishes what it started while the new one takes the new work."""

        def close_when_idle() -> None:
            deadline = time.monotonic() + wait
            while not self.idle() and time.monotonic() < deadline:
                time.sleep(0.1)
            self.close()

        threading.Thread(target=close_when_idle, name="dlp-retire", daemon=True).start()

    def map(self, specs: Iterable[ItemSpec], ctx: ScanContext | None = None) -> Iterator[Verdict]:
        """Verdicts in input order, all workers busy."""
        with ThreadPoolExecutor(max_workers=self.size) as threads:
            yield from threads.map(lambda s: self.scan(s, ctx), specs)

    def close(self, *, kill: bool = False) -> None:
        """Stop the workers; ``kill`` does not wait for scans in progress (they get a failure verdict)."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop(kill=kill)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
