"""`dlp watch`: the daemon that scans files as they land in export folders.

Threads, and what flows between them::

    watchdog observers ──touch──▶ Settler ──ready──▶ bounded queue ──▶ dispatchers ──▶ WorkerPool
    walker (start, overflow, every `rescan`) ──touch──┘              (four per worker process)

Events are a shortcut and the walk is the truth: the state database remembers every file's
identity and verdict, so a walk (at start, after an inotify overflow, every ``rescan``) scans
only what is new or changed, and files that arrived while the daemon was down are caught.
A full queue blocks the settler, which keeps (bounded) pending paths; past that bound events
are dropped and a walk is requested. SIGTERM stops intake, lets in-flight scans finish for
``shutdown_grace`` seconds and abandons the rest unrecorded (they are scanned at next start);
a hold is never cut in half. SIGHUP reloads the configuration, rules and folders.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import signal
import stat
import threading
import time
from pathlib import Path
from typing import Any

from watchdog.observers.api import BaseObserver

from dlp.config import Config, parse_duration
from dlp.masking import mask_path
from dlp.metrics import MetricsError, serve
from dlp.runtime import StartError, load_runtime, sd_notify
from dlp.settings import SettingsSpec
from dlp.watch.folders import FolderError, WatchFolder, folder_of, folders_from
from dlp.watch.ignore import is_lock_file, is_temp
from dlp.watch.links import through_link
from dlp.watch.metrics import WatchMetrics, write_heartbeat
from dlp.watch.observe import EventHandler, install_overflow_hook, start_observers, stop_observers
from dlp.watch.process import FileProcessor
from dlp.watch.settle import Settler, Timing
from dlp.watch.state import Identity, WatchState
from dlp.worker import WorkerPool

log = logging.getLogger("dlp.watch")
HEARTBEAT_EVERY = 10.0


class Watcher:
    def __init__(
        self,
        config_path: Path | None,
        folders: list[Path],
        *,
        dry_run: bool = False,
        polling: bool = False,
        jobs: int = 0,
    ) -> None:
        self.config_path = config_path
        self.cli_folders = folders
        self.cli_dry_run = dry_run
        self.cli_polling = polling
        self.cli_jobs = jobs
        self.metrics = WatchMetrics()
        self._stop = threading.Event()
        self._stopping = threading.Event()
        self._reload = threading.Event()
        self._walk_requested = threading.Event()
        self._walk_roots: set[str | None] = set()
        self._lock = threading.Lock()
        self._queued: set[str] = set()
        self._again: set[str] = set()
        self._threads: list[threading.Thread] = []
        self._observers: list[BaseObserver] = []
        self._load()

    # --- configuration ---------------------------------------------------------------------------

    def _load(self) -> None:
        """Everything that comes from the configuration; raises StartError with the fix."""
        config, settings, services = load_runtime(self.config_path)
        try:
            folders = folders_from(
                self.cli_folders,
                config.get("watch", "folders"),
                dry_run=self.cli_dry_run or config.get("watch", "dry_run"),
                polling=self.cli_polling,
            )
        except FolderError as exc:
            raise StartError(str(exc)) from None
        self.config: Config = config
        self.settings = settings
        self.folders = folders
        self.services = services
        self.excluded = {str(config.data_dir.resolve())}
        w = lambda key: config.get("watch", key)  # noqa: E731
        self.timing = Timing(
            settle=float(w("settle")),
            poll=float(w("poll_interval")),
            max_open_wait=parse_duration(w("max_open_wait")) or 600.0,
        )
        self.temp_grace = parse_duration(w("temp_grace")) or 3600.0
        # When each temp-named file (by device and inode: a rename keeps it) was first seen. Its
        # wait is measured from then, never from its mtime, which its writer sets at will (a
        # future mtime, or touching it again and again, kept a list under a temp name unscanned).
        self._temp_seen: dict[tuple[int, int], float] = {}
        self.rescan_every = parse_duration(w("rescan")) or 900.0
        self.jobs = self.cli_jobs or w("jobs") or os.cpu_count() or 1
        # four dispatchers per worker: hashing, recording (an fsync) and enforcing one file overlap
        # with the scan of the next, so the workers never wait for the watcher
        self.dispatchers = 4 * self.jobs

    def _spec(self) -> SettingsSpec:
        return SettingsSpec(config_path=self.config.path, key=self.settings.key)

    # --- intake ------------------------------------------------------------------------------------

    def candidate(self, path: str, hint: str) -> None:
        """A file an event named: settle it unless it is not ours to scan (yet)."""
        folder = folder_of(path, self.folders)
        if folder is None or self._excluded(path):
            return
        name = os.path.basename(path)
        if is_temp(name) or is_lock_file(path, name):  # the walk scans a temp name that outlives temp_grace
            return
        self.settler.touch(path, folder, hint)

    def _excluded(self, path: str) -> bool:
        return any(path == e or path.startswith(e + "/") for e in self.excluded)

    def request_walk(self, root: str | None) -> None:
        with self._lock:
            self._walk_roots.add(root)
        self._walk_requested.set()

    def _walker(self) -> None:
        next_full = 0.0  # walk everything at start
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= next_full:
                roots: set[str | None] = {None}
                next_full = now + self.rescan_every
            else:
                self._walk_requested.wait(min(next_full - now, 5.0))
                if not self._walk_requested.is_set():
                    continue
                self._walk_requested.clear()
                with self._lock:
                    roots, self._walk_roots = self._walk_roots, set()
            if None in roots:
                started = time.monotonic()
                found = sum(self._walk(f.path, f) for f in list(self.folders))
                self.metrics.inc("walks")
                log.info("walked the folders: %d new or changed files in %.1f s", found, time.monotonic() - started)
            else:
                for root in roots:
                    folder = folder_of(root, self.folders) if root else None
                    if root and folder is not None:
                        self._walk(root, folder)

    def _temp_first_seen(self, st: os.stat_result, now: float) -> float:
        """The earlier of its mtime (a temp file left from before we started) and when we first
        saw it; entries of files gone for a day are dropped."""
        key = (st.st_dev, st.st_ino)
        seen = self._temp_seen.setdefault(key, now)
        if len(self._temp_seen) > 100_000:
            self._temp_seen = {k: t for k, t in self._temp_seen.items() if now - t < 86400 or k == key}
        return min(seen, st.st_mtime)

    def _walk(self, root: str, folder: WatchFolder) -> int:
        found = 0
        now = time.time()
        if root != folder.path and (os.path.islink(root) or through_link(root, folder.path)):
            self.settler.touch(root, folder, "found")  # a linked folder is never walked: the link is judged
            return 1
        for dirpath, dirnames, filenames in os.walk(root, onerror=_walk_error):
            if self._stop.is_set():
                break
            if self._excluded(dirpath):
                dirnames[:] = []
                continue
            if not folder.recursive and dirpath != folder.path:
                dirnames[:] = []
                continue
            dirnames.sort()
            linked = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]  # os.walk lists, never enters
            for name in sorted(filenames + linked):
                path = os.path.join(dirpath, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)) or is_lock_file(path, name):
                    continue
                if is_temp(name) and now - self._temp_first_seen(st, now) < self.temp_grace:
                    continue
                record = self.state.get(path)
                if record is not None and record.identity == Identity.of(st):
                    continue
                while self.settler.pending > self.settler.max_pending // 2 and not self._stop.is_set():
                    time.sleep(0.05)  # let the settler catch up: a walk must not overflow it
                self.settler.touch(path, folder, "found")
                found += 1
        return found

    def _ready(self, path: str, folder: WatchFolder) -> None:
        """From the settler: a complete file. Blocks while the queue is full (backpressure)."""
        with self._lock:
            if path in self._queued:
                self._again.add(path)  # changed while queued or in flight: check it once more after
                return
            self._queued.add(path)
        while not self._stop.is_set():
            try:
                self._queue.put((path, folder, time.monotonic()), timeout=0.5)
                return
            except queue.Full:
                continue

    # --- scanning and enforcing --------------------------------------------------------------------

    def _dispatcher(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            path, folder, ready_at = job
            try:
                if not self._stopping.is_set():
                    self.processor.process(path, folder, ready_at)
            except Exception:  # one file must never stop the daemon
                self.metrics.error("process")
                log.exception("failed to process a file")
            finally:
                with self._lock:
                    self._queued.discard(path)
                    again = path in self._again
                    self._again.discard(path)
                if again and not self._stopping.is_set():
                    self.settler.touch(path, folder, "changed")

    # --- running -----------------------------------------------------------------------------------

    def run(self) -> int:
        signal.signal(signal.SIGTERM, lambda *_: self.stop())
        signal.signal(signal.SIGINT, lambda *_: self.stop())
        signal.signal(signal.SIGHUP, lambda *_: self._reload.set())
        self._start()
        next_beat = 0.0
        while not self._stop.wait(0.2):
            if self._reload.is_set():
                self._reload.clear()
                self._do_reload()
            if time.monotonic() >= next_beat:
                self._heartbeat()
                next_beat = time.monotonic() + HEARTBEAT_EVERY
        self._shutdown()
        return 0

    def stop(self) -> None:
        self._stop.set()

    def _start(self) -> None:
        self.state = WatchState(self._path("state", "watch.sqlite3"), self.settings.key)
        report = self.services.quarantine.check(repair=True)
        if not report.clean:
            log.warning("quarantine check at start: %s", report)
        self.pool = WorkerPool(self.settings, self.jobs, settings_spec=self._spec(), start_method="spawn")
        self.processor = self._processor()
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=self.config.get("watch", "queue"))
        self.settler = Settler(
            self._ready,
            lambda: self.request_walk(None),
            timing=self.timing,
            max_pending=self.config.get("watch", "max_pending"),
        )
        self.metrics.gauge("queue_depth", "Settled files waiting for a worker", lambda: self._queue.qsize())
        self.metrics.gauge("settling", "Files waiting to settle", lambda: self.settler.pending)
        self.metrics.gauge("workers", "Scan worker processes", lambda: self.jobs)
        install_overflow_hook(self.request_walk, self.metrics)
        self._spawn("dlp-settle", lambda: self.settler.run(self._stop))
        self._dispatcher_count = self.dispatchers  # a reload may resize the pool, not these threads
        for n in range(self._dispatcher_count):
            self._spawn(f"dlp-dispatch-{n}", self._dispatcher)
        self._schedule()
        self._spawn("dlp-walk", self._walker)
        self.services.notifier.start()
        if self.services.webhook is not None:
            self.services.webhook.start()
        port = self.config.get("watch", "metrics_port")
        try:
            self._http = serve(self.metrics, self.config.get("watch", "metrics_host"), port) if port else None
        except MetricsError as exc:  # the watcher runs on: its verdicts matter more than its figures
            log.error("%s", exc)
            self._http = None
        sd_notify("READY=1")
        log.info(
            "watching %d folder(s) with %d worker(s)",
            len(self.folders),
            self.jobs,
            extra={
                "fields": {
                    "folders": [
                        {
                            "path": mask_path(f.path, self.settings.engine),
                            "polling": f.polling,
                            "dry_run": f.dry_run,
                            "fstype": f.fstype,
                        }
                        for f in self.folders
                    ]
                }
            },
        )

    def _path(self, key: str, default: str) -> Path:
        return self.config.path_of("watch", key, default)

    def _spawn(self, name: str, target: Any) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _schedule(self) -> None:
        stop_observers(self._observers)
        handler = EventHandler(self.candidate, self.request_walk, self.metrics)
        self._observers = start_observers(self.folders, handler, self.timing.poll)

    def _heartbeat(self) -> None:
        try:
            write_heartbeat(
                self._path("heartbeat", "watch.heartbeat"),
                self.metrics,
                folders=len(self.folders),
                state_rows=self.state.count(),
                notices_pending=self.services.notifier.pending(),
                webhook_pending=self.services.webhook.pending() if self.services.webhook else 0,
            )
        except OSError as exc:
            log.warning("could not write the heartbeat file: %s", exc.strerror or exc)
        sd_notify("WATCHDOG=1")

    def _do_reload(self) -> None:
        old = (self.config, self.settings, self.folders, self.services, self.pool)
        try:
            self._load()
        except StartError as exc:
            log.error("reload refused, the running configuration stays: %s", str(exc).replace("\n", "; "))
            return
        new_pool = WorkerPool(self.settings, self.jobs, settings_spec=self._spec(), start_method="spawn")
        self.pool = new_pool
        self.processor = self._processor()
        old[3].notifier.stop()
        self.services.notifier.start()
        if old[3].webhook is not None:
            old[3].webhook.stop()
        if self.services.webhook is not None:
            self.services.webhook.start()
        self._schedule()
        old[4].retire(self.settings.limits.timeout + 5)
        self.request_walk(None)
        log.info("reloaded: %d rules, %d folder(s)", len(self.settings.rules.rules), len(self.folders))

    def _processor(self) -> FileProcessor:
        return FileProcessor(
            state=self.state,
            services=self.services,
            pool=lambda: self.pool,
            metrics=self.metrics,
            stopping=self._stopping,
            rescan=lambda path, folder: self.settler.touch(path, folder, "changed"),
            symlinks=self.config.get("watch", "symlinks"),
        )

    def _shutdown(self) -> None:
        sd_notify("STOPPING=1")
        log.info("stopping: finishing in-flight scans")
        for observer in self._observers:
            observer.stop()  # joined below, after the in-flight work
        self.settler.wake()
        grace = float(self.config.get("watch", "shutdown_grace"))
        # Nothing new starts; what is queued is left for the next start's walk.
        self._stopping.set()
        with contextlib.suppress(queue.Empty):
            while True:
                self._queue.get_nowait()
        deadline = time.monotonic() + grace
        while not self.pool.idle() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.pool.close(kill=True)  # what is still scanning is abandoned, unrecorded
        for _ in range(self._dispatcher_count):
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=grace + 5)
        stop_observers(self._observers)
        self.services.notifier.stop()
        self.services.notifier.deliver()
        if self.services.webhook is not None:
            self.services.webhook.stop()  # what is not delivered stays in its outbox for the next start
        if self._http is not None:
            self._http.shutdown()
        self.state.close()
        log.info("stopped")


def _walk_error(exc: OSError) -> None:
    log.warning("cannot read a folder during the walk: %s", exc.strerror or exc)
