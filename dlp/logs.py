"""Logging for the daemons: one JSON object per line, our own messages only.

Nothing we log holds a raw personal value (masked values, fingerprints, ids and counts only).
Third-party libraries may quote document content in their warnings (pdfminer, pypdf), so their
loggers are kept at ERROR and their messages reduced to the logger name and level.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from pathlib import Path

QUIET = ("pdfminer", "pypdf", "PIL", "openpyxl", "py7zr", "watchdog", "mail.log", "asyncio", "aiosmtpd")


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
            if record.exc_info:
                payload["exc"] = self.formatException(record.exc_info).splitlines()[-1][:300]
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
