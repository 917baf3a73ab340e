"""The keyed tag that lets our own notices pass the gateway without a scan.

The tag used to be an HMAC of the Message-ID alone, and every sender receives a notice with
both: copied onto a new mail they let a customer list out unscanned (issue 9 #1). It is now an
HMAC over the Message-ID and a digest of the whole content: every header but the ones the mail
system adds on the way (Received, Return-Path, signatures, our own verdict line) and the
transfer encodings (Postfix may turn 8bit into quoted-printable), and every part's decoded
bytes, preamble and epilogue. A copied tag fits only the notice it came with, unchanged, and
that notice holds nothing but masked values; sending it to someone else is harmless.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from email import policy
from email.message import Message
from email.parser import BytesParser

NOTICE_HEADER = "X-DLP-Notice"
# Added or changed on the way, never by the author: not covered.
_TRANSPORT = {
    "received", "return-path", "delivered-to", "x-original-to", "dkim-signature", "domainkey-signature",
    "authentication-results", "received-spf", "x-dlp-verdict", "content-transfer-encoding", NOTICE_HEADER.lower(),
}  # fmt: skip
_TRANSPORT_PREFIXES = ("arc-",)
_SPACE = re.compile(r"\s+")


def notice_tag(key: bytes, message_id: str, digest: bytes = b"") -> str:
    return hmac.digest(key, b"dlp-notice\0" + message_id.encode() + b"\0" + digest, "sha256").hex()[:32]


def content_digest(data: bytes) -> bytes:
    """A digest of what the author of ``data`` wrote, stable across what Postfix changes."""
    message = BytesParser(policy=policy.compat32).parsebytes(data)
    h = hashlib.sha256()
    for part in message.walk():
        _headers(h, part)
        if part.is_multipart():
            for text in (part.preamble, part.epilogue):
                h.update(b"\0outside\0" + _lines(str(text or "").encode("utf-8", "surrogateescape")))
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            payload = str(part.get_payload()).encode("utf-8", "surrogateescape")
        h.update(b"\0payload\0" + _lines(payload))
    return h.digest()


def _headers(h: hashlib._Hash, part: Message) -> None:  # type: ignore[name-defined]
    for name, value in part.items():
        key = name.lower()
        if key in _TRANSPORT or key.startswith(_TRANSPORT_PREFIXES):
            continue
        text = _SPACE.sub(" ", str(value)).strip()
        h.update(b"\0header\0" + key.encode("ascii", "replace") + b":" + text.encode("utf-8", "surrogateescape"))


def _lines(data: bytes) -> bytes:
    """Line ends and trailing line ends as any transport may leave them."""
    return data.replace(b"\r\n", b"\n").rstrip(b"\n")


def tag_for(key: bytes, message_id: str, data: bytes) -> str:
    """The tag for a composed notice (``data``: the message without the tag)."""
    return notice_tag(key, message_id, content_digest(data))


def is_tagged_notice(key: bytes, message_id: str, tag: str, data: bytes) -> bool:
    """Whether ``data`` is a notice we composed, unchanged but for what the transport adds."""
    if not (key and message_id and tag):
        return False
    try:
        expected = tag_for(key, message_id, data)
    except Exception:  # a message the parser chokes on is no notice of ours
        return False
    return hmac.compare_digest(tag, expected)
