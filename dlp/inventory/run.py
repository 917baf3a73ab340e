"""One inventory run: walk, skip what is unchanged, scan the rest in batches, sweep the deleted.

Incremental: a file whose (dev, inode, size, mtime, ctime) is what it was when scanned is not
read again; a rename (same inode, size and mtime) carries its result to the new path; when a
known file's identity changed (a touch), or a new file has the size and mtime of a known one (a
copy that kept its timestamps), a keyed SHA-256 of the content is compared, and a match
carries the result too, without a scan.

Resumable: each finished batch is written in one transaction with the run's counters, so a run
killed at any point (SIGKILL included) leaves whole batches behind; the next run finds those
files unchanged and scans only the rest. Deleted files are swept only at the end of a complete
walk (a killed run has not seen everything, so nothing it did not see may be taken for gone).
"""

from __future__ import annotations

import fcntl
import os
import pwd
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Protocol

from dlp.inventory.store import Inventory, Placed
from dlp.inventory.task import FileResult, content_key
from dlp.inventory.walk import Entry, walk
from dlp.watch.state import Identity

WALK_COMMIT = 2000  # walk decisions (unchanged, carried) written per transaction


class Executor(Protocol):
    name: str

    def results(
        self, batches: Iterator[tuple[int, list[str]]], window: int
    ) -> Iterator[tuple[int, list[FileResult]]]: ...

    def close(self) -> None: ...


@dataclass
class Batching:
    files: int = 200
    bytes: int = 256 * 1024 * 1024
    window: int = 4  # batches in flight


@dataclass
class RunStats:
    run: int
    seen: int = 0
    scanned: int = 0
    carried: int = 0
    unchanged: int = 0
    unreadable: int = 0
    removed: int = 0
    complete: bool = False


class InventoryBusy(Exception):
    """Another run holds this inventory."""


@contextmanager
def exclusive(db: Path) -> Iterator[None]:
    """One run at a time per inventory (readers are never blocked: SQLite WAL).

    A POSIX record lock, not flock: the scan workers forked by the run would inherit a flock and
    hold it after the run was killed, until they noticed; a record lock dies with the process."""
    fd = os.open(f"{db}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InventoryBusy(f"{db}: another inventory run is in progress") from None
        yield
    finally:
        os.close(fd)


@cache
def owner_of(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


class _Walker:
    """The walk as a generator of batches to scan; what needs no scan is written as it goes."""

    def __init__(self, inv: Inventory, run: int, roots: list[str], key: bytes, batching: Batching) -> None:
        self.inv, self.run, self.roots, self.key, self.batching = inv, run, roots, key, batching
        self.pending: dict[str, Placed] = {}
        self.stats = RunStats(run)
        self.finished = False
        self._writes: list[Callable[[], None]] = []
        self._deltas: dict[str, int] = {}

    def _later(self, write: Callable[[], None], **deltas: int) -> None:
        self._writes.append(write)
        for k, v in deltas.items():
            self._deltas[k] = self._deltas.get(k, 0) + v
        if len(self._writes) >= WALK_COMMIT:
            self.flush()

    def flush(self) -> None:
        if not self._writes and not self._deltas:
            return
        with self.inv.transaction():
            for write in self._writes:
                write()
            if self._deltas:
                self.inv.count_run(self.run, **self._deltas)
        for k, v in self._deltas.items():
            setattr(self.stats, k, getattr(self.stats, k) + v)
        self._writes.clear()
        self._deltas.clear()

    def batches(self) -> Iterator[tuple[int, list[str]]]:
        batch: list[str] = []
        size = 0
        batch_id = 0
        for root in self.roots:
            self._later(partial(self.inv.folder, self.run, root, root))
            folders: set[str] = set()
            for found in walk(root):
                if not isinstance(found, Entry):
                    write = partial(self.inv.put_unreadable, self.run, found.path, found.folder, root, found.error)
                    self._later(write, unreadable=1)
                    continue
                if found.folder not in folders:
                    folders.add(found.folder)
                    self._later(partial(self.inv.folder, self.run, found.folder, root))
                place = Placed(
                    found.path, found.folder, root, Identity.of(found.st), found.st.st_uid, owner_of(found.st.st_uid)
                )
                if self._decide(place):
                    continue
                self.pending[place.path] = place
                batch.append(place.path)
                size += place.identity.size
                if len(batch) >= self.batching.files or size >= self.batching.bytes:
                    self.flush()
                    batch_id += 1
                    yield batch_id, batch
                    batch, size = [], 0
        self.flush()
        if batch:
            batch_id += 1
            yield batch_id, batch
        self.finished = True

    def _decide(self, place: Placed) -> bool:
        """True when the file needs no scan (its row was updated or will be, in the walk's writes)."""
        inv, run = self.inv, self.run
        known = inv.known(place.path)
        if known is not None and known.identity == place.identity and not known.retry:
            self._later(lambda: inv.mark_seen(run, place), seen=1, unchanged=1)
            return True
        source = inv.moved_from(place.identity, place.path)
        if source is None and (known is not None or inv.copy_candidate(place.identity)):
            digest = content_key(self.key, place.path)
            source = inv.same_content(digest) if digest else None
        if source is not None:
            self._later(lambda: inv.carry(run, place, source), seen=1, carried=1)
            return True
        return False

    def write(self, results: list[FileResult]) -> None:
        """One finished batch, in one transaction with the counters."""
        with self.inv.transaction():
            for result in results:
                place = self.pending.pop(result.path, None)
                if place is not None:
                    self.inv.put(self.run, place, result)
            self.inv.count_run(self.run, seen=len(results), scanned=len(results))
        self.stats.seen += len(results)
        self.stats.scanned += len(results)


def run_inventory(
    inv: Inventory,
    roots: list[str],
    executor: Executor,
    key: bytes,
    run: int,
    batching: Batching | None = None,
    on_batch: Callable[[RunStats], None] | None = None,
) -> RunStats:
    """Walk ``roots`` and bring the inventory up to date; returns what was done."""
    walker = _Walker(inv, run, roots, key, batching or Batching())
    complete = False
    try:
        for _, results in executor.results(walker.batches(), walker.batching.window):
            walker.write(results)
            if on_batch is not None:
                on_batch(walker.stats)
        walker.flush()
        complete = walker.finished and not walker.pending
        if complete:
            walker.stats.removed = inv.sweep(run, roots)
            inv.count_run(run, removed=walker.stats.removed)
    finally:
        inv.finish_run(run, complete=complete)
        walker.stats.complete = complete
    return walker.stats
