"""The file name an exported quarantine entry is written under: the original's, made safe.

An officer who exports a held ``顧客一覧.xlsx`` must get an ``.xlsx`` that Excel opens, with the
bytes that were held; a held mail is an ``.eml`` a mail client opens. The original name comes
from outside (a user named the file, a sender wrote the Message-ID), so it is reduced to a
plain name in one folder: no path separators, no control characters, no leading dots (a hidden
file, ``..``), no characters Windows refuses (the export may be copied to a share), at most
255 bytes with its suffix kept.
"""

from __future__ import annotations

import re
import unicodedata

from dlp.actions.entries import Entry

NAME_MAX = 255
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\<>:"|?*]')


def safe_name(name: str, fallback: str) -> str:
    """``name`` as one safe file name; ``fallback`` when nothing usable is left."""
    name = unicodedata.normalize("NFC", name).rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    name = name.rstrip(". ")  # Windows drops trailing dots and spaces
    if not name:
        return fallback
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix.encode()) > 16:
        stem, suffix = name, ""
    keep = NAME_MAX - len(suffix.encode()) - (1 if suffix else 0)
    stem = stem.encode("utf-8", "ignore")[:keep].decode("utf-8", "ignore").rstrip(". ") or fallback
    return f"{stem}.{suffix}" if suffix else stem


def export_name(entry: Entry) -> str:
    """The name to export ``entry`` under (its private fields opened): a mail is ``<id>.eml``,
    a file keeps its original name (and so its suffix)."""
    if entry.channel == "mail":
        return f"{entry.id}.eml"
    return safe_name(str(entry.private.get("name") or ""), fallback=entry.id)
