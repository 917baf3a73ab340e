"""PDF: page text with page locators, plus what page text misses — form field values,
annotation text, document metadata and embedded files (scanned as child items).

Page text comes from pypdfium2 (7-14x faster than pdfminer.six on Japanese pages, measured,
and it keeps U+FF0D as written); pdfminer.six, with layout analysis on so lines are never glued
into false 12-digit runs, reads what PDFium will not open. A PDF that needs a password to open
is unscannable (``encrypted``); one with only an owner password opens with the empty one and is
read normally. PDFium is not thread-safe: extraction runs in worker processes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pypdfium2 as pdfium

from dlp.extract.limits import Budget, LimitExceeded
from dlp.model import Item, Segment, Unscannable, UnscannableReason

Part = Segment | Unscannable | Item
PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD
MAX_PAGES = 20_000


def extract_pdf(item: Item, budget: Budget) -> Iterator[Part]:
    data = _bytes(item, budget)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == PASSWORD_ERROR or "password" in str(exc).lower():
            yield Unscannable(item.locator, UnscannableReason.ENCRYPTED, "PDF needs a password to open")
            return
        yield from _pdfminer_pages(item, data, str(exc))
        return
    try:
        pages = len(document)
        if pages > MAX_PAGES:
            raise LimitExceeded(UnscannableReason.TOO_LARGE, f"{pages:,} pages, more than {MAX_PAGES:,}")
        for index in range(pages):
            page = document[index]
            try:
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
            finally:
                page.close()
            if text.strip():
                yield Segment(text.replace("\r\n", "\n"), f"{item.locator}#page{index + 1}", kind="page", first_line=1)
        metadata = [f"{k}: {v}" for k, v in document.get_metadata_dict(skip_empty=True).items() if isinstance(v, str)]
        if metadata:
            yield Segment("\n".join(metadata), f"{item.locator}#metadata", kind="metadata", first_line=1)
        for index in range(document.count_attachments()):
            attachment = document.get_attachment(index)
            name = attachment.get_name() or f"attachment{index + 1}"
            payload = bytes(attachment.get_data())
            budget.charge_bytes(len(payload))
            yield item.child(payload, name)
    finally:
        document.close()
    yield from _forms_and_annotations(item, data)


def _bytes(item: Item, budget: Budget) -> bytes:
    data = item.read(budget.limits.max_member_bytes + 1)
    if len(data) > budget.limits.max_member_bytes:
        raise LimitExceeded(
            UnscannableReason.TOO_LARGE, f"PDF larger than max_member_bytes {budget.limits.max_member_bytes:,}"
        )
    return data


def _forms_and_annotations(item: Item, data: bytes) -> Iterator[Segment]:
    """AcroForm field values and annotation texts (sticky notes, free text), via pypdf."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        fields = reader.get_fields() or {}
    except Exception:
        return
    lines = []
    for name, field in fields.items():
        value = field.get("/V") if isinstance(field, dict) else None
        if value not in (None, ""):
            lines.append(f"{name}: {_text(value)}")
    if lines:
        yield Segment("\n".join(lines), f"{item.locator}#form", kind="form", first_line=1)
    for number, page in enumerate(_pages(reader), 1):
        notes = []
        for annotation in _annotations(page):
            for key in ("/Contents", "/T", "/RC"):
                value = annotation.get(key)
                if value:
                    notes.append(_text(value))
        if notes:
            yield Segment("\n".join(notes), f"{item.locator}#page{number}/annotations", kind="annotation", first_line=1)


def _pages(reader: Any) -> list[Any]:
    try:
        return list(reader.pages)
    except Exception:
        return []


def _annotations(page: Any) -> list[Any]:
    try:
        annotations = page.get("/Annots") or []
        return [a.get_object() for a in annotations]
    except Exception:
        return []


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _pdfminer_pages(item: Item, data: bytes, why: str) -> Iterator[Part]:
    """The fallback for files PDFium will not open (with layout analysis: lines stay apart)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        for number, layout in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams()), 1):
            text = "".join(el.get_text() for el in layout if isinstance(el, LTTextContainer))
            if text.strip():
                yield Segment(text, f"{item.locator}#page{number}", kind="page", first_line=1)
    except PDFPasswordIncorrect:
        yield Unscannable(item.locator, UnscannableReason.ENCRYPTED, "PDF needs a password to open")
    except Exception as exc:
        yield Unscannable(
            item.locator, UnscannableReason.CORRUPT, f"PDF unreadable (PDFium: {why}; pdfminer: {exc})"[:300]
        )
