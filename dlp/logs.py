"""Logging for the daemons: one JSON object per line, our own messages only.

Nothing we log holds a raw personal value (masked values, fingerprints, ids and counts only).
Third-party libraries may quote document content in their warnings (pdfminer, pypdf), so their
loggers are kept at ERROR and their messages reduced to the logger name and level.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from pathlib import Path

QUIET = ("pdfminer", "pypdf", "PIL", "openpyxl", "py7zr", "watchdog", "mail.log", "asyncio", "aiosmtpd")


_DIGITS = re.compile(r"[0-9０-９][0-9０-９ ()\-‐‑–—－ー]{2,}[0-9０-９]")
_ADDRESS = re.compile(r"[^\s@'\"<>]+@[^\s@'\"<>]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def scrub(text: str) -> str:
    """An exception's message may quote what it choked on (a cell, a header, a line of a
    document): digit runs, addresses and non-ASCII text are blanked before it is logged."""
    text = _ADDRESS.sub("<address>", text)
    text = _DIGITS.sub(lambda m: "#" * min(len(m.group()), 8), text)
    return _NON_ASCII.sub("…", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).astimezone().isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if record.name.startswith("dlp"):
            payload["msg"] = record.getMessage()
            for key, value in getattr(record, "fields", {}).items():
                payload[key] = value
            if record.exc_info and record.exc_info[1] is not None:
                exc = record.exc_info[1]
                payload["exc"] = f"{type(exc).__name__}: {scrub(str(exc))}"[:300]
        else:
            payload["msg"] = "(message of a third-party library withheld: it may quote document content)"
        return json.dumps(payload, ensure_ascii=False)


def setup_logging(level: str = "info", file: Path | None = None, *, json_lines: bool = True) -> None:
    handler: logging.Handler = (
        logging.FileHandler(file, encoding="utf-8") if file else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.ERROR)
