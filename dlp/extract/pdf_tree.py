"""Small, defensive readers over pypdf objects, shared by the PDF extractors.

Every accessor resolves indirect references and returns None (or an empty list) for anything
of the wrong type instead of raising, because a hostile file can put any object anywhere.
Every walk over a linked structure keeps a set of visited objects and a node cap.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from defusedxml.ElementTree import iterparse

from dlp.extract.limits import Budget

MAX_NODES = 100_000  # outline items, tree nodes, actions: far beyond any real document


@dataclass
class Walk:
    """Visited objects of one document: every structure is read once, cycles end."""

    seen: set[tuple[int, int, int]] = field(default_factory=set)
    nodes: int = 0

    def first_visit(self, obj: Any) -> bool:
        key = object_key(obj)
        if key in self.seen or self.nodes >= MAX_NODES:
            return False
        self.seen.add(key)
        self.nodes += 1
        return True


def tree_pairs(tree: Any, leaf_key: str) -> Iterator[tuple[Any, Any]]:
    """Key/value pairs of a name tree (/Names) or number tree (/Nums), cycles and all."""
    walk = Walk()
    stack = [tree] if tree is not None else []
    while stack:
        node = resolve(stack.pop())
        if not isinstance(node, dict) or not walk.first_visit(node):
            continue
        leaves = array(get(node, leaf_key))
        for i in range(0, len(leaves) - 1, 2):
            yield resolve(leaves[i]), resolve(leaves[i + 1])
        stack.extend(array(get(node, "/Kids")))


# --- XML packets (XFA, XMP) -------------------------------------------------------------------

TAG = re.compile(rb"<[^>]*>")


def xml_text(data: bytes) -> list[str]:
    """Text nodes and attribute values of an XML packet (XMP writes simple properties as
    attributes). A packet that does not parse still has its text between the tags read."""
    if not data.strip():
        return []
    lines: list[str] = []
    try:
        for _, element in iterparse(io.BytesIO(data), events=("end",)):
            lines.extend(v for v in element.attrib.values() if v.strip())
            if element.text and element.text.strip():
                lines.append(element.text.strip())
            if element.tail and element.tail.strip():
                lines.append(element.tail.strip())
        return lines
    except Exception:
        stripped = TAG.sub(b"\n", data).decode("utf-8", "replace")
        return [html.unescape(line) for line in stripped.splitlines() if line.strip()]


def stream_data(stream: Any, budget: Budget, *, strict: bool = False) -> bytes:
    try:
        data = bytes(stream.get_data())
    except Exception:
        if strict:
            raise
        return b""
    budget.charge_bytes(len(data))
    return data


def resolve(obj: Any) -> Any:
    try:
        return obj.get_object() if obj is not None and hasattr(obj, "get_object") else obj
    except Exception:
        return None


def get(obj: Any, key: str) -> Any:
    obj = resolve(obj)
    if not isinstance(obj, dict):
        return None
    return resolve(obj.get(key))


def array(obj: Any) -> list[Any]:
    obj = resolve(obj)
    return list(obj) if isinstance(obj, list) else []


def object_key(obj: Any) -> tuple[int, int, int]:
    """An indirect object by its number; a direct one by identity (it lives in its parent)."""
    reference = getattr(obj, "indirect_reference", None)
    return (0, reference.idnum, reference.generation) if reference is not None else (1, id(obj), 0)


def is_text(value: Any) -> bool:
    """A PDF string (not a name such as /Yes or /False, which pypdf also makes a str)."""
    return isinstance(value, (str, bytes)) and type(value).__name__ != "NameObject"


def strings(obj: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for key in keys:
        value = resolve(obj.get(key))
        if isinstance(value, list):
            out.extend(text(resolve(v)) for v in value if is_text(resolve(v)))
        elif is_text(value) and value:
            out.append(text(value))
        elif value is not None and hasattr(value, "get_data"):  # rich text (/RC, /RV) as a stream
            try:
                out.extend(xml_text(bytes(value.get_data())))
            except Exception:
                continue
    return out


def text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
