"""Every shipped rule proves itself with its own examples (gitleaks's samples, one test)."""

from __future__ import annotations

import re

import pytest

from dlp.detect.examples import check_examples
from dlp.detect.normalise import normalise_text
from dlp.detect.rules import Rule, load_rules
from dlp.detect.validators import REFINERS, VALIDATORS

RULES = load_rules().rules
_FULLWIDTH_DIGIT = re.compile("[０-９]")
_OTHER_DASH = re.compile("[ー－‐−―ｰ]")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_examples_hold(rule: Rule) -> None:
    assert check_examples(rule) == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_examples_cover_both_sides(rule: Rule) -> None:
    assert len(rule.examples_match) >= 2, "at least two texts that must match"
    assert len(rule.examples_no_match) >= 2, "at least two lookalikes that must not match"


NUMERIC_TYPES = {
    "PHONE", "POSTAL_CODE", "MY_NUMBER", "CORPORATE_NUMBER", "CREDIT_CARD", "BANK_ACCOUNT",
    "DRIVERS_LICENSE", "PASSPORT", "RESIDENCE_CARD", "BASIC_PENSION", "HEALTH_INSURANCE", "CUSTOMER_ID",
}  # fmt: skip


@pytest.mark.parametrize("rule", [r for r in RULES if r.type in NUMERIC_TYPES], ids=lambda r: r.id)
def test_numeric_rules_are_shown_fullwidth_digits(rule: Rule) -> None:
    """Japanese users type full-width digits; every numeric rule must show it copes."""
    assert any(_FULLWIDTH_DIGIT.search(e.text) for e in rule.examples_match), rule.id


def test_rules_with_separators_are_shown_other_dashes() -> None:
    with_dashes = [r for r in RULES if any("-" in normalise_text(e.text) for e in r.examples_match)]
    assert with_dashes
    for rule in with_dashes:
        if rule.type in {"EMAIL", "ADDRESS", "BIRTH_DATE", "HEALTH_INSURANCE"}:
            continue
        assert any(_OTHER_DASH.search(e.text) for e in rule.examples_match), rule.id


def test_every_registered_validator_and_refiner_is_used() -> None:
    used_validators = {r.validator_name for r in RULES if r.validator_name}
    assert used_validators <= set(VALIDATORS)
    unused = set(VALIDATORS) - used_validators - {"luhn"}  # luhn stays for custom rules
    assert not unused, f"registered but no shipped rule uses: {unused}"
    assert {"name"} <= set(REFINERS)


def test_rule_ids_are_unique_and_types_are_named() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.name_ja and rule.name_en and rule.description_ja and rule.description_en
