"""Numbers Excel shows through a digit-pattern number format.

A phone number typed as a number loses its leading zero; a format such as ``000-0000-0000``
puts it back on screen: the cell holds 9012345678, Excel shows 090-1234-5678, a reader of
values sees a ten-digit number and no phone. So for the cells whose style has such a format
(custom formats made of digit placeholders and separators only: no dates, no decimals), the
shown text is rebuilt and scanned too. Workbooks without such a format cost nothing.
"""

from __future__ import annotations

import re

from dlp.extract.ooxml import local, xml_events

_QUOTED = re.compile(r'"[^"]*"|\\.')
_PATTERN = re.compile(r"[0#?\-\s()/.,]+")
_CELL = re.compile(rb"<(?:[A-Za-z0-9_]+:)?c\b([^>]*)>\s*(?:<(?:[A-Za-z0-9_]+:)?f\b[^>]*(?:/>|>[^<]*</[^>]*>)\s*)?"
                   rb"<(?:[A-Za-z0-9_]+:)?v>([0-9]{1,15})</")  # fmt: skip
_STYLE = re.compile(rb'\bs="([0-9]+)"')
_TYPE = re.compile(rb'\bt="([a-zA-Z]+)"')


def digit_formats(styles: bytes) -> dict[int, str]:
    """Cell style index -> format code, for the styles whose format is a digit pattern."""
    codes: dict[int, str] = {}
    formats: dict[int, str] = {}
    in_cell_xfs = False
    index = 0
    for event, element in xml_events(styles):
        tag = local(element.tag)  # type: ignore[attr-defined]
        if tag == "cellXfs":
            in_cell_xfs = event == "start"
        elif event == "end" and tag == "numFmt":
            code = element.get("formatCode") or ""  # type: ignore[attr-defined]
            if _is_digit_pattern(code):
                codes[int(element.get("numFmtId") or -1)] = code  # type: ignore[attr-defined]
        elif event == "end" and tag == "xf" and in_cell_xfs:
            number_format = int(element.get("numFmtId") or 0)  # type: ignore[attr-defined]
            if number_format in codes:
                formats[index] = codes[number_format]
            index += 1
    return formats


def _is_digit_pattern(code: str) -> bool:
    section = code.split(";", 1)[0]
    bare = _QUOTED.sub("", section)
    return bool(bare) and _PATTERN.fullmatch(bare) is not None and "." not in bare and bare.count("0") >= 2


def shown(code: str, digits: str) -> str:
    """How Excel shows a whole number through a digit pattern: placeholders are filled from
    the right, '0' pads with zeros, '#' and '?' only take digits there are, literals stay, and
    digits beyond the placeholders go in front."""
    section = code.split(";", 1)[0]
    tokens: list[tuple[str, str]] = []  # (kind, text): kind "p" placeholder or "l" literal
    for m in re.finditer(r'"([^"]*)"|\\(.)|([0#?])|(.)', section):
        if m.group(1) is not None:
            tokens.append(("l", m.group(1)))
        elif m.group(2) is not None:
            tokens.append(("l", m.group(2)))
        elif m.group(3) is not None:
            tokens.append(("p", m.group(3)))
        else:
            tokens.append(("l", m.group(4)))
    remaining = digits.lstrip("0") or ""
    out: list[str] = []
    first_placeholder = next((i for i, t in enumerate(tokens) if t[0] == "p"), len(tokens))
    for i in range(len(tokens) - 1, -1, -1):
        kind, text = tokens[i]
        if kind == "l":
            out.append(text)
            continue
        if remaining:
            digit, remaining = remaining[-1], remaining[:-1]
            out.append(digit)
        elif text == "0":
            out.append("0")
        elif text == "?":
            out.append(" ")
        if i == first_placeholder and remaining:
            out.append(remaining[::-1])
            remaining = ""
    return "".join(reversed(out)).strip()


def formatted_cells(buffer: bytes, limit: int, formats: dict[int, str]) -> list[str]:
    """Shown text of the numeric cells starting before ``limit`` whose style is in ``formats``."""
    found: list[str] = []
    for m in _CELL.finditer(buffer):
        if m.start() >= limit:
            break
        attrs = m.group(1)
        style = _STYLE.search(attrs)
        if style is None or int(style.group(1)) not in formats:
            continue
        kind = _TYPE.search(attrs)
        if kind is not None and kind.group(1) != b"n":
            continue
        found.append(shown(formats[int(style.group(1))], m.group(2).decode()))
    return found
