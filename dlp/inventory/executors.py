"""Running batches: local worker processes, or a Dask cluster, with a bounded window.

Both yield ``(batch id, results)`` as batches finish and never hold more than ``window``
batches in flight, pulling the next one from the walk only when one is done: the walk of a
share with millions of files never floods memory (each pending Dask task costs the scheduler
~3.5 KB; ten million single-file tasks would not fit).

On Dask a task's key is unique per run and batch (``pure=False`` semantics): a rescan of the
same files must not get a result Dask still remembers. Dask re-runs the tasks of a lost worker
(at-least-once); results are only written by the client, by upsert, so a re-run changes
nothing. A batch that fails anyway (an exception, or ``KilledWorker`` once a file has killed
its workers too often) is split into single files, so one poisonous file costs only itself,
recorded as an error to retry next run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from dlp.inventory.task import FileResult, result_of, scan_batch, scan_file
from dlp.model import UnscannableReason
from dlp.settings import Settings, SettingsSpec
from dlp.worker import ItemSpec, WorkerPool, failure_verdict

log = logging.getLogger("dlp.inventory")

Batch = tuple[int, list[str]]


class LocalExecutor:
    """``jobs`` killable worker processes on this machine (as ``dlp scan``); a thread per job
    scans one batch at a time through them."""

    name = "local"

    def __init__(self, settings: Settings, spec: SettingsSpec, jobs: int) -> None:
        self.settings = settings
        self.spec = spec
        self.jobs = max(1, jobs)
        self._pool: WorkerPool | None = None
        self._pool_lock = threading.Lock()
        self.threads = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="dlp-inventory")

    @property
    def pool(self) -> WorkerPool:
        """Started at the first file to scan: a rerun where nothing changed compiles no rules
        and starts no worker (most of its time before)."""
        with self._pool_lock:
            if self._pool is None:
                self._pool = WorkerPool(self.settings, self.jobs, settings_spec=self.spec)
            return self._pool

    def _scan(self, paths: list[str]) -> list[FileResult]:
        pool = self.pool
        return [scan_file(p, self.settings, pool.scan) for p in paths]

    def results(self, batches: Iterator[Batch], window: int) -> Iterator[tuple[int, list[FileResult]]]:
        inflight: dict[Future[list[FileResult]], int] = {}
        for batch_id, paths in batches:
            self.pool  # noqa: B018 - forked here, in this thread, before the first scan thread starts
            inflight[self.threads.submit(self._scan, paths)] = batch_id
            if len(inflight) >= window:
                yield from self._drain(inflight, FIRST_COMPLETED)
        while inflight:
            yield from self._drain(inflight, FIRST_COMPLETED)

    @staticmethod
    def _drain(inflight: dict[Future[list[FileResult]], int], how: str) -> Iterator[tuple[int, list[FileResult]]]:
        done, _ = wait(list(inflight), return_when=how)
        for fut in done:
            yield inflight.pop(fut), fut.result()

    def close(self) -> None:
        self.threads.shutdown(wait=True, cancel_futures=True)
        if self._pool is not None:
            self._pool.close()


class DaskMissing(Exception):
    """--cluster without dask.distributed installed."""


class DaskExecutor:
    """Batches as Dask tasks, on a cluster (``tcp://host:8786``) or a LocalCluster (``local:N``)."""

    def __init__(
        self, cluster: str, settings: Settings, spec: SettingsSpec, run: int, security: object | None = None
    ) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise DaskMissing("--cluster needs Dask: pip install 'dlp[inventory]' (dask[distributed])") from exc

        self.settings = settings
        self.spec = spec
        self.run = run
        self._cluster: Any = None
        if cluster.startswith("local:"):
            workers = int(cluster.split(":", 1)[1] or os.cpu_count() or 1)
            import dask

            # the workers start killable scan processes of their own (dlp/inventory/task.py)
            with dask.config.set({"distributed.worker.daemon": False}):
                self._cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    host="127.0.0.1",
                )
            self.client = Client(self._cluster)
            self.name = f"dask local:{workers}"
        else:
            self.client = Client(cluster, timeout=30, security=security)
            self.name = f"dask {cluster}"

    def results(self, batches: Iterator[Batch], window: int) -> Iterator[tuple[int, list[FileResult]]]:
        from distributed import as_completed

        singles: deque[tuple[int, str]] = deque()  # (batch id, path) of a failed batch
        inflight: dict[str, tuple[int, list[str]]] = {}
        ac = as_completed()
        serial = 0

        def submit(batch_id: int, paths: list[str]) -> None:
            nonlocal serial
            serial += 1
            key = f"dlp-inventory-{self.run}-{batch_id}-{serial}"
            fut = self.client.submit(scan_batch, self.spec, paths, key=key, pure=False, retries=1)
            inflight[key] = (batch_id, paths)
            ac.add(fut)

        def refill() -> None:
            while len(inflight) < window:
                if singles:
                    batch_id, path = singles.popleft()
                    submit(batch_id, [path])
                    continue
                nxt = next(batches, None)
                if nxt is None:
                    return
                submit(*nxt)

        refill()
        while inflight:
            fut = next(ac)
            batch_id, paths = inflight.pop(fut.key)
            try:
                results: list[FileResult] = fut.result()
            except Exception as exc:
                if len(paths) > 1:
                    log.warning(
                        "batch %d failed (%s); scanning its %d files one by one",
                        batch_id,
                        type(exc).__name__,
                        len(paths),
                    )
                    singles.extend((batch_id, p) for p in paths)
                    results = []
                else:
                    detail = f"scan task failed: {type(exc).__name__}"
                    item = ItemSpec.for_path(paths[0], channel="inventory")
                    verdict = failure_verdict(item, self.settings, UnscannableReason.ERROR, detail)
                    results = [result_of(paths[0], verdict, "", None)]
            finally:
                fut.release()
            if results:
                yield batch_id, results
            refill()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()
        if self._cluster is not None:
            with contextlib.suppress(Exception):
                self._cluster.close()
