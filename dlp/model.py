"""The vocabulary every part of dlp shares: Item, Segment, Finding, Verdict, Action.

These are plain data. Entry points build Items, extractors turn them into Segments, the engine
turns Segments into Findings and the policy turns counts into a Verdict. Nothing here knows
about SMTP, inotify or terminals.
"""

from __future__ import annotations

import enum
import io
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import BinaryIO


class Action(enum.IntEnum):
    """What happens to an item. Ordered: the most severe matching clause wins."""

    ALLOW = 0
    WARN = 1
    # 上長承認: held until an approver of the sender's department approves or rejects it. Above warn
    # (the mail does not leave on its own), below quarantine: a clause that wants the officer
    # (quarantine) or no sending at all (block) wins over one an approver may settle.
    APPROVAL = 2
    QUARANTINE = 3
    BLOCK = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Action:
        return cls[text.strip().upper()]


# The exit code a verdict gives `dlp scan` (the most severe item's): a table, not int(action),
# so that reordering or adding an action never silently changes what a script tests (approval,
# added later between warn and quarantine, got a new code, 6, after those in use). The other
# codes (usage, internal error, interrupted) and the help text: dlp/cli/exitcodes.py.
VERDICT_EXIT: Mapping[Action, int] = MappingProxyType(
    {Action.ALLOW: 0, Action.WARN: 1, Action.QUARANTINE: 2, Action.BLOCK: 3, Action.APPROVAL: 6}
)


class Confidence(enum.IntEnum):
    """Purview-style levels: shape alone is low; validator or context is medium; both high."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Confidence:
        return cls[text.strip().upper()]


class Severity(enum.IntEnum):
    """How bad a leak of this data type is, independent of how sure we are (bandit's split)."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.strip().upper()]


class UnscannableReason(enum.StrEnum):
    """Why (part of) an item could not be inspected. The policy decides what that means."""

    ENCRYPTED = "encrypted"
    CORRUPT = "corrupt"
    UNSUPPORTED = "unsupported"
    TOO_LARGE = "too_large"
    TOO_DEEP = "too_deep"
    TOO_MANY_MEMBERS = "too_many_members"
    RATIO = "compression_ratio"
    TOO_MUCH_TEXT = "too_much_text"
    TIMEOUT = "timeout"
    UNREADABLE = "unreadable"
    LOSSY_DECODE = "lossy_decode"
    NO_TEXT = "no_text"  # an image or scanned page OCR could not read (or no OCR), audio, video
    OCR = "ocr"  # text read by OCR from an image or scanned page: inspected, but maybe incompletely
    SUSPICIOUS_FONT = "suspicious_font"  # a PDF font draws digits that extract as other text
    ERROR = "error"


@dataclass(frozen=True)
class Unscannable:
    locator: str
    reason: UnscannableReason
    detail: str = ""


Opener = Callable[[], BinaryIO]


@dataclass
class Item:
    """One thing inspected: a file, a mail, or a part inside one.

    Content is reached through ``open()`` so that large files are streamed, never loaded whole.
    """

    name: str
    locator: str
    opener: Opener
    size: int | None = None
    depth: int = 0
    channel: str = "scan"
    path: Path | None = None
    meta: dict[str, object] = field(default_factory=dict)

    def open(self) -> BinaryIO:
        return self.opener()

    def read(self, limit: int | None = None) -> bytes:
        with self.open() as fh:
            return fh.read() if limit is None else fh.read(limit)

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], *, channel: str = "scan") -> Item:
        p = Path(path)
        return cls(
            name=p.name,
            locator=str(p),
            opener=lambda: open(p, "rb"),
            size=p.stat().st_size,
            channel=channel,
            path=p,
        )

    @classmethod
    def from_bytes(
        cls,
        data: bytes,
        name: str,
        *,
        locator: str | None = None,
        depth: int = 0,
        channel: str = "scan",
    ) -> Item:
        return cls(
            name=name,
            locator=locator or name,
            opener=lambda: io.BytesIO(data),
            size=len(data),
            depth=depth,
            channel=channel,
        )

    def child(self, data: bytes, name: str, *, separator: str = "/") -> Item:
        return Item.from_bytes(
            data,
            name,
            locator=f"{self.locator}{separator}{name}",
            depth=self.depth + 1,
            channel=self.channel,
        )


@dataclass(frozen=True)
class Table:
    """Shape of a tabular segment: one row per line, cells split by ``delimiter``.

    ``row_starts[i]`` is where row ``first_row + i`` begins in the segment text. CSV segments
    keep the decoded lines as they are (so offsets point into the file and cells may be
    quoted); spreadsheet rows are cells joined by tabs. A column's header is context for its
    cells: a column headed 電話番号 raises their confidence.
    """

    header: tuple[str, ...]
    first_row: int
    row_starts: tuple[int, ...]
    delimiter: str = "\t"
    quoted: bool = False  # cells may be "quoted" (CSV)
    row_label: str = "row"


@dataclass(frozen=True)
class Segment:
    """A piece of extracted text with where it came from.

    ``offset`` is where ``text`` starts in the item's decoded text (plain-text files), so that a
    finding's offsets point into the decoded file. ``record`` groups segments of one person (a
    table row); tabular blocks carry a ``table`` instead and records are their rows.
    """

    text: str
    locator: str
    offset: int = 0
    kind: str = "text"  # text | table | name | header | metadata | body | …
    table: Table | None = None
    record: str | None = None
    first_line: int | None = None  # line number of the first line of ``text``, when it has lines


@dataclass(slots=True)
class Explanation:
    pattern: str
    base: str
    validator: str | None
    validator_result: bool | None
    context: str | None
    header: str | None
    # The policies' allow lists the value is on, and how: (list, "value" | "domain").
    allowed: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class Finding:
    """One match. Holds the masked value and a keyed fingerprint, never the raw value unless
    the caller explicitly asked for values (``dlp scan --show-values``).

    Not frozen: a frozen dataclass costs ~2 µs more per finding, and findings are many. Treat
    it as immutable anyway (``dataclasses.replace`` for a changed copy)."""

    rule: str
    type: str
    locator: str
    start: int
    end: int
    confidence: Confidence
    severity: Severity
    masked: str
    fingerprint: str
    record: str | None = None
    column: str | None = None
    line: int | None = None
    value: str | None = field(default=None, repr=False)
    explanation: Explanation | None = None
    # "business": an organisation's own contact data (a letterhead, a signature, a store list;
    # dlp/detect/business.py). The policy reports it apart. One public value, so that a consumer
    # of the JSON output needs to know one word; where it was found is ``role_from``.
    role: str | None = None
    # "block" (letterhead, signature), "store" (a store's block in a store guide) or "table"
    # (a store list's row)
    role_from: str | None = None
    # The policies' allow lists the value is on (dlp/detect/allow.py): the policy deciding the
    # item does not count it if its own list is one of them. Empty for nearly every finding.
    allowed_by: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Dropped:
    """A candidate that was found and not counted, with the name of the reason (dlp/detect/
    exclusions.py). Built only for `dlp scan --explain`; the value is masked like a finding's."""

    name: str  # validator:luhn, allow_list:value, context:exclude_word, dedup:overlap …
    rule: str
    type: str
    locator: str
    start: int
    end: int
    masked: str
    detail: str = ""  # the exclusion word, the surer rule, the allow list …


@dataclass
class TypeCount:
    matches: int = 0
    distinct: int = 0
    by_confidence: dict[str, int] = field(default_factory=dict)  # distinct values at >= level
    saturated: bool = False


@dataclass
class Verdict:
    """The answer for one top-level item: what to do, why, and what was seen."""

    locator: str
    action: Action
    clause: str | None
    reason_ja: str
    reason_en: str
    counts: dict[str, TypeCount]
    records: int
    findings: list[Finding]
    findings_dropped: int = 0
    unscannable: list[Unscannable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    complete: bool = True  # False: the scan stopped once the verdict could not change
    redactions: list[tuple[str, str]] = field(default_factory=list)  # (name, name with values masked)
    elapsed: float = 0.0
    quarantine_id: str | None = None  # set once enforcement held the item (scan --quarantine)
    dropped: list[Dropped] = field(default_factory=list)  # with --explain: candidates not counted, and why

    def redact(self, text: str) -> str:
        """``text`` (a locator, a path) with the personal data found in file names masked."""
        for name, masked in sorted(self.redactions, key=lambda r: -len(r[0])):
            if name and name != masked:
                text = text.replace(name, masked)
        return text

    @property
    def exit_code(self) -> int:
        return VERDICT_EXIT[self.action]
