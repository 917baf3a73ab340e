"""The policy: distinct values, records, unscannable reasons, most severe wins, named clauses."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlp.config import load_config
from dlp.detect.rules import RuleFileError, load_rules
from dlp.model import Action, Confidence, Finding, Item, Severity, Unscannable, UnscannableReason
from dlp.pipeline import scan_item
from dlp.policy import ScanContext, load_policy
from dlp.settings import Settings
from tests.conftest import TEST_KEY

POLICY = load_policy(known_types=load_rules().types)


def _finding(
    data_type: str, value: str, confidence: Confidence = Confidence.MEDIUM, record: str | None = None
) -> Finding:
    return Finding(
        rule="t", type=data_type, locator="x", start=0, end=1, confidence=confidence,
        severity=Severity.MEDIUM, masked="*", fingerprint=f"{data_type}:{value}", record=record,
    )  # fmt: skip


def _decide(findings: list[Finding], unscannable: list[Unscannable] | None = None, ctx: ScanContext | None = None):
    tally = POLICY.new_tally()
    tally.add(findings)
    for u in unscannable or []:
        tally.add_unscannable(u)
    return POLICY.decide(tally, ctx)


def test_nothing_found_is_allowed() -> None:
    decision = _decide([])
    assert decision.action is Action.ALLOW and decision.clause is None


def test_one_phone_number_warns() -> None:
    decision = _decide([_finding("PHONE", "09012345678")])
    assert decision.action is Action.WARN
    assert decision.clause.id == "contact-data"
    assert "電話番号 1件" in decision.reason_ja and "PHONE x1" in decision.reason_en


def test_a_signature_repeated_forty_times_counts_once() -> None:
    decision = _decide([_finding("PHONE", "0312345678")] * 40)
    assert decision.action is Action.WARN
    assert "電話番号 1件" in decision.reason_ja


def test_low_confidence_does_not_count() -> None:
    assert _decide([_finding("MY_NUMBER", "123456789018", Confidence.LOW)]).action is Action.ALLOW


def test_my_number_blocks() -> None:
    decision = _decide([_finding("MY_NUMBER", "123456789018")])
    assert decision.action is Action.BLOCK and decision.clause.id == "critical-identifiers"


@pytest.mark.parametrize(("rows", "action"), [(9, Action.WARN), (10, Action.QUARANTINE), (100, Action.BLOCK)])
def test_records_of_a_table_count_people(rows: int, action: Action) -> None:
    findings = []
    for i in range(rows):
        findings.append(_finding("PHONE", f"0901234{i:04d}", record=f"t.csv#row{i}"))
        findings.append(_finding("EMAIL", f"u{i}@example.jp", record=f"t.csv#row{i}"))
    assert _decide(findings).action is action


def test_records_in_free_text_are_the_most_frequent_identifier() -> None:
    findings = [_finding("PHONE", f"0901234{i:04d}") for i in range(12)] + [_finding("EMAIL", "a@example.jp")]
    tally = POLICY.new_tally()
    tally.add(findings)
    assert tally.records == 12


def test_names_alone_are_not_records_but_a_long_name_list_is_held() -> None:
    few = _decide([_finding("PERSON", f"name{i}") for i in range(20)])
    assert few.action is Action.ALLOW
    many = _decide([_finding("PERSON", f"name{i}") for i in range(50)])
    assert many.action is Action.QUARANTINE and many.clause.id == "name-list"


def test_unscannable_is_quarantined_but_a_lossy_decode_is_not() -> None:
    encrypted = Unscannable("a.zip", UnscannableReason.ENCRYPTED, "password")
    assert _decide([], [encrypted]).action is Action.QUARANTINE
    lossy = Unscannable("a.txt", UnscannableReason.LOSSY_DECODE, "1 byte")
    assert _decide([], [lossy]).action is Action.ALLOW


def test_the_most_severe_clause_wins() -> None:
    findings = [_finding("PHONE", "09012345678"), _finding("CREDIT_CARD", "4111111111111111")]
    encrypted = Unscannable("a.zip", UnscannableReason.ENCRYPTED, "")
    decision = _decide(findings, [encrypted])
    assert decision.action is Action.BLOCK and decision.clause.id == "critical-identifiers"


def test_allow_lists_keep_the_company_out(tmp_path: Path) -> None:
    policy_text = (Path(__file__).parent.parent / "rules" / "policy.yaml").read_text(encoding="utf-8")
    policy_text = policy_text.replace("    PHONE: []", "    PHONE: ['03-5555-0100']").replace(
        "  domains: []", "  domains: [example-corp.co.jp]"
    )
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(policy_text, encoding="utf-8")
    rules = load_rules()
    policy = load_policy(policy_file, known_types=rules.types)
    settings = Settings(rules=rules, policy=policy, key=TEST_KEY)
    signature = "--\n株式会社サンプル\nTEL: ０３－５５５５－０１００\nMail: info@example-corp.co.jp\n"
    verdict = scan_item(Item.from_bytes((signature * 40).encode(), "mail.txt"), settings)
    assert verdict.action is Action.ALLOW, verdict.reason_en
    # A customer's number outside the signature still counts (a mobile inside a signature block
    # is the sender's own business contact since issue 10: tests/detect/test_business.py).
    other = scan_item(Item.from_bytes((signature + "\nお客様の携帯 090-1234-5678\n").encode(), "mail.txt"), settings)
    assert other.action is Action.WARN


def test_channel_and_external_conditions(tmp_path: Path) -> None:
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(
        "schema: 1\nrecord_types: [PHONE]\nclauses:\n"
        "  - id: outside\n    name: {ja: 社外, en: outside}\n    action: quarantine\n"
        "    when: {all: [{channel: mail}, {external_recipients: true}, {types: [PHONE], distinct: '>= 1'}]}\n",
        encoding="utf-8",
    )
    policy = load_policy(policy_file)
    tally = policy.new_tally()
    tally.add([_finding("PHONE", "09012345678")])
    assert policy.decide(tally, ScanContext(channel="mail", external_recipients=True)).action is Action.QUARANTINE
    assert policy.decide(tally, ScanContext(channel="mail", external_recipients=False)).action is Action.ALLOW
    assert policy.decide(tally, ScanContext(channel="scan", external_recipients=True)).action is Action.ALLOW


@pytest.mark.parametrize(
    ("clause", "message"),
    [
        (
            "    action: burn\n    when: {records: '>= 1'}\n",
            "policy.yaml:5: clause c1: action: expected allow, warn, approval, quarantine or block",
        ),
        (
            "    action: warn\n    when: {records: lots}\n",
            "policy.yaml:6: clause c1: when.records: expected a comparison like '>= 10'",
        ),
        ("    action: warn\n    when: {types: [PHONES], distinct: 1}\n", "unknown type 'PHONES'"),
        ("    action: warn\n    when: {colour: red}\n", "policy.yaml:6: clause c1: when.colour: unknown condition"),
        ("    action: warn\n    when: {unscannable: [sticky]}\n", "when.unscannable: expected 'any' or a list of"),
    ],
)
def test_policy_errors_name_file_line_and_clause(tmp_path: Path, clause: str, message: str) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(
        f"schema: 1\nrecord_types: []\nclauses:\n  - id: c1\n{clause}    name: {{ja: a, en: b}}\n", encoding="utf-8"
    )
    with pytest.raises(RuleFileError) as info:
        load_policy(path, known_types=load_rules().types)
    assert any(message in p for p in info.value.problems), info.value.problems


def test_the_default_policy_loads_from_the_settings() -> None:
    settings = Settings.load(load_config(None, search=False), key=TEST_KEY)
    assert [c.id for c in settings.policy.clauses][:2] == ["critical-identifiers", "bulk-personal-data"]


def _customer_csv(rows: int) -> bytes:
    lines = ["氏名,電話番号"] + [f"顧客{i},090-{1000 + i // 10000:04d}-{i % 10000:04d}" for i in range(rows)]
    return "\n".join(lines).encode("cp932")


def test_a_huge_export_stops_once_the_verdict_cannot_change(settings) -> None:
    data = _customer_csv(6000)
    verdict = scan_item(Item.from_bytes(data, "export.csv"), settings)
    assert verdict.action is Action.BLOCK
    assert not verdict.complete and 1000 <= verdict.records < 6000
    assert any("stopped early" in note for note in verdict.notes)  # with --explain, column notes too


@pytest.mark.slow  # scans a large generated export
def test_full_counts_everything(settings) -> None:
    from dataclasses import replace

    full = replace(settings, stop_after_records=None)
    verdict = scan_item(Item.from_bytes(_customer_csv(6000), "export.csv"), full)
    assert verdict.complete and verdict.records == 6000 and verdict.counts["PHONE"].distinct == 6000


def test_a_policy_with_not_is_never_cut_short(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(
        "schema: 1\nrecord_types: [PHONE]\nclauses:\n"
        "  - id: c\n    name: {ja: a, en: b}\n    action: block\n    when: {not: {records: '>= 5000'}}\n",
        encoding="utf-8",
    )
    assert not load_policy(path).monotone
    assert POLICY.monotone


@pytest.mark.parametrize(
    ("external", "findings", "unscannable", "action", "clause"),
    [
        (True, [("CREDIT_CARD", "4111")], None, Action.BLOCK, "critical-identifiers"),
        (False, [("CREDIT_CARD", "4111")], None, Action.WARN, "internal-mail"),
        (True, [("PHONE", f"0{n}") for n in range(150)], None, Action.BLOCK, "bulk-personal-data"),
        (False, [("PHONE", f"0{n}") for n in range(150)], None, Action.WARN, "internal-mail"),
        (True, [], UnscannableReason.ENCRYPTED, Action.QUARANTINE, "unscannable"),
        (False, [], UnscannableReason.ENCRYPTED, Action.WARN, "internal-mail"),
        (False, [("PHONE", "090")], None, Action.WARN, "contact-data"),
    ],
)
def test_mail_between_colleagues_is_warned_not_held(external, findings, unscannable, action, clause) -> None:
    """The default policy: strict for files and mail that leaves the company, a warning for
    mail whose every recipient is internal."""
    found = [_finding(t, v) for t, v in findings]
    reasons = [Unscannable("x", unscannable, "")] if unscannable else None
    decision = _decide(found, reasons, ScanContext(channel="mail", external_recipients=external))
    assert (decision.action, decision.clause.id if decision.clause else None) == (action, clause)
    files = _decide(found, reasons, ScanContext(channel="watch"))
    assert files.action >= action  # files are never judged more leniently than mail


def test_not_over_the_context_alone_keeps_early_stopping(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "schema: 1\nclauses:\n  - id: c\n    name: {ja: x, en: x}\n    action: block\n"
        "    when: {all: [{records: '>= 1'}, {not: {channel: mail}}]}\n",
        encoding="utf-8",
    )
    assert load_policy(policy).monotone


# --- scanned pages and photos (issue 11) -----------------------------------------------------

_OCR = Unscannable("scan.pdf#page1/ocr", UnscannableReason.OCR, "text read by OCR")
_NO_TEXT = Unscannable("scan.pdf#page2/ocr", UnscannableReason.NO_TEXT, "OCR found no text")


def test_personal_data_read_by_ocr_is_held_where_typed_text_warns() -> None:
    """OCR misses characters (a misread digit hides a My Number): a scan with personal data is
    held for review; the same phone number typed in a document only warns."""
    phone = [_finding("PHONE", "0312345678")]
    assert _decide(phone).action is Action.WARN
    held = _decide(phone, [_OCR])
    assert held.action is Action.QUARANTINE and held.clause.id == "scanned-personal-data"


def test_a_scan_without_personal_data_passes_and_an_unread_one_is_held() -> None:
    assert _decide([], [_OCR]).action is Action.ALLOW  # a scanned brochure, read well
    unread = _decide([], [_NO_TEXT])
    assert unread.action is Action.QUARANTINE and unread.clause.id == "unscannable"
    assert "文字を読み取れない画像" in unread.reason_ja


@pytest.mark.parametrize(
    ("ctx", "action", "clause"),
    [
        (ScanContext(channel="watch"), Action.BLOCK, "identity-document"),
        (ScanContext(channel="mail", external_recipients=True), Action.BLOCK, "identity-document"),
        (ScanContext(channel="mail", external_recipients=False), Action.WARN, "internal-mail"),
    ],
)
def test_a_copy_of_an_identity_document_is_blocked_going_outside(ctx, action, clause) -> None:
    decision = _decide([_finding("IDENTITY_DOCUMENT", "運転免許証")], [_OCR], ctx)
    assert (decision.action, decision.clause.id) == (action, clause)
