"""Images and scanned pages -> text segments (through OCR) or ``no_text``, under OCR limits.

The rule for what must be read (issue 11):

* A top-level image, every page of a multi-page TIFF, and every PDF page that shows an image
  but has no text layer is OCR'd. When OCR yields (almost) nothing, is missing, is switched off
  or runs out of its limits, the page is ``no_text``: the default policy holds the item. An
  unread scan never passes silently.
* An image inside another item (a picture in a Word file, an attachment or an inline image of
  a mail, a member of an archive) smaller than ``SMALL_IMAGE_PIXELS`` or narrower than
  ``SMALL_IMAGE_SIDE`` on its short side is a logo, an icon, a stamp or a signature: it is not
  OCR'd and gives no reason, as long as the item has text of its own (names, mail headers and
  metadata do not count); when small pictures are all it holds, it is ``no_text``
  (``only_small_pictures``). A card photographed or scanned at 150 dpi or more is above the
  size (85.6 x 54 mm at 150 dpi is 506 x 319 = 161,000 pixels).

A page read with a mean confidence under 80 is ``no_text`` too (its text is still scanned):
garbage is not "clean", and a poorly read page may hold much more than was found. A page read
well carries the reason ``ocr``: the text was inspected, but OCR misses characters, so the
default policy holds a scan with personal data for review (clause scanned-personal-data)
where the same data typed in a document would only warn.

OCR text becomes an ``OcrSegment``: an ordinary text segment (the engine needs no change) whose
locator names the page (``#page2/ocr``) and which keeps the character boxes, so the pipeline
can tell where on the page a finding is (``ocr_position``).
"""

from __future__ import annotations

import io
import re
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from dlp.extract.limits import Budget
from dlp.extract.ocr import MIN_CHARS, MIN_CONFIDENCE, OcrError, OcrPage, find_tesseract, fold_digits, recognise, status
from dlp.model import Finding, Item, Segment, Unscannable, UnscannableReason

SMALL_IMAGE_PIXELS = 150_000
SMALL_IMAGE_SIDE = 120
DEFAULT_DPI = 300  # for images without a usable resolution tag (photos say 72)
_MULTI_PAGE = {"TIFF", "MPO"}


@dataclass(frozen=True)
class OcrSegment(Segment):
    """Text read by OCR from one page; ``page`` holds the character boxes."""

    page: OcrPage | None = field(default=None, compare=False, repr=False)


_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\0", b"MM\0*")


def is_image(head: bytes) -> bool:
    """A picture OCR can read (PNG, JPEG, GIF, BMP, TIFF, WebP) by its signature: documents
    hand these on as child items instead of passing over them."""
    return head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def small(width: int, height: int) -> bool:
    return width * height < SMALL_IMAGE_PIXELS or min(width, height) < SMALL_IMAGE_SIDE


def image_parts(item: Item, data: bytes, budget: Budget) -> Iterator[Segment | Unscannable]:
    """OCR of an image file (every page of a TIFF), or the reason it could not be read."""
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 M pixels (ocr_max_pixels, 40 M, refuses before that) and on
            # hostile headers (corrupt EXIF in a TIFF): what became of the image is the item's
            # reason, and the warnings would only be noise in the daemons' logs.
            warnings.simplefilter("ignore")
            img = Image.open(io.BytesIO(data))
        width, height = img.size
    except Image.DecompressionBombError as exc:  # over 2 x Image.MAX_IMAGE_PIXELS (179 M): refused at open
        yield Unscannable(item.locator, UnscannableReason.NO_TEXT, _bomb(exc))
        return
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        why = f"image not decodable for OCR ({type(exc).__name__})"
        yield Unscannable(item.locator, UnscannableReason.NO_TEXT, why)
        return
    if item.depth > 0 and small(width, height):
        budget.small_images.append((item.locator, width, height))  # a logo, if the item has text
        return
    frames = getattr(img, "n_frames", 1) if img.format in _MULTI_PAGE else 1
    for index, frame in enumerate(ImageSequence.Iterator(img)):
        if index >= frames:
            break
        locator = f"{item.locator}#page{index + 1}/ocr" if frames > 1 else f"{item.locator}#ocr"
        if index and (refusal := refused(budget)) is not None:  # one reason for all the pages left
            pages = f"page {frames}" if index + 1 == frames else f"pages {index + 1}-{frames}"
            yield Unscannable(locator, UnscannableReason.NO_TEXT, f"{pages}: {refusal}")
            return
        yield from _frame(locator, frame, budget)


_BOMB_PIXELS = re.compile(r"\((\d+) pixels\) exceeds limit of (\d+) pixels")


def _bomb(exc: Exception) -> str:
    """Why an image Pillow refused to open as a decompression bomb is not read: its size, never
    decoded (a 30000 x 30000 PNG is 900 MB of pixels in under 1 MB of file)."""
    m = _BOMB_PIXELS.search(str(exc))
    size = f"{int(m.group(1)):,} pixels, over Pillow's limit of {int(m.group(2)):,}" if m else str(exc)[:200]
    return f"image of {size} (a decompression bomb?): not decoded, not OCR'd"


def _frame(locator: str, frame: Image.Image, budget: Budget) -> Iterator[Segment | Unscannable]:
    width, height = frame.size
    limits = budget.limits
    if width * height > limits.ocr_max_pixels:
        why = f"{width}x{height} pixels is over ocr_max_pixels {limits.ocr_max_pixels:,}: not OCR'd"
        yield Unscannable(locator, UnscannableReason.NO_TEXT, why)
        return
    xdpi, ydpi = _dpi(frame)
    try:
        frame.load()
        frame = ImageOps.exif_transpose(frame)  # a phone photo says which way is up in EXIF (a copy)
        if ydpi < xdpi * 0.75:  # fax standard resolution (204 x 98 dpi): square the pixels
            size = (frame.width, round(frame.height * xdpi / ydpi))
            frame = frame.convert("L").resize(size, Image.Resampling.BILINEAR)
    except (OSError, ValueError) as exc:
        yield Unscannable(locator, UnscannableReason.NO_TEXT, f"image not decodable for OCR ({type(exc).__name__})")
        return
    yield from page_parts(locator, frame, xdpi, budget)


def page_parts(locator: str, image: Image.Image, dpi: int, budget: Budget) -> Iterator[Segment | Unscannable]:
    """OCR one page image: a segment of its text, or ``no_text`` with the reason."""
    limits = budget.limits
    why = refused(budget)
    if why is not None:
        yield Unscannable(locator, UnscannableReason.NO_TEXT, why)
        return
    budget.ocr_pages += 1
    started = time.monotonic()
    try:
        timeout = min(limits.ocr_timeout, max(1.0, limits.ocr_max_seconds - budget.ocr_seconds))
        page = recognise(image, dpi, timeout)
    except OcrError as exc:
        yield Unscannable(locator, UnscannableReason.NO_TEXT, str(exc))
        return
    finally:
        budget.ocr_seconds += time.monotonic() - started
    if page.chars < MIN_CHARS:
        yield Unscannable(locator, UnscannableReason.NO_TEXT, f"OCR found no text ({page.chars} characters)")
        return
    yield OcrSegment(fold_digits(page.text), locator, kind="ocr", first_line=1, page=page)
    if page.confidence < MIN_CONFIDENCE:
        why = (
            f"OCR read this page poorly (mean confidence {page.confidence:.0f} of 100, under {MIN_CONFIDENCE}):"
            " it may hold more than was found"
        )
        yield Unscannable(locator, UnscannableReason.NO_TEXT, why)
    else:
        why = f"text read by OCR ({page.chars} characters, mean confidence {page.confidence:.0f}): may be incomplete"
        yield Unscannable(locator, UnscannableReason.OCR, why)


def only_small_pictures(budget: Budget) -> Unscannable:
    """The reason for an item whose only content is pictures under the logo size (a Word file
    holding nothing but a small photo of a card, a mail with an empty body and one attached):
    a small picture is passed as a logo only beside text of the item's own."""
    locator = budget.small_images[0][0]
    sizes = ", ".join(f"{w}x{h}" for _, w, h in budget.small_images[:5])
    more = f" and {len(budget.small_images) - 5} more" if len(budget.small_images) > 5 else ""
    why = (
        f"the item's only content is {len(budget.small_images)} small picture(s) ({sizes}{more} pixels), not OCR'd:"
        f" under {SMALL_IMAGE_PIXELS:,} pixels a picture is taken for a logo only beside text"
    )
    return Unscannable(locator, UnscannableReason.NO_TEXT, why)


def refused(budget: Budget) -> str | None:
    """Why no more OCR can run for this item (then a page is ``no_text``), or None."""
    limits = budget.limits
    if not limits.ocr:
        return "image with no text layer; OCR is off (limits.ocr)"
    if find_tesseract() is None:
        return status()[1]
    if budget.ocr_pages >= limits.ocr_max_pages or budget.ocr_seconds >= limits.ocr_max_seconds:
        return f"not OCR'd: this item's OCR limit is used up ({budget.ocr_pages} pages, {budget.ocr_seconds:.0f} s)"
    return None


def _dpi(image: Image.Image) -> tuple[int, int]:
    raw = image.info.get("dpi") or (0, 0)
    try:
        x, y = (round(float(v)) for v in raw[:2])
    except (TypeError, ValueError):
        x = y = 0
    if x < 100 or y < 50:  # no tag, or a camera's nominal 72 dpi
        return DEFAULT_DPI, DEFAULT_DPI
    return min(x, 1200), min(y, 1200)


def ocr_position(segment: Segment, findings: list[Finding]) -> list[Finding]:
    """Findings in OCR text with the place on the page they were read from, added to their
    locator as ``@x,y,wxh`` (pixels of the page image): the officer can look at that spot."""
    page = getattr(segment, "page", None)
    if not isinstance(page, OcrPage):
        return findings
    starts = [0]
    for ocr_line in page.lines[:-1]:
        starts.append(starts[-1] + len(ocr_line.text) + 1)
    out = []
    for f in findings:
        local = f.start - segment.offset
        line = max(i for i, s in enumerate(starts) if s <= local) if local >= 0 else 0
        box = page.box(line, local - starts[line], f.end - segment.offset - starts[line])
        if box is None or f.locator != segment.locator:
            out.append(f)
            continue
        out.append(replace(f, locator=f"{f.locator}@{box[0]},{box[1]},{box[2]}x{box[3]}"))
    return out
