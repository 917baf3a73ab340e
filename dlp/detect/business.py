"""Business contact data: an organisation's own TEL / FAX / 〒 / address / mail / bank account.

Letterheads, mail signatures, store lists and a supplier's お振込先 are full of contact data
that is not a customer's. Counted as personal data they make a store list "30 people" and an
invoice a warning, and people switch the tool off. This module gives such findings a role
(``Finding.role``) so that the default policy reports them as BUSINESS_CONTACT instead of
counting them as a customer's data. The cue words are data: ``rules/business.yaml``.

The rules, and why each one is there:

* Only PHONE, EMAIL, ADDRESS, POSTAL_CODE and BANK_ACCOUNT can be business (``types``). A name
  keeps its type; a birth date, My Number, card … is never business, and one of them in a
  block makes the whole block personal (``never_with``).
* **Text blocks** (a letterhead, a signature, an お振込先 or お問い合わせ先 block): a run of
  non-blank lines between blank lines or separator lines (━━━, ＿＿＿, ----, "-- "). It is a
  business block when all of these hold:
  - it has at most ``max_lines`` lines (a long run is a list, not a letterhead);
  - it names an organisation (株式会社, 本社, 支店, 代表, 営業時間, お振込先, 登録番号 T+13 digits,
    a URL, a department line 営業部 / 総務課 …), possibly in a short heading just above it;
    and it looks like a contact block: a second organisation cue, a contact label (TEL, FAX,
    〒, Mail …) or a separator line around it;
  - it says nothing about a customer or a private person (様, お客様, 顧客, 入電, 折り返し,
    ご本人, 自宅, 生年月日 …; desk names such as お客様相談室 do not count). A call note that
    names the caller's company is about the caller, so it stays personal;
  - it holds no more contacts than one organisation shows (``limits``: 4 phones, 2 mails …).
  A contact inside a sentence (a 。 right after it on its line) is never business: it is
  mentioned, not printed in a letterhead.
  A signature's own mobile number or personal mail is the sender's business contact and is
  business there. More than ``max_blocks`` business blocks in one segment: none of them is (a
  customer list written as 150 signature-like blocks); a store's block
  (営業時間, 定休日 …: ``store``) does not count, as no customer list gives opening hours,
  and its contacts are marked ``role_from="store"``, which the policy's cap below skips as
  it skips a store table's rows; more than ``max_store_blocks`` of them in one segment and none
  is business (landlines and addresses of customers with 営業時間 added). The policy adds a per-item cap too
  (``business_contacts.max_distinct`` in policy.yaml): past it, every block contact counts
  as personal again.
* **Tables** (a store or office list): the header must name stores or offices (店舗名,
  営業時間, 定休日, 支店名, 代表電話, FAX …) and no column may hold people (氏名, 担当者, 顧客,
  携帯, 生年月日 …). A column naming the organisation (店舗名, 会社名 …) must have at least
  ``min_name_share`` of its cells look like organisations (店, 支店, 株式会社 …). A row with a
  name finding, a mobile number or an identifier is a person's row; more than
  ``max_person_rows`` of such rows and the table is not business. In a business table a mobile
  number and a mail that is not a shared mailbox (info@, support@ …) stay personal: a B2B
  contact person's direct mobile or mail is personal data under APPI.
* The company's own allow list (policy.yaml ``allow``) is applied after this, by the policy
  that decides (dlp/detect/allow.py): a value on it is not counted, whatever its role.

What this does not catch: an insider who rewrites customers as organisations (株式会社 in a
name column) AND drops names, mobiles and personal mails from a table that also carries store
headers. What is left then is home landlines and addresses under store-like names.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dlp.detect.business_rules import BusinessCues, fold
from dlp.detect.tables import cell_spans
from dlp.model import Confidence, Finding, Segment, Table

if TYPE_CHECKING:
    from collections.abc import Iterable

ROLE = "business"  # Finding.role of an organisation's contact data
FROM_BLOCK = "block"  # Finding.role_from: in a letterhead, signature or supplier block
FROM_TABLE = "table"  # in a row of a store or office list
FROM_STORE = "store"  # in a store's block of a store guide (営業時間 …): judged like a table's row


def mark_business(cues: BusinessCues, segment: Segment, findings: list[Finding]) -> None:
    """Set ``role`` on the findings of ``segment`` that are an organisation's contact data.

    The findings were just made by the engine for this segment (not shared yet), so they are
    changed in place."""
    if not any(f.type in cues.types for f in findings):
        return
    if segment.table is not None:
        _mark_table(cues, segment, findings)
    else:
        _mark_blocks(cues, segment, findings)
    seen: dict[tuple[str, str], bool] = {}  # templates repeat a line: judged once per text
    # A word every move holds anywhere in the text at all (kanji, the same before NFKC): a few
    # substring tests of the text instead of a search per contact value. None: no words known.
    words = cues.relocation_words
    moves = segment.table is None and (words is None or any(w in segment.text for w in words))
    for f in findings:  # in a log line or a table cell as much as in a letterhead
        if f.role is not None:
            continue
        office = f.type == "PHONE" and _office_number(cues, segment, f, seen)
        if office or (moves and f.type in _MOVABLE and _moved_office(cues, segment, f)):
            f.role, f.role_from = ROLE, FROM_BLOCK


# --- text blocks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    lines: int  # non-blank lines
    bounded: bool  # a separator line right above or below
    heading: str  # a short paragraph just above (a company name on its own line)


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end == -1 else end


def _block_at(cues: BusinessCues, text: str, pos: int) -> _Block | tuple[int, int]:
    """The run of non-blank, non-separator lines around ``pos``; when it is too long, the span
    walked (every position in it lies in the same too-long run)."""

    def kind(a: int, b: int) -> str:
        line = text[a:b]
        if not line.strip():
            return "blank"
        return "separator" if cues.separator.match(line) else "text"

    start, end = _line_bounds(text, pos)
    lines = 1
    bounded = False
    heading = ""
    while start > 0 and lines <= cues.max_lines:  # upwards
        a, b = _line_bounds(text, start - 1)
        k = kind(a, b)
        if k != "text":
            bounded = bounded or k == "separator"
            if k == "blank" and a > 0:  # a one- or two-line heading above a blank line
                ha, hb = _line_bounds(text, a - 1)
                if kind(ha, hb) == "text":
                    ga = ha
                    if ha > 0:
                        pa, pb = _line_bounds(text, ha - 1)
                        if kind(pa, pb) == "text":
                            ga = pa
                    if ga == 0 or kind(*_line_bounds(text, ga - 1)) != "text":
                        heading = text[ga:hb]
            break
        start = a
        lines += 1
    while end < len(text) and lines <= cues.max_lines:  # downwards
        a, b = _line_bounds(text, end + 1)
        k = kind(a, b)
        if k != "text":
            bounded = bounded or k == "separator"
            break
        end = b
        lines += 1
    if lines > cues.max_lines:  # walk to the end of the run once: its other findings skip it
        while end < len(text):
            a, b = _line_bounds(text, end + 1)
            if kind(a, b) != "text":
                break
            end = b
        return start, end
    return _Block(start, end, lines, bounded, heading)


_SENTENCE_END = 16  # characters after a contact within which a 。 ends the sentence it sits in


def _in_a_sentence(text: str, end: int) -> bool:
    """A contact followed closely by 。 on its line (…は 090-… です。) is mentioned in running
    text, not printed in a letterhead."""
    stop = text.find("\n", end, end + _SENTENCE_END)
    return "。" in text[end : end + _SENTENCE_END if stop == -1 else stop]


def _organisation_cues(cues: BusinessCues, text: str) -> int:
    n = len(cues.organisation.findall(text)) if cues.organisation is not None else 0
    return n + sum(len(p.findall(text)) for p in cues.organisation_patterns)  # patterns are per line


def _about_a_person(cues: BusinessCues, text: str) -> bool:
    if cues.person is None:
        return False
    if cues.neutral is not None:
        text = cues.neutral.sub(" ", text)
    return cues.person.search(text) is not None


def _is_business_block(cues: BusinessCues, text: str, block: _Block, inside: list[Finding]) -> bool:
    counts: dict[str, int] = {}
    for f in inside:
        if f.type in cues.never_with and f.confidence >= Confidence.MEDIUM:
            return False
        counts[f.type] = counts.get(f.type, 0) + 1
    if any(n > cues.limits.get(t, n) for t, n in counts.items()):
        return False
    body = fold(text[block.start : block.end])
    organisation = _organisation_cues(cues, body)
    if organisation == 0 and block.heading:
        heading = fold(block.heading)
        if not _about_a_person(cues, heading):
            organisation = _organisation_cues(cues, heading)
    if organisation == 0 or _about_a_person(cues, body):
        return False
    labelled = cues.labels is not None and cues.labels.search(body) is not None
    return organisation >= 2 or labelled or block.bounded


def _store_block(cues: BusinessCues, body: str, inside: list[Finding], text: str, offset: int) -> bool:
    """A store's block: opening hours or closing days, and neither a person's name nor a mobile
    number (a store publishes a landline; a laundered signature with 営業時間 added keeps its
    person and mobile, so it stays under the cap)."""
    if cues.store is None or cues.store.search(body) is None:
        return False
    for f in inside:
        if f.type == "PERSON" and f.confidence >= Confidence.MEDIUM:
            return False
        if f.type == "PHONE" and _is_mobile(cues, text[f.start - offset : f.end - offset]):
            return False
    return True


def _mark_blocks(cues: BusinessCues, segment: Segment, findings: list[Finding]) -> None:
    """Linear in the findings: they are visited in order, each block is judged once, and a
    run of lines too long to be a block is remembered so its other findings skip the walk."""
    text = segment.text
    offset = segment.offset
    ordered = sorted(findings, key=lambda f: f.start)
    starts = [f.start - offset for f in ordered]
    located: list[Finding] = []
    stores: set[int] = set()  # ids of located findings in a store's block
    store_blocks: set[tuple[int, int]] = set()
    verdicts: dict[tuple[int, int], bool] = {}
    distinct: set[str] = set()
    last: tuple[int, int, bool] = (-1, -1, False)  # the last block or long run, and its verdict
    for f, pos in zip(ordered, starts, strict=True):
        if f.type not in cues.types or not 0 <= pos < len(text):
            continue
        if last[0] <= pos < last[1]:
            if last[2] and not _in_a_sentence(text, f.end - offset):
                located.append(f)
                if (last[0], last[1]) in store_blocks:
                    stores.add(id(f))
            continue
        block = _block_at(cues, text, pos)
        if not isinstance(block, _Block):  # too long to be a letterhead: skip the whole run
            last = (block[0], block[1] + 1, False)
            continue
        key = (block.start, block.end)
        verdict = verdicts.get(key)
        if verdict is None:
            inside = ordered[bisect_left(starts, block.start) : bisect_left(starts, block.end)]
            verdict = verdicts[key] = _is_business_block(cues, text, block, inside)
            body = fold(text[block.start : block.end])
            if verdict and _store_block(cues, body, inside, text, offset):
                store_blocks.add(key)  # a store's block never counts toward max_blocks
                if len(store_blocks) > cues.max_store_blocks:
                    return  # more stores than a guide lists: customers dressed up as stores
            elif verdict:
                distinct.add(body)  # a quoted signature repeats
                if len(distinct) > cues.max_blocks:
                    return  # many different contact blocks in one text: a list of people
        last = (block.start, block.end, verdict)
        if verdict and not _in_a_sentence(text, f.end - offset):
            located.append(f)
            if key in store_blocks:
                stores.add(id(f))
    for f in located:
        f.role, f.role_from = ROLE, FROM_STORE if id(f) in stores else FROM_BLOCK


_INLINE_REACH = 24  # characters before a number looked at for an office's name


def _before_on_line(text: str, start: int) -> str:
    """What stands before ``start`` on its line, at most _INLINE_REACH characters."""
    line_start = text.rfind("\n", max(0, start - _INLINE_REACH), start) + 1
    return text[max(line_start, start - _INLINE_REACH) : start]


def _office_number(
    cues: BusinessCues, segment: Segment, f: Finding, seen: dict[tuple[str, str], bool] | None = None
) -> bool:
    """港北センター（011-349-7275）: a landline right after an office's name on its line. It is
    judged like a block's contact (the policy's per-item cap applies): a list of customers
    written as 山田店（03-…） turns personal past the cap. ``seen`` keeps the verdicts by the
    text they depend on (what stands before the number on its line, and the number)."""
    text = segment.text
    start, end = f.start - segment.offset, f.end - segment.offset
    if cues.inline_before is None or not 0 <= start <= end <= len(text):
        return False
    key = (_before_on_line(text, start), text[start:end])
    known = seen.get(key) if seen is not None else None
    if known is None:
        known = _office_verdict(cues, *key)
        if seen is not None:
            seen[key] = known
    return known


_MOVABLE = frozenset({"PHONE", "ADDRESS", "POSTAL_CODE"})


def _moved_office(cues: BusinessCues, segment: Segment, f: Finding) -> bool:
    """物流倉庫を南砺市東殿へ移転します。新住所：富山県…: the new address or number on the line of
    an office's move is the office's (people 引っ越す or 転居する; 移転 is an organisation's).
    Not when a word about a person stands between the move and the value (the town before
    移転 may end in 殿), and never a mobile number."""
    text = segment.text
    start = f.start - segment.offset
    if cues.relocation_before is None or not 0 <= start <= len(text):
        return False
    before = _before_on_line(text, start)
    words = cues.relocation_words
    if words is not None and not any(w in before for w in words):
        return False  # the usual case, told by substring tests
    before = fold(before)
    ends = [m.end() for m in cues.relocation_before.finditer(before)]  # the last move word counts
    if not ends or _about_a_person(cues, before[ends[-1] :]):
        return False
    return f.type != "PHONE" or not _is_mobile(cues, text[start : f.end - segment.offset])


def _office_verdict(cues: BusinessCues, before: str, value: str) -> bool:
    assert cues.inline_before is not None
    if _is_mobile(cues, value):
        return False
    before = fold(before)
    return cues.inline_before.search(before) is not None and not _about_a_person(cues, before)


# --- tables --------------------------------------------------------------------------------------


def _header_has(header: str, words: Iterable[str]) -> bool:
    """A one-character word (姓, 名) must be the whole header; longer words may sit inside."""
    return any(header == w if len(w) == 1 else w in header for w in words)


def _cell_value(segment: Segment, f: Finding) -> str:
    return fold(segment.text[f.start - segment.offset : f.end - segment.offset])


def _is_mobile(cues: BusinessCues, value: str) -> bool:
    digits = "".join(c for c in value if c.isdigit())
    if digits.startswith("81"):
        digits = "0" + digits[2:]
    return digits.startswith(cues.mobile_prefixes)


def _is_role_mailbox(cues: BusinessCues, value: str) -> bool:
    local = value.rpartition("@")[0].lower()
    head = local.replace("_", "-").replace(".", "-").split("-")[0]
    return local in cues.role_mailboxes or head in cues.role_mailboxes


def may_be_business_table(cues: BusinessCues, table: Table) -> bool:
    """A store or office header and no column of people: such a table is judged by
    ``_mark_table`` from its findings, so the engine reads it cell by cell, not in bulk."""
    header = [fold(h).strip() for h in table.header if h]
    return not any(_header_has(h, cues.person_header) for h in header) and any(
        _header_has(h, cues.table_header) for h in header
    )


def _mark_table(cues: BusinessCues, segment: Segment, findings: list[Finding]) -> None:
    table = segment.table
    assert table is not None
    header = [fold(h).strip() for h in table.header]
    if any(_header_has(h, cues.person_header) for h in header if h):
        return
    if not any(_header_has(h, cues.table_header) for h in header if h):
        return
    name_columns = [i for i, h in enumerate(header) if h and _header_has(h, cues.name_header)]
    rows = len(table.row_starts)
    if rows == 0:
        return
    if name_columns and cues.name_words is not None:
        filled = fitting = 0
        for row in range(rows):
            cells = cell_spans(segment, table, row)
            for col in name_columns:
                if col < len(cells) and cells[col][1] > cells[col][0]:
                    value = fold(segment.text[cells[col][0] : cells[col][1]])
                    if value.strip() and value.strip() != header[col]:
                        filled += 1
                        fitting += cues.name_words.search(value) is not None
        if filled and fitting < cues.min_name_share * filled:
            return
    person_rows: set[str | None] = set()
    for f in findings:
        if (
            (f.type == "PERSON" and f.confidence >= Confidence.MEDIUM)
            or f.type in cues.never_with
            or (f.type == "PHONE" and _is_mobile(cues, _cell_value(segment, f)))
        ):
            person_rows.add(f.record)
    if len(person_rows) > cues.max_person_rows * rows:
        return
    for f in findings:
        if f.type not in cues.types or f.record in person_rows:
            continue
        if f.type == "EMAIL" and not _is_role_mailbox(cues, _cell_value(segment, f)):
            continue
        f.role, f.role_from = ROLE, FROM_TABLE
