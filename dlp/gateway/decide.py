"""One mail in, one reply per recipient out: scan, decide, enforce. Blocking code, run in a thread.

The reply is the contract with Postfix: 250 only once the mail is in someone else's hands (the
next hop said 250, or the quarantine has it on disk); 550 only for a policy block; 4xx for
everything else, so Postfix keeps the mail and retries. Steps after that point (the audit line,
notices) cannot change the reply: a failure there is logged, never turned into a retry that
would deliver twice.

The reply is per recipient, as Postfix's LMTP client reads it: when the next hop takes the mail
for one recipient and refuses another, the first gets 250 and the second the next hop's own
4xx/5xx, so Postfix retries or bounces only that one. (A single reply for both was a 451 that
made Postfix send the accepted recipient a new copy on every retry.)
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import IO

from dlp.actions.enforce import Enforcement
from dlp.actions.entries import Envelope
from dlp.actions.smtp import Delivery, Reply
from dlp.gateway import direction, replies
from dlp.gateway.address import mail_context
from dlp.gateway.message import MailFacts, headers_of, is_our_notice, prepend_header
from dlp.gateway.spool import MemoryBudget, return_freed_memory
from dlp.logs import scrub
from dlp.metrics import Metrics
from dlp.model import Action, Verdict
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
    per_recipient: tuple[str, ...] = ()  # one reply per recipient when they differ (relaying)
    notice: bool = False  # passed without a scan (audited as ``event``)
    event: str = "notice"  # "notice": our own notice; "inbound": mail from outside (direction.py)
    delayed: float | None = None  # 送信一時保留: held until then, the sender can cancel (console/approval.py)

    def replies(self, count: int) -> list[str]:
        return list(self.per_recipient) if len(self.per_recipient) == count else [self.reply] * count


class Decider:
    def __init__(self, services: Services, pool: WorkerPool, key: bytes) -> None:
        self.services = services
        self.enforcement = Enforcement(services, "mail", actor="dlp-gateway")  # hold, audit, notices
        self.pool = pool
        self.key = key
        self.internal = services.internal_domains()
        self.relay = services.relay()
        self.trusted = direction.networks(services.config.get("mail", "trusted_networks"))
        self.abandon = threading.Event()  # set at shutdown, before the workers are killed
        self.budget = MemoryBudget(1 << 62)  # the gateway sets its own
        self.wait = 300.0  # at most this long for room in the budget (the gateway's deadline)
        self.metrics: Metrics | None = None  # the gateway sets its own (dlp/metrics.py)
        self.delay = _delay_external(services)  # [mail] delay_external, seconds (0: off)

    def decide(self, mail: Mail | Incoming, commit: Commit) -> list[str]:
        """One reply per recipient, in the order of ``mail.envelope.rcpt_tos``."""
        if isinstance(mail, Mail):
            return self._decide_loaded(mail, commit)
        incoming = mail
        count = len(incoming.envelope.rcpt_tos)
        try:
            if not self.budget.acquire(incoming.size, self.wait, lambda: commit.cancelled):
                log.warning("no room to load a message in time; answered 451", extra=_fields(incoming.incident))
                return [replies.TEMPFAIL_BUSY] * count
            try:
                incoming.spool.seek(0)
                data = incoming.spool.read()
            except Exception:
                self.budget.release(incoming.size)
                raise
        except Exception:
            log.exception("a spooled mail could not be read; answered 451", extra=_fields(incoming.incident))
            return [replies.TEMPFAIL_ERROR.format(incident=incoming.incident)] * count
        finally:
            incoming.spool.close()  # frees the spool file now, whatever happens next
        try:
            return self._decide_loaded(Mail(incoming.envelope, data, incoming.incident), commit)
        finally:
            del data
            self.budget.release(incoming.size)
            if incoming.size > 1024 * 1024:
                return_freed_memory()

    def _decide_loaded(self, mail: Mail, commit: Commit) -> list[str]:
        started = time.monotonic()
        count = len(mail.envelope.rcpt_tos)
        facts = headers_of(mail.data)
        try:
            outcome = self._decide(mail, facts, commit)
        except Exception:
            log.exception("a mail could not be inspected; answered 451", extra=_fields(mail.incident))
            self._count_error("inspect")
            return [replies.TEMPFAIL_ERROR.format(incident=mail.incident)] * count
        self._record(mail, facts, outcome, time.monotonic() - started)
        self._count(outcome)
        return outcome.replies(count)

    def _decide(self, mail: Mail, facts: MailFacts, commit: Commit) -> Outcome:
        env = mail.envelope
        if is_our_notice(mail.data, env.mail_from, env.rcpt_tos, self.key):
            # our own notice, unchanged (keyed MAC over all of it): passed as it is, audited, no notice about it
            return self._relay(mail, None, commit, header=f"notice; {mail.incident}")
        rcpts = mail.envelope.rcpt_tos
        if direction.is_inbound(direction.origin_of(mail.data), env.mail_from, rcpts, self.internal, self.trusted):
            # someone else's mail to us (this filter is for what our users send): passed, audited, no notice
            return self._relay(mail, None, commit, header=f"inbound; {mail.incident}", event="inbound")
        ctx = mail_context(mail.envelope.mail_from, mail.envelope.rcpt_tos, self.internal)
        locator = f"mail:{facts.message_id or mail.incident}"
        spec = ItemSpec(data=mail.data, name="message.eml", locator=locator, channel="mail")
        verdict = self.pool.scan(spec, ctx)
        if self.abandon.is_set() and cut_short(verdict):
            return Outcome(replies.TEMPFAIL_SHUTDOWN, "abandoned at shutdown", None)
        action = verdict.action
        if action >= Action.APPROVAL:  # approval: held awaiting the approver (dlp/console/approval.py)
            return self._hold(mail, verdict, commit, locator)
        if self.delay and ctx.external_recipients:  # 送信一時保留: held a while, the sender may cancel
            return self._hold(mail, verdict, commit, locator, delay_until=time.time() + self.delay)
        header = f"{action.label}; {verdict.clause or '-'}; {mail.incident}"
        return self._relay(mail, verdict, commit, header=header)

    def _relay(
        self, mail: Mail, verdict: Verdict | None, commit: Commit, *, header: str, event: str = "notice"
    ) -> Outcome:
        if not commit.begin():
            reply = replies.TEMPFAIL_DEADLINE.format(incident=mail.incident)
            return Outcome(reply, "deadline passed", verdict, notice=verdict is None, event=event)
        delivery: Delivery = self.relay(mail.envelope, prepend_header(mail.data, VERDICT_HEADER, header))
        action = verdict.action.label if verdict else event
        relayed = replies.RELAYED.format(action=action, incident=mail.incident)
        per_recipient = tuple(
            _relay_reply(delivery.replies.get(r, Reply(0, "not attempted")), relayed, mail.incident)
            for r in mail.envelope.rcpt_tos
        )
        delivered = len(delivery.delivered)
        if delivered == len(per_recipient):
            return Outcome(relayed, "relayed", verdict, notice=verdict is None, event=event)
        detail = "; ".join(sorted({replies.clean(f"{r.code} {scrub(r.text)}", 60) for r in delivery.refused.values()}))
        if delivery.unknown:
            detail = "; ".join(filter(None, (detail, "outcome unknown after DATA")))
        log.warning(
            "the next hop took a mail for %d of %d recipient(s): %s",
            delivered,
            len(per_recipient),
            detail,
            extra=_fields(mail.incident),
        )
        enforced = f"relayed to {delivered} of {len(per_recipient)}" if delivered else "next hop refused"
        reply = smtp_reply(list(per_recipient))
        return Outcome(reply, enforced, verdict, per_recipient=per_recipient, notice=verdict is None, event=event)

    def _hold(
        self, mail: Mail, verdict: Verdict, commit: Commit, locator: str, *, delay_until: float | None = None
    ) -> Outcome:
        """Quarantine: held, then 250. Block: held as evidence (an officer may still release it),
        then 550 so Postfix bounces it to the sender with the reason."""
        if not commit.begin():
            return Outcome(replies.TEMPFAIL_DEADLINE.format(incident=mail.incident), "deadline passed", verdict)
        blocked = verdict.action is Action.BLOCK
        held = False
        try:
            self.enforcement.hold_mail(
                mail.data, verdict, mail.envelope, locator=locator, entry_id=mail.incident, delay_until=delay_until
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
        if delay_until is not None:
            return Outcome(replies.HELD.format(incident=mail.incident), "delayed", verdict, held, delayed=delay_until)
        return Outcome(replies.HELD.format(incident=mail.incident), "held", verdict, held)

    def _record(self, mail: Mail, facts: MailFacts, outcome: Outcome, seconds: float) -> None:
        """The audit line and the notices: after the reply is settled, never changing it."""
        verdict = outcome.verdict
        code = outcome.reply[:3]
        try:
            if outcome.notice:  # every pass without a scan is on the record
                self.services.audit.write(
                    outcome.event,
                    channel="mail",
                    item=f"mail:{facts.message_id or mail.incident}",
                    incident=mail.incident,
                    sender=mail.envelope.mail_from or "<>",
                    recipient_domains=sorted({r.rpartition("@")[2].lower() for r in mail.envelope.rcpt_tos}),
                    enforced=f"{outcome.enforced} ({code})",
                )
            elif verdict is not None:
                held = outcome.held
                self.enforcement.record(
                    verdict,
                    item=verdict.locator,
                    sender=mail.envelope.mail_from or "<>",
                    recipients=list(mail.envelope.rcpt_tos),
                    enforced=f"{outcome.enforced} ({code})",
                    quarantine_id=mail.incident if held else None,
                )
                if code in ("250", "550") and verdict.action is not Action.ALLOW:
                    self._notify(mail, facts, verdict, held and outcome.delayed is None)
                if outcome.delayed is not None and held:
                    from dlp.console.approval import offer_cancel

                    offer_cancel(
                        self.services,
                        verdict,
                        entry_id=mail.incident,
                        sender=mail.envelope.mail_from,
                        recipients=list(mail.envelope.rcpt_tos),
                        item=f"件名 Subject: {facts.subject or '-'} ({verdict.locator})",
                        until=outcome.delayed,
                    )
        except Exception:
            log.exception("could not record a mail's verdict", extra=_fields(mail.incident))
            self._count_error("record")
        log.log(
            logging.DEBUG if verdict is None or (verdict.action is Action.ALLOW and code == "250") else logging.INFO,
            "%s: %s",
            verdict.action.label if verdict else outcome.event,
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

    def _count(self, outcome: Outcome) -> None:
        metrics = self.metrics
        if metrics is None:
            return
        if outcome.verdict is not None:
            metrics.verdict(outcome.verdict.action.label, outcome.verdict.elapsed)
        metrics.inc({"2": "replies_accepted", "5": "replies_rejected"}.get(outcome.reply[:1], "replies_deferred"))

    def _count_error(self, kind: str) -> None:
        if self.metrics is not None:
            self.metrics.error(kind)

    def _notify(self, mail: Mail, facts: MailFacts, verdict: Verdict, held: bool) -> None:
        sender: str | None = mail.envelope.mail_from
        if not sender or "@" not in sender:  # a bounce or a system mail: nobody to tell
            sender = None
        self.enforcement.notify(
            verdict,
            item=f"件名 Subject: {facts.subject or '-'} ({verdict.locator})",
            sender=sender,
            recipients=list(mail.envelope.rcpt_tos),
            quarantine_id=mail.incident if held else None,
            sender_name=facts.sender_name,
        )


def _delay_external(services: Services) -> float:
    from dlp.config import parse_delay

    return parse_delay(services.config.get("mail", "delay_external")) or 0.0


def _relay_reply(reply: Reply, relayed: str, incident: str) -> str:
    """Our reply for one recipient, from what the next hop said about it: its own 4xx/5xx code
    passes through, so Postfix bounces a permanent refusal and retries a temporary one."""
    if reply.delivered:
        return relayed
    if reply.session:  # the next hop as a whole failed (down, misconfigured): never a bounce, Postfix retries
        detail = replies.clean(f"{reply.code} {scrub(reply.text)}", 80)
        return replies.TEMPFAIL_NEXT_HOP.format(detail=detail, incident=incident)
    if reply.permanent or (400 <= reply.code < 500):
        text = replies.clean(scrub(reply.text), 120) or "refused"
        return replies.NEXT_HOP_REFUSED.format(code=reply.code, detail=text, incident=incident)
    detail = "no reply after DATA" if reply.unknown else replies.clean(scrub(reply.text), 80)
    return replies.TEMPFAIL_NEXT_HOP.format(detail=detail, incident=incident)


def smtp_reply(per_recipient: list[str]) -> str:
    """The one reply plain SMTP allows: 250 if any recipient got the mail (a 4xx would make
    Postfix send it to them again), else the first permanent refusal if all are permanent, else
    the first temporary one. LMTP (contrib/postfix) avoids this loss of detail."""
    for first in ("2", "5", "4"):
        chosen = [r for r in per_recipient if r.startswith(first)]
        if chosen and (first != "5" or len(chosen) == len(per_recipient)):
            return chosen[0]
    return per_recipient[0]


def _fields(incident: str, **more: object) -> dict[str, dict[str, object]]:
    return {"fields": {"incident": incident, **{k: v for k, v in more.items() if v is not None}}}
