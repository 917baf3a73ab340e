"""Every candidate found and not counted has a stable name for its reason (dlp/detect/
exclusions.py), printed by `dlp scan --explain`; an ordinary scan builds no such records."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from dlp.detect.rules import RuleSet, load_rules
from dlp.model import Item, Segment, Verdict
from dlp.pipeline import scan_item
from dlp.policy import load_policy
from dlp.settings import Settings
from tests.conftest import ROOT, TEST_KEY

TEXT = (
    "注文番号 4111111111111111 の件\n"  # a Luhn-valid number after an exclusion word of the card rule
    "カード番号 4111-1111-1111-1112 は無効でした\n"  # a card number the Luhn check refuses
    "連絡は 62-3286-0129 へ\n"  # a phone without its leading 0: only beside a phone word
    "〒100-0001 東京都千代田区千代田1-1\n"  # two postal patterns over one value
    "折り返しは 03-5555-0100 まで、控えは info@example-corp.co.jp に。\n"  # the company's own
)


def _settings(tmp_path: Path, *, explain: bool) -> Settings:
    policy_text = (ROOT / "rules" / "policy.yaml").read_text(encoding="utf-8")
    policy_text = policy_text.replace("    PHONE: []\n", "    PHONE: ['03-5555-0100']\n")
    policy_text = policy_text.replace("  domains: []\n", "  domains: [example-corp.co.jp]\n")
    path = tmp_path / "policy.yaml"
    path.write_text(policy_text, encoding="utf-8")
    rules = load_rules()
    policy = load_policy(path, known_types=rules.types)
    return Settings(rules=rules, policy=policy, key=TEST_KEY, explain=explain)


def _by_name(verdict: Verdict) -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = {}
    for d in verdict.dropped:
        out.setdefault(d.name, []).append((d.rule, d.masked, d.detail))
    return out


def test_each_kind_of_exclusion_names_its_candidates(tmp_path: Path) -> None:
    verdict = scan_item(Item.from_bytes(TEXT.encode(), "memo.txt"), _settings(tmp_path, explain=True))
    names = _by_name(verdict)
    assert ("jp.credit_card", "************1111", "注文番号") in names["context:exclude_word"]
    assert [d[0] for d in names["validator:credit_card"]] == ["jp.credit_card"]
    assert ("jp.phone", "62-****-0129", "pattern zero_lost") in names["context:missing"]
    assert ("jp.postal_code", "100-****", "jp.postal_code") in names["dedup:overlap"]
    assert [(r, m) for r, m, _ in names["allow_list:value"]] == [("jp.phone", "03-****-0100")]
    assert [r for r, _, _ in names["allow_list:domain"]] == ["jp.email"]
    # Masked like findings: no value of the text is in any record.
    for value in ("4111111111111111", "4111-1111-1111-1112", "62-3286-0129", "03-5555-0100", "info@example"):
        assert all(value not in d.masked and value not in d.detail for d in verdict.dropped)
    # What was dropped is not counted: the allowed phone and mail do not appear in the counts.
    assert "EMAIL" not in verdict.counts and "CREDIT_CARD" not in verdict.counts


def test_a_rules_own_allow_list_and_a_business_contact(tmp_path: Path) -> None:
    rules = load_rules()
    phone = rules.by_id("jp.phone")
    ruleset = RuleSet(
        tuple(r.with_allow({"0120444444"}, set()) if r is phone else r for r in rules.rules),
        rules.files,
        rules.business,
        rules.columns,
        rules.type_names,
    )
    settings = replace(_settings(tmp_path, explain=True), rules=ruleset)
    signature = "よろしくお願いします。\n--\n株式会社サンプル 営業部\nTEL: 06-6123-4567\nFAX: 06-6123-4568\n"
    text = "フリーダイヤル 0120-444-444 まで\n" + signature
    names = _by_name(scan_item(Item.from_bytes(text.encode(), "mail.txt"), settings))
    assert names["allow_list:rule"][0][0] == "jp.phone"
    assert {m for _, m, _ in names["business_contact:block"]} >= {"06-****-4567", "06-****-4568"}


def test_nothing_is_recorded_without_explain(tmp_path: Path) -> None:
    settings = _settings(tmp_path, explain=False)
    verdict = scan_item(Item.from_bytes(TEXT.encode(), "memo.txt"), settings)
    assert verdict.dropped == [] and verdict.counts  # the scan itself is the same
    findings = settings.engine.detect(Segment(TEXT, "memo.txt"))
    assert not getattr(findings, "dropped", None)


@pytest.mark.parametrize("output", ["table", "json"])
def test_dlp_scan_explain_prints_the_names(tmp_path: Path, output: str) -> None:
    memo = tmp_path / "memo.txt"
    memo.write_text(TEXT, encoding="utf-8")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "COLUMNS": "200", "PYTHONPATH": str(ROOT)}
    env.pop("DLP_CONFIG", None)
    result = subprocess.run(
        [sys.executable, "-m", "dlp", "scan", "--explain", "--format", output, str(memo)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    for name in ("validator:credit_card", "context:exclude_word", "context:missing", "dedup:overlap"):
        assert name in result.stdout, result.stdout
    plain = subprocess.run(
        [sys.executable, "-m", "dlp", "scan", "--format", output, str(memo)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert "validator:" not in plain.stdout and "not_counted" not in plain.stdout
