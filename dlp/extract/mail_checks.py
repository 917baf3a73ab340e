"""Mail content the part walk did not read, and MIME that readers disagree on.

- Headers: the sender's display name is on every client's screen, any other header in the
  source every recipient can open. Addresses themselves are the addressees, not content; the
  routing and MIME plumbing headers hold no text anyone writes.
- The preamble and epilogue of a multipart travel with the mail (and some clients show them).
- A uuencoded file in a plain body (``begin 644 name`` … ``end``) is shown as an attachment by
  Outlook and Thunderbird: decoded and read as a child item.
- Conflicting structure: a Content-Type or Content-Transfer-Encoding given twice, a parameter
  given twice (``boundary="A"; boundary="B"``): Python reads one, another reader the other, so
  the parts we scanned may not be the parts a client shows (``corrupt``). A transfer encoding
  nobody knows is ``unsupported``; a "base64" body holding other characters is ``corrupt``, and
  its raw text is read too (it leaves in clear).
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterator
from email.message import Message
from email.utils import getaddresses

from dlp.extract.mail_charset import decode_encoded_words
from dlp.model import Item, Segment, Unscannable, UnscannableReason

_ADDRESS_HEADERS = {"from", "to", "cc", "bcc", "sender", "reply-to", "resent-from", "resent-to", "resent-cc"}
# Read elsewhere (the subject by the walk, the MIME headers by the parser) or our own tag. Every
# other header is read, Received and signatures included: a sender can write any of them, and
# every recipient can open the source.
_PLUMBING = {"subject", "content-type", "content-transfer-encoding", "content-disposition", "x-dlp-notice"}
# An address inside a header value is an addressee or a route, not content: only its local part
# is kept (a number written as a local part is still seen), and Received's "for <…>" is dropped.
_ADDRESS = re.compile(r"([^\s<>()\[\]@\",;:]+)@[^\s<>()\[\]\",;]+")
_RECEIVED_FOR = re.compile(r"\bfor\s+<[^>]*>", re.I)
# Signatures, anti-spam verdicts and tracking ids are long letter-and-digit blobs (DKIM b=,
# X-Microsoft-Antispam-*): digit runs inside them are noise, not values anyone reads.
_BLOB = re.compile(r"[A-Za-z0-9+/=_]{24,}")
# Message ids are made by software from a clock, a process id and a random number
# (``<179607084639.28431.4184963908688484119@host>`` from Python's make_msgid): a 19-digit random
# part passes the card check about once in a hundred mails. A whole dot-separated digit token of a
# message id is such a counter; readers never see these headers, and text or separated numbers
# written into them are still read.
_MESSAGE_ID_HEADERS = {"message-id", "in-reply-to", "references", "resent-message-id", "content-id"}
_ID_COUNTER = re.compile(r"(?<=[<.])\d+(?=[.>])")


def _unblob(m: re.Match[str]) -> str:
    token = m.group()
    return " " if any(c.isalpha() for c in token) and any(c.isdigit() for c in token) else token


_KNOWN_CTE = {"", "7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode", "uuencode", "x-uue", "uue"}
_BASE64_TEXT = re.compile(rb"[^A-Za-z0-9+/=\s]")
_UU_BEGIN = re.compile(r"^begin(?:-base64)? [0-7]{3,4} (\S[^\r\n]*)\r?$", re.M)
_PARAM_NAME = re.compile(r";\s*([A-Za-z0-9_.*-]+)\s*=")


def header_segments(part: Message, locator: str) -> Iterator[Segment]:
    """Display names and every header a person writes (or a tool copies a value into)."""
    lines: list[str] = []
    for name, value in _items(part):
        key = name.lower()
        text = str(value)
        if "=?" in text:
            text = decode_encoded_words(text)
        text = text.replace("\r", "").replace("\n", " ").strip()
        if not text:
            continue
        if key in _ADDRESS_HEADERS:
            # The header's name stays with the display name (From: 山田 太郎): the pasted-header
            # rule (rules/mail_headers.yaml) reads it as a person only after such a label.
            lines.extend(f"{name}: {display}" for display, _address in getaddresses([text]) if display.strip())
        elif key not in _PLUMBING:
            if key == "received":
                text = _RECEIVED_FOR.sub(" ", text)
            text = _BLOB.sub(_unblob, _ADDRESS.sub(r"\1", text))
            if key in _MESSAGE_ID_HEADERS:
                text = _ID_COUNTER.sub(" ", text)
            lines.append(name + ": " + text)
    if lines:
        yield Segment("\n".join(lines), f"{locator}#headers", kind="header")


def outside_parts(part: Message, locator: str) -> Iterator[Segment]:
    """A multipart's preamble and epilogue."""
    for where in ("preamble", "epilogue"):
        text = getattr(part, where, None)
        if isinstance(text, str) and text.strip():
            yield Segment(text.replace("\r\n", "\n"), f"{locator}#{where}", kind="body")


def structure_problems(part: Message, locator: str) -> Iterator[Unscannable]:
    for name in ("Content-Type", "Content-Transfer-Encoding", "Content-Disposition"):
        values = _all(part, name)
        if len(values) > 1:
            yield Unscannable(locator, UnscannableReason.CORRUPT, f"{name} given {len(values)} times: readers disagree")
        if values:
            names = [n.lower().split("*")[0] for n in _PARAM_NAME.findall(str(values[0]))]
            doubled = sorted({n for n in names if names.count(n) > 1 and n != ""})
            if doubled:
                yield Unscannable(
                    locator, UnscannableReason.CORRUPT, f"{name} parameter given twice ({', '.join(doubled)})"
                )
    cte = _all(part, "Content-Transfer-Encoding")
    if cte and str(cte[0]).strip().lower() not in _KNOWN_CTE:
        shown = re.sub(r"[^\w.+-]", "?", str(cte[0]).strip()[:40])
        yield Unscannable(locator, UnscannableReason.UNSUPPORTED, f"unknown transfer encoding {shown}")


def raw_base64_text(part: Message, locator: str) -> Iterator[Segment | Unscannable]:
    """A part declared base64 whose body holds other characters: Python's decoder drops them
    (and a client shows nonsense), but the text leaves in clear."""
    cte = _all(part, "Content-Transfer-Encoding")
    if not cte or str(cte[0]).strip().lower() != "base64":
        return
    raw = part.get_payload(decode=False)
    if not isinstance(raw, str):
        return
    data = raw.encode("utf-8", "surrogateescape")
    if not _BASE64_TEXT.search(data):
        return
    from dlp.extract.decode import decode_bytes

    yield Unscannable(locator, UnscannableReason.CORRUPT, "base64 part holds characters outside base64 (read as text)")
    yield Segment(decode_bytes(data)[0].replace("\r\n", "\n"), f"{locator}#raw", kind="body")


def uuencoded_items(item: Item, text: str, locator: str) -> Iterator[Item | Unscannable]:
    """Files uuencoded into a plain body, decoded as a mail client shows them."""
    for m in _UU_BEGIN.finditer(text):
        name = m.group(1).strip().rsplit("/", 1)[-1] or "uuencoded.bin"
        out = bytearray()
        broken = False
        for line in text[m.end() :].lstrip("\r\n").splitlines():
            if line.strip() == "end":
                break
            if not line.strip() or line.strip() == "`":
                continue
            try:
                out += binascii.a2b_uu(line)
            except binascii.Error:
                try:  # lines of some encoders carry padding the strict decoder refuses
                    out += binascii.a2b_uu(line[: ((ord(line[0]) - 32) & 63) * 4 // 3 + 1])
                except (binascii.Error, IndexError):
                    broken = True
        if broken:
            yield Unscannable(f"{locator}/{name}", UnscannableReason.CORRUPT, "uuencoded lines that do not decode")
        if out:
            yield Item.from_bytes(
                bytes(out), name, locator=f"{locator}/{name}", depth=item.depth + 1, channel=item.channel
            )


def _items(part: Message) -> list[tuple[str, object]]:
    try:
        return list(part.items())
    except Exception:
        return list(getattr(part, "_headers", []))


def _all(part: Message, name: str) -> list[object]:
    """Every value of a header as written (the modern policy's header objects drop a repeated
    parameter, which is what must be seen here)."""
    try:
        return [v for k, v in part.raw_items() if k.lower() == name.lower()]
    except Exception:
        try:
            return list(part.get_all(name) or [])
        except Exception:
            return []


# ASCII armour of encrypted content (OpenPGP, age): nobody here can read what it holds.
_ARMOUR = re.compile(r"-----BEGIN (?:PGP MESSAGE|AGE ENCRYPTED FILE)-----")


def encrypted_armour(text: str, locator: str) -> Iterator[Unscannable]:
    """An inline PGP (or age) message in a body or a text file: encrypted, like a password ZIP."""
    if "-----BEGIN" in text and _ARMOUR.search(text):
        yield Unscannable(locator, UnscannableReason.ENCRYPTED, "an encrypted message (PGP/age armour) in the text")


def encoded_attached_message(part: Message) -> bytes | None:
    """The bytes of a message/rfc822 part sent base64 or quoted-printable (RFC 2046 forbids it,
    mail clients decode it and show the message): Python parses the encoded text as a message
    without headers, so it is decoded here and read as an attached .eml."""
    cte = _all(part, "Content-Transfer-Encoding")
    kind = str(cte[0]).strip().lower() if cte else ""
    if kind not in ("base64", "quoted-printable"):
        return None
    inner = part.get_payload()
    first = inner[0] if isinstance(inner, list) and inner else None
    raw = first.as_bytes() if isinstance(first, Message) else str(inner).encode("utf-8", "surrogateescape")
    if kind == "base64":
        return binascii.a2b_base64(re.sub(rb"[^A-Za-z0-9+/=]", b"", raw) + b"==")
    import quopri

    return quopri.decodestring(raw)
