"""colpass.split_lines: a segment's rows as its lines, or None when lines and rows disagree."""

from __future__ import annotations

import random

from dlp.detect.colpass import split_lines
from dlp.model import Table


def _by_the_rule(text: str, rows: int) -> list[str] | None:
    """The rule said plainly: no lone CR; lines split at CRLF when every line ends so, else
    at LF with a CR left at a line's end dropped; as many lines as rows (a last empty one
    after the final line end not counted)."""
    if any(text[i] == "\r" and text[i + 1 : i + 2] != "\n" for i in range(len(text))):
        return None
    crlf = "\r" in text and text.count("\r\n") == text.count("\n")
    lines = text.split("\r\n" if crlf else "\n")
    if lines and not lines[-1] and len(lines) == rows + 1:
        lines.pop()
    if len(lines) != rows:
        return None
    return [line.removesuffix("\r") for line in lines] if "\r" in text and not crlf else lines


def test_split_lines_follows_the_rule_on_any_line_ends() -> None:
    r = random.Random(3)
    for _ in range(3000):
        text = "".join(r.choice(["a,b", "顧客", ",", "\r", "\n", "\r\n"]) for _ in range(r.randint(0, 12)))
        rows = text.count("\n") + r.choice([0, 1])
        table = Table((), 1, tuple(range(rows)), delimiter=",")
        assert split_lines(text, table) == _by_the_rule(text, rows), repr(text)
