"""Who did what to one quarantine entry, and when: read back from the audit trail.

The store keeps only the last actor (``acted_by``/``acted_at``); the audit trail has every
step — the verdict that held it, the hold, each view, export, release attempt and the
deletion — with the actor and the time. ``dlp quarantine show`` prints them; when the trail
has none of them (rotated away, another host's trail), the store's own record is shown.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from dlp.actions.entries import Entry, iso

_LABELS = {
    "verdict": "scanned",
    "quarantine.put": "held",
    "quarantine.show": "viewed",
    "quarantine.export": "exported",
    "quarantine.release": "released",
    "quarantine.delete": "deleted",
    "quarantine.sign_unsigned": "row signed",
}


def entry_history(path: Path, entry_id: str) -> list[dict[str, Any]]:
    """The records naming ``entry_id`` (as ``entry_id`` or ``quarantine_id``), oldest first.
    Only lines holding the id are parsed; damaged lines are skipped, as `audit report` does."""
    if not entry_id or not path.exists():
        return []
    needle = json.dumps(entry_id, ensure_ascii=False)[1:-1].encode("utf-8")
    found = []
    with path.open("rb") as fh:
        for line in fh:
            if needle not in line:
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and entry_id in (record.get("entry_id"), record.get("quarantine_id")):
                found.append(record)
    return found


def history_lines(entry: Entry, records: list[dict[str, Any]]) -> list[str]:
    """One line per step: local time, what, who, and the detail that matters for it."""
    lines = [_line(r) for r in records]
    if not any(r.get("event") == "quarantine.put" for r in records):  # the trail does not have the hold
        lines.insert(0, f"{_when(iso(entry.created))}  held           (from the store; not in this audit trail)")
        if entry.acted_by and entry.acted_at and not records:
            lines.append(f"{_when(iso(entry.acted_at))}  {entry.state:<14} by {entry.acted_by} (from the store)")
    return lines


def _line(record: dict[str, Any]) -> str:
    event = str(record.get("event", "?"))
    what = _LABELS.get(event, event)
    detail = ""
    if event == "verdict":
        detail = f"{record.get('action', '?')} on {record.get('channel', '?')}: {record.get('enforced') or '-'}"
    elif event in ("quarantine.put", "quarantine.release", "quarantine.export") and record.get("to"):
        detail = f"to {record['to']}" + (" (forced)" if record.get("forced") else "")
    elif record.get("note"):
        detail = str(record["note"])
    by = f"by {record['actor']}" if record.get("actor") else ""
    return "  ".join(p for p in (_when(record.get("ts")), f"{what:<14}", by, detail) if p).rstrip()


def _when(value: object) -> str:
    """An ISO time stamp as local time to the second (2026-11-30 17:40:12)."""
    if not isinstance(value, str):
        return "?" * 19
    try:
        return dt.datetime.fromisoformat(value).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return value[:19]
