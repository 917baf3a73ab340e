"""上長承認 as a policy action: a mail whose verdict is ``approval`` waits in the quarantine (state
``held``, action ``approval``) until an approver of the sender's department decides.

Who approves is data in dlp.toml: ``[console.departments]`` maps senders to a department,
``[console.approvers]`` a department to its approvers' addresses. When the gateway (or the
Milter, through the same ``Decider``) holds such a mail, each approver of the department except
the sender gets a notice with a signed, single-use, expiring link to ``[console] public_url``
(links.py); approving releases it through the store's exactly-once release, rejecting shreds it,
and the sender is told either way. Nobody deciding is settled by ``sweep`` (``dlp console sweep``
from a systemd timer, contrib/dlp-console-sweep.timer): after ``approval_timeout`` the mail is
rejected or released as ``approval_timeout_action`` says.

送信一時保留 (``[mail] delay_external``): mail with an outside recipient that the policy lets go
(allow, warn) is held that long (sealed ``delay_until`` in its entry); the sender's notice
carries a cancel link (its own salt: never an approval) and the sweep releases what nobody
cancelled. A cancelled mail is shredded, never sent. The sweep runs every minute, so a delay
ends up to a minute late.

Only ids travel in links and notices carry masked values only, as every other notice.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dlp.actions.entries import Entry, QuarantineError
from dlp.actions.notify import mask_address
from dlp.config import parse_delay, parse_duration
from dlp.console.departments import department_of

if TYPE_CHECKING:
    from dlp.actions.quarantine import QuarantineStore
    from dlp.console.links import ApprovalLinks
    from dlp.model import Verdict
    from dlp.services import Services

log = logging.getLogger("dlp.console.approval")
SWEEP_ACTOR = "dlp-sweep"
_DECISIONS = {
    "approve": ("承認（送信しました）", "approved and sent", "宛先に送信しました。", "It was sent to its recipients."),
    "reject": ("却下（送信しません）", "rejected", "このメールは送信されません。", "It will never be sent."),
    "timeout-reject": (
        "期限切れ（送信しません）",
        "not approved in time, so not sent",
        "期限までに承認されなかったため送信されません。必要なら改めて送信してください。",
        "Nobody approved it in time; it will never be sent. Send it again if it is still needed.",
    ),
    "timeout-release": (
        "期限切れ（送信しました）",
        "not decided in time, so sent",
        "期限までに判断がなかったため、設定により送信しました。",
        "Nobody decided in time; as configured, it was sent.",
    ),
}


@dataclass(frozen=True)
class ApprovalSettings:
    public_url: str
    departments: Mapping[str, list[str]]
    approvers: Mapping[str, list[str]]
    timeout: float
    timeout_action: str  # reject | release

    @classmethod
    def of(cls, config: Any) -> ApprovalSettings:
        return cls(
            public_url=str(config.get("console", "public_url")).rstrip("/"),
            departments=config.get("console", "departments"),
            approvers=config.get("console", "approvers"),
            timeout=parse_duration(config.get("console", "approval_timeout")) or 72 * 3600,
            timeout_action=str(config.get("console", "approval_timeout_action")),
        )


def awaiting(entry: Entry) -> bool:
    """A held mail waiting for its approver (not one held for the officer)."""
    return entry.channel == "mail" and entry.state == "held" and entry.action == "approval"


def approvers_for(sender: str | None, settings: ApprovalSettings) -> list[str]:
    """The approvers of the sender's department, never the sender."""
    department = department_of(sender, settings.departments)
    if department is None:
        return []
    own = (sender or "").lower()
    return [a for a in settings.approvers.get(department, []) if a.lower() != own]


def approval_links(services: Services) -> ApprovalLinks:
    """The console's links (same key and used-links table as ``dlp console serve``)."""
    from dlp.console.web import approval_links as links_of
    from dlp.console.web import session_key

    key = session_key(services.config.path_of("console", "session_key_file", "console.key"))
    return links_of(services, key)


def cancel_links(services: Services, key: str | None = None) -> ApprovalLinks:
    """The senders' cancel links: the console's key, their own salt, the same used-links table."""
    from dlp.console.links import CANCEL_SALT, ApprovalLinks
    from dlp.console.web import session_key

    config = services.config
    key = key or session_key(config.path_of("console", "session_key_file", "console.key"))
    return ApprovalLinks(key, config.path_of("console", "users_file", "console.sqlite3"), salt=CANCEL_SALT)


def delay_of(config: Any) -> float:
    """``[mail] delay_external`` in seconds (0: off)."""
    return parse_delay(config.get("mail", "delay_external")) or 0.0


def delay_until(entry: Entry) -> float | None:
    """When a 送信一時保留 mail goes out (None: not a delayed hold); needs ``get(private=True)``."""
    value = entry.private.get("delay_until")
    return float(value) if isinstance(value, int | float) else None


def offer_cancel(
    services: Services,
    verdict: Verdict,
    *,
    entry_id: str,
    sender: str | None,
    recipients: list[str],
    item: str,
    until: float,
) -> bool:
    """The sender's notice of a delayed mail with its cancel link (no account needed)."""
    public_url = str(services.config.get("console", "public_url")).rstrip("/")
    if not sender or "@" not in sender or not public_url:
        services.audit.write("delay.no_cancel_link", entry_id=entry_id, why="no sender or no public_url")
        return False
    token = cancel_links(services).issue(entry_id, sender)
    release_at = dt.datetime.fromtimestamp(until).astimezone().strftime("%Y-%m-%d %H:%M")
    notice = services.notifier.notice(
        "notice_sender_delayed.txt",
        sender,
        verdict,
        item=item,
        sender=sender,
        recipients=recipients,
        quarantine_id=entry_id,
        cancel_link=f"{public_url}/cancel/{token}",
        release_at=release_at,
    )
    services.notifier.notify([notice])
    services.audit.write("delay.held", entry_id=entry_id, until=release_at)
    return True


def request_approval(
    services: Services,
    verdict: Verdict,
    *,
    entry_id: str,
    sender: str | None,
    recipients: list[str],
    item: str,
) -> int:
    """Queue a notice with a decision link to each approver; the number queued. None when no
    approver is mapped (or no ``public_url``): the mail stays held for an officer, audited."""
    settings = ApprovalSettings.of(services.config)
    approvers = approvers_for(sender, settings)
    department = department_of(sender, settings.departments)
    if not approvers or not settings.public_url:
        why = "no public_url" if approvers else f"no approver for department {department or '(unmapped)'}"
        log.warning("mail %s awaits approval but no approver can be told: %s", entry_id, why)
        services.audit.write("approval.unrouted", entry_id=entry_id, why=why)
        return 0
    links = approval_links(services)
    expires = time.time() + min(links.max_age, settings.timeout)
    expires_at = dt.datetime.fromtimestamp(expires).astimezone().strftime("%Y-%m-%d %H:%M")
    timeout = _DECISIONS[f"timeout-{settings.timeout_action}"]
    notifier = services.notifier
    notices = [
        notifier.notice(
            "notice_approver.txt",
            approver,
            verdict,
            item=item,
            sender=sender,
            recipients=recipients,
            quarantine_id=entry_id,
            link=f"{settings.public_url}/approve/{links.issue(entry_id, approver)}",
            expires_at=expires_at,
            timeout_ja=timeout[0],
            timeout_en=timeout[1],
        )
        for approver in approvers
    ]
    notifier.notify(notices)
    services.audit.write(
        "approval.requested",
        entry_id=entry_id,
        department=department,
        approvers=[mask_address(a) for a in approvers],
    )
    return len(notices)


def reject(store: QuarantineStore, entry_id: str, *, actor: str, note: str) -> Entry:
    """Never sent: moved from ``held`` to ``deleted`` in one update (one winner against a racing
    release or sweep), then shredded. Raises QuarantineError if it is no longer held."""
    return store.delete(entry_id, actor=actor, note=note, only_held=True)


def tell_sender(services: Services, entry: Entry, decision: str) -> None:
    """The sender hears what became of their mail (approve, reject, timeout-…)."""
    if not entry.sender or "@" not in entry.sender:
        return
    ja, en, outcome_ja, outcome_en = _DECISIONS[decision]
    notifier = services.notifier
    notice = notifier.notice(
        "notice_sender_decided.txt",
        entry.sender,
        None,
        item=entry.locator,
        quarantine_id=entry.id,
        decision_ja=ja,
        decision_en=en,
        outcome_ja=outcome_ja,
        outcome_en=outcome_en,
    )
    notifier.notify([notice])


@dataclass(frozen=True)
class Swept:
    entry_id: str
    outcome: str  # rejected | released | failed: <why>


def sweep(services: Services, *, now: float | None = None) -> list[Swept]:
    """Send delayed mail whose time has come, and settle every mail that waited for approval
    longer than ``approval_timeout``."""
    settings = ApprovalSettings.of(services.config)
    store = services.quarantine
    now = time.time() if now is None else now
    done: list[Swept] = []
    for entry in store.list(channel="mail", state="held"):
        if entry.state != "held" or entry.action == "approval":  # a tampered row is listed, never acted on
            continue
        try:
            until = delay_until(store.get(entry.id, private=True))
        except Exception as exc:  # its sealed fields do not open: left for `dlp quarantine check`
            done.append(Swept(entry.id, f"failed: {type(exc).__name__}"))
            continue
        if until is None or until > now:
            continue
        try:
            store.release(entry.id, actor=SWEEP_ACTOR, relay=services.relay())
        except QuarantineError as exc:  # cancelled (or released by an officer) meanwhile
            done.append(Swept(entry.id, f"skipped: {exc}"))
            continue
        except Exception as exc:  # stays held; the next sweep tries again
            log.exception("release of delayed mail %s failed", entry.id)
            done.append(Swept(entry.id, f"failed: {type(exc).__name__}"))
            continue
        services.audit.write("delay.released", actor=SWEEP_ACTOR, entry_id=entry.id)
        done.append(Swept(entry.id, "released"))
    for entry in store.list(channel="mail", state="held", until=now - settings.timeout):
        if not awaiting(entry):
            continue
        try:
            if settings.timeout_action == "release":
                settled = store.release(entry.id, actor=SWEEP_ACTOR, relay=services.relay())
                outcome = "released"
            else:
                settled = reject(store, entry.id, actor=SWEEP_ACTOR, note="approval timed out: rejected")
                outcome = "rejected"
        except QuarantineError as exc:  # decided meanwhile by an approver: theirs stands
            done.append(Swept(entry.id, f"skipped: {exc}"))
            continue
        except Exception as exc:  # a release that failed stays held; the next sweep tries again
            log.exception("approval timeout of %s failed", entry.id)
            done.append(Swept(entry.id, f"failed: {type(exc).__name__}"))
            continue
        services.audit.write("approval.timeout", actor=SWEEP_ACTOR, entry_id=entry.id, outcome=outcome)
        tell_sender(services, settled, f"timeout-{settings.timeout_action}")
        done.append(Swept(entry.id, outcome))
    return done
