"""Check a rule against its own ``examples`` (gitleaks's samples, run by one test for all rules)."""

from __future__ import annotations

from dlp.detect.engine import Engine
from dlp.detect.normalise import normalise_text
from dlp.detect.rules import Example, Rule, RuleSet
from dlp.model import Confidence, Finding, Segment

_EXAMPLE_KEY = b"examples-are-not-secret"


def findings_for(rule: Rule, text: str) -> list[Finding]:
    engine = Engine(RuleSet((rule,)), _EXAMPLE_KEY, keep_values=True, explain=True)
    return engine.detect(Segment(text=text, locator="example"))


def check_examples(rule: Rule) -> list[str]:
    """Problems with a rule's examples, one line each, empty when they all hold."""
    problems: list[str] = []
    for example in rule.examples_match:
        problem = _check_match(rule, example)
        if problem:
            problems.append(f"{rule.source}: rule {rule.id}: examples.match: {example.text!r}: {problem}")
    for example in rule.examples_no_match:
        problem = _check_no_match(rule, example)
        if problem:
            problems.append(f"{rule.source}: rule {rule.id}: examples.no_match: {example.text!r}: {problem}")
    return problems


def _describe(findings: list[Finding]) -> str:
    return ", ".join(f"{f.value!r} ({f.confidence.label})" for f in findings) or "nothing"


def _check_match(rule: Rule, example: Example) -> str | None:
    findings = findings_for(rule, example.text)
    if not findings:
        return "no finding"
    if example.value is not None:
        wanted = normalise_text(example.value)
        same = [f for f in findings if f.value == wanted]
        if not same:
            return f"expected value {wanted!r}, found {_describe(findings)}"
        findings = same
    if example.confidence is not None and all(f.confidence != example.confidence for f in findings):
        return f"expected confidence {example.confidence.label}, found {_describe(findings)}"
    return None


def _check_no_match(rule: Rule, example: Example) -> str | None:
    findings = findings_for(rule, example.text)
    floor = example.below or Confidence.LOW
    hits = [f for f in findings if f.confidence >= floor]
    if hits:
        return f"expected nothing at {floor.label} or above, found {_describe(hits)}"
    return None


def check_business_examples(ruleset: RuleSet) -> list[str]:
    """Problems with rules/business.yaml's examples: in ``business`` every contact the whole
    pack finds must be a business contact, in ``personal`` none may be."""
    cues = ruleset.business
    if cues is None:
        return []
    engine = Engine(ruleset, _EXAMPLE_KEY, keep_values=True)
    problems: list[str] = []
    for want, texts in ((True, cues.examples_business), (False, cues.examples_personal)):
        for text in texts:
            found = [f for f in engine.detect(Segment(text=text, locator="example")) if f.type in cues.types]
            wrong = [f for f in found if (f.role is not None) != want]
            if not found or wrong:
                kind = "business" if want else "personal"
                got = ", ".join(f"{f.type} {f.role or 'personal'}" for f in found) or "no contact found"
                problems.append(f"{cues.source}: examples.{kind}: {text[:40]!r}…: found {got}")
    return problems
