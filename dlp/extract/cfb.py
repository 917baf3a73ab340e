"""OLE compound files (CFB): which kind, and what can be read of it.

- ``EncryptedPackage``: an Office file with a password to open (an xlsx/docx/pptx inside a CFB
  container) -> unscannable ``encrypted``: with encrypted ZIPs, this is how PPAP mail is caught.
- ``Workbook``/``Book``: legacy .xls -> calamine.
- ``__substg1.0_…``: an Outlook .msg -> subject, body, recipients and attachments, read with
  olefile (BSD; extract-msg is GPL, which this project cannot take in).
- ``WordDocument``/``PowerPoint Document``: legacy .doc/.ppt -> converted by LibreOffice when it
  is installed, otherwise unscannable ``unsupported`` (never a silent pass).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import olefile

from dlp.extract.limits import Budget
from dlp.extract.xlsx import extract_spreadsheet
from dlp.model import Item, Segment, Unscannable, UnscannableReason

Part = Segment | Unscannable | Item
CONVERT_TIMEOUT = 60


def extract_cfb(item: Item, budget: Budget) -> Iterator[Part]:
    data = item.read(budget.limits.max_member_bytes + 1)
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except OSError as exc:
        yield Unscannable(item.locator, UnscannableReason.CORRUPT, f"not a readable OLE file: {exc}")
        return
    with ole:
        streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
        if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
            yield Unscannable(item.locator, UnscannableReason.ENCRYPTED, "Office document with a password to open")
            return
        if any(s.startswith("__substg1.0_") for s in streams):
            yield from _msg(item, ole, streams)
            return
        if "Workbook" in streams or "Book" in streams:
            yield from extract_spreadsheet(item, budget)
            return
        kind = "doc" if "WordDocument" in streams else "ppt" if "PowerPoint Document" in streams else None
        if kind is None and streams & set(_EMBEDDED):
            yield from _embedded_object(item, ole, streams)
            return
    if kind is None:
        yield Unscannable(item.locator, UnscannableReason.UNSUPPORTED, "OLE file of an unknown kind")
        return
    yield from _legacy_office(item, data, kind)


# Streams of an OLE object embedded in an Office file (word/embeddings/oleObject1.bin): a file
# packaged by Insert > Object > "Create from file" (Ole10Native, [MS-OLEDS] 2.3.6 and the
# Packager's layout), an Office 2007+ document embedded as OLE (Package), a PDF (CONTENTS).
_EMBEDDED = {"\x01Ole10Native": "ole10native", "Package": "package", "CONTENTS": "contents"}


def _embedded_object(item: Item, ole: olefile.OleFileIO[str], streams: set[str]) -> Iterator[Part]:
    """The file inside an embedded OLE object, as a child item."""
    for stream, name in _EMBEDDED.items():
        if stream not in streams:
            continue
        data = ole.openstream(stream).read()
        if stream == "\x01Ole10Native":
            label, data = _ole10_native(data)
            name = label or name
        yield item.child(data, name)


def _ole10_native(data: bytes) -> tuple[str, bytes]:
    """(file name, file bytes) of a Packager object; the whole stream when it is not one
    (other OLE1 objects keep their native data there too)."""
    try:
        size = int.from_bytes(data[0:4], "little")
        body = data[4 : 4 + size]
        pos = 2  # type
        label_end = body.index(b"\0", pos)
        label = body[pos:label_end].decode("cp932", "replace")
        pos = body.index(b"\0", label_end + 1) + 1 + 4  # source path, then a reserved word
        temp_len = int.from_bytes(body[pos : pos + 4], "little")
        pos += 4 + temp_len
        data_len = int.from_bytes(body[pos : pos + 4], "little")
        payload = body[pos + 4 : pos + 4 + data_len]
        if len(payload) != data_len:
            raise ValueError("truncated")
        return label.rsplit("\\", 1)[-1], payload
    except ValueError:
        return "", data


def _legacy_office(item: Item, data: bytes, kind: str) -> Iterator[Part]:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        yield Unscannable(
            item.locator,
            UnscannableReason.UNSUPPORTED,
            f"legacy .{kind} cannot be read without LibreOffice (install libreoffice-core to scan it)",
        )
        return
    target = {"doc": "docx", "ppt": "pptx"}[kind]
    with tempfile.TemporaryDirectory(prefix="dlp-convert-") as tmp:
        source = Path(tmp) / f"input.{kind}"
        source.write_bytes(data)
        try:
            subprocess.run(
                [office, "--headless", "--norestore", "--convert-to", target, "--outdir", tmp, str(source)],
                capture_output=True,
                timeout=CONVERT_TIMEOUT,
                check=True,
                env={"HOME": tmp, "PATH": "/usr/bin:/bin"},
            )
            converted = (Path(tmp) / f"input.{target}").read_bytes()
        except (subprocess.SubprocessError, OSError) as exc:
            yield Unscannable(
                item.locator, UnscannableReason.UNSUPPORTED, f"legacy .{kind} conversion failed: {exc}"[:200]
            )
            return
    yield item.child(converted, f"{Path(item.name).stem}.{target}", separator="#converted/")


# MAPI property ids of an Outlook message ([MS-OXPROPS]) and what to call them.
_MSG_FIELDS = (
    ("0037", "Subject"),
    ("0C1A", "From"),
    ("0C1F", "From-Address"),
    ("0E04", "To"),
    ("0E03", "Cc"),
    ("0E02", "Bcc"),
    ("007D", "Headers"),
)


def _msg_string(ole: olefile.OleFileIO[str], streams: set[str], prefix: str, prop: str) -> str | None:
    for kind, codec in (("001F", "utf-16-le"), ("001E", "cp932")):
        name = f"{prefix}__substg1.0_{prop}{kind}"
        if name in streams:
            return ole.openstream(name).read().decode(codec, "replace").rstrip("\x00")
    return None


def _msg(item: Item, ole: olefile.OleFileIO[str], streams: set[str]) -> Iterator[Part]:
    headers = []
    for prop, label in _MSG_FIELDS:
        value = _msg_string(ole, streams, "", prop)
        if value:
            headers.append(f"{label}: {value}")
    recipients = sorted({s.split("/")[0] for s in streams if s.startswith("__recip_version1.0_")})
    for recipient in recipients:
        for prop in ("3001", "39FE", "3003"):
            value = _msg_string(ole, streams, f"{recipient}/", prop)
            if value:
                headers.append(f"Recipient: {value}")
    if headers:
        yield Segment("\n".join(headers), f"{item.locator}#headers", kind="header", first_line=1)
    body = _msg_string(ole, streams, "", "1000")
    if body:
        yield Segment(body.replace("\r\n", "\n"), f"{item.locator}#body", kind="body", first_line=1)
    elif "__substg1.0_10130102" in streams:  # HTML body only
        from dlp.extract.html import html_to_text

        html = ole.openstream("__substg1.0_10130102").read()
        yield Segment(html_to_text(html.decode("utf-8", "replace")), f"{item.locator}#body", kind="body", first_line=1)
    attachments = sorted({s.split("/")[0] for s in streams if s.startswith("__attach_version1.0_")})
    for number, attachment in enumerate(attachments, 1):
        name = (
            _msg_string(ole, streams, f"{attachment}/", "3707")
            or _msg_string(ole, streams, f"{attachment}/", "3704")
            or f"attachment{number}"
        )
        data_stream = f"{attachment}/__substg1.0_37010102"
        if data_stream in streams:
            yield item.child(ole.openstream(data_stream).read(), name)
        else:
            yield Segment(name, f"{item.locator}/{name}", kind="name")
            yield Unscannable(
                f"{item.locator}/{name}", UnscannableReason.UNSUPPORTED, "attached item of an unsupported kind"
            )
