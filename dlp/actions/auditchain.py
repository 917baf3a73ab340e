"""A keyed hash chain over the audit trail: each line ends with ``"mac":"…"``, an HMAC (key
derived from the installation's fingerprint key) over the previous line's MAC and this line.
Someone who can write the data folder but not read the key can no longer edit, insert, delete
or reorder lines unnoticed: ``dlp audit verify`` names the first line where the chain breaks.

What it cannot show: lines cut off at the end (the trail is simply shorter; compare with a copy
shipped elsewhere, e.g. journald or a log server), and a trail rewritten by someone who holds
the key. A line written before chaining, or torn by a crash, has no MAC: the next line chains
to its SHA-256 instead, and ``verify`` lists it as unsigned rather than as a break.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

_MAC = re.compile(rb',"mac":"([0-9a-f]{32})"\}$')
_TAIL = 8192


def derive(key: bytes) -> bytes:
    return hmac.new(key, b"dlp audit chain v1", hashlib.sha256).digest()


def _link_of(line: bytes) -> bytes:
    """What the next line chains to: this line's MAC, or (no MAC) a hash of the whole line."""
    match = _MAC.search(line)
    return match.group(1) if match else hashlib.sha256(line).hexdigest()[:32].encode()


def _mac(key: bytes, previous: bytes, body: bytes) -> bytes:
    return hmac.new(key, previous + b"\n" + body, hashlib.sha256).hexdigest()[:32].encode()


def seal_lines(key: bytes, previous: bytes, lines: list[bytes]) -> bytes:
    """``lines`` (JSON objects, each ending in ``}\\n``) with their MACs, chained from ``previous``."""
    out = []
    for line in lines:
        body = line.rstrip(b"\n")
        mac = _mac(key, previous, body)
        out.append(body[:-1] + b',"mac":"' + mac + b'"}\n')
        previous = mac
    return b"".join(out)


def last_link(fd: int, size: int) -> bytes:
    """The link of the file's last line, read backwards from ``size``; b"" for an empty file.
    A torn last line (no newline: its writer died) is a line too; the caller ends it first."""
    if size == 0:
        return b""
    end = size - 1 if os.pread(fd, 1, size - 1) == b"\n" else size
    start, tail = end, b""
    while start > 0:
        step = min(_TAIL, start)
        start -= step
        tail = os.pread(fd, step, start) + tail
        cut = tail.rfind(b"\n")
        if cut >= 0:
            return _link_of(tail[cut + 1 :])
    return _link_of(tail)


@dataclass
class ChainReport:
    lines: int = 0
    broken: list[int] = field(default_factory=list)  # line numbers whose MAC does not follow
    unsigned: list[int] = field(default_factory=list)  # lines without a MAC (older, or torn)

    @property
    def intact(self) -> bool:
        return not self.broken


def verify(path: Path, key: bytes) -> ChainReport:
    """Walk the chain with the same base key the writers were given (derived here as there)."""
    key = derive(key)
    report = ChainReport()
    previous = b""
    if not path.exists():
        return report
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.rstrip(b"\n")
            report.lines = number
            match = _MAC.search(line)
            if match is None:
                report.unsigned.append(number)
            elif not hmac.compare_digest(_mac(key, previous, line[: match.start()] + b"}"), match.group(1)):
                report.broken.append(number)
            previous = _link_of(line)
    return report
