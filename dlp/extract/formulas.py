"""Values that live only in Excel formulas, defined names and data validation lists.

A cell ``="090-1234-"&"5678"`` shows 090-1234-5678, but a file written by openpyxl (or edited
by hand) has no cached value for it, or an empty one: a reader of cached values sees nothing.
So the literals of every formula are read too, joined the way Excel would join them (``&``,
CONCAT, CONCATENATE, TEXTJOIN, CHAR). Formulas without a literal (=SUM(A1:A3)) add nothing.
The same goes for defined names (the Name Manager shows their values), data validation lists
(the drop-down shows them) and their input and error messages.

Worksheets are streamed in chunks; a chunk without a formula or a validation in it costs a
few substring searches and no regex (about 0.03 s of CPU for a 56 MB sheet of 1,000,000
cells, measured).
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator

from dlp.extract.numfmt import formatted_cells
from dlp.extract.ooxml import local, xml_events

CHUNK = 1024 * 1024
OVERLAP = 70_000  # longer than any formula Excel writes (8,192 characters, escaped)
# <f>, <formula>, <formula1>, <formula2>, <xm:f>: the text of a formula of a cell, a conditional
# format or a data validation.
_FORMULA = re.compile(rb"<(?:[A-Za-z0-9_]+:)?(?:f|formula[12]?)(?:\s[^>]*)?>([^<]{1,65536})</")
_MESSAGE = re.compile(rb"<(?:[A-Za-z0-9_]+:)?dataValidation\s[^>]*>")
_MESSAGE_ATTR = re.compile(rb'\b(?:prompt|promptTitle|error|errorTitle)="([^"]+)"')
_HEADER_FOOTER = re.compile(rb"<(?:odd|even|first)(?:Header|Footer)>([^<]*)</")
_HF_CODES = re.compile(r"&(?:[LCRPNDTAZFGHBIUESXY]|\"[^\"]*\"|[0-9]+)")

# A string literal, CHAR(n), or a number that is not part of a reference (A1, $B$2, Sheet1!C3).
_TOKEN = re.compile(
    r'"((?:[^"]|"")*)"|\bCHAR\(\s*([0-9]{1,3})\s*\)|(?<![A-Za-z0-9_$.:!])([0-9]+(?:\.[0-9]+)?)(?![A-Za-z0-9_(:!])', re.I
)
# A formula worth tokenising: a string (" or &quot;), CHAR(, or a long number outside a reference.
_LITERAL = re.compile(rb'"|&quot;|&#34;|(?i:char)\s*\(|(?<![A-Za-z0-9_$.:!])[0-9]{4}')
SEEN_MAX = 100_000
_TEXTJOIN = re.compile(r'\bTEXTJOIN\(\s*"((?:[^"]|"")*)"\s*,\s*[^,]*,(.*?)\)', re.I | re.S)


def formula_lines(formula: str) -> list[str]:
    """What the literals of a formula make, or nothing when it has none. Only the joined
    literals are kept (a sheet of 100,000 =IF(A2>0,"yes","no") gives one line, "yesno"), so
    that the text stays within the budget; a formula with a long number but no string keeps
    its own text (=123456789012+0)."""
    pieces: list[str] = []
    strings = False
    number = False
    for m in _TOKEN.finditer(formula):
        if m.group(1) is not None:
            pieces.append(m.group(1).replace('""', '"'))
            strings = True
        elif m.group(2) is not None:
            code = int(m.group(2))
            pieces.append(chr(code) if 0 < code < 256 else "")
            strings = True
        else:
            pieces.append(m.group(3))
            number = number or len(m.group(3)) >= 4
    if not strings:
        return [formula.strip()] if number else []
    lines = ["".join(pieces)]
    for m in _TEXTJOIN.finditer(formula):
        args = [a.group(1).replace('""', '"') for a in re.finditer(r'"((?:[^"]|"")*)"', m.group(2))]
        lines.append(m.group(1).replace('""', '"').join(args))
    return list(dict.fromkeys(line for line in lines if line.strip()))


def sheet_lines(zf: zipfile.ZipFile, name: str, formats: dict[int, str] | None = None) -> tuple[list[str], list[str]]:
    """(formula, validation and formatted-number lines, header/footer lines) of one worksheet,
    streamed; ``formats``: the digit-pattern styles of the workbook (numfmt.py)."""
    found: list[str] = []
    seen: set[bytes] = set()  # formulas already read (=TODAY() in every row is read once)
    tail = b""
    carry = b""
    with zf.open(name) as fh:
        while True:
            chunk = fh.read(CHUNK)
            final = not chunk
            buffer = carry + chunk
            limit = len(buffer) if final else max(0, len(buffer) - OVERLAP)
            if _may_hold(buffer):
                found.extend(_buffer_lines(buffer, limit, seen))
            if formats:
                found.extend(formatted_cells(buffer, limit, formats))
            carry = buffer[limit:]
            tail = (tail + chunk)[-256 * 1024 :]
            if final:
                break
    headers = [_HF_CODES.sub(" ", _text(m)).strip() for m in _HEADER_FOOTER.findall(tail)]
    return list(dict.fromkeys(found)), [h for h in headers if h]


def _may_hold(buffer: bytes) -> bool:
    """Whether a chunk may hold a match of _FORMULA ("<f" or "prefix:f") or _MESSAGE: a cheap
    test that skips most chunks of an ordinary sheet before any regex runs. "f" is rare in
    Japanese sheets (UTF-8 continuation bytes are never ASCII), so its few places are checked
    one by one; a chunk full of English text gets two substring searches instead."""
    if b"dataValidation" in buffer:
        return True
    if buffer.count(b"f") > 2000:
        return b"<f" in buffer or b":f" in buffer
    at = buffer.find(b"f", 1)
    while at != -1:
        if buffer[at - 1] in b"<:":
            return True
        at = buffer.find(b"f", at + 1)
    return False


def _buffer_lines(buffer: bytes, limit: int, seen: set[bytes]) -> Iterator[str]:
    for m in _FORMULA.finditer(buffer):
        if m.start() >= limit:
            break
        raw = m.group(1)
        if raw in seen or not _LITERAL.search(raw):
            continue  # =A2*B2 or =SUM(A1:A3): no literal, nothing to read
        if len(seen) < SEEN_MAX:
            seen.add(raw)
        yield from formula_lines(_text(raw))
    if b"dataValidation" in buffer:
        for m in _MESSAGE.finditer(buffer):
            if m.start() >= limit:
                break
            for attr in _MESSAGE_ATTR.finditer(m.group()):
                yield _text(attr.group(1))


_ENTITIES = (("&quot;", '"'), ("&lt;", "<"), ("&gt;", ">"), ("&apos;", "'"), ("&amp;", "&"))  # &amp; last


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    if "&" not in text:
        return text
    if "&#" in text:
        return html.unescape(text)
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text


def workbook_lines(data: bytes) -> list[str]:
    """Sheet names (on their tabs) and defined names with their values (the Name Manager)."""
    lines: list[str] = []
    for _event, element in xml_events(data, ("end",)):
        tag = local(element.tag)  # type: ignore[attr-defined]
        if tag == "sheet" and element.get("name"):  # type: ignore[attr-defined]
            lines.append(element.get("name"))  # type: ignore[attr-defined]
        elif tag == "definedName":
            value = element.text or ""  # type: ignore[attr-defined]
            lines.append(f"{element.get('name', '')}: {value}")  # type: ignore[attr-defined]
            lines.extend(formula_lines(value))
        element.clear()  # type: ignore[attr-defined]
    return lines
