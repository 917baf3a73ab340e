"""Bytes -> Segments: one extractor per kind of content, found by sniffing the bytes.

``extract(item, limits)`` walks an item and everything inside it (archive members, mail
attachments, files embedded in a PDF), yielding Segments of text and Unscannable reasons.
One bad part never stops the walk: whatever goes wrong becomes an unscannable reason on the
verdict, and the policy decides what that means. Adding a format is one function and one line
in ``EXTRACTORS``.
"""

from __future__ import annotations

import importlib
import os
import stat
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass

from dlp.extract.limits import Budget, LimitExceeded, Limits
from dlp.extract.sniff import sniff, zip_at_end
from dlp.model import Item, Segment, Unscannable, UnscannableReason

Part = Segment | Unscannable | Item
Extractor = Callable[[Item, Budget], Iterator[Part]]


@dataclass(frozen=True)
class _Lazy:
    """The extractor ``name`` of ``dlp.extract.<module>``, imported at its first item: a scan
    of one CSV need not load the PDF, archive, Office and picture libraries (a tenth of the
    command's start-up). A daemon's spawned workers import each once, at the first item of
    its kind; a module that fails to import makes that item unscannable, as any extractor
    error does."""

    module: str
    name: str

    def load(self) -> Extractor:
        extractor: Extractor = getattr(importlib.import_module(f"dlp.extract.{self.module}"), self.name)
        return extractor

    def __call__(self, item: Item, budget: Budget) -> Iterator[Part]:
        return self.load()(item, budget)


EXTRACTORS: dict[str, Extractor] = {
    "text": _Lazy("text", "extract_text"),
    "xml": _Lazy("text", "extract_text"),
    "delimited": _Lazy("delimited", "extract_delimited"),
    "json": _Lazy("jsondoc", "extract_json"),
    "html": _Lazy("html", "extract_html"),
    "pdf": _Lazy("pdf", "extract_pdf"),
    "xlsx": _Lazy("xlsx", "extract_xlsx"),
    "xlsb": _Lazy("xlsx", "extract_spreadsheet"),
    "ods": _Lazy("xlsx", "extract_spreadsheet"),
    "docx": _Lazy("office", "extract_docx"),
    "pptx": _Lazy("office", "extract_pptx"),
    "odf": _Lazy("office", "extract_odf"),
    "zip": _Lazy("archive", "extract_zip"),
    "7z": _Lazy("archive", "extract_7z"),
    "tar": _Lazy("archive", "extract_tar"),
    "gzip": _Lazy("archive", "extract_gzip"),
    "bzip2": _Lazy("archive", "extract_bzip2"),
    "xz": _Lazy("archive", "extract_xz"),
    "eml": _Lazy("mail", "extract_mail"),
    "cfb": _Lazy("cfb", "extract_cfb"),
    "encrypted-office": _Lazy("cfb", "extract_cfb"),
    "media": _Lazy("binary", "extract_media"),
    "binary": _Lazy("binary", "extract_binary"),
}


# Extractors that read only a prefix of an item (the bytes they get are capped): an item over
# the cap gets a reason, so that what follows the cap is never dropped without a word.
PREFIX_READERS: dict[str, tuple[Callable[[Limits], int], UnscannableReason]] = {
    "html": (lambda limits: limits.max_member_bytes, UnscannableReason.TOO_MUCH_TEXT),
    "cfb": (lambda limits: limits.max_member_bytes, UnscannableReason.TOO_LARGE),
    "encrypted-office": (lambda limits: limits.max_member_bytes, UnscannableReason.TOO_LARGE),
}


# Formats whose readers ignore trailing bytes, where unzip would find a ZIP at the end.
POLYGLOT_HOSTS = frozenset({"pdf", "cfb", "encrypted-office", "html", "xml", "eml"})


def extract(item: Item, limits: Limits, *, kind: str | None = None) -> Generator[Segment | Unscannable, None, None]:
    """Segments and unscannable reasons of an item and everything inside it. ``kind`` forces
    the extractor of the top item (tests feed every extractor random bytes)."""
    budget = Budget(limits, item_size=item.size or 0)
    content = False
    for part in _walk(item, budget, kind):
        if not content and isinstance(part, Segment) and part.kind not in _NOT_CONTENT and part.text.strip():
            content = True
        yield part
    if budget.small_images and not content:  # small pictures and nothing else: no logos, unread
        from dlp.extract.ocr_parts import only_small_pictures  # PIL: only for items with pictures

        yield only_small_pictures(budget)


# Segments that are not what an item says: beside only these, a small picture is not a logo.
_NOT_CONTENT = frozenset({"name", "header", "metadata", "strings"})


def _walk(item: Item, budget: Budget, forced: str | None = None) -> Iterator[Segment | Unscannable]:
    yield Segment(item.name, item.locator, kind="name")
    limits = budget.limits
    if item.depth > limits.max_depth:
        yield Unscannable(
            item.locator, UnscannableReason.TOO_DEEP, f"nested deeper than {limits.max_depth} levels (max_depth)"
        )
        return
    if item.size is not None and item.size > limits.max_item_bytes:
        yield Unscannable(
            item.locator,
            UnscannableReason.TOO_LARGE,
            f"{item.size:,} bytes is over max_item_bytes {limits.max_item_bytes:,}",
        )
        return
    if item.path is not None and (problem := _not_a_file(item)) is not None:
        yield problem
        return
    try:
        kind, mime = (forced, "forced") if forced else sniff(item)
    except OSError as exc:
        yield Unscannable(item.locator, UnscannableReason.UNREADABLE, f"{type(exc).__name__}: {exc.strerror or exc}")
        return
    except Exception as exc:  # a library choked while telling the kind: unread is never allowed
        yield Unscannable(
            item.locator, UnscannableReason.CORRUPT, f"kind of content unknown: {type(exc).__name__}: {_short(exc)}"
        )
        return
    if kind == "empty":
        return
    item.meta["mime"] = mime
    extractor = EXTRACTORS.get(kind)
    if extractor is None:
        yield Unscannable(item.locator, UnscannableReason.UNSUPPORTED, f"no extractor for {kind} ({mime})")
        return
    if kind in PREFIX_READERS and item.size is not None:
        cap, reason = PREFIX_READERS[kind]
        if item.size > cap(limits):
            yield Unscannable(
                item.locator,
                reason,
                f"{kind}: only the first {cap(limits):,} of {item.size:,} bytes were read (max_member_bytes)",
            )
    try:
        for part in extractor(item, budget):
            if isinstance(part, Item):
                yield from _walk(part, budget)
            elif isinstance(part, Segment):
                budget.charge_chars(len(part.text))
                yield part
            else:
                yield part
    except LimitExceeded as exc:
        yield Unscannable(item.locator, exc.reason, exc.detail)
        return
    except OSError as exc:
        yield Unscannable(item.locator, UnscannableReason.UNREADABLE, f"{type(exc).__name__}: {exc}")
    except MemoryError:
        yield Unscannable(item.locator, UnscannableReason.TOO_LARGE, "ran out of memory while extracting")
    except RecursionError:
        yield Unscannable(item.locator, UnscannableReason.TOO_DEEP, "structure nested too deeply to parse")
    except Exception as exc:
        yield Unscannable(item.locator, UnscannableReason.CORRUPT, f"{kind}: {type(exc).__name__}: {_short(exc)}")
    if kind in POLYGLOT_HOSTS and not forced:
        yield from _appended_zip(item, budget)


def _appended_zip(item: Item, budget: Budget) -> Iterator[Segment | Unscannable]:
    """A ZIP after a PDF's %%EOF (or behind another format that ignores trailing bytes): the
    viewer shows the document, unzip shows the ZIP. Both are read."""
    try:
        if not zip_at_end(item):
            return
        data = item.read()
    except OSError as exc:
        yield Unscannable(item.locator, UnscannableReason.UNREADABLE, f"{type(exc).__name__}: {exc.strerror or exc}")
        return
    yield from _walk(item.child(data, "appended.zip", separator="#"), budget, "zip")


def _not_a_file(item: Item) -> Unscannable | None:
    """Why a path cannot be read as a file, checked before opening it (opening a FIFO blocks
    for ever; a folder handed over by the folder walk is one it could not list or a link)."""
    try:
        mode = os.stat(item.path).st_mode  # type: ignore[arg-type]
    except OSError as exc:
        return Unscannable(item.locator, UnscannableReason.UNREADABLE, f"{type(exc).__name__}: {exc.strerror}")
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        try:
            os.listdir(item.path)
        except OSError as exc:
            detail = f"folder could not be listed ({type(exc).__name__}: {exc.strerror}): its files were not scanned"
            return Unscannable(item.locator, UnscannableReason.UNREADABLE, detail)
        detail = "a linked folder (not followed): its files were not scanned; scan its target"
        return Unscannable(item.locator, UnscannableReason.UNSUPPORTED, detail)
    detail = "not a regular file (FIFO, socket or device): not read"
    return Unscannable(item.locator, UnscannableReason.UNSUPPORTED, detail)


def _short(exc: Exception) -> str:
    text = str(exc).replace("\n", " ")
    return text[:200] + ("…" if len(text) > 200 else "")
