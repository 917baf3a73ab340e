"""Releasing a held mail: per recipient, each attempt on record before a byte goes out.

A release that loses the connection after the message went out cannot know whether the next
hop delivered it. Reporting that as "still held" and letting the next release send it again is
how a mail reached its recipient three times. So:

* every attempt is written (and fsynced: the index runs ``synchronous=FULL``) *before* the
  relay connects; an attempt with no recorded result (the process died) counts as unknown;
* the outcome is recorded per recipient: delivered, refused for good (5xx), refused for now
  (4xx or no connection: the next release tries those again), or unknown;
* while any recipient's outcome is unknown, a release is refused unless the officer forces it
  (``dlp quarantine release ID --force``), and the audit trail says it was forced;
* a release sends only to recipients not yet delivered or refused for good, so each recipient
  gets the mail at most once (unless forced).

The attempts live in their own table of the quarantine index; recipients and replies are sealed
with the master key like the entry's other private fields.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dlp.actions.crypto import seal, unseal
from dlp.actions.entries import Entry, Envelope, QuarantineError
from dlp.actions.smtp import UNKNOWN, Delivery, Reply
from dlp.actions.store import Store

if TYPE_CHECKING:
    from collections.abc import Callable

    MailRelay = Callable[[Envelope, bytes], Delivery]

SCHEMA = """
CREATE TABLE IF NOT EXISTS release_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id TEXT NOT NULL,
    started REAL NOT NULL,
    actor TEXT NOT NULL,
    forced INTEGER NOT NULL DEFAULT 0,
    sealed BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS release_attempts_entry ON release_attempts (entry_id, id);
"""

# per-recipient states, from the attempts
PENDING, DELIVERED, REFUSED, UNKNOWN_STATE = "pending", "delivered", "refused", "unknown"


class ReleaseRefused(QuarantineError):
    """An earlier attempt's outcome is unknown: releasing again could deliver a second copy."""

    def __init__(self, entry_id: str, unknown: int) -> None:
        super().__init__(
            f"{entry_id}: an earlier release lost the connection after sending; the mail may already have "
            f"reached {unknown} recipient(s). Ask them, then `dlp quarantine release {entry_id} --force` to send "
            "it again (前回の解除で送信結果が不明です。受信者に確認のうえ --force で再送してください)"
        )
        self.note = "release_unknown: an earlier release may have been delivered; release again only with --force"


class ReleaseIncomplete(QuarantineError):
    """Some recipients did not get the mail (yet); the entry stays held for them."""

    def __init__(self, entry_id: str, result: ReleaseResult) -> None:
        super().__init__(f"{entry_id}: {result.summary()}; it is still held for the rest")
        self.result = result
        self.note = ("release_unknown: " if result.count(UNKNOWN_STATE) else "release incomplete: ") + result.summary()


@dataclass(frozen=True)
class Attempt:
    id: int
    started: float
    actor: str
    forced: bool
    recipients: list[str]
    replies: dict[str, Reply] | None  # None: never finished (the process died mid-release)
    finished: float | None


@dataclass(frozen=True)
class ReleaseResult:
    status: dict[str, str]  # recipient -> pending | delivered | refused | unknown
    replies: dict[str, Reply]  # this attempt's replies
    forced: bool

    @property
    def complete(self) -> bool:
        """Nothing left to try: every recipient delivered or refused for good."""
        return all(s in (DELIVERED, REFUSED) for s in self.status.values())

    def count(self, state: str) -> int:
        return sum(1 for s in self.status.values() if s == state)

    def summary(self) -> str:
        parts = [f"{self.count(DELIVERED)} delivered"]
        refused = sorted({str(r.code) for r in self.replies.values() if not r.delivered and not r.unknown})
        for state, label in ((REFUSED, "refused"), (PENDING, "refused for now"), (UNKNOWN_STATE, "outcome unknown")):
            if self.count(state):
                parts.append(f"{self.count(state)} {label}")
        return ", ".join(parts) + (f" (codes {', '.join(refused)})" if refused else "")


def _ensure(store: Store) -> None:
    with store.connection() as db:
        db.executescript(SCHEMA)


def _label(entry_id: str) -> str:
    return f"{entry_id}/release-attempt"


def attempts(store: Store, entry_id: str) -> list[Attempt]:
    """Every release attempt of an entry, oldest first."""
    _ensure(store)
    with store.connection() as db:
        rows = db.execute(
            "SELECT id, started, actor, forced, sealed FROM release_attempts WHERE entry_id = ? ORDER BY id",
            (entry_id,),
        ).fetchall()
    out = []
    for row in rows:
        data: dict[str, Any] = json.loads(unseal(store.master_key, row["sealed"], _label(entry_id)))
        replies = data.get("replies")
        out.append(
            Attempt(
                id=row["id"],
                started=row["started"],
                actor=row["actor"],
                forced=bool(row["forced"]),
                recipients=list(data["recipients"]),
                replies={r: Reply(int(c), str(t)) for r, (c, t) in replies.items()} if replies is not None else None,
                finished=data.get("finished"),
            )
        )
    return out


def unknown_entries(store: Store) -> set[str]:
    """Entries with a recipient whose release outcome is unknown (for `quarantine list`)."""
    _ensure(store)
    with store.connection() as db:
        ids = [r[0] for r in db.execute("SELECT DISTINCT entry_id FROM release_attempts")]
    found = set()
    for entry_id in ids:
        tried = sorted({r for a in attempts(store, entry_id) for r in a.recipients})
        if UNKNOWN_STATE in status(store, entry_id, tried).values():
            found.add(entry_id)
    return found


def status(store: Store, entry_id: str, recipients: list[str]) -> dict[str, str]:
    """Each recipient's state after all attempts (a later attempt overrides an earlier one)."""
    state = dict.fromkeys(recipients, PENDING)
    for attempt in attempts(store, entry_id):
        for r in attempt.recipients:
            reply = attempt.replies.get(r) if attempt.replies is not None else None
            if reply is None or reply.unknown:
                state[r] = UNKNOWN_STATE
            elif reply.delivered:
                state[r] = DELIVERED
            elif reply.permanent:
                state[r] = REFUSED
            elif state.get(r) != DELIVERED:
                state[r] = PENDING
    return state


def _begin(store: Store, entry_id: str, actor: str, recipients: list[str], forced: bool) -> int:
    sealed = seal(store.master_key, json.dumps({"recipients": recipients}).encode(), _label(entry_id))
    with store.connection() as db:
        cursor = db.execute(
            "INSERT INTO release_attempts (entry_id, started, actor, forced, sealed) VALUES (?, ?, ?, ?, ?)",
            (entry_id, time.time(), actor, int(forced), sealed),
        )
    return int(cursor.lastrowid or 0)


def _finish(store: Store, entry_id: str, attempt_id: int, recipients: list[str], delivery: Delivery) -> None:
    replies = {r: [reply.code, reply.text[:200]] for r, reply in delivery.replies.items()}
    for r in recipients:  # a recipient the relay did not report on: we cannot know
        replies.setdefault(r, [UNKNOWN, "no reply recorded"])
    data = {"recipients": recipients, "replies": replies, "finished": time.time()}
    sealed = seal(store.master_key, json.dumps(data).encode(), _label(entry_id))
    with store.connection() as db:
        db.execute("UPDATE release_attempts SET sealed = ? WHERE id = ?", (sealed, attempt_id))


def release_mail(
    store: Store, entry: Entry, relay: MailRelay, *, actor: str, force: bool, header: bytes
) -> ReleaseResult:
    """Send a held mail (already claimed: state ``releasing``) to the recipients that still need
    it. Raises ReleaseRefused before sending anything while an earlier outcome is unknown."""
    rcpts = list(dict.fromkeys(entry.private["rcpt_tos"]))
    before = status(store, entry.id, rcpts)
    unknown = [r for r in rcpts if before[r] == UNKNOWN_STATE]
    if unknown and not force:
        raise ReleaseRefused(entry.id, len(unknown))
    targets = [r for r in rcpts if before[r] == PENDING or (force and before[r] == UNKNOWN_STATE)]
    data = store.content(entry.id)  # decrypted (and authenticated) before anything is on record
    envelope = Envelope(entry.private["mail_from"], tuple(targets), tuple(entry.private["mail_options"]))
    attempt_id = _begin(store, entry.id, actor, targets, force)
    store.record(
        "quarantine.release_attempt",
        entry,
        actor,
        attempt=attempt_id,
        forced=force,
        recipients=len(targets),
        unknown_before=len(unknown),
    )
    delivery = relay(envelope, header + data) if targets else Delivery()
    _finish(store, entry.id, attempt_id, targets, delivery)
    after = status(store, entry.id, rcpts)
    result = ReleaseResult(after, delivery.replies, force)
    store.record(
        "quarantine.release_result",
        entry,
        actor,
        attempt=attempt_id,
        forced=force,
        delivered=result.count(DELIVERED),
        refused=result.count(REFUSED),
        pending=result.count(PENDING),
        unknown=result.count(UNKNOWN_STATE),
        codes=sorted({r.code for r in delivery.replies.values()}),
    )
    return result


def release_lines(store: Store, entry_id: str) -> list[str]:
    """The attempts as `dlp quarantine show` prints them (addresses masked)."""
    from dlp.actions.entries import iso
    from dlp.logs import scrub

    lines = []
    for attempt in attempts(store, entry_id):
        forced = ", forced" if attempt.forced else ""
        lines.append(f"release attempt {attempt.id}: {iso(attempt.started)} by {attempt.actor}{forced}")
        for r in attempt.recipients:
            reply = attempt.replies.get(r) if attempt.replies is not None else None
            said = scrub(str(reply)) if reply is not None else "outcome unknown: the release never finished"
            lines.append(f"    {mask_address(r)}: {said[:120]}")
    return lines


def mask_address(address: str) -> str:
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
