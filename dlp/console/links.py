"""上長承認 by link: signed, single-use, expiring links an approver opens without an account.

The token is an itsdangerous ``URLSafeTimedSerializer`` dump of ids only (entry, approver, a
random ``jti``), salted for this one purpose, so it cannot be forged, altered or used after
``max_age``. Single use: the ``jti`` is inserted into ``used_links`` before the decision is
carried out; a second POST of the same link meets the primary key and is refused. A GET only
shows a confirmation page (mail scanners prefetch links); only a POST decides."""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from dlp.console.departments import department_of
from dlp.fsutil import private_file

if TYPE_CHECKING:
    from dlp.actions.quarantine import QuarantineStore
    from dlp.console.auth import Accounts

SALT = "dlp.approve.v1"
CANCEL_SALT = "dlp.cancel.v1"  # a sender's 送信一時保留 cancel link: never valid as an approval
DEFAULT_MAX_AGE = 72 * 3600


class LinkError(Exception):
    """A link that cannot be used; ``reason`` is expired, bad or used."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Approval:
    entry_id: str
    approver: str
    jti: str


class ApprovalLinks:
    def __init__(self, key: str, path: Path, *, max_age: int = DEFAULT_MAX_AGE, salt: str = SALT) -> None:
        self.serializer = URLSafeTimedSerializer(key, salt=salt)
        self.path = private_file(path)
        self.max_age = max_age
        with self._db() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS used_links (jti TEXT PRIMARY KEY, entry_id TEXT NOT NULL, used_at REAL)"
            )

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    def issue(self, entry_id: str, approver: str) -> str:
        return self.serializer.dumps({"e": entry_id, "a": approver, "jti": secrets.token_urlsafe(16)})

    def read(self, token: str) -> Approval:
        """The approval a token names, if it is genuine, unexpired and unused (it stays unused)."""
        try:
            data = self.serializer.loads(token, max_age=self.max_age)
        except SignatureExpired:
            raise LinkError("expired") from None
        except BadSignature:
            raise LinkError("bad") from None
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("e", "a", "jti")):
            raise LinkError("bad")
        approval = Approval(data["e"], data["a"], data["jti"])
        with self._db() as db:
            if db.execute("SELECT 1 FROM used_links WHERE jti = ?", (approval.jti,)).fetchone():
                raise LinkError("used")
        return approval

    def redeem(self, token: str) -> Approval:
        """Mark the link used (exactly one caller wins) and return what it approves."""
        approval = self.read(token)
        try:
            with self._db() as db:
                db.execute(
                    "INSERT INTO used_links (jti, entry_id, used_at) VALUES (?, ?, ?)",
                    (approval.jti, approval.entry_id, time.time()),
                )
        except sqlite3.IntegrityError:
            raise LinkError("used") from None
        return approval


def link_for(
    links: ApprovalLinks,
    store: QuarantineStore,
    accounts: Accounts,
    departments: Mapping[str, list[str]],
    entry_id: str,
    approver: str,
) -> str:
    """A link token for ``approver`` to decide on a held mail: only an approver account of the
    sender's department, never the sender (by address or local part)."""
    entry = store.get(entry_id)
    if entry.state != "held":
        raise LinkError(f"{entry_id} is {entry.state}, not held")
    user = accounts.user(approver)
    if user is None or user.role != "approver":
        raise LinkError(f"{approver!r} is not an approver account (dlp console user add --role approver)")
    department = department_of(entry.sender, departments)
    if department is None or user.department != department:
        raise LinkError(f"{approver!r} is not an approver of the sender's department ({department or 'unmapped'})")
    sender = (entry.sender or "").lower()
    if approver.lower() in (sender, sender.partition("@")[0]):
        raise LinkError("the sender cannot approve their own mail")
    return links.issue(entry_id, approver)
