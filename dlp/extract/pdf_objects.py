"""What a PDF viewer shows outside the page text, read from the object tree with pypdf.

Page text (pypdfium2) misses form field values, annotation texts, files attached to annotations,
XFA form data, bookmarks, custom /Info entries, XMP metadata, page labels, the names of named
destinations and the JavaScript Acrobat runs; a viewer shows every one of them to a person, so
every one is scanned here. The tree is walked once and lazily: an ordinary PDF without forms,
outlines or names costs a few dictionary look-ups per page. Every walk over a linked structure
(outline chains, field kids, name and number trees, action chains) keeps a set of visited
objects and a node cap, so a cycle or a deep tree ends.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from dlp.extract.limits import Budget
from dlp.extract.pdf_fonts import FontCheck
from dlp.extract.pdf_tree import Walk, array, get, is_text, resolve, stream_data, strings, text, tree_pairs, xml_text
from dlp.model import Item, Segment, Unscannable, UnscannableReason

Part = Segment | Unscannable | Item
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
    scripts.add(get(root, "/OpenAction"), get(root, "/AA"))
    for _, action in tree_pairs(get(get(root, "/Names"), "/JavaScript"), "/Names"):
        scripts.add(action)
    for number, page in enumerate(pages, 1):
        notes: list[str] = []
        scripts.add(get(page, "/AA"))
        for annotation in _annotations(page):
            scripts.add(get(annotation, "/A"), get(annotation, "/AA"))
            notes.extend(strings(annotation, NOTE_KEYS))
            if get(annotation, "/Subtype") == "/Widget" and annotation.get("/Parent") is None:
                notes.extend(strings(annotation, FIELD_KEYS))  # a widget that is its own field
            if get(annotation, "/Subtype") == "/FileAttachment":
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
    form = get(root, "/AcroForm")
    if form is None:
        return lines
    walk = Walk()
    stack = list(array(get(form, "/Fields")))
    while stack:
        node = resolve(stack.pop())
        if not isinstance(node, dict) or not walk.first_visit(node):
            continue
        name = text(node.get("/T")) if node.get("/T") is not None else ""
        for value in strings(node, FIELD_KEYS):
            lines.append(f"{name}: {value}" if name else value)
        for option in array(get(node, "/Opt")):
            option = resolve(option)
            parts = array(option) if isinstance(option, list) else [option]
            lines.extend(text(resolve(p)) for p in parts if is_text(resolve(p)))
        stack.extend(array(get(node, "/Kids")))
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
            action = resolve(stack.pop())
            if not isinstance(action, dict) or not self.walk.first_visit(action):
                continue
            if "/S" not in action and "/JS" not in action:  # an /AA dictionary: trigger -> action
                stack.extend(v for k, v in action.items() if len(str(k)) <= 3)
                continue
            script = resolve(action.get("/JS"))
            if hasattr(script, "get_data"):
                self.lines.append(stream_data(script, self.budget).decode("utf-8", "replace"))
            elif is_text(script):
                self.lines.append(text(script))
            nxt = resolve(action.get("/Next"))
            stack.extend(nxt if isinstance(nxt, list) else [nxt] if nxt is not None else [])


def _form_scripts(root: Any, scripts: Scripts) -> list[str]:
    """Scripts of form fields (calculate, format, keystroke), then every script collected."""
    walk = Walk()
    stack = list(array(get(get(root, "/AcroForm"), "/Fields")))
    while stack:
        node = resolve(stack.pop())
        if isinstance(node, dict) and walk.first_visit(node):
            scripts.add(get(node, "/AA"), get(node, "/A"))
            stack.extend(array(get(node, "/Kids")))
    return scripts.lines


def _xfa_lines(root: Any, budget: Budget) -> list[str]:
    """XFA keeps the form's template and data as XML packets (one stream, or name/stream pairs)."""
    xfa = get(get(root, "/AcroForm"), "/XFA")
    if xfa is None:
        return []
    streams = [resolve(x) for x in (array(xfa) if isinstance(xfa, list) else [xfa])]
    data = b"".join(stream_data(s, budget) for s in streams if hasattr(s, "get_data"))
    return xml_text(data)


# --- annotations and their attachments ------------------------------------------------------


def _annotations(page: Any) -> list[Any]:
    try:
        return [a for a in (resolve(x) for x in array(page.get("/Annots"))) if isinstance(a, dict)]
    except Exception:
        return []


def _attached_file(item: Item, annotation: Any, page: int, budget: Budget) -> Iterator[Part]:
    """A paper-clip annotation's file (/FS /EF), which is not in the /EmbeddedFiles tree."""
    spec = get(annotation, "/FS")
    embedded = get(spec, "/EF")
    stream = resolve(get(embedded, "/UF") or get(embedded, "/F"))
    name = text(get(spec, "/UF") or get(spec, "/F") or f"page{page}-attachment")
    if stream is None or not hasattr(stream, "get_data"):
        if spec is not None and not isinstance(resolve(spec), (str, bytes)):
            yield Unscannable(f"{item.locator}#page{page}/{name}", UnscannableReason.CORRUPT, "attachment without data")
        return
    try:
        payload = stream_data(stream, budget, strict=True)
    except Exception as exc:
        yield Unscannable(
            f"{item.locator}#page{page}/{name}",
            UnscannableReason.CORRUPT,
            f"attachment undecodable ({type(exc).__name__})",
        )
        return
    yield item.child(payload, name)


def _missed_embedded_files(item: Item, root: Any, budget: Budget, listed: Counter[str]) -> Iterator[Part]:
    for key, spec in tree_pairs(get(get(root, "/Names"), "/EmbeddedFiles"), "/Names"):
        names = [text(n) for n in (key, get(spec, "/UF"), get(spec, "/F")) if is_text(n)]
        name = names[-1] if names else "attachment"
        known = next((n for n in names if listed[n] > 0), None)
        if known is not None:  # PDFium returned it already
            listed[known] -= 1
            continue
        embedded = get(spec, "/EF")
        stream = resolve(get(embedded, "/UF") or get(embedded, "/F"))
        if stream is None or not hasattr(stream, "get_data"):
            yield Unscannable(f"{item.locator}/{name}", UnscannableReason.CORRUPT, "embedded file without data")
            continue
        try:
            payload = stream_data(stream, budget, strict=True)
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
    outlines = get(root, "/Outlines")
    stack = [get(outlines, "/First")] if outlines is not None else []
    while stack:
        node = resolve(stack.pop())
        while isinstance(node, dict) and walk.first_visit(node):
            if node.get("/Title") is not None:
                titles.append(text(resolve(node.get("/Title"))))
            if node.get("/First") is not None:
                stack.append(node.get("/First"))
            node = resolve(node.get("/Next"))
    return titles


def _custom_info(reader: Any) -> list[str]:
    """/Info keys beyond the eight standard ones (PDFium's metadata reads only those)."""
    info = resolve(reader.trailer.get("/Info"))
    if not isinstance(info, dict):
        return []
    return [
        f"{str(k)[1:]}: {text(resolve(v))}" for k, v in info.items() if k not in STANDARD_INFO and is_text(resolve(v))
    ]


def _xmp_lines(root: Any, budget: Budget) -> list[str]:
    stream = resolve(get(root, "/Metadata"))
    if stream is None or not hasattr(stream, "get_data"):
        return []
    return xml_text(stream_data(stream, budget))


def _page_labels(root: Any) -> list[str]:
    labels: list[str] = []
    for _, value in tree_pairs(get(root, "/PageLabels"), "/Nums"):
        prefix = get(value, "/P")
        if is_text(prefix):
            labels.append(text(prefix))
    return labels


def _destination_names(root: Any) -> list[str]:
    names = [str(k)[1:] for k in (resolve(get(root, "/Dests")) or {})]
    names.extend(text(key) for key, _ in tree_pairs(get(get(root, "/Names"), "/Dests"), "/Names"))
    return names
