"""Labelled documents and the labelling conventions.

Labels (``Label``):
- ``type`` is the project's type name (PHONE, EMAIL, ADDRESS, POSTAL_CODE, PERSON, BIRTH_DATE,
  MY_NUMBER, CREDIT_CARD, BANK_ACCOUNT, ...) for a customer's or a staff member's value, or
  ``BUSINESS_CONTACT`` for a company's phone, fax, mail, address, postal code or bank account
  (letterheads, signatures, store lists, お振込先); ``kind`` then says which (PHONE, ...).
  Business contacts are not personal data: a finding of a personal type on them is a false
  positive of that type; a finding of type BUSINESS_CONTACT (or with a ``business`` role)
  there is a true positive of BUSINESS_CONTACT, reported apart from the micro average.
- ``own=True`` marks the corpus company's own contact details, which the evaluation puts on the
  policy's allow list (like a real install would).
- Spans: for text and CSV files ``start``/``end`` are character offsets into the decoded text
  (what ``dlp scan --format json`` reports for plain text and CSV). For tables (CSV, xlsx, docx,
  HTML) the label also names the sheet row (1-based, ``row``, title lines included), the cell
  (``col``, 0-based) and the column header; xlsx, docx and HTML labels have no offsets and are
  compared by value (xlsx: in the same row). In a workbook of several sheets ``sheet`` names the
  label's sheet and a record is a (sheet, row) pair. An .eml keeps offsets into the pasted-mail text it
  was made from; the evaluation compares its values.
- Span conventions: PERSON is the full name as written (family and given with any space between,
  no honorific); POSTAL_CODE excludes 〒; ADDRESS runs from the prefecture (or city) to the
  room number; BIRTH_DATE is the date without 生/生まれ; BANK_ACCOUNT is the account number's
  digits; EMAIL is the address as written, including spelled-out (at)/dot forms.
- ``staff=True``: names of the call centre's operators or of a supplier's staff. They are
  PERSON values (a detector should find them) but not customer data: a document whose only
  personal values are staff names and business contacts is a negative.

The expected action is derived from the labels with rules/policy.yaml's semantics for a file
scan (``expected_action``), never hand-assigned.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

CRITICAL = {"MY_NUMBER", "CREDIT_CARD", "HEALTH_INSURANCE"}
RECORD_TYPES = {
    "PHONE",
    "EMAIL",
    "ADDRESS",
    "BIRTH_DATE",
    "MY_NUMBER",
    "CREDIT_CARD",
    "BANK_ACCOUNT",
    "DRIVERS_LICENSE",
    "PASSPORT",
    "RESIDENCE_CARD",
    "BASIC_PENSION",
    "HEALTH_INSURANCE",
    "CUSTOMER_ID",
}
CONTACT = {
    "PHONE",
    "EMAIL",
    "ADDRESS",
    "BIRTH_DATE",
    "BANK_ACCOUNT",
    "DRIVERS_LICENSE",
    "PASSPORT",
    "RESIDENCE_CARD",
    "BASIC_PENSION",
    "CUSTOMER_ID",
}
ACTIONS = ["allow", "warn", "quarantine", "block"]


@dataclass
class Label:
    type: str
    value: str
    start: int | None = None
    end: int | None = None
    row: int | None = None  # xlsx: 1-based sheet row; CSV: 1-based line
    column: str | None = None
    col: int | None = None  # tables: 0-based cell index in the row
    kind: str | None = None  # BUSINESS_CONTACT: which kind of value
    own: bool = False
    staff: bool = False
    sheet: str | None = None  # xlsx with several sheets: the sheet's name

    @property
    def customer(self) -> bool:
        return self.type != "BUSINESS_CONTACT" and not self.staff


@dataclass
class Doc:
    """One document: its text (or sheet rows), labels, and how it is written to disk."""

    name: str  # file name, with extension: .txt, .csv, .xlsx
    family: str  # template family (call_note, crm_csv, supplier_invoice, ...)
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)  # xlsx / csv cells
    labels: list[Label] = field(default_factory=list)
    encoding: str = "utf-8"

    # -- building text --------------------------------------------------------------------
    def add(self, text: str) -> Doc:
        self.text += text
        return self

    def value(self, type_: str, value: str, *, kind: str | None = None, own: bool = False, staff: bool = False) -> Doc:
        start = len(self.text)
        self.text += value
        self.labels.append(Label(type_, value, start, len(self.text), kind=kind, own=own, staff=staff))
        return self

    def biz(self, kind: str, value: str, *, own: bool = False) -> Doc:
        return self.value("BUSINESS_CONTACT", value, kind=kind, own=own)

    # -- summary ----------------------------------------------------------------------------
    @property
    def negative(self) -> bool:
        return not any(lb.customer for lb in self.labels)

    @property
    def expected(self) -> str:
        return expected_action(self)

    def meta(self) -> dict[str, object]:
        return {
            "name": self.name,
            "family": self.family,
            "negative": self.negative,
            "expected": self.expected,
            "encoding": self.encoding,
            "labels": [{k: v for k, v in asdict(lb).items() if v not in (None, False)} for lb in self.labels],
        }


def expected_action(doc: Doc) -> str:
    """rules/policy.yaml for a file scan (channel scan), on the customer labels only."""
    labels = [lb for lb in doc.labels if lb.customer]
    types = {lb.type for lb in labels}
    if types & CRITICAL:
        return "block"
    if doc.rows:  # a row with a customer's name is a record (policy.yaml table_record_types)
        rows = {(lb.sheet, lb.row) for lb in labels if lb.type in RECORD_TYPES or lb.type == "PERSON"}
        records = len(rows)
    else:
        per_type: dict[str, set[str]] = {}
        for lb in labels:
            if lb.type in RECORD_TYPES:
                per_type.setdefault(lb.type, set()).add(lb.value)
        records = max((len(v) for v in per_type.values()), default=0)
    persons = len({lb.value for lb in doc.labels if lb.type == "PERSON"})
    if records >= 100:
        return "block"
    if records >= 10 or persons >= 50:
        return "quarantine"
    if types & CONTACT:
        return "warn"
    return "allow"
