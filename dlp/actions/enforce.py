"""One enforcement seam: hold a file or a mail, write the audit line, queue the notices.

Every entry point (`dlp scan --quarantine`, `dlp quarantine add`, the watcher, the gateway, and
whatever comes next) enforces a verdict through an ``Enforcement`` for its channel, so a hold is
stored, audited and told about the same way whoever made it: the verdict carries its hold id,
the audit line and the SIEM webhook get the same fields, and notices go to the same people.

What differs between channels is data in ``CHANNELS`` (who is told from which verdict up,
whether the SIEM hears of it). What belongs to one entry point stays there: the gateway's SMTP
replies and deadline, the watcher's state, re-checks and markers, the terminal output of the
CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dlp.actions.entries import Entry, Envelope
from dlp.model import Action, Verdict

if TYPE_CHECKING:
    from dlp.services import Services


@dataclass(frozen=True)
class ChannelRules:
    """How one channel's verdicts are told about."""

    notify: bool = True  # owners/senders and the officer get notices
    officer_from: Action = Action.QUARANTINE  # the officer is told from this verdict up
    webhook: bool = True  # verdicts go to the SIEM sink (when one is configured)


CHANNELS: dict[str, ChannelRules] = {
    # a person ran the command and reads its output; the audit trail has the rest
    "scan": ChannelRules(notify=False, webhook=False),
    # nobody watches a shared folder: the officer hears of warnings too
    "watch": ChannelRules(officer_from=Action.WARN),
    "mail": ChannelRules(),
}
# An officer's own hold (`dlp quarantine add`): on the record, nobody else told about it.
BY_HAND = ChannelRules(notify=False, webhook=False)


class Enforcement:
    """The hold + audit + notice family for one channel and one actor."""

    def __init__(self, services: Services, channel: str, *, actor: str, rules: ChannelRules | None = None) -> None:
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r} (known: {', '.join(CHANNELS)})")
        self.services = services
        self.channel = channel
        self.actor = actor
        self.rules = rules or CHANNELS[channel]

    # --- hold ------------------------------------------------------------------------------------

    def hold_file(self, path: Path, verdict: Verdict) -> Entry:
        """Store the file durably (encrypted); the caller removes the original only after this
        returns, so a crash never loses it. The verdict carries the hold id from now on."""
        entry = self.services.quarantine.put_file(path, verdict, channel=self.channel, actor=self.actor)
        verdict.quarantine_id = entry.id
        return entry

    def hold_mail(
        self,
        data: bytes,
        verdict: Verdict,
        envelope: Envelope,
        *,
        locator: str,
        entry_id: str | None = None,
        delay_until: float | None = None,
    ) -> Entry:
        """Store a mail with its envelope, so a release sends it to the same recipients.
        ``delay_until``: 送信一時保留, released by the sweep then unless the sender cancels."""
        hold = {"delay_until": delay_until} if delay_until is not None else None
        entry = self.services.quarantine.put_mail(
            data, verdict, envelope, locator=locator, actor=self.actor, entry_id=entry_id, hold=hold
        )
        verdict.quarantine_id = entry.id
        return entry

    # --- record ----------------------------------------------------------------------------------

    def record(
        self,
        verdict: Verdict,
        *,
        item: str,
        enforced: str | None,
        quarantine_id: str | None = None,
        folder: str | None = None,
        sender: str | None = None,
        recipients: list[str] | None = None,
    ) -> None:
        """The audit line (masked, fingerprinted), then the SIEM webhook: queued in its outbox,
        so a SIEM that is down never delays a verdict."""
        self.services.audit.verdict(
            verdict,
            channel=self.channel,
            item=item,
            folder=folder,
            sender=sender,
            recipients=recipients,
            enforced=enforced,
            quarantine_id=quarantine_id,
        )
        webhook = self.services.webhook if self.rules.webhook else None
        if webhook is not None:
            webhook.verdict(
                verdict,
                channel=self.channel,
                item=item,
                enforced=enforced,
                quarantine_id=quarantine_id,
                sender=sender,
                recipients=recipients,
            )

    # --- notify ----------------------------------------------------------------------------------

    def notify(
        self,
        verdict: Verdict,
        *,
        item: str,
        sender: str | None,
        recipients: list[str] | None = None,
        quarantine_id: str | None = None,
        sender_name: str | None = None,
    ) -> None:
        """Queue the notices the verdict calls for (sent from the notifier's durable outbox)."""
        if not self.rules.notify:
            return
        notifier = self.services.notifier
        notices = notifier.notices_for(
            verdict,
            channel=self.channel,
            item=item,
            sender=sender,
            recipients=recipients,
            quarantine_id=quarantine_id,
            sender_name=sender_name,
            officer_from=self.rules.officer_from,
        )
        notifier.notify(notices)
        if verdict.action is Action.APPROVAL and quarantine_id and self.channel == "mail":
            # 上長承認: the department's approvers get a decision link (dlp/console/approval.py)
            from dlp.console.approval import request_approval

            request_approval(
                self.services,
                verdict,
                entry_id=quarantine_id,
                sender=sender,
                recipients=list(recipients or []),
                item=item,
            )
