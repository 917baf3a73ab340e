"""Receiving a message without holding it in memory, and a budget for what is loaded at once.

aiosmtpd keeps a whole DATA in memory (twice, while joining lines): twenty 45 MB mails at once
took 2.4 GB. ``SpoolingSMTP`` writes DATA to a ``SpooledTemporaryFile`` instead: small mails stay
in memory, larger ones go to an unnamed file (O_TMPFILE, mode 0600) in the data folder's
``spool``, which the kernel frees when it is closed, even after kill -9; nothing is left behind.

``MemoryBudget`` bounds the memory of messages loaded for scanning and relaying at once. A
loaded message costs about ``COPIES`` times its size at peak (the bytes, the pickled copy sent
to the scan worker, the copy with our header, smtplib's dot-stuffed copy), and is charged so. A
message waits for room; one larger than the whole budget runs when nothing else is loaded. Over the session cap the
gateway answers 451 at DATA; Postfix keeps the mail and retries. Nothing is ever dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import enum
import logging
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from aiosmtpd.smtp import SMTP

from dlp.gateway import replies

log = logging.getLogger("dlp.gateway")
IN_MEMORY = 256 * 1024  # smaller messages are never written to disk
FLUSH = 64 * 1024
COPIES = 4


def return_freed_memory() -> None:
    """Give freed message buffers back to the kernel (glibc only; elsewhere a no-op).

    glibc raises its mmap threshold after each large free (up to 32 MB), so later message
    buffers come from per-thread heaps that keep their pages: RSS ratcheted up by a message's
    worth per thread. ``malloc_trim`` returns the free pages of every arena; called after each
    large message is done with."""
    if _LIBC is None:
        return
    with contextlib.suppress(OSError, AttributeError):
        _LIBC.malloc_trim(0)


_LIBC: ctypes.CDLL | None
try:
    _LIBC = ctypes.CDLL(None)
except OSError:  # pragma: no cover - not a glibc system
    _LIBC = None


class _State(enum.Enum):
    NOMINAL = 0
    TOO_LONG = 1
    TOO_MUCH = 2
    DISK = 3


class MemoryBudget:
    """At most ``limit`` bytes of memory for loaded messages, each charged ``COPIES`` times its
    size (one message alone always fits)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._cond = threading.Condition()

    def acquire(self, size: int, timeout: float, cancelled: Callable[[], bool] = lambda: False) -> bool:
        size *= COPIES
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.used and self.used + size > self.limit:
                left = deadline - time.monotonic()
                if left <= 0 or cancelled():
                    return False
                self._cond.wait(min(left, 0.5))
            self.used += size
            return True

    def release(self, size: int) -> None:
        size *= COPIES
        with self._cond:
            self.used -= size
            self._cond.notify_all()


def open_spool(directory: Path) -> IO[bytes]:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return tempfile.SpooledTemporaryFile(max_size=IN_MEMORY, dir=str(directory))


class Sessions:
    """Messages being received or decided now (event-loop side only), against a cap."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.receiving = 0
        self.in_flight = 0

    @property
    def count(self) -> int:
        return self.receiving + self.in_flight

    def busy(self) -> bool:
        return self.count >= self.limit


class SpoolingSMTP(SMTP):
    """aiosmtpd's SMTP with DATA written to a spool file (``envelope.spool``, ``envelope.size``)
    instead of ``envelope.original_content``. Same replies as aiosmtpd for a line too long (500)
    or too much data (552, only past the announced SIZE); 451 when the spool cannot be written or
    ``sessions`` are at their cap."""

    def __init__(self, handler: Any, *, spool_dir: Path, sessions: Sessions, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.spool_dir = spool_dir
        self.sessions = sessions

    async def smtp_DATA(self, arg: str) -> None:
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        assert self.envelope is not None
        if not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        if self.sessions.busy():
            log.warning("%d messages in hand; answered 451 at DATA", self.sessions.count)
            await self.push(replies.TEMPFAIL_BUSY)
            return
        try:
            spool = open_spool(self.spool_dir)
        except OSError as exc:
            log.error("cannot open a spool file: %s; answered 451", exc.strerror or exc)
            await self.push(replies.TEMPFAIL_SPOOL)
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        self.sessions.receiving += 1
        try:
            state, size = await self._receive(spool)
        except BaseException:
            spool.close()
            raise
        finally:
            self.sessions.receiving -= 1
        if state is not _State.NOMINAL:
            spool.close()
            self._set_post_data_state()
            await self.push(
                {
                    _State.TOO_LONG: "500 Line too long (see RFC5321 4.5.3.1.6)",
                    _State.TOO_MUCH: "552 Error: Too much mail data",
                    _State.DISK: replies.TEMPFAIL_SPOOL,
                }[state]
            )
            return
        self.envelope.spool = spool  # type: ignore[attr-defined]
        self.envelope.size = size  # type: ignore[attr-defined]
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push(status)

    async def _receive(self, spool: IO[bytes]) -> tuple[_State, int]:
        """Read up to the lone dot, un-dot-stuffing, writing in FLUSH-sized blocks."""
        limit = self.data_size_limit
        state, size = _State.NOMINAL, 0
        fragments: list[bytes] = []
        block = bytearray()
        while self.transport is not None:
            try:
                line: bytes = await self._reader.readuntil(b"\r\n")
            except asyncio.CancelledError:
                self._writer.close()
                raise
            except asyncio.LimitOverrunError as e:
                if state is _State.NOMINAL:
                    state = _State.TOO_LONG
                line = await self._reader.read(e.consumed)
            if not fragments and line == b".\r\n":
                break
            size += len(line)
            if state is _State.NOMINAL and limit and size > limit:
                state = _State.TOO_MUCH
            fragments.append(line)
            if not line.endswith(b"\r\n"):
                continue
            whole = b"".join(fragments)
            fragments.clear()
            if state is not _State.NOMINAL:
                continue
            if len(whole) > self.line_length_limit:
                state = _State.TOO_LONG
                continue
            block += whole[1:] if whole.startswith(b".") else whole
            if len(block) >= FLUSH:
                state = _write(spool, block) or state
        if state is _State.NOMINAL:
            state = _write(spool, block) or state
        return state, spool.tell()


def _write(spool: IO[bytes], block: bytearray) -> _State | None:
    try:
        spool.write(block)
    except OSError as exc:
        log.error("cannot write a spool file: %s; answering 451", exc.strerror or exc)
        return _State.DISK
    finally:
        block.clear()
    return None
