"""OCR of scanned pages and photos with the Tesseract CLI, for the extractors to turn into text.

Why the CLI and not a binding (reference/ocr.md §2): each page runs in a child process of the
scan worker, so a hang or a crash in Tesseract is killed by its process group without taking
the worker down, and the Debian package is all it needs (no C extension to build; pytesseract
would only wrap the same CLI and spill the decoded image into the shared temp folder).
``OMP_THREAD_LIMIT=1``: the same text at a third of the CPU on a busy 2-core machine (§2).

Settings (measured in §4 and on the fixtures of scripts/make_ocr_fixtures.py): ``-l jpn
--psm 3 -c preserve_interword_spaces=1``; never ``--psm 6`` on forms (it drops ruled tables).
Tesseract's Japanese "words" are arbitrary fragments and a ruled form comes back cell by cell
(a label's block far from its value's), so lines are rebuilt here from the word boxes: words of
one visual row, left to right, are one line, which puts 個人番号 next to its number again.

OCR text is hostile: digits come back as letters (measured: N or S for 8, G for 6, U for 0, ]
for 1; §5: l for 1) and dashes as ー or 一. ``fold_digits`` maps those to digits and ``-`` only
inside digit runs, keeping every offset, so the engine's rules see ``090-1234-5678`` where
Tesseract wrote ``O9O一1234-5678``; the rules themselves stay as they are for typed text. A page
read poorly is turned upright (``--psm 0``) or read as vertical text before it is given up.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import io
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Pillow loads at the first picture: a scan of text files never needs it
    from PIL import Image

LANG = "jpn"
VERTICAL_LANG = "jpn_vert"
OSD_LANG = "osd"  # orientation and script detection (--psm 0), installed with tesseract-ocr
MIN_CHARS = 6  # fewer non-space characters than this from a page: nothing was read
# Mean word confidence under which a page counts as unread (no_text) even where text came back.
# Measured on 30 degraded fixture pages (values found of 11): blurred faxes 46-55 (0),
# 204x98 faxes 64-69 (1-6), 120-dpi faxes 72-79 (4-8), clean faxes and photos 86-92 (10-11);
# a vertical memo 81-88, card photos 85-86. Under 80 a page may hold much more than was found.
MIN_CONFIDENCE = 80
# Under this, a page is read again as vertical text (horizontal reads of 縦書き are noise, < 60).
VERTICAL_RETRY_CONFIDENCE = 60
TESSDATA_HINT = "apt-get install tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert"


class OcrError(Exception):
    """Tesseract failed, timed out or is missing: the image stays unread (``no_text``)."""


@dataclass(frozen=True)
class Tesseract:
    path: str
    languages: frozenset[str]

    @property
    def vertical(self) -> bool:
        return VERTICAL_LANG in self.languages


@functools.cache
def find_tesseract() -> Tesseract | None:
    """The Tesseract CLI with its Japanese model, or None (then every image is ``no_text``)."""
    path = shutil.which("tesseract")
    if path is None:
        return None
    try:
        out = subprocess.run(
            [path, "--list-langs"], capture_output=True, text=True, timeout=20, env=_env(), check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    languages = frozenset(line.strip() for line in (out.stdout + out.stderr).splitlines()[1:] if line.strip())
    if LANG not in languages:
        return None
    return Tesseract(path, languages)


def status() -> tuple[bool, str]:
    """Whether OCR works here, and a sentence saying so (``dlp config check``, scan output)."""
    found = find_tesseract()
    if found is None:
        why = "Tesseract is not installed" if shutil.which("tesseract") is None else f"Tesseract has no '{LANG}' model"
        return False, (
            f"OCR unavailable: {why}; images and scanned PDF pages are reported as no_text "
            f"(and held by the default policy). Install: {TESSDATA_HINT}"
        )
    vertical = "" if found.vertical else f" (no {VERTICAL_LANG}: vertical text is not retried)"
    return True, f"OCR: Tesseract at {found.path}, languages {', '.join(sorted(found.languages))}{vertical}"


@dataclass
class OcrLine:
    """One visual line: its text and, per character, the box it came from (x, y, w, h)."""

    text: str
    boxes: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class OcrPage:
    lines: list[OcrLine]
    width: int
    height: int
    confidence: float  # mean word confidence, 0-100
    seconds: float
    lang: str = LANG

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def chars(self) -> int:
        return sum(len("".join(line.text.split())) for line in self.lines)

    def box(self, line: int, start: int, end: int) -> tuple[int, int, int, int] | None:
        """The box around characters ``start:end`` of line ``line`` (0-based), or None."""
        if not 0 <= line < len(self.lines):
            return None
        boxes = [b for b in self.lines[line].boxes[max(0, start) : max(start + 1, end)] if b[2] or b[3]]
        if not boxes:
            return None
        x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
        x1, y1 = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
        return x0, y0, x1 - x0, y1 - y0


def recognise(image: Image.Image, dpi: int, timeout: float) -> OcrPage:
    """OCR one page. A page read poorly is tried again, within the same time limit:

    * turned upright when Tesseract's orientation detection (``--psm 0``, the ``osd`` model)
      says it lies on its side or upside down (a phone photo of a card taken sideways);
    * as vertical text (``jpn_vert --psm 5``) when the yield or the confidence is still low
      (a vertical page gives nothing or noise with ``--psm 3``, §5).

    The most confident read wins; its boxes are in the pixels of the image it was read from."""
    tesseract = find_tesseract()
    if tesseract is None:
        raise OcrError(status()[1])
    started = time.monotonic()

    def left() -> float:
        return timeout - (time.monotonic() - started)

    prepared = _prepared(image)
    png = _png(prepared, dpi)  # piped to Tesseract: no file of the page (personal data) on disk
    page = _run(tesseract, png, prepared.size, LANG, 3, dpi, timeout)
    if page.confidence < MIN_CONFIDENCE and OSD_LANG in tesseract.languages and left() > 1:
        turn = _orientation(tesseract, png, dpi, left())
        if turn and left() > 1:
            upright = prepared.rotate(-turn, expand=True)
            turned = _run(tesseract, _png(upright, dpi), upright.size, LANG, 3, dpi, left())
            if turned.chars >= MIN_CHARS and turned.confidence > page.confidence:
                page = turned
    poor = page.chars < 4 * MIN_CHARS or page.confidence < VERTICAL_RETRY_CONFIDENCE
    if poor and tesseract.vertical and left() > 1:
        vertical = _run(tesseract, png, prepared.size, VERTICAL_LANG, 5, dpi, left())
        if vertical.chars >= MIN_CHARS and vertical.confidence > page.confidence:
            page = vertical
    page.seconds = time.monotonic() - started
    return page


_ROTATE = re.compile(r"^Rotate:\s*(\d+)", re.MULTILINE)


def _png(image: Image.Image, dpi: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(dpi, dpi), compress_level=1)  # fast: it is read once, at once
    return out.getvalue()


def _orientation(tesseract: Tesseract, png: bytes, dpi: int, timeout: float) -> int:
    """Degrees (clockwise) the page must turn to be upright, per ``--psm 0``; 0 when unsure."""
    command = [tesseract.path, "stdin", "stdout", "--psm", "0", "--dpi", str(dpi)]
    try:
        out = _communicate(command, png, timeout)
    except OcrError:
        return 0  # no script found (a photo without text), or too slow: read as it is
    m = _ROTATE.search(out.decode("utf-8", "replace"))
    return int(m.group(1)) % 360 if m else 0


def _prepared(image: Image.Image) -> Image.Image:
    """Grey (or 1-bit as it is): Tesseract binarises itself (Otsu); colour only costs time."""
    if image.mode in ("1", "L"):
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        from PIL import Image

        base = Image.new("RGB", image.size, (255, 255, 255))
        base.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = base
    return image.convert("L")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TESSDATA_PREFIX", "HOME")}
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def _run(
    tesseract: Tesseract, png: bytes, size: tuple[int, int], lang: str, psm: int, dpi: int, timeout: float
) -> OcrPage:
    command = [tesseract.path, "stdin", "stdout", "-l", lang, "--psm", str(psm), "--dpi", str(dpi)]
    command += ["-c", "preserve_interword_spaces=1", "tsv"]
    started = time.monotonic()
    out = _communicate(command, png, timeout)
    lines, confidence = parse_tsv(out.decode("utf-8", "replace"), vertical=lang == VERTICAL_LANG)
    return OcrPage(lines, size[0], size[1], confidence, time.monotonic() - started, lang)


def _communicate(command: list[str], data: bytes, timeout: float) -> bytes:
    """Run Tesseract on ``data`` (its stdin) in its own process group, killed whole past
    ``timeout``, and killed too when the scan worker dies (a worker killed for the item's
    timeout leaves no Tesseract behind)."""
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(),
            start_new_session=True,  # its own process group: killed whole on timeout
            preexec_fn=_die_with_parent,  # prctl only: safe between fork and exec
        )
    except OSError as exc:
        raise OcrError(f"Tesseract could not start: {exc.strerror or exc}") from exc
    try:
        out, err = proc.communicate(data, timeout=max(0.1, timeout))
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise OcrError(f"OCR took longer than {timeout:.0f} s (limits.ocr_timeout)") from None
    if proc.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        raise OcrError(f"Tesseract failed: {tail[0][:200]}")
    return out


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL when the parent (the scan worker) dies (Linux)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


@dataclass
class _Word:
    text: str
    left: int
    top: int
    width: int
    height: int


def parse_tsv(tsv: str, *, vertical: bool = False) -> tuple[list[OcrLine], float]:
    """Tesseract's TSV (level 5 rows are words) -> visual lines, and the mean word confidence.

    Words are grouped by Tesseract's (block, paragraph, line), then lines whose vertical
    middles fall inside each other's extent are one row, read left to right: a form's label
    cell and value cell come back as separate blocks and are put side by side again."""
    groups: dict[tuple[str, ...], list[_Word]] = {}
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11]
        if not text.strip():
            continue  # table rules come back as blank "words"
        try:
            left, top, width, height = (int(c) for c in cols[6:10])
            confidences.append(float(cols[10]))
        except ValueError:
            continue
        groups.setdefault(tuple(cols[1:5]), []).append(_Word(text.strip(), left, top, width, height))
    confidence = sum(confidences) / len(confidences) if confidences else 0.0
    if vertical:  # each Tesseract line is a column, read top to bottom, columns right to left
        columns = sorted(groups.values(), key=lambda ws: -max(w.left + w.width for w in ws))
        return [_line(sorted(ws, key=lambda w: w.top), vertical=True) for ws in columns], confidence
    pieces = [sorted(words, key=lambda w: w.left) for words in groups.values()]
    return [_line(row) for row in _rows(pieces)], confidence


def _rows(pieces: list[list[_Word]]) -> list[list[_Word]]:
    def extent(words: list[_Word]) -> tuple[int, int]:
        return min(w.top for w in words), max(w.top + w.height for w in words)

    rows: list[tuple[int, int, list[list[_Word]]]] = []
    for piece in sorted(pieces, key=lambda p: sum(extent(p)) / 2):
        top, bottom = extent(piece)
        middle = (top + bottom) / 2
        if rows:
            r_top, r_bottom, members = rows[-1]
            if r_top <= middle <= r_bottom or top <= (r_top + r_bottom) / 2 <= bottom:
                members.append(piece)
                rows[-1] = (min(r_top, top), max(r_bottom, bottom), members)
                continue
        rows.append((top, bottom, [piece]))
    return [sorted((w for p in members for w in p), key=lambda w: w.left) for _t, _b, members in rows]


def _line(words: list[_Word], *, vertical: bool = False) -> OcrLine:
    line = OcrLine("")
    for word in words:
        gap = (
            (word.top - _bottom(line)) > 1.5 * word.width
            if vertical
            else (word.left - _right(line)) > 1.5 * word.height
        )
        if line.text and (_spaced(line.text[-1], word.text[0]) or gap):
            line.text += " "
            line.boxes.append((0, 0, 0, 0))
        line.text += word.text
        n = max(1, len(word.text))
        if vertical:
            step = word.height / n
            line.boxes += [(word.left, round(word.top + i * step), word.width, round(step)) for i in range(n)]
        else:
            step = word.width / n
            line.boxes += [(round(word.left + i * step), word.top, round(step), word.height) for i in range(n)]
    return line


def _bottom(line: OcrLine) -> int:
    boxes = [b for b in line.boxes if b[3]]
    return boxes[-1][1] + boxes[-1][3] if boxes else 0


def _right(line: OcrLine) -> int:
    boxes = [b for b in line.boxes if b[2]]
    return boxes[-1][0] + boxes[-1][2] if boxes else 0


def _spaced(before: str, after: str) -> bool:
    """A space between two words when both sides are Latin letters or digits (``Date of``);
    Japanese is written without spaces."""
    return before.isascii() and after.isascii() and before.isalnum() and after.isalnum()


# Characters Tesseract writes for digits, measured: on 40 degraded fax and photo pages of the
# fixture form (IPA fonts; 200-dpi blurred, 120-dpi and 204x98 faxes; 1,080 digits) it wrote
# 8 as N or S (15 times), 6 as G (5), 0 as U (3), 1 as ] (3); reference/ocr.md §5 saw 1 as l;
# O for 0 is the issue's own example. Most misreads are digit for digit (6->0, 3->9, 4->1: 27),
# which no folding can undo, so folding wins little: 179 instead of 178 of 280 digit values
# (bench/bench_ocr.py --confusions). Measured again with ``--confusions --seeds 8`` (24 pages:
# blurred 200-dpi, 120-dpi and squared 204x98 faxes; 1,428 digits): 16 digit for digit, 6 as G
# twice, 8 as S, 1 as |, 4 as + once each; 126 of 168 values found with or without folding.
# It costs nothing where nothing is confused.
_AS_DIGIT = str.maketrans({"O": "0", "o": "0", "〇": "0", "U": "0", "l": "1", "]": "1", "N": "8", "S": "8", "G": "6"})
_AS_DASH = str.maketrans({"ー": "-", "一": "-", "—": "-", "―": "-", "‐": "-"})
_LEADING = "Oo〇l"  # may lead a run ("S1234" stays a code, "]0312345678" keeps its bracket)
_CONFUSED = _LEADING + "UNSG]"
_CLASS = "[0-9" + re.escape(_CONFUSED) + "]"
_DIGIT_RUN = re.compile(r"(?<![A-Za-z0-9])[0-9" + _LEADING + r"](?:" + _CLASS + r"|[ー一—―‐-])*[0-9](?![A-Za-z])")


def fold_digits(text: str) -> str:
    """Digit look-alikes inside digit runs as digits, dashes between digits as ``-``; the
    length never changes (offsets still point at the OCR text). A run must hold at least two
    real digits, end in a digit and stand apart from letters: ``Hello``, ``CU62``, ``[123]``
    and ``lO`` stay as they are."""

    def fix(m: re.Match[str]) -> str:
        run = m.group()
        if sum(c.isdigit() for c in run) < 2:
            return run
        return run.translate(_AS_DIGIT).translate(_AS_DASH)

    return _DIGIT_RUN.sub(fix, text)
