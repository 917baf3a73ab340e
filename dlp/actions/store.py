"""The quarantine store as its helpers see it: the file layout, the index connection and the
row-level operations that repair.py (crash recovery) and mailrelease.py (release attempts) work
through.

They used to type against ``QuarantineStore`` itself, which imports them in turn; this interface
lets the store import its helpers one way and lets a helper be tested or reused with any store
that keeps the same layout (``tmp/``, ``objects/<id>.bin``, ``writers/``, ``index.sqlite3``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from dlp.actions.entries import Entry


class Store(Protocol):
    """What a store helper may use; everything else in the store is its own business."""

    tmp: Path  # writes in progress
    objects: Path  # <id>.bin, the encrypted contents
    writers: Path  # one flock'ed file per writing process (see intents.py)
    master_key: bytes  # seals the private fields and the release attempts
    mac_key: bytes  # signs index rows (see rows.py)

    def connection(self) -> AbstractContextManager[sqlite3.Connection]:
        """This thread's autocommit connection to ``index.sqlite3``."""
        ...

    def object_path(self, entry_id: str) -> Path: ...

    def get(self, entry_id: str, *, private: bool = False) -> Entry: ...

    def content(self, entry_id: str) -> bytes:
        """The decrypted, authenticated content of an entry."""
        ...

    def set_state(
        self,
        entry_id: str,
        state: str,
        actor: str,
        *,
        note: str | None = None,
        when: Callable[[sqlite3.Row], bool] | None = None,
        **fields: Any,
    ) -> bool:
        """Move an entry to ``state`` (with its row's MAC renewed); False when ``when`` refused."""
        ...

    def record(self, event: str, entry: Entry, actor: str, **fields: Any) -> None:
        """Write an audit line about an entry (nothing without an audit log)."""
        ...


__all__ = ["Store"]
