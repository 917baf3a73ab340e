"""Business contacts (issue 10, deliverable 2): letterheads, signatures, store lists and supplier
invoices are reported as BUSINESS_CONTACT and not counted as customers' data; customer lists
dressed up as business data are still held.

Documents are real files (csv, openpyxl, python-docx, email, zipfile) scanned through the
pipeline with the default rule pack and policy.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from dlp.config import load_config
from dlp.detect.business import FROM_BLOCK, FROM_STORE, FROM_TABLE, ROLE
from dlp.detect.business_rules import load_business
from dlp.detect.examples import check_business_examples
from dlp.detect.rules import RuleFileError, default_rules_dir, load_rules
from dlp.model import Action, Confidence, Finding, Item, Segment, Severity
from dlp.pipeline import scan_item
from dlp.policy import load_policy
from dlp.report.serialize import verdict_to_dict
from dlp.settings import Settings
from tests.conftest import TEST_KEY
from tests.detect import business_docs as docs
from tests.fakes import FakeJP

RULES = default_rules_dir()


@pytest.fixture(scope="module")
def settings() -> Settings:
    s = Settings.load(load_config(None, search=False), key=TEST_KEY, keep_values=True, explain=True)
    s.max_findings = 100_000
    return s


def _scan(settings: Settings, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return scan_item(Item.from_bytes(data, name), settings)


@pytest.mark.parametrize("case", sorted(docs.DOCUMENTS))
def test_document_verdicts(settings: Settings, case: str) -> None:
    build, expected = docs.DOCUMENTS[case]
    name, data = build()
    verdict = _scan(settings, name, data)
    assert verdict.action.label == expected, (case, verdict.reason_en)


@pytest.mark.parametrize("case", ["store_list_csv", "supplier_invoice_docx", "partner_mail_bars"])
def test_business_contacts_are_reported_not_dropped(settings: Settings, case: str) -> None:
    name, data = docs.DOCUMENTS[case][0]()
    verdict = _scan(settings, name, data)
    assert verdict.counts["BUSINESS_CONTACT"].distinct >= 4
    assert verdict.records == 0
    business = [f for f in verdict.findings if f.role == ROLE]
    assert business and all(f.masked for f in business)
    out = verdict_to_dict(verdict)
    assert any(f.get("role", "").startswith("business") for f in out["findings"])
    json.dumps(out, ensure_ascii=False)


def test_signature_in_a_mail_with_a_customer_number(settings: Settings) -> None:
    """The signature is business; the customer's mobile in the body stays personal."""
    name, data = docs.mail_with_customer_and_signature()
    verdict = _scan(settings, name, data)
    phones = [f for f in verdict.findings if f.type == "PHONE"]
    personal = [f for f in phones if f.role is None]
    assert len(personal) == 1 and personal[0].value and personal[0].value.startswith("0")
    assert verdict.counts["PHONE"].distinct == 1 and verdict.action is Action.WARN


def test_corporate_customer_list_stays_personal(settings: Settings) -> None:
    """A B2B contact person's name and direct mobile/mail is personal data (APPI)."""
    name, data = docs.corporate_customers_csv(15)
    verdict = _scan(settings, name, data)
    assert not any(f.role == ROLE for f in verdict.findings)
    assert verdict.records == 15 and verdict.action is Action.QUARANTINE


def test_laundering_with_company_names_and_a_furikomi_title_is_blocked(settings: Settings) -> None:
    for build in (docs.laundered_customer_csv, docs.laundered_customer_csv_no_names):
        name, data = build(150)
        verdict = _scan(settings, name, data)
        assert verdict.action is Action.BLOCK and verdict.records >= 100, verdict.reason_en


def test_laundering_as_signature_blocks_in_one_text_is_blocked(settings: Settings) -> None:
    name, data = docs.laundered_signature_blocks(150)
    verdict = _scan(settings, name, data)
    assert not any(f.role == ROLE for f in verdict.findings)
    assert verdict.action is Action.BLOCK


def test_store_guide_written_as_text_is_business(settings: Settings) -> None:
    """Twelve store entries (more than max_blocks signature-like blocks) are one store guide:
    every landline, 〒 and address is a business contact and nothing is counted."""
    verdict = _scan(settings, *docs.store_guide_text(12))
    contacts = [f for f in verdict.findings if f.type in {"PHONE", "POSTAL_CODE", "ADDRESS"}]
    assert len(contacts) >= 30 and all((f.role, f.role_from) == (ROLE, FROM_STORE) for f in contacts)
    assert verdict.action is Action.ALLOW and verdict.records == 0, verdict.reason_en


def test_store_guide_of_mobiles_or_too_many_stores_is_personal(settings: Settings) -> None:
    """A customer list dressed as store entries: mobiles stay personal; past max_store_blocks
    no entry is business."""
    verdict = _scan(settings, *docs.store_guide_text(12, mobile=True))
    assert not any(f.role == ROLE for f in verdict.findings if f.type == "PHONE")
    assert verdict.action is Action.QUARANTINE, verdict.reason_en
    verdict = _scan(settings, *docs.store_guide_text(settings.rules.business.max_store_blocks + 1))
    assert not any(f.role == ROLE for f in verdict.findings)
    assert verdict.action is Action.QUARANTINE, verdict.reason_en


def test_laundering_one_signature_per_file_in_a_zip_is_held(settings: Settings) -> None:
    """Each file holds one perfect-looking business block; the per-item cap of the policy
    (business_contacts.max_distinct) turns them all back into personal data."""
    fake = FakeJP(91)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(20):
            p = fake.person()
            z.writestr(
                f"取引先{i:02d}.txt",
                f"株式会社{p.last}商事 営業部\n{p.name}\nTEL {fake.mobile()} FAX {fake.landline()}\n"
                f"〒{fake.postal()} {fake.address()}\n",
            )
    verdict = _scan(settings, "取引先.zip", buf.getvalue())
    assert verdict.records >= 20 and verdict.action is Action.QUARANTINE, verdict.reason_en
    assert not any(f.role == ROLE for f in verdict.findings)


def test_a_signature_quoted_forty_times_is_one_block(settings: Settings) -> None:
    fake = FakeJP(5)
    sig = docs.signature(fake, "bars")
    thread = "".join(f"> 返信 {i}\n\n{sig}\n\n" for i in range(40))
    verdict = _scan(settings, "thread.txt", thread.encode())
    assert verdict.action is Action.ALLOW, verdict.reason_en


def test_store_list_with_mobiles_is_not_business(settings: Settings) -> None:
    """Mobile numbers in a 'store list' are people's: a renamed customer list stays held."""
    fake = FakeJP(7)
    rows = ["店舗名,住所,電話番号,営業時間"]
    rows += [f"{fake.faker.city()}店,{fake.address()},{fake.mobile()},10:00-19:00" for _ in range(30)]
    verdict = _scan(settings, "stores.csv", ("\r\n".join(rows) + "\r\n").encode())
    assert verdict.action is Action.QUARANTINE and verdict.records == 30


def test_store_list_of_people_names_is_not_business(settings: Settings) -> None:
    """The name column of a store list must look like stores (店, 支店, 株式会社 …)."""
    fake = FakeJP(8)
    rows = ["店舗名,住所,電話番号,営業時間"]
    rows += [f"{fake.person().name},{fake.address()},{fake.landline()},10:00-19:00" for _ in range(30)]
    verdict = _scan(settings, "stores.csv", ("\r\n".join(rows) + "\r\n").encode())
    assert verdict.action is Action.QUARANTINE


@pytest.mark.parametrize("manager", ["店長", "支店長", "所長"])
def test_store_list_with_its_managers_surnames_is_business(settings: Settings, manager: str) -> None:
    """A store list's 店長 column holds the stores' own staff (斉藤, 山田 …): read by its values
    it looked like a column of people and made 30 stores 30 held records."""
    fake = FakeJP(13)
    rows = [f"店舗名,〒,所在地,電話番号,営業時間,定休日,{manager}"]
    rows += [
        f"ドラッグ{fake.faker.city()}店,{fake.postal()},{fake.address()},{fake.landline()},9:00-21:00,"
        f"第3火曜,{fake.person().last}"
        for _ in range(30)
    ]
    verdict = _scan(settings, "店舗一覧.csv", ("\r\n".join(rows) + "\r\n").encode("cp932"))
    assert verdict.action is Action.ALLOW, verdict.reason_en
    assert verdict.records == 0 and any(f.role == ROLE for f in verdict.findings)


def test_customer_list_under_a_manager_header_stays_held(settings: Settings) -> None:
    """Renaming a customer list's name column 店長 hides no one: the mobiles and home addresses
    still make each row a person, and the table is no store list."""
    fake = FakeJP(14)
    rows = ["店長,住所,携帯電話"]
    rows += [f"{fake.person().name},{fake.address()},{fake.mobile()}" for _ in range(30)]
    verdict = _scan(settings, "list.csv", ("\r\n".join(rows) + "\r\n").encode("cp932"))
    assert verdict.action is Action.QUARANTINE and verdict.records == 30, verdict.reason_en


def test_count_as_personal_restores_the_old_counts(tmp_path: Path) -> None:
    text = (
        (RULES / "policy.yaml")
        .read_text(encoding="utf-8")
        .replace("count_as_personal: false", "count_as_personal: true")
    )
    (tmp_path / "policy.yaml").write_text(text, encoding="utf-8")
    rules = load_rules()
    policy = load_policy(tmp_path / "policy.yaml", known_types=rules.types)
    s = Settings(rules=rules, policy=policy, key=TEST_KEY)
    name, data = docs.store_list_csv(30)
    verdict = scan_item(Item.from_bytes(data, name), s)
    assert verdict.action is Action.QUARANTINE and verdict.records == 30


def test_bad_business_contacts_key_is_reported_with_its_line(tmp_path: Path) -> None:
    text = (RULES / "policy.yaml").read_text(encoding="utf-8").replace("max_distinct: 16", "max_distinct: lots")
    (tmp_path / "policy.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as exc:
        load_policy(tmp_path / "policy.yaml")
    assert "policy.yaml:" in str(exc.value) and "max_distinct" in str(exc.value)


# --- the rule file ---------------------------------------------------------------------------


def test_examples_in_business_yaml(settings: Settings) -> None:
    cues = settings.rules.business
    assert cues is not None and cues.examples_business and cues.examples_personal
    assert check_business_examples(settings.rules) == []
    for text in cues.examples_business:
        found = [f for f in settings.engine.detect(Segment(text, "ex")) if f.type in cues.types]
        roles = [(f.type, f.role, f.role_from) for f in found]
        assert found and all(r[1] == ROLE and r[2] in (FROM_BLOCK, FROM_STORE) for r in roles), (text, roles)
    for text in cues.examples_personal:
        found = [f for f in settings.engine.detect(Segment(text, "ex")) if f.type in cues.types]
        assert found and not any(f.role for f in found), (text, [(f.type, f.role) for f in found])


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("    max_lines: 14", "    max_lines: many", "business.blocks.max_lines"),
        ("  role_mailboxes:", "  role_mailbox:", "business.role_mailbox: unknown key"),
        ("    min_name_share: 0.8", "    min_name_share: 8", "business.tables.min_name_share"),
        ("      - 'https?://|www\\.'", "      - '(unclosed'", "bad regular expression"),
        ("  types: [PHONE,", "  types: [phone,", "is not a type name"),
    ],
)
def test_business_yaml_problems_have_file_and_line(tmp_path: Path, old: str, new: str, problem: str) -> None:
    for f in RULES.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "business.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    lineno = text.split(old)[0].count("\n") + 1
    with pytest.raises(RuleFileError) as exc:
        load_rules(tmp_path)
    assert any(problem in p and p.startswith(f"{path}:") for p in exc.value.problems), exc.value.problems
    assert any(f"{path}:{lineno}:" in p for p in exc.value.problems), (lineno, exc.value.problems)
    problems: list[str] = []
    assert load_business(path, problems) is None and problems


def test_a_rules_folder_without_business_yaml_counts_everything(tmp_path: Path) -> None:
    for f in RULES.glob("*.yaml"):
        if f.name != "business.yaml":
            (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_rules(tmp_path).business is None


# --- the tally ---------------------------------------------------------------------------------


def _finding(value: str, role_from: str | None, record: str | None = None) -> Finding:
    return Finding(
        rule="t", type="PHONE", locator="x", start=0, end=1, confidence=Confidence.MEDIUM,
        severity=Severity.MEDIUM, masked="*", fingerprint=f"PHONE:{value}", record=record,
        role=ROLE if role_from else None, role_from=role_from,
    )  # fmt: skip


def test_tally_counts_business_apart_and_overflows_back() -> None:
    policy = load_policy(known_types=load_rules().types)
    tally = policy.new_tally()
    tally.add([_finding(f"03{i:08d}", FROM_BLOCK) for i in range(policy.business_max_distinct)])
    tally.add([_finding(f"06{i:08d}", FROM_TABLE, record=f"r{i}") for i in range(50)])
    assert tally.records == 0 and tally.distinct("PHONE", Confidence.MEDIUM) == 0
    assert tally.distinct("BUSINESS_CONTACT", Confidence.MEDIUM) == policy.business_max_distinct + 50
    tally.add([_finding("0399999999", FROM_BLOCK)])  # one more block contact: all count again
    assert tally.distinct("PHONE", Confidence.MEDIUM) == policy.business_max_distinct + 1
    assert tally.records == policy.business_max_distinct + 1
    assert all(f.role is None for f in tally.findings if f.fingerprint.startswith("PHONE:03"))


def test_letterhead_with_the_company_name_above_a_blank_line(settings: Settings) -> None:
    fake = FakeJP(13)
    text = (
        "御見積書\n\n"
        f"{fake.company()}\n\n"
        f"〒{fake.postal()}\n{fake.address(building=True)}\nTEL {fake.landline()}　FAX {fake.landline()}\n\n"
        "下記の通りお見積り申し上げます。\n"
    )
    verdict = _scan(settings, "見積書.txt", text.encode())
    assert verdict.action is Action.ALLOW, verdict.reason_en
    assert verdict.counts["BUSINESS_CONTACT"].distinct >= 3


def test_invoice_to_a_private_customer_keeps_the_customer_personal(settings: Settings) -> None:
    """The supplier's letterhead is business; the addressee (様) with their 〒 and address is not."""
    fake = FakeJP(14)
    p = fake.person()
    text = (
        f"{p.name} 様\n〒{fake.postal()}\n{fake.address(building=True)}\n\n"
        "ご請求書\n\n" + docs.supplier_letterhead(fake) + "\nご請求金額 12,800円\n"
    )
    verdict = _scan(settings, "請求書.txt", text.encode())
    personal = {f.type for f in verdict.findings if f.role is None and f.type != "PERSON"}
    assert {"POSTAL_CODE", "ADDRESS"} <= personal, personal
    assert verdict.counts["BUSINESS_CONTACT"].distinct >= 4
    assert verdict.action is Action.WARN


def test_a_recipient_glued_to_the_letterhead_makes_it_personal(settings: Settings) -> None:
    """No blank line between a customer (様) and the letterhead: the block is not business."""
    fake = FakeJP(15)
    text = f"{fake.person().name} 様\n" + docs.supplier_letterhead(fake)
    verdict = _scan(settings, "note.txt", text.encode())
    assert not any(f.role == ROLE for f in verdict.findings)
    assert verdict.action is Action.WARN


def test_role_is_shown_in_the_table_report_and_explain(settings: Settings) -> None:
    from dlp.report.table import TableWriter, _counts

    name, data = docs.partner_mail("bars")
    verdict = _scan(settings, name, data)
    out = io.StringIO()
    writer = TableWriter(out, explain=True)
    writer.write(verdict, name)
    writer.close()
    text = out.getvalue()
    assert "role=business" in text
    assert "事業者の連絡先/BUSINESS_CONTACT 6" in _counts(verdict)


@pytest.mark.slow  # runs dlp as a subprocess
def test_rules_check_reports_a_business_example_that_does_not_hold(tmp_path: Path) -> None:
    import subprocess
    import sys

    for f in RULES.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    ok = subprocess.run([sys.executable, "-m", "dlp", "rules", "check", str(tmp_path)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    path = tmp_path / "business.yaml"
    text = path.read_text(encoding="utf-8")
    bad = '      - "山田様 TEL 03-1234-5678 株式会社テスト"\n'
    path.write_text(text.replace("    business:\n", "    business:\n" + bad, 1), encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "dlp", "rules", "check", str(tmp_path)], capture_output=True, text=True)
    assert res.returncode != 0 and "examples.business" in res.stdout + res.stderr


def _store_guide(fake: FakeJP, stores: int, extra: str = "") -> str:
    parts = ["■店舗のご案内\n"]
    for i in range(stores):
        address = fake.address()
        while any(w in address for w in "氏様殿"):  # 氏家新田: a person word (a known limitation)
            address = fake.address()
        parts.append(
            f"駅前{i}号店\n〒{fake.postal()} {address}\n"
            f"TEL {fake.landline()}\n{extra}営業時間 10:00〜20:00（年中無休）\n"
        )
    return "\n".join(parts)


def test_store_guide_of_many_stores_is_business(settings: Settings) -> None:
    """A store guide lists more stores than a letterhead has blocks (blocks.max_blocks) and more
    contacts than the per-item cap (max_distinct): its blocks, with opening hours, are stores."""
    verdict = _scan(settings, "店舗のご案内.txt", _store_guide(FakeJP(12), 12).encode())
    contacts = [f for f in verdict.findings if f.type in {"PHONE", "ADDRESS", "POSTAL_CODE"}]
    assert len(contacts) >= 30 and all(f.role == ROLE and f.role_from == FROM_STORE for f in contacts)
    assert verdict.action is Action.ALLOW, verdict.reason_en


def test_signatures_with_opening_hours_and_mobiles_stay_personal(settings: Settings) -> None:
    """Opening hours pasted into laundered customer blocks do not make them stores: a block with
    a person's name or a mobile number is no store's block."""
    fake = FakeJP(13)
    blocks = [
        f"株式会社{p.last}商事\n{p.name}\nTEL {fake.mobile()}\n営業時間 10:00〜20:00\n"
        for p in (fake.person() for _ in range(30))
    ]
    verdict = _scan(settings, "取引先.txt", "\n".join(blocks).encode())
    assert not any(f.role_from == FROM_STORE for f in verdict.findings)
    assert verdict.action >= Action.QUARANTINE, verdict.reason_en


def test_an_office_number_after_its_name_in_a_log_line_is_business(settings: Settings) -> None:
    """港北センター（011-…） in a delivery log: the depot's number, not a customer's; forty
    different 'stores' with forty numbers is a customer list, past the policy's cap."""
    lines = [
        f"2026-11-14 17:{i:02d}:55\t伝票番号 6297-4598-{6900 + i}\t配達店到着\t港北センター（011-349-7275）"
        for i in range(30)
    ]
    verdict = _scan(settings, "haiso.log.txt", ("\n".join(lines) + "\n").encode())
    phones = [f for f in verdict.findings if f.type == "PHONE"]
    assert phones and all(f.role == ROLE for f in phones)
    assert verdict.action is Action.ALLOW, verdict.reason_en
    fake = FakeJP(93)
    lines = [f"{fake.person().last}店（{fake.landline()}）" for _ in range(40)]
    verdict = _scan(settings, "list.txt", ("\n".join(lines) + "\n").encode())
    assert verdict.action in (Action.QUARANTINE, Action.BLOCK), verdict.reason_en
