"""Notices to the sender (warn, quarantine, block) and to the officer (quarantine, block).

Texts come from templates a company can edit (``[notify] templates`` in dlp.toml; defaults in
dlp/templates), Japanese first and English below: what was found (types and counts, masked
samples), where, what happened, the quarantine id and whom to ask. Notices go through a durable
outbox (SQLite; outbox.py, the mechanism the SIEM webhook shares): ``notify`` only records them,
so a slow or dead mail server never delays a verdict; ``deliver`` sends what is due, retrying
with back-off, and a background thread of the daemons calls it. Each recipient gets at most
``rate_limit`` notices an hour; the rest are counted in the log, not sent.

A notice that cannot be sent never holds up the others: each row is tried on its own, a
temporary refusal is retried after ``RETRY_DELAYS``, and a permanent one (550, a non-ASCII
address the server cannot take, a row that fails in any other way) is *parked*: kept in the
outbox with its reason, written to the audit trail, listed by ``parked()`` for the officer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
import string
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.policy import SMTPUTF8 as SMTPUTF8_POLICY
from email.utils import formatdate, make_msgid
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from dlp.actions.noticetag import tag_message
from dlp.actions.outbox import RETRY_DELAYS as RETRY_DELAYS  # the delays, for callers and tests
from dlp.actions.outbox import Outbox, ParkedRow, Row
from dlp.actions.smtp import SmtpRefused, SmtpServer, send
from dlp.logs import scrub
from dlp.model import Action, Verdict
from dlp.policy import type_name_ja

log = logging.getLogger("dlp.notify")
_ACTIONS_JA = {
    Action.WARN: "警告",
    Action.APPROVAL: "上長承認待ち",
    Action.QUARANTINE: "保留",
    Action.BLOCK: "送信停止",
    Action.ALLOW: "許可",
}
_FILE_ACTIONS_JA = {
    **_ACTIONS_JA,
    Action.APPROVAL: "隔離",  # files have no approver: held for the officer
    Action.QUARANTINE: "隔離",
    Action.BLOCK: "隔離（持ち出し不可）",
}
# A file saved in a watched folder (or held by `dlp scan --quarantine`) was not sent to anyone:
# its owner and the officer get notices that speak of a file kept or moved, not of a mail
# stopped (notice_owner_*.txt, notice_officer_file.txt; mail: notice_sender_*.txt, notice_officer.txt).
FILE_CHANNELS = frozenset({"watch", "scan"})

_CHANNELS = {
    "mail": ("メール送信", "outbound mail"),
    "watch": ("フォルダ監視", "watched folder"),
    "scan": ("スキャン", "scan"),
}

SENT_SCHEMA = """
CREATE TABLE IF NOT EXISTS sent (recipient TEXT NOT NULL, ts REAL NOT NULL);
CREATE INDEX IF NOT EXISTS sent_recipient ON sent (recipient, ts);
"""


@dataclass(frozen=True)
class NotifySettings:
    server: SmtpServer
    sender: str = "dlp@localhost"
    officer: str = ""
    contact: str = "個人情報管理責任者 / the personal-data officer"
    templates: Path | None = None
    rate_limit: int = 20
    enabled: bool = True
    tag_key: bytes | None = None  # signs notices (noticetag): the gateway lets them pass
    # ``[mail] internal_domains``: notices go only to addresses in them, and none at all while it is
    # empty (a notice carries masked values and the officer's contact: never for the outside)
    internal_domains: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Notice:
    recipient: str
    subject: str
    body: str


Parked = ParkedRow  # a notice given up on, kept for the officer with the reason


class Audit(Protocol):
    def write(self, event: str, **fields: Any) -> None: ...


class Notifier:
    def __init__(self, settings: NotifySettings, state: Path, *, audit: Audit | None = None) -> None:
        self.settings = settings
        self.state = state
        self.audit = audit
        self.outbox = Outbox(state)  # the queue, its retries and parking (outbox.py)
        self._warned_no_domains = False
        with self._db() as db:
            db.executescript(SENT_SCHEMA)

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.state, timeout=30, isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    # --- composing -----------------------------------------------------------------------------------

    def notices_for(
        self,
        verdict: Verdict,
        *,
        channel: str,
        item: str,
        sender: str | None,
        recipients: list[str] | None = None,
        quarantine_id: str | None = None,
        sender_name: str | None = None,
        officer_from: Action = Action.QUARANTINE,
    ) -> list[Notice]:
        """The notices a verdict calls for: the sender (or a folder's owner) for warn and worse,
        the officer from ``officer_from`` up. ``sender_name`` (a From display name) is the
        greeting when known."""
        if verdict.action is Action.ALLOW or not self.settings.enabled:
            return []
        values = self._values(verdict, channel, item, sender, recipients, quarantine_id)
        files = channel in FILE_CHANNELS
        notices = []
        if sender:
            template = f"notice_{'owner' if files else 'sender'}_{verdict.action.label}.txt"
            notices.append(self._render(template, sender, {**values, "recipient_name": sender_name or "ご担当者"}))
        if self.settings.officer and verdict.action >= officer_from:
            template = "notice_officer_file.txt" if files else "notice_officer.txt"
            notices.append(self._render(template, self.settings.officer, values))
        return notices

    def notice(
        self,
        template: str,
        recipient: str,
        verdict: Verdict | None,
        *,
        channel: str = "mail",
        item: str = "",
        sender: str | None = None,
        recipients: list[str] | None = None,
        quarantine_id: str | None = None,
        **extra: str,
    ) -> Notice:
        """One notice from ``template`` with the usual values (those of ``verdict`` when given)
        plus ``extra``: the 上長承認 request and decision notices (dlp/console/approval.py)."""
        values: dict[str, str] = {"quarantine_id": quarantine_id or "-", "item": item, "contact": self.settings.contact}
        if verdict is not None:
            values = self._values(verdict, channel, item, sender, recipients, quarantine_id)
        return self._render(template, recipient, {**values, **extra})

    def marker(self, verdict: Verdict, *, item: str, quarantine_id: str) -> str:
        """The text left in a held file's place (``<name>.dlp.txt``), from ``marker.txt``."""
        values = self._values(verdict, "watch", item, None, None, quarantine_id)
        if verdict.action is Action.BLOCK:
            values["release_ja"] = "このファイルは個人情報管理責任者だけが復元できます。"
            values["release_en"] = "Only the personal-data officer can restore this file."
        else:
            values["release_ja"] = "確認のうえ問題がなければ復元されます。必要な場合は管理IDを添えてご連絡ください。"
            values["release_en"] = "It will be restored if it is in order; quote the ID if you need it back."
        return self._template("marker.txt").safe_substitute(values)

    def _values(
        self,
        verdict: Verdict,
        channel: str,
        item: str,
        sender: str | None,
        recipients: list[str] | None,
        quarantine_id: str | None,
    ) -> dict[str, str]:
        counts = sorted(
            ((t, c.by_confidence.get("medium", 0)) for t, c in verdict.counts.items() if c.by_confidence.get("medium")),
            key=lambda tc: (-tc[1], tc[0]),
        )
        samples: dict[str, str] = {}  # one per type, the most severe types first
        for f in sorted(verdict.findings, key=lambda f: (-f.severity, -f.confidence)):
            if f.masked and f.confidence >= 2 and f.type not in samples:
                samples[f.type] = f.masked
            if len(samples) == 3:
                break
        what_ja = [f"{type_name_ja(t)} {n}件" for t, n in counts]
        short_ja = "、".join(what_ja[:3]) + (f" ほか{len(what_ja) - 3}種" if len(what_ja) > 3 else "")
        channel_ja, channel_en = _CHANNELS.get(channel, (channel, channel))
        redacted = verdict.redact(item)
        return {
            "item": redacted,
            "item_short": redacted.rsplit("/", 1)[-1][:60],
            "time": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
            "what_ja": "、".join(what_ja) or "検査できない内容",
            "what_short_ja": short_ja or "検査できない内容",
            "what_en": ", ".join(f"{t} x{n}" for t, n in counts) or "content that could not be inspected",
            "samples": " / ".join(samples.values()) or "-",
            "reason_ja": verdict.reason_ja,
            "reason_en": verdict.reason_en,
            "quarantine_id": quarantine_id or "-",
            "contact": self.settings.contact,
            "action_ja": (_FILE_ACTIONS_JA if channel in FILE_CHANNELS else _ACTIONS_JA)[verdict.action],
            "action_en": verdict.action.label,
            "channel_ja": channel_ja,
            "channel_en": channel_en,
            "sender": sender or "-",
            "recipient_domains": ", ".join(sorted({r.rpartition("@")[2] for r in recipients or []})) or "-",
            "records": str(verdict.records),
            "recipient_name": "",
            "next_ja": (
                f"確認: dlp quarantine show {quarantine_id}\n解除: dlp quarantine release {quarantine_id}\n"
                f"削除: dlp quarantine delete {quarantine_id}"
                if quarantine_id
                else "ファイルはそのまま残っています。内容と保存場所に問題がないか確認してください。"
                if channel in FILE_CHANNELS
                else "対象はそのまま残っています。内容と保存先・送信先に問題がないか確認してください。"
            ),
            "next_en": (
                f"Review with `dlp quarantine show {quarantine_id}`, then release or delete it."
                if quarantine_id
                else "The file was left where it is; check its content and where it is kept."
                if channel in FILE_CHANNELS
                else "The item was left as it is; check its content and where it went."
            ),
        }

    def _render(self, template: str, recipient: str, values: dict[str, str]) -> Notice:
        text = self._template(template).safe_substitute(values)
        first, _, body = text.partition("\n")
        subject = first.removeprefix("Subject:").strip() if first.startswith("Subject:") else "[DLP]"
        return Notice(recipient, subject, body.lstrip("\n"))

    def _template(self, name: str) -> string.Template:
        if self.settings.templates is not None and (self.settings.templates / name).is_file():
            return string.Template((self.settings.templates / name).read_text(encoding="utf-8"))
        return string.Template(resources.files("dlp").joinpath("templates", name).read_text(encoding="utf-8"))

    # --- sending -------------------------------------------------------------------------------------

    def notify(self, notices: list[Notice]) -> None:
        """Record notices in the outbox and wake the delivery thread; never blocks on SMTP.
        Only notices to internal addresses are recorded (``internal_only``)."""
        for notice in self.internal_only(notices):
            try:
                message, error = self._message(notice), None
            except Exception as exc:  # composing must not lose the others, nor raise into a verdict
                message, error = b"", f"could not compose: {type(exc).__name__}"
            row_id = self.outbox.add(notice.recipient, message)
            if error is not None:
                self._park(row_id, notice.recipient, 0, error)

    def internal_only(self, notices: list[Notice]) -> list[Notice]:
        """The notices whose recipient is in ``internal_domains``; none while it is empty. The one
        gate every notice passes: an outside sender of a mail (or a mistyped officer address) never
        gets masked values and the officer's contact."""
        from dlp.gateway.address import is_internal

        domains = self.settings.internal_domains
        if not domains:
            if notices and not self._warned_no_domains:
                self._warned_no_domains = True
                log.warning("no notices are sent: [mail] internal_domains is not set (notices go only to them)")
            return []
        kept = []
        for notice in notices:
            if is_internal(notice.recipient, domains):
                kept.append(notice)
            else:
                log.info("notice to %s not sent: not in [mail] internal_domains", mask_address(notice.recipient))
        return kept

    def _message(self, notice: Notice) -> bytes:
        # a non-ASCII address goes in the header as UTF-8 (RFC 6532), sent with SMTPUTF8
        utf8 = not (notice.recipient.isascii() and self.settings.sender.isascii())
        message = EmailMessage(policy=SMTPUTF8_POLICY if utf8 else SMTP_POLICY)
        message["From"] = self.settings.sender
        message["To"] = notice.recipient
        message["Subject"] = notice.subject
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, no loops
        message["Date"] = formatdate(localtime=True)  # else Postfix adds one, after the tag
        message["Message-ID"] = make_msgid(domain=self.settings.sender.rpartition("@")[2] or "localhost")
        message.set_content(notice.body, charset="utf-8")
        data = message.as_bytes()
        # X-DLP-Notice: a MAC over the whole notice; the gateway passes it unscanned only unchanged
        return tag_message(self.settings.tag_key, data) if self.settings.tag_key else data

    def deliver(self, now: float | None = None) -> int:
        """Send every notice that is due (at ``now``, default the present); returns how many were sent."""
        sent = 0
        lost = 0  # notices in a row the server could not be reached for (or dropped the connection on)
        for row in self.outbox.due(now):
            try:
                if lost >= 2:  # the server is away, not just choking on one notice: the rest wait
                    break
                if not self.internal_only([Notice(str(row.recipient), "", "")]):  # queued before a change
                    self.outbox.drop(row.id)
                    continue
                if self._over_limit(row.recipient):
                    log.warning(
                        "notice to %s suppressed: more than %d an hour",
                        mask_address(row.recipient),
                        self.settings.rate_limit,
                    )
                    self.outbox.drop(row.id)
                    continue
                if not isinstance(row.message, bytes) or not row.message:
                    raise TypeError("the stored notice is not a message")
                try:
                    send(self.settings.server, self.settings.sender, [row.recipient], row.message)
                except SmtpRefused as exc:
                    self._failed(row, exc)
                    lost = lost + 1 if exc.code == 0 or exc.session else 0
                    continue
                lost = 0
                self.outbox.sent(row.id)
                with self._db() as db:
                    db.execute("INSERT INTO sent (recipient, ts) VALUES (?, ?)", (row.recipient, time.time()))
                sent += 1
            except Exception as exc:  # a poison row: parked, the queue goes on
                log.exception("notice %d could not be handled; parked", row.id)
                self._park(row.id, str(row.recipient), row.attempts + 1, f"{type(exc).__name__}: {scrub(str(exc))}")
        return sent

    def _over_limit(self, recipient: str) -> bool:
        with self._db() as db:
            (count,) = db.execute(
                "SELECT COUNT(*) FROM sent WHERE recipient = ? AND ts > ?", (recipient, time.time() - 3600)
            ).fetchone()
        return count >= self.settings.rate_limit

    def _failed(self, row: Row, exc: SmtpRefused) -> None:
        reason = exc.scrubbed()
        # a permanent refusal of this notice parks it; one of the whole session (a wrong
        # password, a refused sender: our settings) is retried like an outage
        if not exc.temporary and not exc.session:
            self._park(row.id, row.recipient, row.attempts + 1, reason)
            return
        if self.outbox.failed(row, reason):
            self._parked(row.id, row.recipient, row.attempts + 1, reason)
            return
        delay = self.outbox.retry_delays[row.attempts]
        log.warning("notice to %s failed (%s); retry in %d s", mask_address(row.recipient), reason, delay)

    def _park(self, row_id: int, recipient: str, attempts: int, reason: str) -> None:
        """Give up on one notice, keeping it and the (already scrubbed) reason where the officer
        can see them."""
        self.outbox.park(row_id, attempts, reason)
        self._parked(row_id, recipient, attempts, reason)

    def _parked(self, row_id: int, recipient: str, attempts: int, reason: str) -> None:
        reason = reason[:200]
        log.error("notice to %s parked after %d attempt(s): %s", mask_address(recipient), attempts, reason)
        if self.audit is not None:
            try:
                self.audit.write(
                    "notify.parked",
                    actor="dlp",
                    notice=row_id,
                    recipient=mask_address(recipient),
                    attempts=attempts,
                    reason=reason,
                )
            except Exception:
                log.exception("could not audit a parked notice")

    def pending(self) -> int:
        """Notices still to be sent (parked ones not counted)."""
        return self.outbox.pending()

    def parked(self) -> list[Parked]:
        """Notices given up on, oldest first, each with its reason."""
        return self.outbox.parked()

    def retry(self, notice_id: int) -> bool:
        """Put a parked notice back in the queue (the officer fixed the address or the server)."""
        return self.outbox.retry(notice_id)

    # --- background delivery ------------------------------------------------------------------------

    def start(self, interval: float = 30.0) -> None:
        """Deliver in a background thread: at once when woken, else every ``interval`` seconds."""
        self.outbox.run_in_background(self.deliver, "dlp-notify", interval)

    def stop(self) -> None:
        self.outbox.stop()


def mask_address(address: str) -> str:
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
