"""The keyed tag that lets our own notices pass the gateway without a scan, and nothing else.

Every sender receives notices, so anything a notice carries in the clear (its Message-ID, its
tag) is known to every sender. The tag is therefore a MAC, with the installation's key, over the
whole notice as generated: every header field after the tag and the body. Postfix only puts
trace fields (``Received``, ``Return-Path``) in front of it on the way; those are the only
lines not covered, and they are allowed only in front of the tag. Any other change (a header
added, a line of the body edited, a part attached) voids the tag and the mail is scanned like any
other. A notice replayed unchanged passes: it holds masked values only, and the gateway also
checks that the envelope still goes from the notice's From to its To.

Canonical form (like DKIM "relaxed"): CRLF line ends, header names lower-cased, folding and
runs of white space collapsed, trailing white space and trailing empty lines of the body dropped.
"""

from __future__ import annotations

import hashlib
import hmac
import re

NOTICE_HEADER = "X-DLP-Notice"
TRACE_FIELDS = (b"received", b"return-path")
MAX_NOTICE_SIZE = 1024 * 1024  # notices are a few KB; anything bigger is scanned
_DOMAIN = b"dlp-notice-v2\0"


def tag_message(key: bytes, message: bytes) -> bytes:
    """The generated notice with its tag in front (the first header line)."""
    tag = _mac(key, _fields(_crlf(message)), _body(_crlf(message)))
    return f"{NOTICE_HEADER}: {tag}\r\n".encode("ascii") + message


def verify(key: bytes, data: bytes) -> dict[str, str] | None:
    """The signed header fields (name -> value) if ``data`` is a notice we generated, else None."""
    if not key or len(data) > MAX_NOTICE_SIZE:
        return None
    data = _crlf(data)
    fields = _fields(data)
    names = [name for name, _ in fields]
    if names.count(NOTICE_HEADER.lower().encode()) != 1:
        return None
    at = names.index(NOTICE_HEADER.lower().encode())
    if any(name not in TRACE_FIELDS for name in names[:at]):
        return None  # something other than a trace field was put in front: not ours
    signed = fields[at + 1 :]
    tag = fields[at][1].decode("ascii", "replace")
    if not hmac.compare_digest(tag, _mac(key, signed, _body(data))):
        return None
    result: dict[str, str] = {}
    for name, value in signed:
        result.setdefault(name.decode("ascii", "replace"), value.decode("utf-8", "replace"))
    return result


def _mac(key: bytes, fields: list[tuple[bytes, bytes]], body: bytes) -> str:
    mac = hmac.new(key, _DOMAIN, hashlib.sha256)
    for name, value in fields:
        if name == NOTICE_HEADER.lower().encode():
            continue
        mac.update(name + b":" + value + b"\r\n")
    mac.update(b"\r\n" + body)
    return mac.hexdigest()[:40]


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")


def _split(data: bytes) -> tuple[bytes, bytes]:
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return data, b""
    return data[:end], data[end + 4 :]


def _fields(data: bytes) -> list[tuple[bytes, bytes]]:
    """Header fields in order, relaxed: (lower-cased name, unfolded value with white space collapsed)."""
    head, _ = _split(data)
    fields: list[tuple[bytes, bytes]] = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and fields:
            name, value = fields[-1]
            fields[-1] = (name, value + b" " + line)
            continue
        name, colon, value = line.partition(b":")
        fields.append((name.strip().lower() if colon else b"\0" + line, value))
    return [(name, re.sub(rb"[ \t]+", b" ", value).strip()) for name, value in fields]


def _body(data: bytes) -> bytes:
    _, body = _split(data)
    lines = [re.sub(rb"[ \t]+$", b"", line) for line in body.split(b"\r\n")]
    while lines and not lines[-1]:
        lines.pop()
    return b"\r\n".join(lines) + b"\r\n"
