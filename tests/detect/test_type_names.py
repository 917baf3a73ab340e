"""Display names of data types come from the rule pack (rules/types.yaml, or a rule file's own
``types:`` section); a type nobody named is shown by its id."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlp.detect.rules import RuleFileError, default_rules_dir, load_rules
from dlp.detect.typenames import type_name_en, type_name_ja
from dlp.model import Action, Item
from dlp.pipeline import scan_item
from dlp.policy import load_policy
from dlp.settings import Settings
from dlp.yamlfile import load_yaml
from tests.conftest import TEST_KEY

MEMBER_RULES = """\
schema: 1
types:
  MEMBER_ID: {ja: 会員番号, en: member number}
rules:
  - id: acme.member
    type: MEMBER_ID
    name: {ja: 会員番号, en: Member number}
    description: {ja: 当社の会員番号, en: our member numbers}
    trigger: {digits: 8}
    patterns:
      - name: member
        regex: '(?<![0-9A-Z])(?P<value>M[0-9]{8})(?![0-9])'
        confidence: medium
    examples:
      match: ['M12345678']
      no_match: ['M1234']
"""
MEMBER_POLICY = """\
schema: 1
clauses:
  - id: members
    name: {ja: 会員情報, en: member data}
    action: warn
    when: {types: [MEMBER_ID], distinct: '>= 1'}
"""


def test_every_type_of_the_bundled_pack_has_names() -> None:
    rules = load_rules()
    policy = load_yaml(default_rules_dir() / "policy.yaml")
    used = set(rules.types) | set(policy["record_types"]) | {"BUSINESS_CONTACT"}
    assert used <= set(rules.type_names)
    assert type_name_ja("MY_NUMBER") == "マイナンバー" and type_name_en("PHONE") == "phone number"


def test_a_custom_type_is_named_by_its_rule_file(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "members.yaml").write_text(MEMBER_RULES, encoding="utf-8")
    (folder / "policy.yaml").write_text(MEMBER_POLICY, encoding="utf-8")
    rules = load_rules(folder)
    assert rules.type_names["MEMBER_ID"].ja == "会員番号"
    settings = Settings(rules=rules, policy=load_policy(folder / "policy.yaml", known_types=rules.types), key=TEST_KEY)
    verdict = scan_item(Item.from_bytes("会員 M12345678 の件".encode(), "memo.txt"), settings)
    assert verdict.action is Action.WARN
    assert verdict.reason_ja == "会員情報（会員番号 1件）"


def test_a_type_nobody_named_is_shown_by_its_id() -> None:
    assert type_name_ja("NOBODY_NAMED_THIS") == "NOBODY_NAMED_THIS"
    assert type_name_en("NOBODY_NAMED_THIS") == "NOBODY_NAMED_THIS"


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ("types:\n  member_id: {ja: 会員番号, en: member}\n", "types.member_id: a type is written in capitals"),
        ("types:\n  MEMBER_ID: 会員番号\n", "types.MEMBER_ID: expected {ja: 日本語の名前, en: English name}"),
        ("types:\n  MEMBER_ID: {ja: 会員番号}\n", "types.MEMBER_ID: expected {ja: 日本語の名前, en: English name}"),
        ("types: [MEMBER_ID]\n", "types: expected TYPE: {ja: ..., en: ...}"),
    ],
)
def test_a_bad_types_section_names_file_and_line(tmp_path: Path, section: str, problem: str) -> None:
    path = tmp_path / "members.yaml"
    path.write_text(MEMBER_RULES.replace("types:\n  MEMBER_ID: {ja: 会員番号, en: member number}\n", section))
    with pytest.raises(RuleFileError) as info:
        load_rules(path)
    assert any(p.startswith(f"{path}:") and problem in p for p in info.value.problems), info.value.problems
