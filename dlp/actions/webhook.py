"""Verdicts to a SIEM: one signed JSON POST per verdict at or above ``[webhook] level``.

The body carries what the audit line carries — channel, action, clause and reason, counts,
masked findings and keyed fingerprints, the masked item name, the hold id — never a raw value.
It is signed with HMAC-SHA256 under the shared secret: ``X-DLP-Signature: sha256=<hex>`` over
the exact body bytes, so the receiver checks it before parsing. ``X-DLP-Delivery`` is the
verdict's own id: a delivery retried after a lost answer carries the same id, and the receiver
keeps the first.

Posting never delays a verdict: ``verdict`` only records the body in a durable outbox (the
notices' mechanism, outbox.py) and wakes the sender thread. 2xx is delivered; a 4xx other than
408/429 is the receiver refusing this body (parked, kept with the reason); anything else — no
connection, a timeout, 5xx — is retried with back-off, across restarts of the daemon.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import socket
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlp.actions.entries import stored_finding
from dlp.actions.outbox import Outbox
from dlp.logs import scrub
from dlp.model import Action, Verdict

log = logging.getLogger("dlp.webhook")
SIGNATURE_HEADER = "X-DLP-Signature"
DELIVERY_HEADER = "X-DLP-Delivery"
FINDINGS = 50  # masked findings per body; the counts cover the rest


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    secret: bytes
    level: Action = Action.QUARANTINE
    timeout: float = 10.0


def sign(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(secret: bytes, body: bytes, header: str) -> bool:
    """What a receiver does first (and what the tests do): constant-time comparison."""
    return hmac.compare_digest(sign(secret, body), header or "")


def body_of(verdict: Verdict, **context: Any) -> dict[str, Any]:
    """The JSON object for one verdict: masked and fingerprinted only (as the quarantine index
    stores findings: never ``value``, whatever the scan kept)."""
    return {
        "id": str(uuid.uuid4()),
        "ts": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="milliseconds"),
        "host": socket.gethostname(),
        "event": "verdict",
        **{k: v for k, v in context.items() if v is not None},
        "item": verdict.redact(str(context.get("item") or verdict.locator)),
        "action": verdict.action.label,
        "clause": verdict.clause,
        "reason": {"ja": verdict.reason_ja, "en": verdict.reason_en},
        "records": verdict.records,
        "counts": {
            t: c.by_confidence.get("medium", 0) for t, c in verdict.counts.items() if c.by_confidence.get("medium")
        },
        "findings": [stored_finding(f, verdict) for f in verdict.findings if f.confidence >= 2][:FINDINGS],
        "unscannable": sorted({u.reason.value for u in verdict.unscannable}),
        "complete": verdict.complete,
    }


class Webhook:
    def __init__(self, settings: WebhookSettings, state: Path) -> None:
        self.settings = settings
        self.outbox = Outbox(state)

    def verdict(
        self,
        verdict: Verdict,
        *,
        channel: str,
        item: str | None = None,
        enforced: str | None = None,
        quarantine_id: str | None = None,
        sender: str | None = None,
        recipients: list[str] | None = None,
    ) -> bool:
        """Queue the verdict if it is at or above the level; True if queued."""
        if verdict.action < self.settings.level:
            return False
        domains = sorted({r.rpartition("@")[2].lower() for r in recipients}) if recipients else None
        body = body_of(
            verdict,
            channel=channel,
            item=item,
            enforced=enforced,
            quarantine_id=quarantine_id,
            sender=sender,
            recipient_domains=domains,
        )
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.outbox.add(self.settings.url, data)
        return True

    def deliver(self, now: float | None = None) -> int:
        """POST what is due; returns how many the receiver took. Stops at the first failure of
        the receiver as a whole (no connection, 5xx): the rest wait for the next round."""
        delivered = 0
        for row in self.outbox.due(now):
            try:
                status = self._post(row.recipient, row.message)
            except (OSError, http.client.HTTPException) as exc:
                reason = scrub(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}")
                self._failed(row, reason, now)
                break
            if 200 <= status < 300:
                self.outbox.sent(row.id)
                delivered += 1
            elif 400 <= status < 500 and status not in (408, 429):
                log.error("webhook refused a verdict (HTTP %d); parked", status)
                self.outbox.park(row.id, row.attempts + 1, f"HTTP {status}")
            else:
                self._failed(row, f"HTTP {status}", now)
                break
        return delivered

    def _failed(self, row: Any, reason: str, now: float | None) -> None:
        parked = self.outbox.failed(row, reason, now=now)
        log.warning("webhook delivery failed (%s); %s", reason, "parked" if parked else "retried later")

    def _post(self, url: str, body: bytes) -> int:
        delivery = json.loads(body).get("id", "")
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                SIGNATURE_HEADER: sign(self.settings.secret, body),
                DELIVERY_HEADER: str(delivery),
                "User-Agent": "dlp-webhook",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    def pending(self) -> int:
        return self.outbox.pending()

    def start(self, interval: float = 30.0) -> None:
        self.outbox.run_in_background(self.deliver, "dlp-webhook", interval)

    def stop(self) -> None:
        self.outbox.stop()
