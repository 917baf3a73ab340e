"""Mail (.eml and messages from the gateway): subject, bodies, attachments, attached messages.

Parsed with the stdlib ``email`` package and ``policy.default`` (it decodes RFC 2047 and RFC
2231 file names), falling back to ``compat32`` when a hostile header makes the modern policy
raise (cpython #151857 and friends). Text parts are decoded here, not by ``get_content()``:
ISO-2022-JP goes through CP932 so that ① and ㈱ survive, a missing or wrong charset is sniffed.
Recipient addresses are the addressees of the mail, not content: they are not scanned here
(the gateway's policy looks at recipients separately).

The parts are walked without recursion, to a depth limit: a 1,000-deep MIME tree is an
unscannable reason, never a RecursionError.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from email.message import Message
from email.parser import BytesParser
from pathlib import PurePosixPath

from dlp.extract.html import embedded_items, render_html
from dlp.extract.limits import Budget, LimitExceeded
from dlp.extract.mail_charset import decode_body, decode_encoded_words
from dlp.extract.mail_checks import (
    encoded_attached_message,
    encrypted_armour,
    header_segments,
    outside_parts,
    raw_base64_text,
    structure_problems,
    uuencoded_items,
)
from dlp.model import Item, Segment, Unscannable, UnscannableReason

Part = Segment | Unscannable | Item
MAX_MIME_DEPTH = 20
MAX_PARTS = 1000
# Defects that mean parts may be missing (a truncated message, a lost boundary).
_STRUCTURE_DEFECTS = {"CloseBoundaryNotFoundDefect", "StartBoundaryNotFoundDefect", "MultipartInvariantViolationDefect"}


def parse_message(data: bytes) -> tuple[Message, bool]:
    """The message, and whether it had to be parsed with the lenient compat32 policy."""
    try:
        message = BytesParser(policy=email.policy.default).parsebytes(data)
        _ = [(k, str(v)) for k, v in message.items()]  # hostile headers raise on access, not on parse
        return message, False
    except RecursionError:
        raise
    except Exception:
        return BytesParser(policy=email.policy.compat32).parsebytes(data), True


def extract_mail(item: Item, budget: Budget) -> Iterator[Part]:
    limit = budget.limits.max_member_bytes
    data = item.read(limit + 1)
    if len(data) > limit:
        raise LimitExceeded(UnscannableReason.TOO_LARGE, f"message larger than max_member_bytes {limit:,}")
    try:
        message, degraded = parse_message(data)
    except RecursionError:
        yield Unscannable(item.locator, UnscannableReason.TOO_DEEP, "MIME structure nested too deeply to parse")
        return
    if degraded:
        yield Unscannable(
            item.locator, UnscannableReason.LOSSY_DECODE, "malformed headers: parsed leniently (compat32)"
        )
    yield from walk_message(item, message)


def walk_message(item: Item, message: Message) -> Iterator[Part]:
    """Every part of a message: text as Segments, attachments as child Items."""
    stack: list[tuple[Message, int, str]] = [(message, 0, item.locator)]
    attached = 0
    parts_seen = 0
    while stack:
        part, depth, locator = stack.pop()
        parts_seen += 1
        if parts_seen > MAX_PARTS:
            yield Unscannable(item.locator, UnscannableReason.TOO_MANY_MEMBERS, f"more than {MAX_PARTS} MIME parts")
            return
        if depth > MAX_MIME_DEPTH:
            yield Unscannable(locator, UnscannableReason.TOO_DEEP, f"MIME parts nested deeper than {MAX_MIME_DEPTH}")
            continue
        defects = {type(d).__name__ for d in _safe(lambda p=part: p.defects, [])} & _STRUCTURE_DEFECTS
        if defects:
            yield Unscannable(
                locator, UnscannableReason.CORRUPT, f"MIME structure broken or truncated ({', '.join(sorted(defects))})"
            )
        content_type = _safe(lambda p=part: p.get_content_type(), "application/octet-stream")
        if depth == 0 or content_type == "message/rfc822" or _is_message(part):
            subject = header_text(part, "Subject")
            if subject:
                yield Segment(subject, f"{locator}#subject", kind="header")
            yield from _safe(lambda p=part, at=locator: list(header_segments(p, at)), [])
        yield from structure_problems(part, locator)
        if part.is_multipart():
            yield from outside_parts(part, locator)
            children = _safe(lambda p=part: p.get_payload(), [])
            if content_type == "message/rfc822":
                encoded = _safe(lambda p=part: encoded_attached_message(p), None)
                if encoded is not None:
                    name = _filename(part) or f"message{attached + 1}.eml"
                    attached += 1
                    yield Item.from_bytes(
                        encoded, name, locator=f"{locator}/{name}", depth=item.depth + 1, channel=item.channel
                    )
                    continue
                for inner in children if isinstance(children, list) else []:
                    attached += 1
                    name = _filename(part) or f"message{attached}.eml"
                    stack.append((inner, depth + 1, f"{locator}/{name}"))
                continue
            for child in reversed(children if isinstance(children, list) else []):
                stack.append((child, depth + 1, locator))
            continue
        yield from _leaf(item, part, content_type, locator, depth)


def _leaf(item: Item, part: Message, content_type: str, locator: str, depth: int) -> Iterator[Part]:
    filename = _filename(part)
    disposition = _safe(lambda: part.get_content_disposition(), None)
    payload = _safe(lambda: part.get_payload(decode=True), None)
    if payload is None:
        payload = b""
    yield from _safe(lambda: list(raw_base64_text(part, locator)), [])
    is_body = filename is None and disposition != "attachment" and content_type in ("text/plain", "text/html")
    if is_body:
        text, problem = decode_body(payload, _safe(lambda: part.get_content_charset(), None))
        if problem:
            yield Unscannable(f"{locator}#body", UnscannableReason.UNSUPPORTED, problem)
        embedded: list[tuple[str, bytes]] = []
        if content_type == "text/html":
            rendered = render_html(text)
            text, embedded = rendered.text, rendered.embedded
        if text.strip():
            yield Segment(text.replace("\r\n", "\n"), f"{locator}#body", kind="body", first_line=1)
            yield from encrypted_armour(text, f"{locator}#body")
        if content_type == "text/plain" and str(_safe(lambda: part.get_param("format"), "")).lower() == "flowed":
            delsp = str(_safe(lambda: part.get_param("delsp"), "")).lower() == "yes"
            joined = unflow(text, delsp=delsp)
            if joined != text.replace("\r\n", "\n"):  # what a mail client shows: soft breaks joined
                yield Segment(joined, f"{locator}#body", kind="body")
        yield from embedded_items(item, embedded, f"{locator}#body")  # data: URIs in an HTML body
        if content_type == "text/plain" and "begin" in text:
            yield from uuencoded_items(item, text, f"{locator}#body")
        return
    name = filename or f"part{depth}{_extension(content_type)}"
    # the declared type is not trusted: an image/png part holding CSV is a CSV (sniffed)
    child = Item.from_bytes(payload, name, locator=f"{locator}/{name}", depth=item.depth + 1, channel=item.channel)
    yield child


def unflow(text: str, *, delsp: bool = False) -> str:
    """A ``format=flowed`` body as a mail client shows it (RFC 3676): a line ending in a space
    continues on the next line of the same quote depth; space-stuffing is undone; with
    ``delsp=yes`` the trailing space itself is removed too (so ``090-12 `` + ``34-5678`` is one
    number). The signature separator ``-- `` never flows."""
    out: list[str] = []
    current: str | None = None
    current_depth = -1
    for line in text.replace("\r\n", "\n").split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]
        flowed = content.endswith(" ") and content != "-- "
        if flowed and delsp:
            content = content[:-1]
        if current is not None and depth == current_depth:
            current += content
        else:
            if current is not None:
                out.append(current)
            current = ">" * depth + (" " if depth else "") + content
            current_depth = depth
        if not flowed:
            out.append(current)
            current, current_depth = None, -1
    if current is not None:
        out.append(current)
    return "\n".join(out)


def _is_message(part: Message) -> bool:
    return part.get("Message-ID") is not None and part.get("From") is not None


def _safe(fn, default):  # type: ignore[no-untyped-def]
    """Header and payload access on hostile mail raises all sorts of errors; never let it stop us."""
    try:
        return fn()
    except Exception:
        return default


def header_text(part: Message, name: str) -> str:
    """A header as text, with encoded words decoded even where the email package gives up
    (ISO-2022-JP with NEC special characters, or a compat32 parse)."""
    raw = _safe(lambda: part.get(name), None)
    if raw is None:
        return ""
    text = str(raw)
    if "=?" in text:
        text = decode_encoded_words(text)
    return text.replace("\r", "").replace("\n", " ").strip()


def _filename(part: Message) -> str | None:
    name = _safe(lambda: part.get_filename(), None)
    if name is None:
        return None
    name = str(name)
    if "=?" in name:
        name = decode_encoded_words(name)
    if "\ufffd" in name:  # raw 8-bit Shift_JIS in the header: recover it from the bytes
        raw = _safe(lambda: part.get("Content-Disposition", "") + part.get("Content-Type", ""), "")
        try:
            recovered = str(raw).encode("utf-8", "surrogateescape").decode("cp932")
            m = re.search(r'(?:file)?name="?([^";]+)', recovered)
            if m:
                name = m.group(1)
        except UnicodeError:
            pass
    name = PurePosixPath(name.replace("\\", "/")).name  # never a path from a sender
    return name or None


def _extension(content_type: str) -> str:
    return {
        "application/pdf": ".pdf",
        "application/zip": ".zip",
        "text/plain": ".txt",
        "text/html": ".html",
        "text/csv": ".csv",
        "message/rfc822": ".eml",
    }.get(content_type, ".bin")


def message_from_bytes(data: bytes) -> Message:
    return email.message_from_bytes(data, policy=email.policy.default)
