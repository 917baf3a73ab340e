"""Rule files are validated on load; every problem reads file:line: rule <id>: <field>: <problem>."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlp.detect.rules import RuleFileError, load_rules

BASE = (Path(__file__).parent / "rule_files" / "base_rule.yaml").read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(RuleFileError) as info:
        load_rules(path)
    return info.value.problems


def test_the_base_rule_loads(tmp_path: Path) -> None:
    rules = load_rules(_write(tmp_path, BASE))
    assert [r.id for r in rules.rules] == ["test.phone"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "validator: phone_jp",
            "validator: luhnn",
            "rules.yaml:12: rule test.phone: validator: unknown name 'luhnn' (known: birth_date, corporate_number,",
        ),
        (
            "regex: '(?<![0-9])(?P<value>0[789]0-[0-9]{4}-[0-9]{4})(?![0-9])'",
            "regex: '(?P<value>0[789]0-[0-9]{4}'",
            "rules.yaml:10: rule test.phone: patterns[0].regex: does not compile: missing ), unterminated subpattern",
        ),
        (
            "regex: '(?<![0-9])(?P<value>0[789]0-[0-9]{4}-[0-9]{4})(?![0-9])'",
            r"regex: '\d{3}-\d{4}-\d{4}'",
            r"rules.yaml:10: rule test.phone: patterns[0].regex: \d, \w and \b match Japanese text in surprising ways",
        ),
        (
            "confidence: low",
            "confidence: sure",
            "rules.yaml:11: rule test.phone: patterns[0].confidence: unknown value 'sure'",
        ),
        ("mask: phone", "mask: phone\n    colour: red", "rules.yaml:15: rule test.phone: colour: unknown field"),
        (
            "name: {ja: 電話, en: Phone}",
            "name: {ja: 電話}",
            "rules.yaml:5: rule test.phone: name: expected {ja: ..., en: ...}",
        ),
        (
            "    examples:\n      match: ['090-1234-5678', '０９０－１２３４－５６７８']\n"
            "      no_match: ['12-3456', '090-1234-56789']\n",
            "",
            "rules.yaml:3: rule test.phone: examples: every rule needs examples: {match: [...], no_match: [...]}",
        ),
        (
            "trigger: {digits: 10}",
            "trigger: {digits: 0}",
            "rules.yaml:7: rule test.phone: trigger.digits: expected a whole number 1-30",
        ),
        ("id: test.phone", "id: Test Phone", "rules.yaml:3: rule Test Phone: id: expected a dotted lower-case id"),
        (
            "regex: '(?<![0-9])(?P<value>0[789]0-[0-9]{4}-[0-9]{4})(?![0-9])'",
            "regex: '{{MOBILE}}'",
            "rules.yaml:10: rule test.phone: patterns[0].regex: unknown {{MOBILE}} (defined in this file: none)",
        ),
    ],
)
def test_problem_messages(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in BASE
    path = _write(tmp_path, BASE.replace(old, new))
    problems = _problems(path)
    assert any(p.startswith(f"{tmp_path}/{expected}") for p in problems), problems


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = BASE.replace("validator: phone_jp", "validator: nope").replace("mask: phone", "mask: nope")
    problems = _problems(_write(tmp_path, text))
    assert len(problems) == 2
    assert "validator: unknown name 'nope'" in problems[0]
    assert "mask: unknown name 'nope'" in problems[1]


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, BASE.replace("    type: PHONE", "    type: [PHONE"))
    problems = _problems(path)
    assert problems[0].startswith(f"{path}:")
    assert "YAML syntax" in problems[0]


def test_missing_schema(tmp_path: Path) -> None:
    problems = _problems(_write(tmp_path, BASE.replace("schema: 1\n", "")))
    assert problems == [
        f"{tmp_path}/rules.yaml:1: schema: expected 1, got None (add 'schema: 1' at the top of the file)"
    ]


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    _write(tmp_path, BASE, "a.yaml")
    _write(tmp_path, BASE, "b.yaml")
    problems = _problems(tmp_path)
    assert problems == [f"{tmp_path}/b.yaml:3: rule test.phone: id: duplicate, first defined at {tmp_path}/a.yaml:3"]


def test_missing_path(tmp_path: Path) -> None:
    problems = _problems(tmp_path / "nowhere")
    assert "no such file or directory" in problems[0]


def test_defines_are_substituted(tmp_path: Path) -> None:
    text = BASE.replace("schema: 1\n", "schema: 1\ndefine:\n  MOBILE: '0[789]0-[0-9]{4}-[0-9]{4}'\n").replace(
        "(?P<value>0[789]0-[0-9]{4}-[0-9]{4})", "(?P<value>{{MOBILE}})"
    )
    rule = load_rules(_write(tmp_path, text)).rules[0]
    assert rule.patterns[0].regex.pattern == "(?<![0-9])(?P<value>0[789]0-[0-9]{4}-[0-9]{4})(?![0-9])"
