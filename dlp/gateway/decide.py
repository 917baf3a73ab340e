"""One mail in, one SMTP reply out: scan, decide, enforce. Blocking code, run in a thread.

The reply is the contract with Postfix: 250 only once the mail is in someone else's hands (the
next hop said 250, or the quarantine has it on disk); 550 only for a policy block; 4xx for
everything else, so Postfix keeps the mail and retries. Steps after that point (the audit line,
notices) cannot change the reply: a failure there is logged, never turned into a retry that
would deliver twice.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import IO

from dlp.actions.quarantine import Envelope
from dlp.actions.smtp import SmtpRefused
from dlp.gateway import replies
from dlp.gateway.address import is_internal
from dlp.gateway.message import MailFacts, headers_of, is_our_notice, prepend_header
from dlp.gateway.spool import MemoryBudget, return_freed_memory
from dlp.logs import scrub
from dlp.model import Action, Verdict
from dlp.policy import ScanContext
from dlp.services import Services
from dlp.worker import ItemSpec, WorkerPool, cut_short

log = logging.getLogger("dlp.gateway")
VERDICT_HEADER = "X-DLP-Verdict"


class Commit:
    """Who gets to decide a message whose deadline passed: the scan thread, once it started an
    irreversible step (relaying, holding), or the SMTP side, which then answers 451."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._committed = False

    def begin(self) -> bool:
        with self._lock:
            if not self._cancelled:
                self._committed = True
            return self._committed

    @property
    def cancelled(self) -> bool:
        with self._lock:
            return self._cancelled

    def cancel(self) -> bool:
        with self._lock:
            if not self._committed:
                self._cancelled = True
            return self._cancelled


@dataclass(frozen=True)
class Mail:
    envelope: Envelope
    data: bytes
    incident: str


@dataclass(frozen=True)
class Incoming:
    """A received message still in its spool (memory or an unnamed file): loaded by ``decide``
    only once the memory budget has room for it, closed (and so freed) after the verdict."""

    envelope: Envelope
    spool: IO[bytes]
    size: int
    incident: str


@dataclass(frozen=True)
class Outcome:
    reply: str
    enforced: str
    verdict: Verdict | None = None
    held: bool = False  # the quarantine has it, under the incident id
    notice: bool = False  # our own notice: not scanned (audited as event "notice")


class Decider:
    def __init__(self, services: Services, pool: WorkerPool, key: bytes) -> None:
        self.services = services
        self.pool = pool
        self.key = key
        self.internal = services.internal_domains()
        self.relay = services.relay()
        self.abandon = threading.Event()  # set at shutdown, before the workers are killed
        self.budget = MemoryBudget(1 << 62)  # the gateway sets its own
        self.wait = 300.0  # at most this long for room in the budget (the gateway's deadline)

    def decide(self, mail: Mail | Incoming, commit: Commit) -> str:
        if isinstance(mail, Mail):
            return self._decide_loaded(mail, commit)
        incoming = mail
        try:
            if not self.budget.acquire(incoming.size, self.wait, lambda: commit.cancelled):
                log.warning("no room to load a message in time; answered 451", extra=_fields(incoming.incident))
                return replies.TEMPFAIL_BUSY
            try:
                incoming.spool.seek(0)
                data = incoming.spool.read()
            except Exception:
                self.budget.release(incoming.size)
                raise
        except Exception:
            log.exception("a spooled mail could not be read; answered 451", extra=_fields(incoming.incident))
            return replies.TEMPFAIL_ERROR.format(incident=incoming.incident)
        finally:
            incoming.spool.close()  # frees the spool file now, whatever happens next
        try:
            return self._decide_loaded(Mail(incoming.envelope, data, incoming.incident), commit)
        finally:
            del data
            self.budget.release(incoming.size)
            if incoming.size > 1024 * 1024:
                return_freed_memory()

    def _decide_loaded(self, mail: Mail, commit: Commit) -> str:
        started = time.monotonic()
        facts = headers_of(mail.data)
        try:
            outcome = self._decide(mail, facts, commit)
        except Exception:
            log.exception("a mail could not be inspected; answered 451", extra=_fields(mail.incident))
            return replies.TEMPFAIL_ERROR.format(incident=mail.incident)
        self._record(mail, facts, outcome, time.monotonic() - started)
        return outcome.reply

    def _decide(self, mail: Mail, facts: MailFacts, commit: Commit) -> Outcome:
        env = mail.envelope
        if is_our_notice(mail.data, env.mail_from, env.rcpt_tos, self.key):
            # our own notice, unchanged (keyed MAC over all of it): passed as it is, audited, no notice about it
            return self._relay(mail, None, commit, header=f"notice; {mail.incident}")
        rcpts = mail.envelope.rcpt_tos
        ctx = ScanContext(
            channel="mail",
            external_recipients=not rcpts or any(not is_internal(r, self.internal) for r in rcpts),
            sender=mail.envelope.mail_from or None,
            recipients=tuple(rcpts),
        )
        locator = f"mail:{facts.message_id or mail.incident}"
        spec = ItemSpec(data=mail.data, name="message.eml", locator=locator, channel="mail")
        verdict = self.pool.scan(spec, ctx)
        if self.abandon.is_set() and cut_short(verdict):
            return Outcome(replies.TEMPFAIL_SHUTDOWN, "abandoned at shutdown", None)
        action = verdict.action
        if action >= Action.QUARANTINE:
            return self._hold(mail, verdict, commit, locator)
        header = f"{action.label}; {verdict.clause or '-'}; {mail.incident}"
        return self._relay(mail, verdict, commit, header=header)

    def _relay(self, mail: Mail, verdict: Verdict | None, commit: Commit, *, header: str) -> Outcome:
        if not commit.begin():
            reply = replies.TEMPFAIL_DEADLINE.format(incident=mail.incident)
            return Outcome(reply, "deadline passed", verdict, notice=verdict is None)
        try:
            self.relay(mail.envelope, prepend_header(mail.data, VERDICT_HEADER, header))
        except SmtpRefused as exc:
            detail = replies.clean(scrub(str(exc)), 80)
            log.warning("the next hop did not take a mail: %s; answered 451", detail, extra=_fields(mail.incident))
            reply = replies.TEMPFAIL_NEXT_HOP.format(detail=detail, incident=mail.incident)
            return Outcome(reply, "next hop refused", verdict, notice=verdict is None)
        action = verdict.action.label if verdict else "notice"
        reply = replies.RELAYED.format(action=action, incident=mail.incident)
        return Outcome(reply, "relayed", verdict, notice=verdict is None)

    def _hold(self, mail: Mail, verdict: Verdict, commit: Commit, locator: str) -> Outcome:
        """Quarantine: held, then 250. Block: held as evidence (an officer may still release it),
        then 550 so Postfix bounces it to the sender with the reason."""
        if not commit.begin():
            return Outcome(replies.TEMPFAIL_DEADLINE.format(incident=mail.incident), "deadline passed", verdict)
        blocked = verdict.action is Action.BLOCK
        held = False
        try:
            self.services.quarantine.put_mail(
                mail.data, verdict, mail.envelope, locator=locator, actor="dlp-gateway", entry_id=mail.incident
            )
            held = True
        except Exception:
            if not blocked:
                log.exception("could not hold a mail; answered 451", extra=_fields(mail.incident))
                return Outcome(replies.TEMPFAIL_QUARANTINE.format(incident=mail.incident), "hold failed", verdict)
            log.exception(
                "could not keep a blocked mail as evidence; rejecting it anyway", extra=_fields(mail.incident)
            )
        if blocked:
            reply = replies.BLOCKED.format(
                reason_en=replies.clean(verdict.reason_en, 160),
                reason_ja=replies.clean(verdict.reason_ja, 80),
                incident=mail.incident,
            )
            return Outcome(reply, "rejected, " + ("kept for the officer" if held else "not kept"), verdict, held)
        return Outcome(replies.HELD.format(incident=mail.incident), "held", verdict, held)

    def _record(self, mail: Mail, facts: MailFacts, outcome: Outcome, seconds: float) -> None:
        """The audit line and the notices: after the reply is settled, never changing it."""
        verdict = outcome.verdict
        code = outcome.reply[:3]
        try:
            if outcome.notice:  # every pass without a scan is on the record
                self.services.audit.write(
                    "notice",
                    channel="mail",
                    item=f"mail:{facts.message_id or mail.incident}",
                    incident=mail.incident,
                    sender=mail.envelope.mail_from or "<>",
                    recipient_domains=sorted({r.rpartition("@")[2].lower() for r in mail.envelope.rcpt_tos}),
                    enforced=f"{outcome.enforced} ({code})",
                )
            elif verdict is not None:
                held = outcome.held
                self.services.audit.verdict(
                    verdict,
                    channel="mail",
                    item=verdict.locator,
                    sender=mail.envelope.mail_from or "<>",
                    recipients=list(mail.envelope.rcpt_tos),
                    enforced=f"{outcome.enforced} ({code})",
                    quarantine_id=mail.incident if held else None,
                )
                if code in ("250", "550") and verdict.action is not Action.ALLOW:
                    self._notify(mail, facts, verdict, held)
        except Exception:
            log.exception("could not record a mail's verdict", extra=_fields(mail.incident))
        log.log(
            logging.DEBUG if verdict is None or (verdict.action is Action.ALLOW and code == "250") else logging.INFO,
            "%s: %s",
            verdict.action.label if verdict else "notice",
            outcome.enforced,
            extra=_fields(
                mail.incident,
                reply=code,
                auth=facts.auth_user,
                recipients=len(mail.envelope.rcpt_tos),
                size=len(mail.data),
                seconds=round(seconds, 3),
            ),
        )

    def _notify(self, mail: Mail, facts: MailFacts, verdict: Verdict, held: bool) -> None:
        sender = mail.envelope.mail_from
        if not sender or "@" not in sender:  # a bounce or a system mail: nobody to tell
            sender = None
        notifier = self.services.notifier
        notices = notifier.notices_for(
            verdict,
            channel="mail",
            item=f"件名 Subject: {facts.subject or '-'} ({verdict.locator})",
            sender=sender,
            recipients=list(mail.envelope.rcpt_tos),
            quarantine_id=mail.incident if held else None,
            sender_name=facts.sender_name,
        )
        notifier.notify(notices)


def _fields(incident: str, **more: object) -> dict[str, dict[str, object]]:
    return {"fields": {"incident": incident, **{k: v for k, v in more.items() if v is not None}}}
