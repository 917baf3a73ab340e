"""An OOXML package the way Office reads it: every part, found through [Content_Types].xml and
the relationships, never through fixed names.

Word opens a document whose main part was moved from word/document.xml to word/x/foo.xml once
_rels/.rels and [Content_Types].xml say so; PowerPoint shows text on slide masters, layouts and
notes masters; charts show their cached values when the workbook behind them is gone; SmartArt
keeps its text in diagram data parts; w:altChunk imports a whole HTML, text, MHT or .docx part.
So the extractors walk *all* parts: each gets a role from its content type (or, when that is
the generic application/xml, from the relationship pointing at it). Known roles are read by
their own code; parts of no known role are read for all their text (XML) or handed on as child
items (anything else that is not a picture), so a part nobody planned for is still scanned.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

from defusedxml.ElementTree import ParseError, fromstring

from dlp.extract.decode import decode_bytes, is_text
from dlp.extract.limits import Budget, LimitExceeded
from dlp.extract.metafile import emf_text, is_emf
from dlp.extract.ocr_parts import is_image
from dlp.extract.ooxml import local, paragraphs_segment, xml_events
from dlp.extract.zipsafe import read_part
from dlp.model import Item, Segment, UnscannableReason

# Content type (lowercase, without "application/vnd." and "openxmlformats-officedocument.") -> role.
ROLES: dict[str, str] = {
    # Word
    "wordprocessingml.document.main+xml": "word-body",
    "wordprocessingml.template.main+xml": "word-body",
    "ms-word.document.macroenabled.main+xml": "word-body",
    "ms-word.template.macroenabledtemplate.main+xml": "word-body",
    "wordprocessingml.document.glossary+xml": "word-glossary",
    "wordprocessingml.header+xml": "word-header",
    "wordprocessingml.footer+xml": "word-footer",
    "wordprocessingml.comments+xml": "word-comments",
    "wordprocessingml.footnotes+xml": "word-footnotes",
    "wordprocessingml.endnotes+xml": "word-endnotes",
    # PowerPoint
    "presentationml.slide+xml": "slide",
    "presentationml.notesslide+xml": "notes",
    "presentationml.comments+xml": "ppt-comments",
    "ms-powerpoint.comments+xml": "ppt-comments",
    "presentationml.slidelayout+xml": "layout",
    "presentationml.slidemaster+xml": "master",
    "presentationml.notesmaster+xml": "notes-master",
    "presentationml.handoutmaster+xml": "handout-master",
    # Excel
    "spreadsheetml.sheet.main+xml": "workbook",
    "spreadsheetml.template.main+xml": "workbook",
    "ms-excel.sheet.macroenabled.main+xml": "workbook",
    "ms-excel.template.macroenabled.main+xml": "workbook",
    "ms-excel.addin.macroenabled.main+xml": "workbook",
    "spreadsheetml.worksheet+xml": "worksheet",
    "spreadsheetml.sharedstrings+xml": "shared-strings",
    "spreadsheetml.comments+xml": "xl-comments",
    "ms-excel.threadedcomments+xml": "xl-threaded-comments",
    "drawing+xml": "xl-drawing",
    "spreadsheetml.externallink+xml": "external-link",
    # Document properties
    "openxmlformats-package.core-properties+xml": "properties",
    "extended-properties+xml": "properties",
    "custom-properties+xml": "properties",
}
# Parts that hold no text a person reads (formatting, settings, fonts, printer set-up, macros'
# binary storage). Everything not listed here and not a picture is read.
SKIP = {
    "wordprocessingml.styles+xml", "ms-word.styleswitheffects+xml", "wordprocessingml.settings+xml",
    "wordprocessingml.websettings+xml", "wordprocessingml.fonttable+xml", "wordprocessingml.numbering+xml",
    "ms-word.commentsextended+xml", "ms-word.commentsids+xml", "ms-word.people+xml",
    "theme+xml", "themeoverride+xml", "spreadsheetml.styles+xml", "spreadsheetml.calcchain+xml",
    "presentationml.presprops+xml", "presentationml.viewprops+xml", "presentationml.tablestyles+xml",
    "presentationml.printersettings", "spreadsheetml.printersettings", "wordprocessingml.printersettings",
    "obfuscatedfont", "ms-office.vbaproject", "ms-word.vbadata+xml", "customxmlproperties+xml",
    "openxmlformats-package.relationships+xml", "ms-office.chartstyle+xml", "ms-office.chartcolorstyle+xml",
    "drawingml.diagramcolors+xml", "drawingml.diagramstyle+xml", "drawingml.diagramlayout+xml",
    "ms-fontobject", "x-fontdata", "x-font-ttf", "font-sfnt",
}  # fmt: skip
# Relationship types whose target is a file of its own (imported, embedded, packaged).
CHILD_RELATIONSHIPS = {"aFChunk", "oleObject", "package", "activeXControlBinary", "attachedTemplate"}
MEDIA_HEAD = 64 * 1024  # a picture is judged by its signature and by not being text
TREE_BYTES = 16 * 1024 * 1024  # above this a part is streamed (no tree in memory)
_ATTRIBUTES = {"descr", "title", "v"}  # alt text of shapes; pivot-cache values (<s v="…"/>)
_BLOCKS = {"p", "si", "comment", "threadedComment", "cell", "definedName", "tc", "text"}
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Part:
    name: str
    content_type: str  # lowercase, as [Content_Types].xml says
    role: str  # a ROLES value, "skip", "media", "child" or "xml" (unknown XML: all its text)


@dataclass
class Package:
    zf: zipfile.ZipFile
    main: str | None = None  # target of the officeDocument relationship
    parts: list[Part] = field(default_factory=list)
    targets: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # source -> (type, target)

    def related(self, source: str, rel_type: str) -> list[str]:
        return [t for kind, t in self.targets.get(source, []) if kind == rel_type]


def normalised(content_type: str) -> str:
    ct = content_type.strip().lower().removeprefix("application/vnd.")
    return ct.removeprefix("openxmlformats-officedocument.")


def load_package(zf: zipfile.ZipFile, budget: Budget, main_role: str | None = None) -> Package:
    """The package's parts with their roles; ``main_role`` is given to the officeDocument part
    when its content type names no role (a generic application/xml)."""
    names = [i.filename for i in zf.infolist() if not i.is_dir()]
    by_lower = {n.lower(): n for n in names}
    if len(by_lower) != len(names):
        # OPC part names are unique regardless of case; zipfile would read only the last of
        # two "word/document.xml" entries, while unzip shows both.
        raise LimitExceeded(UnscannableReason.CORRUPT, "two parts with the same name (case-insensitive)")
    defaults, overrides = _content_types(zf, budget)
    package = Package(zf)
    incoming: dict[str, set[str]] = {}
    for rels in names:
        m = re.fullmatch(r"(.*?)_rels/([^/]*)\.rels", rels)
        if not m:
            continue
        source = m.group(1) + m.group(2)
        for kind, target in _relationships(zf, rels, budget, m.group(1)):
            actual = by_lower.get(target.lower())
            if actual is None:
                continue
            package.targets.setdefault(source, []).append((kind, actual))
            incoming.setdefault(actual, set()).add(kind)
            if source == "" and kind == "officeDocument" and package.main is None:
                package.main = actual
    for name in _natural(names):
        if name == "[Content_Types].xml" or re.fullmatch(r"(.*/)?_rels/[^/]*\.rels", name):
            continue
        ext = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
        content_type = overrides.get(name.lower(), defaults.get(ext, "")).lower()
        rel_types = frozenset(incoming.get(name, ()))
        role = _role(content_type, rel_types)
        if main_role and name == package.main and role in ("xml", "other"):
            role = main_role
        package.parts.append(Part(name, content_type, role))
    return package


def _role(content_type: str, rel_types: frozenset[str]) -> str:
    if rel_types & CHILD_RELATIONSHIPS:
        return "child"
    ct = normalised(content_type)
    if ct in ROLES:
        return ROLES[ct]
    if ct in SKIP or ct.startswith(("font/", "application/x-font")):
        return "skip"
    if ct.startswith(("image/", "audio/", "video/")) and not ct.endswith("+xml"):
        return "media"
    return "xml" if ct.endswith("xml") else "other"  # "other": read, then XML text or a child item


def _content_types(zf: zipfile.ZipFile, budget: Budget) -> tuple[dict[str, str], dict[str, str]]:
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    data = read_part(zf, "[Content_Types].xml", budget)
    if data:
        for _event, element in xml_events(data, ("end",)):
            tag = local(element.tag)  # type: ignore[attr-defined]
            get = element.get  # type: ignore[attr-defined]
            if tag == "Default" and get("Extension"):
                defaults[get("Extension").lower()] = get("ContentType") or ""
            elif tag == "Override" and get("PartName"):
                overrides[unquote(get("PartName")).lstrip("/").lower()] = get("ContentType") or ""
    return defaults, overrides


def _relationships(zf: zipfile.ZipFile, rels: str, budget: Budget, base: str) -> Iterator[tuple[str, str]]:
    data = read_part(zf, rels, budget)
    if not data:
        return
    for _event, element in xml_events(data, ("end",)):
        get = element.get  # type: ignore[attr-defined]
        if local(element.tag) != "Relationship" or (get("TargetMode") or "").lower() == "external":  # type: ignore[attr-defined]
            continue
        target = unquote((get("Target") or "").split("#", 1)[0])
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(base.rstrip("/"), target)
        path = posixpath.normpath(path).lstrip("/")
        if path.startswith("../"):
            continue
        yield (get("Type") or "").rsplit("/", 1)[-1], path


def _natural(names: list[str]) -> list[str]:
    return sorted(names, key=lambda n: [int(t) if t.isdigit() else t for t in re.split(r"([0-9]+)", n)])


def looks_like_xml(data: bytes) -> bool:
    head = data[:64].lstrip()
    return head.startswith((b"<", b"\xef\xbb\xbf<", b"\xff\xfe<\x00", b"\xfe\xff\x00<"))


def xml_text(data: bytes) -> list[str]:
    """All text of an XML part a reader may see: each paragraph-like block joined (runs split
    one number in pieces), every other text node and alt text on its own line. Malformed XML
    (Office's VML is often not well-formed) is read with its tags stripped."""
    if len(data) > TREE_BYTES:
        return list(_streamed_text(data))
    try:
        root = fromstring(data)
    except ParseError:
        text = html.unescape(_TAG.sub("\n", data.decode("utf-8", "replace")))
        return [line.strip() for line in text.splitlines() if line.strip()]
    lines: list[str] = []
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if node.strip():
                lines.append(node.strip())
            continue
        lines.extend(_attributes(node))
        if local(node.tag) in _BLOCKS:  # type: ignore[attr-defined]
            text = "".join(node.itertext()).strip()  # type: ignore[attr-defined]
            if text:
                lines.append(text)
            continue
        if node.text:  # type: ignore[attr-defined]
            lines.append(node.text)  # type: ignore[attr-defined]
        for child in reversed(list(node)):  # type: ignore[call-overload]
            if child.tail:
                stack.append(child.tail)
            stack.append(child)
    return [line.strip() for line in lines if line.strip()]


def _attributes(element: object) -> list[str]:
    return [v for k, v in element.attrib.items() if local(k) in _ATTRIBUTES and v.strip()]  # type: ignore[attr-defined]


def _streamed_text(data: bytes) -> Iterator[str]:
    for _event, element in xml_events(data, ("end",)):
        yield from _attributes(element)
        text = (element.text or "").strip()  # type: ignore[attr-defined]
        if text:
            yield text
        element.clear()  # type: ignore[attr-defined]


def read_others(item: Item, package: Package, budget: Budget, handled: set[str]) -> Iterator[Segment | Item]:
    """Every part whose role the caller does not read itself: XML for all its text, anything
    else (an imported chunk, an embedded object, a part of no known type) as a child item that
    is sniffed and read like a file of its own, under the same depth and size limits."""
    for part in package.parts:
        if part.role in handled:
            continue
        if part.role in ("skip", "media"):
            yield from _screened(item, package, part, budget)
            continue
        data = read_part(package.zf, part.name, budget)
        if not data:
            continue
        if part.role == "child" or not looks_like_xml(data):
            yield item.child(data, _base(part.name))
        else:
            yield from _xml_segment(item, part.name, data)


def _screened(item: Item, package: Package, part: Part, budget: Budget) -> Iterator[Segment | Item]:
    """Pictures, media and formatting parts are passed over once their first bytes show they
    are what they claim. A metafile's drawn text is read; text stored under a picture's or a
    formatting part's type is read (unzip shows it to anyone)."""
    with package.zf.open(part.name) as fh:
        head = fh.read(MEDIA_HEAD)
    if not head:
        return
    if part.role == "skip":
        if normalised(part.content_type) == "wordprocessingml.settings+xml":
            yield from _document_variables(item, package, part, budget)
        elif not looks_like_xml(head) and is_text(head):
            yield item.child(read_part(package.zf, part.name, budget) or b"", _base(part.name))
        return  # otherwise: styles, fonts, settings, printer set-up, macro storage
    if is_emf(head):  # a pasted range or chart: text records a reader sees
        drawn = emf_text(read_part(package.zf, part.name, budget) or b"")
        segment = paragraphs_segment(item, f"picture:{part.name}", drawn, "text")
        if segment:
            yield segment
        return
    if _is_media(head) and not is_text(head):
        if is_image(head) and "thumbnail" not in part.name.lower():  # a pasted scan or photo is
            # OCR'd, a logo or icon is skipped there; the thumbnail shows the text already read
            yield item.child(read_part(package.zf, part.name, budget) or b"", _base(part.name))
        return  # a sound or film: nothing to read
    data = read_part(package.zf, part.name, budget) or b""
    if _is_media(head):
        # Text behind a picture's signature (GIF89a,氏名,電話…): a sniffer would call it a
        # picture, so it is decoded here.
        text, _encoding = decode_bytes(data)
        yield Segment(text, f"{item.locator}/{_base(part.name)}", kind="text", first_line=1)
    else:
        yield item.child(data, _base(part.name))


def _document_variables(item: Item, package: Package, part: Part, budget: Budget) -> Iterator[Segment]:
    """Word's document variables (<w:docVar w:val="…"/> in settings.xml): macros and fields
    show them, unzip shows them; the rest of the settings part is formatting."""
    data = read_part(package.zf, part.name, budget) or b""
    if b"docVar" not in data:
        return
    values = [
        v
        for _event, element in xml_events(data, ("end",))
        if local(element.tag) == "docVar"  # type: ignore[attr-defined]
        for k, v in element.attrib.items()  # type: ignore[attr-defined]
        if local(k) in ("val", "name") and v.strip()
    ]
    segment = paragraphs_segment(item, f"variables:{part.name}", values, "metadata")
    if segment:
        yield segment


def _base(name: str) -> str:
    return name.rsplit("/", 1)[-1]


_MEDIA_MAGIC = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\0", b"MM\0*", b"\xd7\xcd\xc6\x9a",
    b"\x01\0\x09\0", b"\x02\0\x09\0", b"RIFF", b"ID3", b"OggS", b"fLaC", b"\x1aE\xdf\xa3", b"\x00\x00\x01",
    b"0&\xb2u", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"\0\0\1\0", b"\0\0\2\0", b"\x00\x00\x00\x0cjP", b"II\xbc",
)  # fmt: skip


_MOVIE_BOXES = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}  # MP4, MOV, HEIF, M4A


def _is_media(head: bytes) -> bool:
    """A picture or media file by its signature (PNG, JPEG, GIF, BMP, TIFF, EMF, WMF, RIFF,
    MP3, Ogg, FLAC, Matroska, MPEG, ASF, ICO, JPEG 2000, MP4/MOV/HEIF by their ftyp box). A
    "picture" that is none of these or that is text (a CSV named image1.png, or behind GIF89a)
    is handed on as a file; SVG is XML and read for its text."""
    return is_emf(head) or head.startswith(_MEDIA_MAGIC) or head[4:8] in _MOVIE_BOXES


_ALT_TAG = re.compile(rb"<(?:[A-Za-z0-9_]+:)?(?:cNvPr|docPr)\s[^>]*>")
_ALT_ATTR = re.compile(rb'\s(?:descr|title)="([^"]+)"')


def alt_texts(data: bytes) -> list[str]:
    """Alt text and titles of pictures and shapes (the Alt Text pane and screen readers show
    them): a regex over the part, which the paragraph readers have parsed already."""
    if b"descr=" not in data and b"title=" not in data:
        return []
    return [
        html.unescape(attr.group(1).decode("utf-8", "replace"))
        for tag in _ALT_TAG.finditer(data)
        for attr in _ALT_ATTR.finditer(tag.group())
    ]


def _xml_segment(item: Item, name: str, data: bytes) -> Iterator[Segment]:
    segment = paragraphs_segment(item, f"part:{name}", xml_text(data), "text")
    if segment:
        yield segment
