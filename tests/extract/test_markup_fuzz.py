"""Differential silence, for markup and text: a value a reader still sees, however the file
splits or disguises it (invisible characters, runs, tags, escapes), never leaves the verdict at
allow. Hypothesis chooses where the value is cut and what goes into the cuts."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlp.model import Action, Item
from dlp.pipeline import scan_item

PHONE = "090-1234-5678"
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u2063", "\u202c", "\x00"]
# How a cut between two runs looks in each format (what its application joins back).
SPLITS = {
    "html": ("<p>携帯 ", "</span><span>", "</p>", ".html"),
    "svg": (
        '<svg xmlns="http://www.w3.org/2000/svg"><text>携帯 <tspan>',
        "</tspan><tspan>",
        "</tspan></text></svg>",
        ".svg",
    ),
    "fodt": (
        '<?xml version="1.0"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        "<text:p>携帯 <text:span>",
        '</text:span><text:span text:style-name="T1">',
        "</text:span></text:p></office:text></office:body></office:document>",
        ".fodt",
    ),
    "word2003": (
        '<?xml version="1.0"?><?mso-application progid="Word.Document"?>'
        '<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"><w:body><w:p><w:r><w:t>携帯 ',
        "</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>",
        "</w:t></w:r></w:p></w:body></w:wordDocument>",
        ".xml",
    ),
    "rtf": ("{\\rtf1\\ansi\\ansicpg932 \\pard TEL ", "{\\b ", "}\\par}", ".rtf"),
}


def _verdict(data: bytes, name: str, settings_):  # type: ignore[no-untyped-def]
    return scan_item(Item.from_bytes(data, name), settings_)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cuts=st.lists(st.integers(min_value=1, max_value=len(PHONE) - 1), max_size=5, unique=True),
    fill=st.lists(st.sampled_from(INVISIBLE), min_size=1, max_size=3),
)
def test_invisible_characters_anywhere_in_a_number(settings, cuts: list[int], fill: list[str]) -> None:
    text = PHONE
    for cut in sorted(cuts, reverse=True):
        text = text[:cut] + "".join(fill) + text[cut:]
    verdict = _verdict(f"携帯 {text}\n".encode(), "note.txt", settings)
    assert verdict.action >= Action.WARN, repr(text)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(sorted(SPLITS)),
    cuts=st.lists(st.integers(min_value=1, max_value=len(PHONE) - 1), min_size=1, max_size=4, unique=True),
)
def test_number_split_over_runs(settings, fmt: str, cuts: list[int]) -> None:
    head, between, tail, suffix = SPLITS[fmt]
    pieces = []
    last = 0
    for cut in sorted(cuts):
        pieces.append(PHONE[last:cut])
        last = cut
    pieces.append(PHONE[last:])
    document = head + between.join(pieces) + tail
    verdict = _verdict(document.encode("utf-8"), f"doc{suffix}", settings)
    assert verdict.action >= Action.WARN, document
