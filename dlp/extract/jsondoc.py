"""JSON and JSON Lines exports (web systems, CRM APIs): records become table rows.

Read as plain text, ``{"name": "阿部 英樹", "zip": "6571005"}`` hides what a reader of the data
sees at once: a column ``name`` and a column ``zip``. So every record (a JSON Lines line, or
the objects of the largest array in a document) is flattened to ``key.sub.key -> value`` and
consecutive records with the same keys are one tabular segment, keys as the header: the column
profiler then treats ``name`` like 氏名 and ``zip`` like 郵便番号, as for a CSV.

Offsets of findings point into the tab-joined rows, not into the file (as for spreadsheets);
the locator names the line (JSON Lines) or the record number. A line or document that is not
valid JSON is read as text, and a document above ``MAX_DOCUMENT_BYTES`` (parsed whole) is read
as text too: never skipped.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any

from dlp.extract.decode import DecodeState, iter_decoded, sniff_stream
from dlp.extract.limits import Budget
from dlp.extract.tabular import tab_table
from dlp.model import Item, Segment, Unscannable, UnscannableReason

BLOCK_ROWS = 2000
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024  # a single JSON document is parsed whole
MAX_DEPTH = 16  # deeper nesting is kept as its JSON text


def looks_like_json(head: bytes) -> bool:
    """JSON Lines (the first lines are objects) or a JSON document (starts with { or [)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith((b"{", b"[")):
        return False
    lines = [line.strip() for line in text.split(b"\n")[:5] if line.strip()]
    complete = lines[:-1] if len(text) >= len(head) - 3 and len(lines) > 1 else lines
    try:
        objects = bool(complete) and all(_is_object(line.decode("utf-8")) for line in complete)
    except UnicodeDecodeError:
        objects = False
    if objects:
        return True  # JSON Lines, or a one-line document
    try:
        json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return text.startswith(b"[") or text.startswith(b"{\n") or text.startswith(b"{\r\n")  # cut by the head
    return True


def extract_json(item: Item, budget: Budget) -> Iterator[Segment | Unscannable | Item]:
    with item.open() as fh:
        encoding = sniff_stream(fh)
        state = DecodeState()
        chunks = iter_decoded(fh, encoding, state)
        lines = _decoded_lines(chunks)
        first = next(lines, "")
        body = first.lstrip("\ufeff \t\r\n")
        document = None
        if body.startswith("{") and _is_object(body):
            yield from _lines(item, itertools.chain([first], lines))  # JSON Lines, streamed
        else:
            text, size = [first], len(first)
            for line in lines:
                text.append(line)
                size += len(line)
                if size > MAX_DOCUMENT_BYTES:
                    break
            else:
                document = _parse("".join(text))
            if document is None:
                # Too large to parse whole, or not JSON after all: read as text, never skipped
                # (the text reader reports its own decoding). Imported here: sniffing uses
                # looks_like_json for every file, the text reader's markup and mail modules
                # (defusedxml, urllib, email) are for text files only.
                from dlp.extract.text import extract_text

                yield from extract_text(item, budget)
                return
            yield from _document(item, document)
    if state.lossy:
        yield Unscannable(
            item.locator, UnscannableReason.LOSSY_DECODE, f"bytes that are not valid {encoding.codec} were replaced"
        )


def _decoded_lines(chunks: Iterator[str]) -> Iterator[str]:
    """Lines with their line ends, from decoded chunks (memory: one line)."""
    pending = ""
    for chunk in chunks:
        pending += chunk
        *complete, pending = pending.split("\n")
        for line in complete:
            yield line + "\n"
    if pending:
        yield pending


def _is_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _parse(text: str) -> Any:
    try:
        return json.loads(text.lstrip("\ufeff"))
    except ValueError:
        return None


def _lines(item: Item, lines: Iterable[str]) -> Iterator[Segment]:
    """JSON Lines: one record a line; a line that is not a JSON object is text."""
    rows: list[tuple[int, dict[str, str]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            value = None
        if isinstance(value, dict) and len(_largest_records(value, "")[0]) > 1:
            yield from _tables(item, rows, "line")  # a whole document on one line
            rows = []
            yield from _document(item, value)
        elif isinstance(value, dict):
            rows.append((number, flatten(value)))
            if len(rows) >= BLOCK_ROWS:
                yield from _tables(item, rows, "line")
                rows = []
        else:
            yield from _tables(item, rows, "line")
            rows = []
            yield Segment(line, f"{item.locator}#line{number}", kind="text", first_line=number)
    yield from _tables(item, rows, "line")


def _document(item: Item, document: Any) -> Iterator[Segment]:
    """The objects of the document's largest array of objects are records; the rest is text."""
    records, path = _largest_records(document, "")
    rest = _without(document, path) if records else document
    for start in range(0, len(records), BLOCK_ROWS):
        chunk = records[start : start + BLOCK_ROWS]
        yield from _tables(item, [(start + i + 1, flatten(r)) for i, r in enumerate(chunk)], "record")
    if rest not in (None, {}, []):
        flat = flatten(rest) if isinstance(rest, dict) else {"": _scalar(rest)}
        lines = [f"{k}: {v}" if k else v for k, v in flat.items() if v]
        if lines:
            yield Segment("\n".join(lines), item.locator, kind="text")


def _largest_records(value: Any, path: str, depth: int = 0) -> tuple[list[dict[str, Any]], str]:
    best: tuple[list[dict[str, Any]], str] = ([], "")
    if depth > MAX_DEPTH:
        return best
    if isinstance(value, list):
        objects = [v for v in value if isinstance(v, dict)]
        if objects and len(objects) * 2 >= len(value):
            best = (objects, path)
        items: Any = enumerate(value)
    elif isinstance(value, dict):
        items = value.items()
    else:
        return best
    for key, child in items:
        found = _largest_records(child, f"{path}\0{key}", depth + 1)
        if len(found[0]) > len(best[0]):
            best = found
    return best


def _without(value: Any, path: str) -> Any:
    """``value`` with the records at ``path`` taken out (they are read as a table)."""
    if not path:
        return None
    keys = path.split("\0")[1:]
    head, last = keys[:-1], keys[-1]
    copy = json.loads(json.dumps(value))
    node = copy
    for key in head:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = None
    else:
        node.pop(last, None)
    return copy


def flatten(value: Any, prefix: str = "", depth: int = 0) -> dict[str, str]:
    """``{"ship_to": {"name": "…"}}`` -> ``{"ship_to.name": "…"}``; lists of scalars are joined."""
    out: dict[str, str] = {}
    if isinstance(value, dict) and depth < MAX_DEPTH:
        for key, child in value.items():
            out.update(flatten(child, f"{prefix}.{key}" if prefix else str(key), depth + 1))
    elif isinstance(value, list) and depth < MAX_DEPTH:
        if all(not isinstance(v, (dict, list)) for v in value):
            out[prefix] = " / ".join(_scalar(v) for v in value if v is not None)
        else:
            for i, child in enumerate(value):
                out.update(flatten(child, f"{prefix}.{i}" if prefix else str(i), depth + 1))
    else:
        out[prefix] = _scalar(value) if not isinstance(value, (dict, list)) else json.dumps(value, ensure_ascii=False)
    return out


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _tables(item: Item, rows: list[tuple[int, dict[str, str]]], label: str) -> Iterator[Segment]:
    """Runs of records with the same keys, one tabular segment each (keys as the header)."""
    run: list[tuple[int, dict[str, str]]] = []
    for number, record in rows:
        if run and list(record) != list(run[0][1]):
            yield from _table(item, run, label)
            run = []
        run.append((number, record))
    if run:
        yield from _table(item, run, label)


def _table(item: Item, run: list[tuple[int, dict[str, str]]], label: str) -> Iterator[Segment]:
    header = tuple(run[0][1])
    # The keys are read too (a key may itself be a name or a number), as a CSV's header row is.
    yield Segment("\t".join(header), f"{item.locator}#keys", kind="header")
    rows = [list(record.values()) for _, record in run]
    yield tab_table(item.locator, rows, header=header, first_row=run[0][0], row_label=label)
