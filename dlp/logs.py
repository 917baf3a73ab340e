"""Logging for the daemons: one JSON object per line, our own messages only.

Nothing we log holds a raw personal value (masked values, fingerprints, ids and counts only).
Third-party libraries may quote document content in their warnings (pdfminer, pypdf), so their
loggers are kept at ERROR and their messages reduced to the logger name and level.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import logging
import os
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


def setup_logging(
    level: str = "info",
    file: Path | None = None,
    *,
    json_lines: bool = True,
    syslog: str = "",
    facility: str = "daemon",
    journald: bool = False,
    ident: str = "dlp",
) -> None:
    """Our log lines to a file, to syslog (``syslog``: its socket, /dev/log) and/or journald;
    to standard error when none of them is set or can be opened (under systemd, standard error
    reaches the journal too). A destination that cannot be opened is said on the next one."""
    formatter = JsonFormatter() if json_lines else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = []
    problems: list[str] = []
    if file:
        handlers.append(logging.FileHandler(file, encoding="utf-8"))
    if syslog:
        try:
            handlers.append(_syslog_handler(syslog, facility, ident))
        except OSError as exc:
            problems.append(f"syslog socket {syslog}: {exc.strerror or exc}")
    if journald:
        try:
            handlers.append(_journald_handler(ident))
        except ImportError:
            problems.append("journald: the systemd Python module is not installed (apt install python3-systemd)")
    if not handlers:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = handlers
    root.setLevel(level.upper())
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.ERROR)
    for problem in problems:
        logging.getLogger("dlp.logs").warning("log destination not used: %s", problem)


def _syslog_handler(address: str, facility: str, ident: str) -> logging.Handler:
    """RFC 3164 lines to the local syslog socket (rsyslog, syslog-ng, journald's /dev/log);
    ``host:port`` sends UDP to a remote collector."""
    from logging.handlers import SysLogHandler

    host, _, port = address.rpartition(":")
    target: str | tuple[str, int] = (host, int(port)) if host and port.isdigit() and "/" not in address else address
    if isinstance(target, str):  # the handler would connect lazily and drop lines: say so now
        import socket

        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect(target)
            except OSError as exc:
                if exc.errno != errno.EPROTOTYPE:  # a stream socket: the handler tries that too
                    raise
    handler = SysLogHandler(address=target, facility=SysLogHandler.facility_names[facility])
    handler.ident = f"{ident}[{os.getpid()}]: "
    return handler


def _journald_handler(ident: str) -> logging.Handler:
    from systemd.journal import JournalHandler  # type: ignore[import-not-found]  # python3-systemd

    return JournalHandler(SYSLOG_IDENTIFIER=ident)
