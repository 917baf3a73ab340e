"""`dlp rules list|show|test|check`: look at, try and validate rule packs."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from dlp.cli.common import ConfigOption, RulesOption, fail, load_settings
from dlp.cli.tables import add_record, record_table
from dlp.detect.examples import check_business_examples, check_examples
from dlp.detect.rules import RuleFileError, load_rules
from dlp.model import Item
from dlp.pipeline import scan_item
from dlp.policy import load_policy
from dlp.report.serialize import finding_to_dict

app = typer.Typer(help="List, show, try and check detection rules.", no_args_is_help=True)
out = Console(highlight=False, soft_wrap=True)


@app.command("list")
def list_rules(rules: RulesOption = None, config: ConfigOption = None) -> None:
    """Every rule: id, type, name, severity and where it is defined."""
    settings = load_settings(config, rules_path=rules)
    table = record_table("id", "type · severity / name / source")
    for rule in settings.rules.rules:
        lines = [f"{rule.type} · {rule.severity.label}", f"{rule.name_ja} / {rule.name_en}", rule.source]
        add_record(table, rule.id, lines)
    out.print(table)


@app.command("show")
def show_rule(rule_id: str, rules: RulesOption = None, config: ConfigOption = None) -> None:
    """One rule in full: description, patterns, context words, examples."""
    settings = load_settings(config, rules_path=rules)
    try:
        rule = settings.rules.by_id(rule_id)
    except KeyError:
        known = ", ".join(r.id for r in settings.rules.rules)
        raise fail([f"no rule {rule_id!r} (known: {known})"]) from None
    names = escape(f"{rule.type} — {rule.name_ja} / {rule.name_en} (severity {rule.severity.label})")
    out.print(f"[bold]{escape(rule.id)}[/] {names}")
    out.print(escape(rule.description_ja))
    out.print(escape(rule.description_en))
    out.print(f"source: {escape(rule.source)}")
    for p in rule.patterns:
        extra = f" without_context={p.without_context}" if p.without_context else ""
        extra += " cell" if p.cell else ""
        out.print(f"  pattern {p.name} ({p.confidence.label}{extra}): {escape(p.regex.pattern)}")
    out.print(f"  validator: {rule.validator_name}")
    words = escape(", ".join(rule.context.words))
    out.print(f"  context: {words} (before {rule.context.before}, after {rule.context.after})")
    if rule.exclude.words:
        out.print(f"  exclude: {escape(', '.join(rule.exclude.words))}")
    for e in rule.examples_match:
        out.print(f"  match:    {escape(e.text)}")
    for e in rule.examples_no_match:
        out.print(f"  no_match: {escape(e.text)}")


@app.command("test")
def test_text(
    text: Annotated[str, typer.Argument(help="text to scan ('-' reads standard input)")],
    rules: RulesOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="findings as JSON")] = False,
    config: ConfigOption = None,
) -> int:
    """Run the rules over TEXT and explain each finding (values shown: you typed them)."""
    if text == "-":
        text = sys.stdin.read()
    settings = load_settings(config, rules_path=rules, keep_values=True, explain=True)
    verdict = scan_item(Item.from_bytes(text.encode("utf-8"), "<text>"), settings)
    findings = verdict.findings
    if as_json:
        json.dump([finding_to_dict(f) for f in findings], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for f in findings:
            e = f.explanation
            out.print(
                escape(
                    f"{f.rule:<24} {f.type:<16} [{f.start}:{f.end}] {f.value or ''!s:<24} {f.confidence.label:<6}"
                    + (
                        f" pattern={e.pattern} validator={e.validator}:{e.validator_result} context={e.context}"
                        if e
                        else ""
                    )
                )
            )
        out.print(escape(f"verdict: {verdict.action.label} — {verdict.reason_ja} / {verdict.reason_en}"))
    return 0


@app.command("check")
def check(folder: Annotated[Path, typer.Argument(help="rule folder (or file) to check")]) -> int:
    """Load, compile and run every rule's examples; list every problem with file:line."""
    try:
        ruleset = load_rules(folder)
    except RuleFileError as exc:
        raise fail(exc.problems) from None
    problems: list[str] = []
    for rule in ruleset.rules:
        problems.extend(check_examples(rule))
    problems.extend(check_business_examples(ruleset))
    policy_file = (folder if folder.is_dir() else folder.parent) / "policy.yaml"
    if policy_file.is_file():
        try:
            load_policy(policy_file, known_types=ruleset.types)
        except RuleFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise fail(problems)
    examples = sum(len(r.examples_match) + len(r.examples_no_match) for r in ruleset.rules)
    out.print(f"ok: {len(ruleset.rules)} rules in {len(ruleset.files)} file(s), {examples} examples hold")
    return 0
