"""The SMTP side of `dlp gateway serve`: aiosmtpd with our own handler, and the daemon around it.

aiosmtpd's own ``Proxy`` handler answers 250 even when the re-injection failed; ours answers
only with what ``Decider`` decided, or 451 when anything else happens: an exception (aiosmtpd
would say 500, a bounce), the per-message deadline, a shutdown. SMTPUTF8 and 8BITMIME are
announced, so Postfix passes Japanese mail on unchanged; the message stays the bytes Postfix
sent (``decode_data=False``).

Postfix may speak LMTP to it (``dlpscan unix … lmtp`` in master.cf, as contrib/postfix does):
then the answer to DATA is one reply per recipient, so a recipient the next hop refused is
bounced or retried alone, and the others are not sent a second copy. Over plain SMTP the one
reply is 250 as soon as any recipient got the mail.

The scan runs in a worker process (killable, memory-limited); the deciding code runs in a thread
so the event loop keeps answering other connections. SIGTERM stops accepting, gives in-flight
messages ``shutdown_grace`` seconds and answers 421/451 to the rest (Postfix retries them);
SIGHUP reloads the configuration and rules.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import AnyStr

from aiosmtpd.smtp import SMTP, Session
from aiosmtpd.smtp import Envelope as SmtpEnvelope

from dlp.actions.quarantine import Envelope, new_entry_id
from dlp.actions.smtp import SmtpRefused
from dlp.config import parse_duration
from dlp.gateway import replies
from dlp.gateway.decide import Commit, Decider, Incoming, smtp_reply
from dlp.gateway.spool import MemoryBudget, Sessions, SpoolingSMTP
from dlp.metrics import Metrics, MetricsError, serve
from dlp.runtime import StartError, load_runtime, sd_notify
from dlp.settings import SettingsSpec
from dlp.worker import WorkerPool

log = logging.getLogger("dlp.gateway")
COUNTERS = (
    ("replies_accepted", "Mails answered 250 (relayed or held)"),
    ("replies_rejected", "Mails answered 5xx (blocked, or refused by the next hop)"),
    ("replies_deferred", "Mails answered 4xx (Postfix retries them)"),
)


class Handler:
    """aiosmtpd handler: DATA -> Decider in a thread, under a deadline; every failure a 451."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    async def handle_DATA(self, server: SMTP, session: Session, envelope: SmtpEnvelope) -> str:
        """The reply to DATA: one line, or under LMTP one line per recipient."""
        replies_ = await self._replies(session, envelope)
        if getattr(session, "lmtp", False):
            return "\r\n".join(replies_)
        return smtp_reply(replies_)

    async def _replies(self, session: Session, envelope: SmtpEnvelope) -> list[str]:
        count = max(len(envelope.rcpt_tos), 1)
        reply = await self._decide(session, envelope)
        return reply if isinstance(reply, list) else [reply] * count

    async def _decide(self, session: Session, envelope: SmtpEnvelope) -> str | list[str]:
        gateway = self.gateway
        incident = new_entry_id("M")
        spool = envelope.spool  # type: ignore[attr-defined]  # set by SpoolingSMTP on aiosmtpd's Envelope
        if gateway.stopping:
            spool.close()
            return replies.TEMPFAIL_SHUTDOWN
        mail = Incoming(
            Envelope(envelope.mail_from or "", tuple(envelope.rcpt_tos), tuple(envelope.mail_options)),
            spool,
            envelope.size,  # type: ignore[attr-defined]
            incident,
        )
        commit = Commit()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(gateway.executor, gateway.decider.decide, mail, commit)
        gateway.in_flight += 1
        gateway.sessions.in_flight += 1
        try:
            return await asyncio.wait_for(asyncio.shield(future), gateway.deadline)
        except TimeoutError:
            if commit.cancel():
                log.error("a mail was not decided within %g s; answered 451", gateway.deadline)
                gateway.metrics.error("deadline")
                return replies.TEMPFAIL_DEADLINE.format(incident=incident)
            return await future  # it is being relayed or held right now: that answer stands
        except Exception:
            log.exception("a mail could not be handled; answered 451")
            gateway.metrics.error("handler")
            return replies.TEMPFAIL_ERROR.format(incident=incident)
        finally:
            gateway.in_flight -= 1
            gateway.sessions.in_flight -= 1

    async def handle_exception(self, error: Exception) -> str:
        """Never a 5xx for our own failure (aiosmtpd's default is 500: a bounce)."""
        log.error("SMTP session error: %s", type(error).__name__)
        return "451 4.3.0 DLP gateway error; try again later"


class FilterSMTP(SpoolingSMTP):
    """The spooling SMTP server, answering LHLO too: a session greeted with LHLO is LMTP (RFC 2033) and
    gets a reply per recipient after DATA. (aiosmtpd's own LMTP class only renames the greeting.)"""

    _pending = 0  # LMTP: recipients of the DATA command in progress
    _owed = 0  # LMTP: replies owed once the message was taken (after the 354)

    async def smtp_LHLO(self, arg: str) -> None:
        if self.session is not None:
            self.session.lmtp = True  # type: ignore[attr-defined]
        await self.smtp_EHLO(arg)

    async def smtp_DATA(self, arg: str) -> None:
        self._owed = 0
        envelope = self.envelope
        lmtp = getattr(self.session, "lmtp", False) and envelope is not None
        self._pending = len(envelope.rcpt_tos) if lmtp and envelope is not None else 0
        await super().smtp_DATA(arg)

    async def push(self, status: AnyStr) -> None:
        """Under LMTP, a one-line answer to the message that is not ours (aiosmtpd's own error,
        or our handle_exception's 451) is repeated for every recipient: Postfix waits for each,
        and would otherwise hang until its timeout. (A refused DATA command gets one reply.)"""
        if isinstance(status, str):
            if status.startswith("354") and self._pending:
                self._owed, self._pending = self._pending, 0
            elif self._owed:
                owed, self._owed = self._owed, 0
                if "\r\n" not in status:
                    status = "\r\n".join([status] * owed)
        await super().push(status)


class Gateway:
    def __init__(self, config_path: Path | None, *, listen: str | None = None, jobs: int = 0) -> None:
        self.config_path = config_path
        self.cli_listen = listen
        self.cli_jobs = jobs
        self.stopping = False
        self.in_flight = 0
        self.metrics = Metrics("gateway", "mail", COUNTERS)
        self.metrics.gauge("in_flight", "Messages being decided", lambda: self.in_flight)
        self._load()

    def _load(self) -> None:
        config, settings, services = load_runtime(self.config_path)
        g = lambda key: config.get("gateway", key)  # noqa: E731
        self.config = config
        self.settings = settings
        self.services = services
        host, port = g("listen_host"), g("listen_port")
        if self.cli_listen:
            host, _, port_text = self.cli_listen.rpartition(":")
            if not port_text.isdigit():
                raise StartError(f"--listen: expected HOST:PORT like 127.0.0.1:10025, got {self.cli_listen!r}")
            port = int(port_text)
        self.host, self.port = host or "127.0.0.1", port
        self.jobs = self.cli_jobs or g("jobs") or os.cpu_count() or 1
        # relaying waits on Postfix's fsync, not on a CPU: many more mails in flight than workers
        self.concurrency = g("concurrency") or max(16, 4 * self.jobs)
        self.deadline = parse_duration(g("deadline")) or 300.0
        self.max_size = g("max_message_size")
        self.spool_dir = config.data_dir / "spool"
        if not hasattr(self, "sessions"):
            self.sessions = Sessions(0)
            self.budget = MemoryBudget(0)
        self.sessions.limit = g("max_sessions") or 2 * self.concurrency
        self.budget.limit = g("memory_budget")

    def _spec(self) -> SettingsSpec:
        return SettingsSpec(config_path=self.config.path, key=self.settings.key)

    def _build(self) -> None:
        self.pool = WorkerPool(self.settings, self.jobs, settings_spec=self._spec(), start_method="spawn")
        self.decider = Decider(self.services, self.pool, self.settings.key)
        self.decider.budget = self.budget
        self.decider.wait = self.deadline
        self.decider.metrics = self.metrics

    # --- running ------------------------------------------------------------------------------------

    def run(self) -> int:
        return asyncio.run(self._main())

    async def _main(self) -> int:
        loop = asyncio.get_running_loop()
        self.executor = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="dlp-mail")
        self._build()
        report = self.services.quarantine.check(repair=True)
        if not report.clean:
            log.warning("quarantine check at start: %s", report)
        self.services.notifier.start()
        if self.services.webhook is not None:
            self.services.webhook.start()
        port = self.config.get("gateway", "metrics_port")
        try:
            http = serve(self.metrics, self.config.get("gateway", "metrics_host"), port) if port else None
        except MetricsError as exc:  # mail keeps flowing: the verdicts matter more than the figures
            log.error("%s", exc)
            http = None
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(self._reload()))
        try:
            server = await loop.create_server(self._protocol, host=self.host, port=self.port, reuse_address=True)
        except OSError as exc:
            self.pool.close(kill=True)
            raise StartError(
                f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc} "
                "(another filter running? change [gateway] listen_port)"
            ) from None
        sd_notify("READY=1")
        log.info(
            "listening on %s:%d, next hop %s:%d, %d worker(s)",
            self.host,
            self.port,
            self.services.next_hop.host,
            self.services.next_hop.port,
            self.jobs,
        )
        await stop.wait()
        sd_notify("STOPPING=1")
        self.stopping = True
        server.close()  # no new connections; open sessions get 421 at their next DATA
        grace = float(self.config.get("gateway", "shutdown_grace"))
        deadline = loop.time() + grace
        while self.in_flight and loop.time() < deadline:
            await asyncio.sleep(0.05)
        self.decider.abandon.set()
        self.pool.close(kill=True)  # what is still scanning gets its 421 (it stays queued in Postfix)
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.services.notifier.stop()
        self.services.notifier.deliver()
        if self.services.webhook is not None:
            self.services.webhook.stop()  # what is not delivered stays in its outbox for the next start
        if http is not None:
            http.shutdown()
        log.info("stopped")
        return 0

    def _protocol(self) -> SMTP:
        return FilterSMTP(
            Handler(self),
            spool_dir=self.spool_dir,
            sessions=self.sessions,
            data_size_limit=self.max_size,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=socket.getfqdn(),
            ident="dlp gateway",
        )

    async def _reload(self) -> None:
        old_pool, old_services = self.pool, self.services
        try:
            await asyncio.get_running_loop().run_in_executor(None, self._load)
        except StartError as exc:
            log.error("reload refused, the running configuration stays: %s", str(exc).replace("\n", "; "))
            return
        self._build()
        old_services.notifier.stop()
        self.services.notifier.start()
        if old_services.webhook is not None:
            old_services.webhook.stop()
        if self.services.webhook is not None:
            self.services.webhook.start()
        old_pool.retire(self.settings.limits.timeout + 5)
        log.info("reloaded: %d rules", len(self.settings.rules.rules))


def check(config_path: Path | None, postfix_config: Path | None = None) -> list[tuple[str, bool, str]]:
    """What `dlp gateway check` verifies (dlp/gateway/check.py): config and rules load, who answers
    on the filter port (without binding it: the gateway may be running), the next hop's EHLO with
    SMTPUTF8 and 8BITMIME, the internal domains and notices, the quarantine, and Postfix's side
    when postconf is at hand. One (what, ok, detail) per check, each naming the address checked."""
    from dlp.gateway import check as checks

    results: list[tuple[str, bool, str]] = []
    try:
        gateway = Gateway(config_path)
    except StartError as exc:
        return [("configuration, rules and keys", False, str(exc))]
    shown = str(gateway.config.path) if gateway.config.path else "no config file (defaults)"
    results.append(("configuration, rules and keys", True, f"{shown}; {len(gateway.settings.rules.rules)} rules"))
    results.append(checks.filter_port(gateway.host, gateway.port))
    hop = gateway.services.next_hop
    results.append(checks.next_hop(hop.host, hop.port))
    domains = gateway.services.internal_domains()
    results.append(checks.internal_domains(domains))
    results.append(checks.trusted(gateway.config.get("mail", "trusted_networks")))
    smtp = gateway.services.smtp
    results.append(checks.notices(smtp.host, smtp.port, gateway.config.get("notify", "officer"), domains))
    store = gateway.services.quarantine
    results.append(("quarantine", True, str(store.directory)))
    results.extend(checks.postfix(gateway.port, postfix_config))
    return results


__all__ = ["Gateway", "Handler", "SmtpRefused", "StartError", "check"]
