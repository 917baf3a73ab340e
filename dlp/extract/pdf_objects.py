"""What a PDF viewer shows outside the page text, read from the object tree with pypdf.

Page text (pypdfium2) misses form field values, annotation texts, files attached to annotations,
XFA form data, bookmarks, custom /Info entries, XMP metadata, page labels and the names of named
destinations; Acrobat shows every one of them to a person, so every one is scanned here. The
tree is walked once and lazily: an ordinary PDF without forms, outlines or names costs a few
dictionary look-ups per page. Every walk over a linked structure (outline chains, name and
number trees) keeps a set of visited objects and a node cap, so a cycle or a deep tree ends.
"""

from __future__ import annotations

import html
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from defusedxml.ElementTree import iterparse

from dlp.extract.limits import Budget
from dlp.extract.pdf_fonts import FontCheck
from dlp.model import Item, Segment, Unscannable, UnscannableReason

Part = Segment | Unscannable | Item
MAX_NODES = 100_000  # outline items, tree nodes, annotations: far beyond any real document
STANDARD_INFO = {
    "/Title",
    "/Author",
    "/Subject",
    "/Keywords",
    "/Creator",
    "/Producer",
    "/CreationDate",
    "/ModDate",
    "/Trapped",
}
FIELD_KEYS = ("/V", "/DV", "/TU", "/TM")
NOTE_KEYS = ("/Contents", "/T", "/RC", "/Subj")


@dataclass
class Walk:
    """Visited objects of one document: every structure is read once, cycles end."""

    seen: set[tuple[int, int, int]] = field(default_factory=set)
    nodes: int = 0

    def first_visit(self, obj: Any) -> bool:
        key = _key(obj)
        if key in self.seen or self.nodes >= MAX_NODES:
            return False
        self.seen.add(key)
        self.nodes += 1
        return True


def extract_objects(item: Item, data: bytes, budget: Budget, listed: Counter[str] | None = None) -> Iterator[Part]:
    """Segments for every place a viewer shows text outside page content, attachments of
    annotations as child items, and ``suspicious_font`` where drawn digits extract as letters.
    ``listed`` names the embedded files PDFium already returned; files of the /EmbeddedFiles
    tree it missed (PDFium stops at a depth of about 32 levels) are returned here."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        root = reader.trailer["/Root"].get_object()
        pages = list(reader.pages)
    except Exception as exc:
        yield Unscannable(
            item.locator,
            UnscannableReason.CORRUPT,
            f"PDF object tree unreadable ({type(exc).__name__}): forms, notes and outlines not inspected",
        )
        return
    loc = item.locator
    yield from _segment(_form_lines(root), f"{loc}#form", "form")
    yield from _segment(_xfa_lines(root, budget), f"{loc}#xfa", "form")
    fonts = FontCheck()
    scripts = Scripts(budget)
    scripts.add(_get(root, "/OpenAction"), _get(root, "/AA"))
    for _, action in _tree_pairs(_get(_get(root, "/Names"), "/JavaScript"), "/Names"):
        scripts.add(action)
    for number, page in enumerate(pages, 1):
        notes: list[str] = []
        scripts.add(_get(page, "/AA"))
        for annotation in _annotations(page):
            scripts.add(_get(annotation, "/A"), _get(annotation, "/AA"))
            notes.extend(_strings(annotation, NOTE_KEYS))
            if _get(annotation, "/Subtype") == "/Widget" and annotation.get("/Parent") is None:
                notes.extend(_strings(annotation, FIELD_KEYS))  # a widget that is its own field
            if _get(annotation, "/Subtype") == "/FileAttachment":
                yield from _attached_file(item, annotation, number, budget)
        yield from _segment(notes, f"{loc}#page{number}/annotations", "annotation")
        finding = fonts.check_page(page)
        if finding:
            yield Unscannable(f"{loc}#page{number}", UnscannableReason.SUSPICIOUS_FONT, finding)
    yield from _segment(_outline_titles(root), f"{loc}#outline", "metadata")
    yield from _segment(_custom_info(reader), f"{loc}#metadata", "metadata")
    yield from _segment(_xmp_lines(root, budget), f"{loc}#xmp", "metadata")
    yield from _segment(_page_labels(root), f"{loc}#page-labels", "metadata")
    yield from _segment(_destination_names(root), f"{loc}#destinations", "metadata")
    yield from _segment(_form_scripts(root, scripts), f"{loc}#javascript", "script")
    yield from _missed_embedded_files(item, root, budget, Counter(listed or {}))


def _segment(lines: list[str], locator: str, kind: str) -> Iterator[Segment]:
    lines = [line for line in lines if line.strip()]
    if lines:
        yield Segment("\n".join(lines), locator, kind=kind, first_line=1)


# --- forms ------------------------------------------------------------------------------------


def _form_lines(root: Any) -> list[str]:
    """Field values (also of fields that are in /AcroForm /Fields but on no page), defaults,
    tooltips and choice options."""
    lines: list[str] = []
    form = _get(root, "/AcroForm")
    if form is None:
        return lines
    walk = Walk()
    stack = list(_array(_get(form, "/Fields")))
    while stack:
        node = _resolve(stack.pop())
        if not isinstance(node, dict) or not walk.first_visit(node):
            continue
        name = _text(node.get("/T")) if node.get("/T") is not None else ""
        for value in _strings(node, FIELD_KEYS):
            lines.append(f"{name}: {value}" if name else value)
        for option in _array(_get(node, "/Opt")):
            option = _resolve(option)
            parts = _array(option) if isinstance(option, list) else [option]
            lines.extend(_text(_resolve(p)) for p in parts if _is_text(_resolve(p)))
        stack.extend(_array(_get(node, "/Kids")))
    return lines


@dataclass
class Scripts:
    """JavaScript of actions (document open, page and field events, names tree): Acrobat runs
    it and shows what it writes into fields or alerts, so its source text is scanned."""

    budget: Budget
    walk: Walk = field(default_factory=Walk)
    lines: list[str] = field(default_factory=list)

    def add(self, *holders: Any) -> None:
        stack = [h for h in holders if h is not None]
        while stack:
            action = _resolve(stack.pop())
            if not isinstance(action, dict) or not self.walk.first_visit(action):
                continue
            if "/S" not in action and "/JS" not in action:  # an /AA dictionary: trigger -> action
                stack.extend(v for k, v in action.items() if len(str(k)) <= 3)
                continue
            script = _resolve(action.get("/JS"))
            if hasattr(script, "get_data"):
                self.lines.append(_stream_data(script, self.budget).decode("utf-8", "replace"))
            elif _is_text(script):
                self.lines.append(_text(script))
            nxt = _resolve(action.get("/Next"))
            stack.extend(nxt if isinstance(nxt, list) else [nxt] if nxt is not None else [])


def _form_scripts(root: Any, scripts: Scripts) -> list[str]:
    """Scripts of form fields (calculate, format, keystroke), then every script collected."""
    walk = Walk()
    stack = list(_array(_get(_get(root, "/AcroForm"), "/Fields")))
    while stack:
        node = _resolve(stack.pop())
        if isinstance(node, dict) and walk.first_visit(node):
            scripts.add(_get(node, "/AA"), _get(node, "/A"))
            stack.extend(_array(_get(node, "/Kids")))
    return scripts.lines


def _xfa_lines(root: Any, budget: Budget) -> list[str]:
    """XFA keeps the form's template and data as XML packets (one stream, or name/stream pairs)."""
    xfa = _get(_get(root, "/AcroForm"), "/XFA")
    if xfa is None:
        return []
    streams = [_resolve(x) for x in (_array(xfa) if isinstance(xfa, list) else [xfa])]
    data = b"".join(_stream_data(s, budget) for s in streams if hasattr(s, "get_data"))
    return _xml_text(data)


# --- annotations and their attachments ------------------------------------------------------


def _annotations(page: Any) -> list[Any]:
    try:
        return [a for a in (_resolve(x) for x in _array(page.get("/Annots"))) if isinstance(a, dict)]
    except Exception:
        return []


def _attached_file(item: Item, annotation: Any, page: int, budget: Budget) -> Iterator[Part]:
    """A paper-clip annotation's file (/FS /EF), which is not in the /EmbeddedFiles tree."""
    spec = _get(annotation, "/FS")
    embedded = _get(spec, "/EF")
    stream = _resolve(_get(embedded, "/UF") or _get(embedded, "/F"))
    name = _text(_get(spec, "/UF") or _get(spec, "/F") or f"page{page}-attachment")
    if stream is None or not hasattr(stream, "get_data"):
        if spec is not None and not isinstance(_resolve(spec), (str, bytes)):
            yield Unscannable(f"{item.locator}#page{page}/{name}", UnscannableReason.CORRUPT, "attachment without data")
        return
    try:
        payload = _stream_data(stream, budget, strict=True)
    except Exception as exc:
        yield Unscannable(
            f"{item.locator}#page{page}/{name}",
            UnscannableReason.CORRUPT,
            f"attachment undecodable ({type(exc).__name__})",
        )
        return
    yield item.child(payload, name)


def _missed_embedded_files(item: Item, root: Any, budget: Budget, listed: Counter[str]) -> Iterator[Part]:
    for key, spec in _tree_pairs(_get(_get(root, "/Names"), "/EmbeddedFiles"), "/Names"):
        names = [_text(n) for n in (key, _get(spec, "/UF"), _get(spec, "/F")) if _is_text(n)]
        name = names[-1] if names else "attachment"
        known = next((n for n in names if listed[n] > 0), None)
        if known is not None:  # PDFium returned it already
            listed[known] -= 1
            continue
        embedded = _get(spec, "/EF")
        stream = _resolve(_get(embedded, "/UF") or _get(embedded, "/F"))
        if stream is None or not hasattr(stream, "get_data"):
            yield Unscannable(f"{item.locator}/{name}", UnscannableReason.CORRUPT, "embedded file without data")
            continue
        try:
            payload = _stream_data(stream, budget, strict=True)
        except Exception as exc:
            yield Unscannable(
                f"{item.locator}/{name}", UnscannableReason.CORRUPT, f"embedded file undecodable ({type(exc).__name__})"
            )
            continue
        yield item.child(payload, name)


# --- outlines, metadata, labels, names -----------------------------------------------------


def _outline_titles(root: Any) -> list[str]:
    titles: list[str] = []
    walk = Walk()
    outlines = _get(root, "/Outlines")
    stack = [_get(outlines, "/First")] if outlines is not None else []
    while stack:
        node = _resolve(stack.pop())
        while isinstance(node, dict) and walk.first_visit(node):
            if node.get("/Title") is not None:
                titles.append(_text(_resolve(node.get("/Title"))))
            if node.get("/First") is not None:
                stack.append(node.get("/First"))
            node = _resolve(node.get("/Next"))
    return titles


def _custom_info(reader: Any) -> list[str]:
    """/Info keys beyond the eight standard ones (PDFium's metadata reads only those)."""
    info = _resolve(reader.trailer.get("/Info"))
    if not isinstance(info, dict):
        return []
    return [
        f"{str(k)[1:]}: {_text(_resolve(v))}"
        for k, v in info.items()
        if k not in STANDARD_INFO and _is_text(_resolve(v))
    ]


def _xmp_lines(root: Any, budget: Budget) -> list[str]:
    stream = _resolve(_get(root, "/Metadata"))
    if stream is None or not hasattr(stream, "get_data"):
        return []
    return _xml_text(_stream_data(stream, budget))


def _page_labels(root: Any) -> list[str]:
    labels: list[str] = []
    for _, value in _tree_pairs(_get(root, "/PageLabels"), "/Nums"):
        prefix = _get(value, "/P")
        if _is_text(prefix):
            labels.append(_text(prefix))
    return labels


def _destination_names(root: Any) -> list[str]:
    names = [str(k)[1:] for k in (_resolve(_get(root, "/Dests")) or {})]
    names.extend(_text(key) for key, _ in _tree_pairs(_get(_get(root, "/Names"), "/Dests"), "/Names"))
    return names


def _tree_pairs(tree: Any, leaf_key: str) -> Iterator[tuple[Any, Any]]:
    """Key/value pairs of a name tree (/Names) or number tree (/Nums), cycles and all."""
    walk = Walk()
    stack = [tree] if tree is not None else []
    while stack:
        node = _resolve(stack.pop())
        if not isinstance(node, dict) or not walk.first_visit(node):
            continue
        leaves = _array(_get(node, leaf_key))
        for i in range(0, len(leaves) - 1, 2):
            yield _resolve(leaves[i]), _resolve(leaves[i + 1])
        stack.extend(_array(_get(node, "/Kids")))


# --- XML packets (XFA, XMP) -------------------------------------------------------------------

TAG = re.compile(rb"<[^>]*>")


def _xml_text(data: bytes) -> list[str]:
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
        text = TAG.sub(b"\n", data).decode("utf-8", "replace")
        return [html.unescape(line) for line in text.splitlines() if line.strip()]


# --- small helpers over pypdf objects -------------------------------------------------------


def _stream_data(stream: Any, budget: Budget, *, strict: bool = False) -> bytes:
    try:
        data = bytes(stream.get_data())
    except Exception:
        if strict:
            raise
        return b""
    budget.charge_bytes(len(data))
    return data


def _resolve(obj: Any) -> Any:
    try:
        return obj.get_object() if obj is not None and hasattr(obj, "get_object") else obj
    except Exception:
        return None


def _get(obj: Any, key: str) -> Any:
    obj = _resolve(obj)
    if not isinstance(obj, dict):
        return None
    return _resolve(obj.get(key))


def _array(obj: Any) -> list[Any]:
    obj = _resolve(obj)
    return list(obj) if isinstance(obj, list) else []


def _key(obj: Any) -> tuple[int, int, int]:
    """An indirect object by its number; a direct one by identity (it lives in its parent)."""
    reference = getattr(obj, "indirect_reference", None)
    return (0, reference.idnum, reference.generation) if reference is not None else (1, id(obj), 0)


def _is_text(value: Any) -> bool:
    """A PDF string (not a name such as /Yes or /False, which pypdf also makes a str)."""
    return isinstance(value, (str, bytes)) and type(value).__name__ != "NameObject"


def _strings(obj: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    out = []
    for key in keys:
        value = _resolve(obj.get(key))
        if isinstance(value, list):
            out.extend(_text(_resolve(v)) for v in value if _is_text(_resolve(v)))
        elif _is_text(value) and value:
            out.append(_text(value))
        elif value is not None and hasattr(value, "get_data"):  # rich text (/RC, /RV) as a stream
            try:
                out.extend(_xml_text(bytes(value.get_data())))
            except Exception:
                continue
    return out


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
