"""What the inventory could not read, file by file, for the report's "unscannable" list.

The roll-up only counts them per folder; an officer needs to know which files to look at and
why (encrypted, too large, a folder without permission), since a file that could not be read
may hold the largest customer list of the share. Paths stay sealed in the database and are
unsealed here, for the page; the caller masks them before they are shown.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from dlp.inventory.store import Inventory


@dataclass(frozen=True)
class UnscannableEntry:
    folder: str
    name: str
    error: str  # an unscannable reason (encrypted, timeout, …) or an OS error text for the walk
    detail: str  # masked by the pipeline when it was recorded
    listing: bool  # the walk could not list or stat it (a folder without permission, …)


def unscannable(inv: Inventory, limit: int = 500) -> list[UnscannableEntry]:
    """Files the scan could not read completely, then entries the walk could not read; by folder."""
    out: list[UnscannableEntry] = []
    for sealed, error, reason in inv.rows(
        "SELECT sealed, error, reason FROM files WHERE error IS NOT NULL LIMIT ?", (limit,)
    ):
        path = inv.unseal_path(sealed)
        out.append(UnscannableEntry(os.path.dirname(path), os.path.basename(path), str(error), str(reason), False))
    for sealed, error in inv.rows("SELECT sealed, error FROM unreadable LIMIT ?", (limit,)):
        path = inv.unseal_path(sealed)
        out.append(UnscannableEntry(os.path.dirname(path), os.path.basename(path), str(error), "", True))
    return sorted(out, key=lambda e: (e.folder, e.name))[:limit]
