"""`dlp milter serve`: a Milter for Postfix's ``smtpd_milters`` on the submission service.

Why a Milter next to the after-queue gateway: the sender's mail client learns of a block at the
moment of sending (送信時のエラー表示), not from a bounce minutes later. The decision is the
gateway's own ``Decider`` (scan, policy, quarantine, audit line, notices), so both paths give the
same verdict and the same audit line for the same mail; only the last step differs (see
``dlp.milter.answers``): "pass" is an ACCEPT with the ``X-DLP-Verdict`` header instead of a relay.

pymilter (Sendmail's libmilter from Debian) is the library: the reference measured it on a unix
socket at 325–344 msg/s through Postfix, close to Postfix alone; the pure-Python one could not
even build a quarantine reply. libmilter runs a thread per SMTP connection; the scan runs in
the gateway's ``WorkerPool`` processes, the deciding code in a thread pool under a deadline
shorter than Postfix's ``milter_content_timeout`` (past it: 451, never an unscanned accept).

The message is written to a spool file as it arrives (headers as Postfix passes them, then body
chunks), never joined in memory; a message over ``max_message_size`` gets 552, and past
``spool_budget`` bytes received at once over all sessions a message gets 451 (Postfix's client
retries).
"""

from __future__ import annotations

import contextlib
import grp
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import IO, Any, ClassVar

import Milter  # type: ignore[import-untyped]

from dlp.actions.quarantine import Envelope, new_entry_id
from dlp.actions.smtp import Delivery, Reply
from dlp.config import parse_duration
from dlp.gateway import replies
from dlp.gateway.decide import VERDICT_HEADER, Commit, Decider, Incoming, smtp_reply
from dlp.gateway.server import COUNTERS
from dlp.gateway.spool import MemoryBudget, open_spool
from dlp.metrics import Metrics
from dlp.milter.answers import Act, answer
from dlp.runtime import StartError, load_runtime, sd_notify
from dlp.settings import SettingsSpec
from dlp.worker import WorkerPool

log = logging.getLogger("dlp.milter")
TOO_BIG = ("552", "5.3.4", "Message too big for DLP inspection")
BUSY = ("451", "4.7.1", "DLP is busy receiving other messages; try again later")
SPOOL_FAILED = ("451", "4.7.1", "DLP could not store the message for inspection; try again later")


class SpoolBudget:
    """Bytes of messages being received now, over all sessions, against a cap."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    def take(self, size: int) -> bool:
        with self._lock:
            if self.used + size > self.limit:
                return False
            self.used += size
            return True

    def give(self, size: int) -> None:
        with self._lock:
            self.used -= size


class Session(Milter.Base):
    """One SMTP connection (libmilter calls it from that connection's thread)."""

    daemon: ClassVar[MilterDaemon]

    def __init__(self) -> None:
        self._spool: IO[bytes] | None = None
        self._taken = 0
        self._reset()

    def _reset(self) -> None:
        if self._spool is not None:
            self._spool.close()
        self._spool = None
        if self._taken:
            self.daemon.spool.give(self._taken)
        self._taken = 0
        self.mail_from = ""
        self.rcpts: list[str] = []
        self.options: list[str] = []
        self.size = 0

    # --- envelope -------------------------------------------------------------------------------

    def envfrom(self, mail_from: str, *esmtp: str) -> int:
        self._reset()
        self.mail_from = _address(mail_from)
        self.options = [str(a) for a in esmtp]
        return Milter.CONTINUE

    def envrcpt(self, rcpt: str, *esmtp: str) -> int:
        self.rcpts.append(_address(rcpt))
        return Milter.CONTINUE

    # --- content, spooled as it arrives -------------------------------------------------------

    @Milter.decode("bytes")
    def header(self, name: str | bytes, value: str | bytes) -> int:
        raw_name = name if isinstance(name, bytes) else name.encode("utf-8", "surrogateescape")
        raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogateescape")
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")  # folded lines as Postfix passes them
        return self._write(raw_name + b": " + raw + b"\r\n")

    def eoh(self) -> int:
        return self._write(b"\r\n")

    def body(self, chunk: bytes) -> int:
        return self._write(chunk)

    def _write(self, data: bytes) -> int:
        refusal = self._store(data)
        if refusal is None:
            return Milter.CONTINUE
        self.setreply(*refusal)  # answered now: Postfix gives it at end of DATA
        self._reset()
        return Milter.REJECT if refusal[0].startswith("5") else Milter.TEMPFAIL

    def _store(self, data: bytes) -> tuple[str, str, str] | None:
        daemon = self.daemon
        self.size += len(data)
        if self.size > daemon.max_size:
            log.warning("a message passed %d bytes; answered 552", daemon.max_size)
            return TOO_BIG
        if not daemon.spool.take(len(data)):
            log.warning("%d bytes being received at once; answered 451", daemon.spool.used)
            return BUSY
        self._taken += len(data)
        try:
            if self._spool is None:
                self._spool = open_spool(daemon.spool_dir)
            self._spool.write(data)
        except OSError as exc:
            log.error("cannot write a spool file: %s; answered 451", exc.strerror or exc)
            return SPOOL_FAILED
        return None

    # --- the verdict --------------------------------------------------------------------------

    def eom(self) -> int:
        incident = new_entry_id("M")
        queue_id = self.getsymval("i") or ""
        spool = self._spool if self._spool is not None else open_spool(self.daemon.spool_dir)
        self._spool = None  # the Decider closes it
        mail = Incoming(Envelope(self.mail_from, tuple(self.rcpts), tuple(self.options)), spool, self.size, incident)
        header: str | None = None
        try:
            reply, header = self.daemon.decide(mail, self.progress)
        except Exception:
            log.exception("a mail could not be handled; answered 451", extra=_fields(incident, queue_id))
            reply = replies.TEMPFAIL_ERROR.format(incident=incident)
        finally:
            self._reset()
        result = answer(reply, incident)
        try:
            if result.act is Act.ACCEPT:
                if header is not None:
                    self.addheader(VERDICT_HEADER, header, 0)
                return Milter.ACCEPT
            if result.act is Act.DISCARD:
                log.info("held in the quarantine; Postfix's copy discarded", extra=_fields(incident, queue_id))
                return Milter.DISCARD
            self.setreply(result.rcode, result.xcode, result.text)
        except Exception:
            log.exception("could not answer Postfix; answered 451", extra=_fields(incident, queue_id))
            with contextlib.suppress(Exception):
                self.setreply("451", "4.7.1", f"DLP could not answer now [{incident}]")
            return Milter.TEMPFAIL
        log.info("answered %s", result.rcode, extra=_fields(incident, queue_id))
        return Milter.REJECT if result.act is Act.REJECT else Milter.TEMPFAIL

    def abort(self) -> int:
        self._reset()
        return Milter.CONTINUE

    def close(self) -> int:
        self._reset()
        return Milter.CONTINUE


class MilterDaemon:
    def __init__(self, config_path: Path | None, *, socket: str | None = None, jobs: int = 0) -> None:
        config, settings, services = load_runtime(config_path)
        g = lambda key: config.get("milter", key)  # noqa: E731
        self.config, self.settings, self.services = config, settings, services
        self.socket = Path(socket or g("socket") or config.data_dir / "milter.sock")
        self.group = g("socket_group")
        self.jobs = jobs or g("jobs") or os.cpu_count() or 1
        self.concurrency = g("concurrency") or max(16, 4 * self.jobs)
        self.deadline = parse_duration(g("deadline")) or 240.0
        self.max_size = g("max_message_size")
        self.spool = SpoolBudget(g("spool_budget"))
        self.spool_dir = config.data_dir / "spool"
        self.budget = MemoryBudget(g("memory_budget"))
        self.metrics = Metrics("milter", "mail", COUNTERS)
        self._local = threading.local()

    def _build(self) -> None:
        spec = SettingsSpec(config_path=self.config.path, key=self.settings.key)
        self.pool = WorkerPool(self.settings, self.jobs, settings_spec=spec, start_method="spawn")
        self.decider = Decider(self.services, self.pool, self.settings.key)
        self.decider.relay = self._accept_in_place
        self.decider.budget = self.budget
        self.decider.wait = self.deadline
        self.decider.metrics = self.metrics
        self.executor = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="dlp-milter")

    # --- deciding -------------------------------------------------------------------------------

    def decide(self, mail: Incoming, progress: Any) -> tuple[str, str | None]:
        """The message-wide reply and, for a pass, the header to add; 451 past the deadline
        (the Decider's thread then stops before relaying or holding, see ``Commit``)."""
        commit = Commit()
        future = self.executor.submit(self._run, mail, commit)
        deadline = time.monotonic() + self.deadline
        while True:
            left = deadline - time.monotonic()
            try:
                return future.result(timeout=max(0.0, min(left, 10.0)))
            except FutureTimeout:
                if time.monotonic() < deadline:
                    progress()  # keeps Postfix's milter_content_timeout from running out meanwhile
                    continue
                if commit.cancel():
                    log.error("a mail was not decided within %g s; answered 451", self.deadline)
                    self.metrics.error("deadline")
                    return replies.TEMPFAIL_DEADLINE.format(incident=mail.incident), None
                return future.result()  # being held right now: that answer stands

    def _run(self, mail: Incoming, commit: Commit) -> tuple[str, str | None]:
        self._local.header = None
        answers = self.decider.decide(mail, commit)
        return smtp_reply(answers), self._local.header

    def _accept_in_place(self, envelope: Envelope, data: bytes) -> Delivery:
        """The Decider's pass step: no next hop, Postfix keeps the mail; we only note the header
        the gateway would have put in front (``prepend_header``'s first line)."""
        first = data[: data.find(b"\n")].rstrip(b"\r").decode("ascii", "replace")
        self._local.header = first.partition(": ")[2]
        return Delivery({r: Reply(250, "accepted in place by the Milter") for r in envelope.rcpt_tos})

    # --- running --------------------------------------------------------------------------------

    def run(self) -> int:
        self._build()
        report = self.services.quarantine.check(repair=True)
        if not report.clean:
            log.warning("quarantine check at start: %s", report)
        self.services.notifier.start()
        if self.services.webhook is not None:
            self.services.webhook.start()
        self.socket.parent.mkdir(parents=True, exist_ok=True)
        Session.daemon = self
        Milter.factory = Session
        Milter.set_flags(Milter.ADDHDRS)  # the one modification we make; REJECT/DISCARD need no flag
        self.socket.unlink(missing_ok=True)  # a stale one would be chowned before libmilter replaces it
        threading.Thread(target=self._announce, daemon=True).start()
        old = os.umask(0o007)  # the socket: owner and group (postfix) only
        try:
            Milter.runmilter("dlp", f"unix:{self.socket}", 600)  # returns on SIGTERM/SIGINT (libmilter)
        except Milter.milter.error as exc:
            raise StartError(f"cannot listen on {self.socket}: {exc}") from None
        finally:
            os.umask(old)
            sd_notify("STOPPING=1")
            self.decider.abandon.set()
            self.pool.close(kill=True)
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.services.notifier.stop()
            self.services.notifier.deliver()
            if self.services.webhook is not None:
                self.services.webhook.stop()
        log.info("stopped")
        return 0

    def _announce(self) -> None:
        """Give the socket to smtpd's group once libmilter made it, then say we listen."""
        for _ in range(600):
            if self.socket.exists():
                break
            time.sleep(0.05)
        else:
            log.error("the socket %s never appeared", self.socket)
            return
        if self.group:
            try:
                os.chown(self.socket, -1, grp.getgrnam(self.group).gr_gid)
            except (KeyError, OSError) as exc:
                log.error("cannot give the socket to group %s: %s (smtpd will get 451)", self.group, exc)
        sd_notify("READY=1")
        log.info("listening on unix:%s, %d worker(s)", self.socket, self.jobs)


def _address(value: str) -> str:
    return value.strip().removeprefix("<").removesuffix(">")


def _fields(incident: str, queue_id: str) -> dict[str, dict[str, object]]:
    return {"fields": {"incident": incident, "queue_id": queue_id or None}}
