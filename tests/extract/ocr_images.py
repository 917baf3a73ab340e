"""Helpers of the OCR tests: an image saved in a format, and the unscannable reasons of an
extraction with the part of the locator after its last '#'."""

from __future__ import annotations

import io

from PIL import Image

from dlp.model import Unscannable


def saved(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def reasons(parts: list) -> list[tuple[str, str]]:
    return [(u.reason.value, u.locator.rsplit("#", 1)[1]) for u in parts if isinstance(u, Unscannable)]
