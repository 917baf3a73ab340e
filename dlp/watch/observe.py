"""Events from watchdog, reduced to what the watcher needs: a file to settle, a folder to walk.

The native observer (inotify) is asked only for the events we use; a folder whose kernel
watches cannot be set up (the watch limit, a network mount) is polled instead. A kernel queue
overflow is reported by watchdog only as a log record, so a log handler turns it into a walk.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from watchdog.events import (
    DirCreatedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from dlp.metrics import Metrics
from dlp.watch.folders import WatchFolder

log = logging.getLogger("dlp.watch")

# Asked of the kernel (inotify mask): no open, read-close or delete events — our own reads would
# otherwise double the traffic. Modified (and attrib: a chmod can make a file readable) stays for
# writers that never close and for the polling observer, which has no close events.
EVENTS = [FileCreatedEvent, FileMovedEvent, FileModifiedEvent, FileClosedEvent, DirCreatedEvent, DirMovedEvent]


class EventHandler(FileSystemEventHandler):
    """watchdog's events, reduced to candidates: closed, moved (destination), created, modified."""

    def __init__(
        self, candidate: Callable[[str, str], None], walk: Callable[[str | None], None], metrics: Metrics
    ) -> None:
        self.candidate = candidate
        self.walk = walk
        self.metrics = metrics

    def on_any_event(self, event: FileSystemEvent) -> None:
        kind = event.event_type
        if kind in ("opened", "closed_no_write", "deleted"):
            return
        path = os.fsdecode(event.dest_path if kind == "moved" else event.src_path)
        self.metrics.inc("events")
        if event.is_directory:
            if kind in ("created", "moved"):  # a copied or moved-in folder: its files may predate our watch
                self.walk(path)
            return
        self.candidate(path, {"closed": "closed", "moved": "moved"}.get(kind, "changed"))


class OverflowHook(logging.Handler):
    """watchdog reports a kernel queue overflow only as a log record: turn it into a walk."""

    def __init__(self, walk: Callable[[str | None], None], metrics: Metrics) -> None:
        super().__init__(logging.WARNING)
        self.walk = walk
        self.metrics = metrics

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self.metrics.inc("overflows")
            log.warning("kernel event queue overflowed: walking the folders")
            self.walk(None)


def install_overflow_hook(walk: Callable[[str | None], None], metrics: Metrics) -> None:
    inotify_log = logging.getLogger("watchdog.observers.inotify_c")
    inotify_log.setLevel(logging.WARNING)
    inotify_log.propagate = False  # its text is not ours to log; the hook logs our own line
    inotify_log.handlers[:] = [OverflowHook(walk, metrics)]


def start_observers(folders: list[WatchFolder], handler: EventHandler, poll_interval: float) -> list[BaseObserver]:
    """One native observer and one polling observer, each watching its folders, started."""
    native: BaseObserver = Observer()
    polled: BaseObserver = PollingObserver(timeout=poll_interval)
    for folder in folders:
        if not folder.polling:
            try:
                native.schedule(handler, folder.path, recursive=folder.recursive, event_filter=EVENTS)
                continue
            except OSError as exc:  # inotify watch or instance limit: poll instead
                log.error(
                    "kernel events unavailable for a folder (%s); polling it every %g s instead",
                    exc.strerror or exc,
                    poll_interval,
                    extra={"fields": {"folder": folder.path}},
                )
        polled.schedule(handler, folder.path, recursive=folder.recursive, event_filter=EVENTS)
    observers = []
    for observer in (native, polled):
        if observer.emitters:
            observer.start()
            observers.append(observer)
    return observers


def stop_observers(observers: list[BaseObserver]) -> None:
    for observer in observers:
        observer.stop()
    for observer in observers:
        observer.join(timeout=5)
