"""Allow lists belong to a policy: detection marks values on any policy's list, and only the
policy that decides an item leaves out the values on its own (dlp/detect/allow.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from dlp.detect.allow import AllowList
from dlp.detect.rules import load_rules
from dlp.model import Action, Item
from dlp.pipeline import scan_item
from dlp.policy import ScanContext, load_policy
from dlp.settings import Settings
from tests.conftest import ROOT, TEST_KEY
from tests.fakes import FakeJP

COMPANY_PHONE = "03-1234-5678"
CALLBACK = "山田様への折り返しは ０３－１２３４－５６７８ までお願いします。\n"


def _policy_file(tmp_path: Path, phones: list[str], domains: list[str] = ()) -> Path:  # type: ignore[assignment]
    text = (ROOT / "rules" / "policy.yaml").read_text(encoding="utf-8")
    text = text.replace("    PHONE: []\n", f"    PHONE: {phones!r}\n").replace(
        "  domains: []\n", f"  domains: {list(domains)!r}\n"
    )
    path = tmp_path / "billing_policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _settings(tmp_path: Path) -> tuple[Settings, str]:
    rules = load_rules()
    billing = _policy_file(tmp_path, [COMPANY_PHONE], ["example-corp.co.jp"])
    name = str(billing)
    settings = Settings(
        rules=rules,
        policy=load_policy(known_types=rules.types),
        policies={name: load_policy(billing, known_types=rules.types)},
        key=TEST_KEY,
    )
    return settings, name


def test_only_the_deciding_policy_drops_its_allowed_values(tmp_path: Path) -> None:
    settings, billing = _settings(tmp_path)
    item = Item.from_bytes(CALLBACK.encode(), "callback.txt")
    default = scan_item(item, settings, ScanContext(channel="watch"))
    own = scan_item(item, settings, ScanContext(channel="watch", policy=billing))
    assert default.action is Action.WARN and default.counts["PHONE"].distinct == 1
    assert own.action is Action.ALLOW, own.reason_en
    assert "PHONE" not in own.counts and not [f for f in own.findings if f.type == "PHONE"]
    # Detection itself reported the value, marked with the list it is on, masked as ever.
    (phone,) = [f for f in default.findings if f.type == "PHONE"]
    assert phone.allowed_by == frozenset({billing}) and phone.masked == "03-****-5678"


def test_a_customer_number_next_to_the_allowed_one_still_counts(tmp_path: Path) -> None:
    settings, billing = _settings(tmp_path)
    text = CALLBACK + "お客様の携帯は 090-1234-5678、info@example-corp.co.jp にも控え。\n"
    own = scan_item(Item.from_bytes(text.encode(), "callback.txt"), settings, ScanContext(policy=billing))
    assert own.action is Action.WARN
    assert own.counts["PHONE"].distinct == 1 and "EMAIL" not in own.counts


def test_a_classified_column_leaves_out_allowed_cells_for_that_policy_only(tmp_path: Path) -> None:
    """Cells of a phone column are counted in bulk (no finding each): the allowed number is
    left out of the count and of the records by the policy that allows it."""
    settings, billing = _settings(tmp_path)
    fake = FakeJP(12)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["担当", "電話番号"])
    customers = [fake.mobile() for _ in range(5)]
    for i in range(30):
        writer.writerow([f"窓口{i}", COMPANY_PHONE])
    for number in customers:
        writer.writerow(["顧客", number])
    item = Item.from_bytes(out.getvalue().encode(), "contacts.csv")
    default = scan_item(item, settings, ScanContext(channel="watch"))
    own = scan_item(item, settings, ScanContext(channel="watch", policy=billing))
    assert default.counts["PHONE"].distinct == len(set(customers)) + 1
    assert default.counts["PHONE"].matches == 35
    assert own.counts["PHONE"].distinct == len(set(customers))
    assert own.counts["PHONE"].matches == 5


def test_allow_entries_keep_their_meaning() -> None:
    """Written as people write them (hyphens, full-width, +81); mail domains cover subdomains;
    an address entry matches with or without the building; types are kept apart."""
    allow = AllowList.build(
        "p",
        {"PHONE": ["０３（１２３４）５６７８", "+81 6-1111-2222"], "ADDRESS": ["東京都千代田区丸の内1-1-1"]},
        ["Example-Corp.co.jp"],
    )
    assert allow.matches("PHONE", "0312345678") and allow.matches("PHONE", "0611112222")
    assert not allow.matches("PHONE", "0312345679") and not allow.matches("FAX", "0312345678")
    assert allow.matches("EMAIL", "info@example-corp.co.jp") and allow.matches("EMAIL", "a@mail.example-corp.co.jp")
    assert not allow.matches("EMAIL", "a@notexample-corp.co.jp")
    assert not allow.matches("PHONE", "info@example-corp.co.jp")  # domains are for mail addresses
    assert allow.matches("ADDRESS", "東京都千代田区丸の内1-1-1丸の内ビル12階", prefix=True)
    assert not allow.matches("ADDRESS", "東京都千代田区丸の内1-1-1丸の内ビル12階")
    assert not AllowList.build("empty", {"PHONE": []}, [])
