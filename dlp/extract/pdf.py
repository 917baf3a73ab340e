"""PDF: page text with page locators, plus what page text misses: the text annotations and
form widgets paint (their appearance streams), form field values, notes, outlines, metadata,
labels and embedded files (scanned as child items), see ``pdf_objects``; fonts that draw digits
but extract as letters are ``suspicious_font`` (``pdf_fonts``). Pages that show images but have
no text layer (scans) are rendered and OCR'd, or are ``no_text`` (``ocr_parts``).

Page text comes from pypdfium2 (7-14x faster than pdfminer.six on Japanese pages, measured,
and it keeps U+FF0D as written); pdfminer.six, with layout analysis on so lines are never glued
into false 12-digit runs, reads what PDFium will not open. A PDF that needs a password to open
is unscannable (``encrypted``); one with only an owner password opens with the empty one and is
read normally. PDFium is not thread-safe: extraction runs in worker processes.
"""

from __future__ import annotations

import ctypes
import io
from collections import Counter
from collections.abc import Callable, Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from dlp.extract.limits import Budget, LimitExceeded
from dlp.extract.ocr_parts import page_parts, refused
from dlp.extract.pdf_objects import extract_objects
from dlp.extract.pdf_revisions import outside_and_earlier
from dlp.model import Item, Segment, Unscannable, UnscannableReason

Part = Segment | Unscannable | Item
PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD
MAX_PAGES = 20_000
CHUNK = 1 << 20
MIN_PAGE_TEXT = 20  # fewer non-space characters than this beside an image: treat as a scan
# A page mostly covered by one picture is a scan even with a little text (a fax header line, a
# stamped page number, an OCR layer of a few words): up to this many characters it is OCR'd.
SCAN_COVER = 0.5
SCAN_PAGE_TEXT = 200
MIN_SCAN_DPI = 150


def extract_pdf(item: Item, budget: Budget) -> Iterator[Part]:
    data = _bytes(item, budget)
    yield from _extract(item, data, budget)
    # Earlier revisions under incremental updates, bytes before the header and after %%EOF.
    yield from outside_and_earlier(item, data, budget)


def _extract(item: Item, data: bytes, budget: Budget) -> Iterator[Part]:
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
        scans = []
        replaced: list[int] = []  # pages whose text layer takes /ActualText instead of the glyphs
        for index in range(pages):
            if _has_actual_text(document, index):
                replaced.append(index)
            text, painted, image_only = _page_text(document, index)
            if image_only:
                scans.append(index + 1)
            if text.strip():
                yield Segment(text, f"{item.locator}#page{index + 1}", kind="page", first_line=1)
            if painted:
                yield Segment(painted, f"{item.locator}#page{index + 1}/appearance", kind="annotation", first_line=1)
        for i, number in enumerate(scans):  # OCR, or no_text per page
            if i and (why := refused(budget)) is not None:  # one reason for all the scans left
                left = f"{len(scans) - i} scanned page(s) from page {number}"
                yield Unscannable(f"{item.locator}#page{number}/ocr", UnscannableReason.NO_TEXT, f"{left}: {why}")
                break
            yield from _scanned_page(item, document, number, budget)
        metadata = [f"{k}: {v}" for k, v in document.get_metadata_dict(skip_empty=True).items() if isinstance(v, str)]
        if metadata:
            yield Segment("\n".join(metadata), f"{item.locator}#metadata", kind="metadata", first_line=1)
        listed: Counter[str] = Counter()
        for index in range(document.count_attachments()):
            attachment = document.get_attachment(index)
            name = attachment.get_name() or f"attachment{index + 1}"
            listed[name] += 1
            try:
                payload = bytes(attachment.get_data())
            except pdfium.PdfiumError as exc:
                yield Unscannable(f"{item.locator}/{name}", UnscannableReason.CORRUPT, f"attachment unreadable: {exc}")
                continue
            budget.charge_bytes(len(payload))
            yield item.child(payload, name)
    finally:
        document.close()
    if replaced:
        yield from _drawn_glyphs(item, data, replaced)
    yield from extract_objects(item, data, budget, listed)


def _scanned_page(item: Item, document: pdfium.PdfDocument, number: int, budget: Budget) -> Iterator[Part]:
    """A page with images and no text layer, rendered in grey for OCR at the resolution of its
    largest picture, between MIN_SCAN_DPI and ``ocr_pdf_dpi`` (300), lowered so that the bitmap
    stays under ``ocr_max_pixels``. Measured (bench/bench_ocr.py --pdf-dpi) on 200-dpi scans:
    values found 83/99 rendered at 150 dpi, 86 at 200, 78 at 300, 70 at 400 (again with
    ``--seeds 4``: 84/88, 84, 83, 74); resampling a scan above its own resolution blurs its
    strokes."""
    locator = f"{item.locator}#page{number}/ocr"
    limits = budget.limits
    why = refused(budget)
    if why is not None:
        yield Unscannable(locator, UnscannableReason.NO_TEXT, why)
        return
    page = document[number - 1]
    try:
        width, height = page.get_size()
        _area, native = _largest_image(page)
        dpi = int(min(limits.ocr_pdf_dpi, max(MIN_SCAN_DPI, native or limits.ocr_pdf_dpi)))
        pixels = width * height * (dpi / 72) ** 2
        if pixels > limits.ocr_max_pixels:
            dpi = int(dpi * (limits.ocr_max_pixels / pixels) ** 0.5)
        if dpi < 50:
            why = f"page {width:.0f}x{height:.0f} pt too large to render for OCR under ocr_max_pixels"
            yield Unscannable(locator, UnscannableReason.NO_TEXT, why)
            return
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    except pdfium.PdfiumError as exc:
        yield Unscannable(locator, UnscannableReason.NO_TEXT, f"page could not be rendered for OCR: {exc}")
        return
    finally:
        page.close()
    yield from page_parts(locator, image, dpi, budget)


def _has_actual_text(document: pdfium.PdfDocument, index: int) -> bool:
    """Whether an object on the page sits in marked content with /ActualText: PDFium's text
    layer then gives that text instead of what the glyphs draw (a viewer shows the glyphs)."""
    page = document[index]
    try:
        for i in range(max(0, pdfium_c.FPDFPage_CountObjects(page.raw))):
            obj = pdfium_c.FPDFPage_GetObject(page.raw, i)
            for m in range(max(0, pdfium_c.FPDFPageObj_CountMarks(obj) if obj else 0)):
                mark = pdfium_c.FPDFPageObj_GetMark(obj, m)
                length = ctypes.c_ulong(0)
                if mark and pdfium_c.FPDFPageObjMark_GetParamStringValue(mark, b"ActualText", None, 0, length):
                    return True
        return False
    finally:
        page.close()


def _drawn_glyphs(item: Item, data: bytes, pages: list[int]) -> Iterator[Part]:
    """The glyphs of pages with /ActualText, read by pdfminer (which does not substitute it)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer

    try:
        layouts = extract_pages(io.BytesIO(data), page_numbers=set(pages), laparams=LAParams())
        for index, layout in zip(sorted(pages), layouts, strict=False):
            text = "".join(el.get_text() for el in layout if isinstance(el, LTTextContainer))
            if text.strip():
                yield Segment(text, f"{item.locator}#page{index + 1}/drawn", kind="page", first_line=1)
    except Exception as exc:
        why = f"/ActualText replaces drawn text; glyphs unreadable ({type(exc).__name__})"
        yield Unscannable(item.locator, UnscannableReason.SUSPICIOUS_FONT, why)


def _page_text(document: pdfium.PdfDocument, index: int) -> tuple[str, str, bool]:
    """The page's text, the text only its annotations' appearance streams paint, and whether
    the page shows images but has (almost) no text: a scanned page, unreadable without OCR.

    A FreeText, Stamp or Widget annotation shows its /AP /N stream, whatever its /Contents or
    field value says; PDFium's text layer leaves annotations out. So when an annotation on the
    page has an appearance, the annotations are flattened into the page (as a viewer paints
    them; PDFium appends them after the page's own objects) and the page is loaded again with
    its own, already read, objects dropped: what is read then is exactly the painted text.
    Pages without appearances cost one look at their annotations.
    """
    page = document[index]
    try:
        text = _text(page)
        image_only = _is_scan(page, len("".join(text.split())))
        if not _has_appearances(page):
            return text, "", image_only
        own = pdfium_c.FPDFPage_CountObjects(page.raw)
        _unhide_annotations(page)  # a Hidden/NoView appearance leaves with the file: read it too
        if pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_NORMALDISPLAY) != pdfium_c.FLATTEN_SUCCESS:
            return text, "", image_only
    finally:
        page.close()
    page = document[index]  # PDFium reads flattened content only on a fresh load
    try:
        for i in reversed(range(min(own, pdfium_c.FPDFPage_CountObjects(page.raw)))):
            obj = pdfium_c.FPDFPage_GetObject(page.raw, i)
            if obj and pdfium_c.FPDFPage_RemoveObject(page.raw, obj):
                pdfium_c.FPDFPageObj_Destroy(obj)
        return text, _text(page), image_only
    finally:
        page.close()


_HIDING_FLAGS = 2 | 32  # Hidden, NoView (PDF 32000-1, 12.5.3)


def _unhide_annotations(page: pdfium.PdfPage) -> None:
    """Clear the flags that keep a viewer from painting an annotation, on the loaded copy only."""
    for i in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annotation = pdfium_c.FPDFPage_GetAnnot(page.raw, i)
        if annotation:
            try:
                flags = pdfium_c.FPDFAnnot_GetFlags(annotation)
                if flags & _HIDING_FLAGS:
                    pdfium_c.FPDFAnnot_SetFlags(annotation, flags & ~_HIDING_FLAGS)
            finally:
                pdfium_c.FPDFPage_CloseAnnot(annotation)


def _has_appearances(page: pdfium.PdfPage) -> bool:
    """Whether an annotation's normal appearance draws text (links, highlights, ink and empty
    fields draw none, so their pages are not flattened)."""
    for i in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annotation = pdfium_c.FPDFPage_GetAnnot(page.raw, i)
        if annotation:
            try:
                if pdfium_c.FPDFAnnot_HasKey(annotation, b"AP") and _draws(
                    annotation,
                    pdfium_c.FPDFAnnot_GetObjectCount,
                    pdfium_c.FPDFAnnot_GetObject,
                    pdfium_c.FPDF_PAGEOBJ_TEXT,
                ):
                    return True
            finally:
                pdfium_c.FPDFPage_CloseAnnot(annotation)
    return False


def _is_scan(page: pdfium.PdfPage, chars: int) -> bool:
    """A page that shows images and has no text layer to speak of: under MIN_PAGE_TEXT
    characters beside any image, or under SCAN_PAGE_TEXT on a page a picture mostly covers."""
    if chars >= SCAN_PAGE_TEXT or not _has_image(page.raw):
        return False
    if chars < MIN_PAGE_TEXT:
        return True
    largest, _dpi = _largest_image(page)
    width, height = page.get_size()
    return largest >= SCAN_COVER * width * height


def _largest_image(page: pdfium.PdfPage) -> tuple[float, float]:
    """The area (pt²) of the largest picture on the page and its resolution (0 if unknown)."""
    best, dpi = 0.0, 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=8):
        try:
            left, bottom, right, top = obj.get_bounds()
            area = (right - left) * (top - bottom)
            if area > best:
                meta = obj.get_metadata()
                best, dpi = area, min(meta.horizontal_dpi, meta.vertical_dpi)
        except pdfium.PdfiumError:
            continue
    return best, dpi


def _has_image(page: object) -> bool:
    """Whether the page (or a Form XObject on it, a few levels deep) draws an image."""
    return _draws(page, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, pdfium_c.FPDF_PAGEOBJ_IMAGE)


def _draws(holder: object, count: Callable[..., int], get: Callable[..., object], wanted: int, depth: int = 0) -> bool:
    """Whether ``holder`` (a page, an annotation's appearance or a form object) holds an object
    of type ``wanted``, looking into Form XObjects a few levels deep."""
    for i in range(max(0, count(holder))):
        obj = get(holder, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj) if obj else None
        if kind == wanted:
            return True
        inner = (pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, wanted, depth + 1)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8 and _draws(obj, *inner):
            return True
    return False


def _text(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        return textpage.get_text_range().replace("\r\n", "\n")
    finally:
        textpage.close()


def _bytes(item: Item, budget: Budget) -> bytes:
    """The whole PDF, read in chunks: one ``read(limit)`` makes CPython allocate ``limit``
    bytes up front, which fails (MemoryError) for a large configured limit."""
    limit = budget.limits.max_member_bytes + 1
    chunks, size = [], 0
    with item.open() as fh:
        while size < limit and (chunk := fh.read(min(CHUNK, limit - size))):
            chunks.append(chunk)
            size += len(chunk)
    data = b"".join(chunks)
    if len(data) > budget.limits.max_member_bytes:
        raise LimitExceeded(
            UnscannableReason.TOO_LARGE, f"PDF larger than max_member_bytes {budget.limits.max_member_bytes:,}"
        )
    return data


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
