"""What the gateway needs to know about a mail beyond its content, read without re-serialising it.

The message is forwarded as the original bytes with our header prepended: parsing is for
reading only (a re-serialised message breaks DKIM signatures and, for deep nesting, Python's
generator). Only the header block is parsed here, defensively: any header may be malformed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32

from dlp.actions.noticetag import NOTICE_HEADER, is_tagged_notice

_AUTH = re.compile(r"\(Authenticated sender:\s*([^)\s]+)\)", re.IGNORECASE)


@dataclass(frozen=True)
class MailFacts:
    message_id: str
    auth_user: str | None  # the SASL login Postfix recorded (smtpd_sasl_authenticated_header)
    sender_name: str | None  # the From display name, for the greeting of a notice
    notice_tag: str | None  # our own notices carry a keyed tag: they are not scanned again
    subject: str = ""  # decoded, for the sender's notice (digits and addresses masked)


def headers_of(data: bytes) -> MailFacts:
    end = data.find(b"\r\n\r\n")
    if end < 0:
        end = data.find(b"\n\n")
    head = data[: end if end >= 0 else min(len(data), 64 * 1024)]
    try:
        message = BytesHeaderParser(policy=compat32).parsebytes(head)
        message_id = _one_line(message.get("Message-ID", ""))
        received = [_one_line(r) for r in message.get_all("Received", [])]
        from_header = _one_line(message.get("From", ""))
        tag = message.get(NOTICE_HEADER)
        subject = _one_line(message.get("Subject", ""))
    except Exception:  # a header we cannot even split: the content scan will say more
        return MailFacts("", None, None, None)
    auth = next((m.group(1) for r in received[:1] if (m := _AUTH.search(r))), None)
    name = None
    if "<" in from_header:
        candidate = from_header.split("<", 1)[0].strip().strip('"').strip()
        name = candidate or None
    if name and "=?" in name:
        name = _decode_words(name)
    if "=?" in subject:
        subject = _decode_words(subject) or ""
    return MailFacts(message_id[:200], auth, name, _one_line(tag) if tag else None, _masked(subject)[:80])


def _masked(text: str) -> str:
    """Digit runs and addresses out of a subject shown in a notice (the sender knows the rest)."""
    text = re.sub(r"[^\s@<>]+@[^\s@<>]+", "***@***", text)
    return re.sub(r"[0-9０-９][0-9０-９\-‐ー－ ]{2,}[0-9０-９]", lambda m: "*" * len(m.group()), text)


def _one_line(value: object) -> str:
    return re.sub(r"\s+", " ", str(value)).strip()


def _decode_words(value: str) -> str | None:
    from email.header import decode_header, make_header

    try:
        return str(make_header(decode_header(value)))[:200]
    except Exception:
        return None


def prepend_header(data: bytes, name: str, value: str) -> bytes:
    """The original bytes with one header line in front (7-bit ASCII, CRLF like the rest)."""
    line = f"{name}: {value}".encode("ascii", "replace")
    newline = b"\r\n" if b"\r\n" in data[:4096] else b"\n"
    return line + newline + data


def is_our_notice(facts: MailFacts, key: bytes, data: bytes) -> bool:
    """A notice we composed, unchanged: its tag covers the Message-ID and the whole content
    (dlp.actions.noticetag), so a tag copied from a notice onto another mail never fits."""
    return bool(facts.notice_tag and facts.message_id) and is_tagged_notice(
        key, facts.message_id, facts.notice_tag or "", data
    )


def is_internal(address: str, internal_domains: set[str]) -> bool:
    """Whether mail to ``address`` stays with colleagues. An address with route syntax in its
    local part (a quoted ``@``, the ``%`` hack, a ``!`` bang path, an ``@host:`` source route)
    names another host that the mail router may relay to: outside, whatever its last domain
    says (issue 9 #2). So is an address without a domain."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or address.lstrip().startswith("@") or any(c in local for c in '@%!":\\'):
        return False
    domain = domain.lower().rstrip(".")
    return any(domain == d or domain.endswith("." + d) for d in internal_domains)
