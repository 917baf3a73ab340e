"""Limits on what one item may cost, all configurable, each ending in an unscannable reason.

Defaults follow reference/extraction.md §5.3 (FortiMail, Trellix and Exchange anchors): depth 5,
10,000 members, 100 MB per member, 500 MB per item, ratio 200:1 on members over 1 MB, and text
extracted beyond the item's own size capped at 20 M characters (a 47 KB xlsx can expand to 10⁹
characters through one shared string), 60 s wall time per top-level item, and 3 GB of address
space per scan worker (calamine can reach 3 GB on a 47 KB workbook before any cap applies).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dlp.model import UnscannableReason


@dataclass(frozen=True)
class Limits:
    max_depth: int = 5
    max_members: int = 10_000
    max_member_bytes: int = 100 * 1024 * 1024
    max_item_bytes: int = 500 * 1024 * 1024
    max_ratio: int = 200
    ratio_min_bytes: int = 1024 * 1024
    max_extra_chars: int = 20_000_000
    timeout: float = 60.0
    max_memory_mb: int = 3072  # address space of a scan worker; 0: no limit
    # OCR (dlp/extract/ocr_parts.py): pages and images read per top-level item, seconds per page
    # and per item, pixels per image, and the resolution image-only PDF pages are rendered at.
    ocr: bool = True
    ocr_max_pages: int = 30
    ocr_timeout: float = 20.0
    ocr_max_seconds: float = 40.0
    ocr_max_pixels: int = 40_000_000
    ocr_pdf_dpi: int = 300


class LimitExceeded(Exception):
    """Raised inside an extractor when a limit is hit; becomes an unscannable reason."""

    def __init__(self, reason: UnscannableReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass
class Budget:
    """What one top-level item has used so far, shared by all its nested parts."""

    limits: Limits
    item_size: int = 0
    chars: int = 0
    bytes_read: int = 0
    ocr_pages: int = 0
    ocr_seconds: float = 0.0
    # Pictures inside the item passed over as logos (locator, width, height): no_text after
    # all when the item has no text of its own (extract(), ocr_parts.only_small_pictures).
    small_images: list[tuple[str, int, int]] = field(default_factory=list)

    def charge_chars(self, n: int) -> None:
        self.chars += n
        allowed = self.item_size + self.limits.max_extra_chars
        if self.chars > allowed:
            raise LimitExceeded(
                UnscannableReason.TOO_MUCH_TEXT,
                f"more than {allowed:,} characters of text extracted (limit: item size + max_extra_chars)",
            )

    def charge_bytes(self, n: int) -> None:
        self.bytes_read += n
        if self.bytes_read > self.limits.max_item_bytes:
            raise LimitExceeded(
                UnscannableReason.TOO_LARGE,
                f"more than {self.limits.max_item_bytes:,} bytes unpacked for one item (max_item_bytes)",
            )
