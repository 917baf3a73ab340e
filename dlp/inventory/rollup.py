"""Reading the inventory back: per folder subtree, what is held there (for the table, CSV,
JSON and, later, the HTML page: everything is in dataclasses, nothing is rendered here).

Each file counts in its folder and in every folder above it up to the root it was walked
from, so a department's folder shows the total of its projects. Distinct people and values
are unions of keyed fingerprints: the same customer in ten exports of one folder is one person.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass, field

from dlp.inventory.store import Inventory

# Values whose leak is the most harmful (APPI 要配慮 / My Number Act, card data): weighted in risk.
SENSITIVE = frozenset(
    {
        "MY_NUMBER",
        "CREDIT_CARD",
        "BANK_ACCOUNT",
        "PASSPORT",
        "DRIVERS_LICENSE",
        "RESIDENCE_CARD",
        "HEALTH_INSURANCE",
        "BASIC_PENSION",
        "IDENTITY_DOCUMENT",
    }
)
SENSITIVE_WEIGHT = 10


@dataclass
class FolderRollup:
    folder: str
    depth: int
    files: int = 0
    flagged: int = 0  # files whose verdict is not allow
    unscannable: int = 0  # files with an unscannable part, and entries that could not be read
    records: int = 0
    people: int = 0  # distinct PERSON fingerprints
    values: dict[str, int] = field(default_factory=dict)  # type -> distinct values
    owners: list[str] = field(default_factory=list)
    oldest_mtime_ns: int | None = None
    newest_mtime_ns: int | None = None
    risk: int = 0
    files_change: int | None = None  # since the previous complete run; None: no previous run
    records_change: int | None = None


@dataclass
class RunSummary:
    id: int
    status: str
    started: float
    finished: float | None
    seen: int
    scanned: int
    carried: int
    unchanged: int
    removed: int
    unreadable: int
    engine: str


@dataclass
class InventoryReport:
    folders: list[FolderRollup]
    top: list[FolderRollup]
    runs: list[RunSummary]
    depth: int


def _risk(r: FolderRollup) -> int:
    sensitive = sum(n for t, n in r.values.items() if t in SENSITIVE)
    return r.records + r.people + SENSITIVE_WEIGHT * sensitive


def _groups(folder: str, roots: list[str], depth: int) -> list[tuple[str, int]]:
    """The folder and its ancestors (down from its root) as report rows, at most ``depth`` deep."""
    root = max((r for r in roots if folder == r or folder.startswith(r.rstrip(os.sep) + os.sep)), key=len, default=None)
    if root is None:
        return [(folder, 0)]
    parts = [p for p in os.path.relpath(folder, root).split(os.sep) if p and p != "."]
    return [(os.path.join(root, *parts[:d]) if d else root, d) for d in range(min(depth, len(parts)) + 1)]


def rollup(inv: Inventory, depth: int = 3, top: int = 10) -> InventoryReport:
    folders = {k: inv.unseal_path(s) for k, s in inv.rows("SELECT folder_key, sealed FROM folders")}
    roots = sorted({p for p in folders.values() if inv.key_of(p, "root") in _root_keys(inv)})
    groups_of: dict[str, list[tuple[str, int]]] = {k: _groups(p, roots, depth) for k, p in folders.items()}
    rows: dict[str, FolderRollup] = {}
    owners: dict[str, set[str]] = defaultdict(set)
    values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def targets(folder_key: object) -> list[FolderRollup]:
        out = []
        for name, d in groups_of.get(str(folder_key), []):
            if name not in rows:
                rows[name] = FolderRollup(name, d)
            out.append(rows[name])
        return out

    for folder_key, owner, action, records, error, mtime in inv.rows(
        "SELECT folder_key, owner, action, records, error, mtime_ns FROM files"
    ):
        for r in targets(folder_key):
            r.files += 1
            r.flagged += action != "allow"
            r.unscannable += error is not None
            r.records += int(records)
            owners[r.folder].add(str(owner))
            m = int(mtime)
            r.oldest_mtime_ns = m if r.oldest_mtime_ns is None else min(r.oldest_mtime_ns, m)
            r.newest_mtime_ns = m if r.newest_mtime_ns is None else max(r.newest_mtime_ns, m)
    for (folder_key,) in inv.rows("SELECT folder_key FROM unreadable"):
        for r in targets(folder_key):
            r.unscannable += 1
    for folder_key, data_type, fingerprint in inv.rows(
        "SELECT f.folder_key, v.type, v.fingerprint FROM file_values v JOIN files f USING (path_key)"
    ):
        for r in targets(folder_key):
            values[r.folder][str(data_type)].add(str(fingerprint))
    for r in rows.values():
        r.owners = sorted(owners[r.folder])
        r.values = {t: len(fps) for t, fps in sorted(values[r.folder].items())}
        r.people = r.values.get("PERSON", 0)
        r.risk = _risk(r)
    _changes(inv, rows, groups_of)
    ordered = sorted(rows.values(), key=lambda r: r.folder)
    ranked = sorted((r for r in ordered if r.risk > 0), key=lambda r: (-r.risk, -r.depth, r.folder))
    return InventoryReport(ordered, ranked[:top], _runs(inv), depth)


def _root_keys(inv: Inventory) -> set[str]:
    keys: set[str] = set()
    for (roots,) in inv.rows("SELECT roots FROM runs"):
        keys.update(json.loads(str(roots)))
    return keys


def _changes(inv: Inventory, rows: dict[str, FolderRollup], groups_of: dict[str, list[tuple[str, int]]]) -> None:
    """Files and records now against the complete run before the last complete one."""
    complete = [int(r) for (r,) in inv.rows("SELECT id FROM runs WHERE status = 'complete' ORDER BY id")]
    if len(complete) < 2:
        return
    before: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for folder_key, files, records in inv.rows(
        "SELECT folder_key, files, records FROM folder_history WHERE run = ?", (complete[-2],)
    ):
        for name, _ in groups_of.get(str(folder_key), []):
            before[name][0] += int(files)
            before[name][1] += int(records)
    for name, r in rows.items():
        files, records = before.get(name, [0, 0])
        r.files_change = r.files - files
        r.records_change = r.records - records


def _runs(inv: Inventory) -> list[RunSummary]:
    return [
        RunSummary(
            r["id"],
            r["status"],
            r["started"],
            r["finished"],
            r["seen"],
            r["scanned"],
            r["carried"],
            r["unchanged"],
            r["removed"],
            r["unreadable"],
            r["engine"],
        )
        for r in inv.runs()
    ]
