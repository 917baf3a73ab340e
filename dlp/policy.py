"""Findings -> Verdict: ordered clauses over counts, the most severe matching action wins.

``rules/policy.yaml`` (or ``--policy``) holds the clauses. A condition counts findings per
type at a minimum confidence (distinct values or all matches), counts records, looks at
unscannable reasons, the channel, and whether a mail goes outside the company. The verdict
names the clause that decided it, so a sender or an officer can be told why.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from dlp.detect.allow import AllowList
from dlp.detect.rules import RuleFileError, default_rules_dir
from dlp.detect.typenames import standard as standard_type_names
from dlp.detect.typenames import type_name_ja
from dlp.model import Action, Confidence, UnscannableReason
from dlp.tally import Tally
from dlp.yamlfile import LocatedDict, LocatedList, YamlSyntaxError, load_yaml

_COMPARISON = re.compile(r"\s*(>=|<=|==|>|<)\s*([0-9]+)\s*")
_OPERATORS: dict[str, Callable[[int, int], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
}
_REASONS_JA = {
    "encrypted": "暗号化", "corrupt": "破損", "unsupported": "未対応の形式", "too_large": "サイズ超過",
    "too_deep": "入れ子が深すぎる", "too_many_members": "ファイル数超過", "compression_ratio": "圧縮率異常",
    "too_much_text": "テキスト量超過", "timeout": "時間切れ", "unreadable": "読み取り不可",
    "lossy_decode": "文字化け", "error": "内部エラー", "no_text": "文字を読み取れない画像・スキャン",
    "ocr": "OCRで読み取った画像・スキャン（読み取り漏れの可能性）",
    "suspicious_font": "表示と抽出文字が異なるフォント",
}  # fmt: skip


def standard_types() -> frozenset[str]:
    """The types of the bundled pack's vocabulary (rules/types.yaml): a policy may always name them."""
    return frozenset(standard_type_names())


@dataclass(frozen=True)
class ScanContext:
    """What the entry point knows about the item beyond its content."""

    channel: str = "scan"  # scan | watch | mail
    external_recipients: bool = False
    sender: str | None = None
    recipients: tuple[str, ...] = ()
    policy: str | None = None  # a named policy of Settings.policies (a watched folder's own), else the default


@dataclass(frozen=True)
class Fact:
    ja: str
    en: str


class Condition:
    def matches(self, tally: Tally, ctx: ScanContext) -> list[Fact] | None:
        """The facts that made it true, or None when it is false."""
        raise NotImplementedError


@dataclass(frozen=True)
class Comparison:
    op: str
    value: int

    def __call__(self, n: int) -> bool:
        return _OPERATORS[self.op](n, self.value)

    def __str__(self) -> str:
        return f"{self.op} {self.value}"


@dataclass(frozen=True)
class CountCondition(Condition):
    types: tuple[str, ...]
    min_confidence: Confidence
    comparison: Comparison
    distinct: bool = True

    def matches(self, tally: Tally, ctx: ScanContext) -> list[Fact] | None:
        facts = []
        total = 0
        for data_type in self.types:
            n = (
                tally.distinct(data_type, self.min_confidence)
                if self.distinct
                else tally.match_count(data_type, self.min_confidence)
            )
            total += n
            if n:
                facts.append(Fact(f"{type_name_ja(data_type)} {n}件", f"{data_type} x{n}"))
        if not self.comparison(total):
            return None
        return facts or [Fact("該当なし", "none")]


@dataclass(frozen=True)
class RecordCondition(Condition):
    comparison: Comparison

    def matches(self, tally: Tally, ctx: ScanContext) -> list[Fact] | None:
        n = tally.records
        if not self.comparison(n):
            return None
        return [Fact(f"{n}人分の個人データ", f"{n} records of personal data")]


@dataclass(frozen=True)
class UnscannableCondition(Condition):
    reasons: frozenset[str] | None  # None: any reason

    def matches(self, tally: Tally, ctx: ScanContext) -> list[Fact] | None:
        hits = [u for u in tally.unscannable if self.reasons is None or u.reason.value in self.reasons]
        if not hits:
            return None
        reasons = sorted({u.reason.value for u in hits})
        return [
            Fact(
                "検査できない部分あり（" + "、".join(_REASONS_JA.get(r, r) for r in reasons) + "）",
                "could not inspect (" + ", ".join(reasons) + ")",
            )
        ]


@dataclass(frozen=True)
class ChannelCondition(Condition):
    channels: frozenset[str]

    def matches(self, tally: Tally, ctx: ScanContext) -> list[Fact] | None:
        return [] if ctx.channel in self.channels else None


@dataclass(frozen=True)
class ExternalCondition(Condition):
    external: bool

    def matches(self, tally: Tally, ctx: ScanContext) -> list[Fact] | None:
        if ctx.external_recipients != self.external:
            return None
        return [Fact("社外宛て", "external recipients")] if self.external else []


@dataclass(frozen=True)
class AllOf(Condition):
    parts: tuple[Condition, ...]

    def matches(self, tally: Tally, ctx: ScanContext) -> list[Fact] | None:
        facts: list[Fact] = []
        for part in self.parts:
            got = part.matches(tally, ctx)
            if got is None:
                return None
            facts.extend(got)
        return facts


@dataclass(frozen=True)
class AnyOf(Condition):
    parts: tuple[Condition, ...]

    def matches(self, tally: Tally, ctx: ScanContext) -> list[Fact] | None:
        facts: list[Fact] = []
        matched = False
        for part in self.parts:
            got = part.matches(tally, ctx)
            if got is not None:
                matched = True
                facts.extend(got)
        return facts if matched else None


@dataclass(frozen=True)
class Not(Condition):
    part: Condition

    def matches(self, tally: Tally, ctx: ScanContext) -> list[Fact] | None:
        return [] if self.part.matches(tally, ctx) is None else None


@dataclass(frozen=True)
class Clause:
    id: str
    name_ja: str
    name_en: str
    action: Action
    when: Condition


@dataclass(frozen=True)
class Decision:
    action: Action
    clause: Clause | None
    facts: list[Fact]

    @property
    def reason_ja(self) -> str:
        if self.clause is None:
            return "方針に該当する個人情報は見つかりませんでした"
        details = "、".join(f.ja for f in self.facts if f.ja)
        return f"{self.clause.name_ja}（{details}）" if details else self.clause.name_ja

    @property
    def reason_en(self) -> str:
        if self.clause is None:
            return "no personal data matched the policy"
        details = ", ".join(f.en for f in self.facts if f.en)
        return f"{self.clause.name_en} ({details})" if details else self.clause.name_en


@dataclass(frozen=True)
class Policy:
    clauses: tuple[Clause, ...]
    record_types: frozenset[str]
    record_min_confidence: Confidence = Confidence.MEDIUM
    allow_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    allow_domains: tuple[str, ...] = ()
    source: str = ""
    # policy.yaml business_contacts: an organisation's own contact data (letterheads,
    # signatures, store lists) counts as BUSINESS_CONTACT only, unless count_as_personal.
    # A policy file without the key counts it as personal (what it did before).
    business_as_personal: bool = True
    business_max_distinct: int = 16
    table_record_types: frozenset[str] = frozenset()  # also make a table row a record (PERSON)

    @property
    def monotone(self) -> bool:
        """True when more findings can only make the verdict more severe (no ``not``, no upper
        bounds): then a scan may stop once the verdict is block."""
        return all(_monotone(c.when) for c in self.clauses)

    def decide(self, tally: Tally, ctx: ScanContext | None = None) -> Decision:
        ctx = ctx or ScanContext()
        best = Decision(Action.ALLOW, None, [])
        for clause in self.clauses:
            facts = clause.when.matches(tally, ctx)
            if facts is not None and (best.clause is None or clause.action > best.action):
                best = Decision(clause.action, clause, facts)
        return best

    @cached_property
    def allow_list(self) -> AllowList:
        """The company's own numbers, addresses and mail domains this policy does not count:
        detection marks values on it (Finding.allowed_by), this policy's tally leaves them out."""
        return AllowList.build(self.source or "policy", self.allow_values, self.allow_domains)

    def new_tally(self, max_findings: int = 1000) -> Tally:
        return Tally(
            self.record_types,
            self.record_min_confidence,
            self.table_record_types,
            max_findings=max_findings,
            business_as_personal=self.business_as_personal,
            business_max=self.business_max_distinct,
            allow_list=self.allow_list.name if self.allow_list else None,
        )


def _monotone(condition: Condition) -> bool:
    if isinstance(condition, Not):
        return _count_free(condition.part)
    if isinstance(condition, AllOf | AnyOf):
        return all(_monotone(p) for p in condition.parts)
    if isinstance(condition, CountCondition | RecordCondition):
        return condition.comparison.op in (">=", ">")
    return True


def _count_free(condition: Condition) -> bool:
    """Depends only on the context (channel, recipients), never on what was found."""
    if isinstance(condition, ChannelCondition | ExternalCondition):
        return True
    if isinstance(condition, AllOf | AnyOf):
        return all(_count_free(p) for p in condition.parts)
    if isinstance(condition, Not):
        return _count_free(condition.part)
    return False


def default_policy_path() -> Path:
    return default_rules_dir() / "policy.yaml"


def load_policy(path: Path | None = None, known_types: set[str] | None = None) -> Policy:
    path = path or default_policy_path()
    if not path.is_file():
        raise RuleFileError([f"{path}: no such policy file (give --policy a policy.yaml)"])
    try:
        doc = load_yaml(path)
    except YamlSyntaxError as exc:
        raise RuleFileError([str(exc)]) from exc
    problems: list[str] = []
    if known_types is not None:  # the standard vocabulary is always known, custom rules add to it
        known_types = set(known_types) | standard_types()
    policy = _PolicyBuilder(path, problems, known_types).build(doc)
    if problems or policy is None:
        raise RuleFileError(problems or [f"{path}:1: not a policy file"])
    return policy


class _PolicyBuilder:
    def __init__(self, path: Path, problems: list[str], known_types: set[str] | None) -> None:
        self.path = path
        self.problems = problems
        self.known_types = known_types
        self.clause_id = "?"

    def fail(self, line: int, field_name: str, problem: str) -> None:
        self.problems.append(f"{self.path}:{line}: clause {self.clause_id}: {field_name}: {problem}")

    def build(self, doc: Any) -> Policy | None:
        if not isinstance(doc, LocatedDict):
            self.problems.append(f"{self.path}:1: expected a mapping with 'schema: 1' and 'clauses: [...]'")
            return None
        if doc.get("schema") != 1:
            self.problems.append(f"{self.path}:{doc.line_of('schema')}: schema: expected 1 (add 'schema: 1')")
            return None
        record_types = doc.get("record_types", [])
        if not isinstance(record_types, list):
            self.problems.append(f"{self.path}:{doc.line_of('record_types')}: record_types: expected a list of types")
            record_types = []
        self._check_types(record_types, doc.line_of("record_types"), "record_types")
        table_record_types = doc.get("table_record_types", [])
        if not isinstance(table_record_types, list):
            line = doc.line_of("table_record_types")
            self.problems.append(f"{self.path}:{line}: table_record_types: expected a list of types")
            table_record_types = []
        self._check_types(table_record_types, doc.line_of("table_record_types"), "table_record_types")
        try:
            record_conf = Confidence.parse(str(doc.get("record_min_confidence", "medium")))
        except KeyError:
            line = doc.line_of("record_min_confidence")
            self.problems.append(f"{self.path}:{line}: record_min_confidence: expected low, medium or high")
            record_conf = Confidence.MEDIUM
        allow_values, allow_domains = self._allow(doc)
        business_as_personal, business_max = self._business(doc)
        raw_clauses = doc.get("clauses")
        if not isinstance(raw_clauses, LocatedList) or not raw_clauses:
            self.problems.append(f"{self.path}:{doc.line_of('clauses')}: clauses: expected a non-empty list")
            return None
        clauses = []
        seen: set[str] = set()
        for raw in raw_clauses:
            clause = self._clause(raw)
            if clause is not None:
                if clause.id in seen:
                    self.fail(raw.line, "id", "duplicate clause id")
                seen.add(clause.id)
                clauses.append(clause)
        return Policy(
            tuple(clauses),
            frozenset(record_types),
            record_conf,
            allow_values,
            allow_domains,
            str(self.path),
            business_as_personal,
            business_max,
            frozenset(table_record_types),
        )

    def _business(self, doc: LocatedDict) -> tuple[bool, int]:
        if "business_contacts" not in doc:
            return True, 16
        raw = doc["business_contacts"]
        line = doc.line_of("business_contacts")
        where = f"{self.path}:{line}: business_contacts"
        if not isinstance(raw, dict) or not set(raw) <= {"count_as_personal", "max_distinct"}:
            self.problems.append(f"{where}: expected {{count_as_personal: true|false, max_distinct: N}}")
            return True, 16
        as_personal = raw.get("count_as_personal", True)
        max_distinct = raw.get("max_distinct", 16)
        if not isinstance(as_personal, bool):
            self.problems.append(f"{where}.count_as_personal: expected true or false")
            as_personal = True
        if not isinstance(max_distinct, int) or isinstance(max_distinct, bool) or max_distinct < 0:
            self.problems.append(f"{where}.max_distinct: expected a whole number >= 0")
            max_distinct = 16
        return as_personal, max_distinct

    def _allow(self, doc: LocatedDict) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
        raw = doc.get("allow") or {}
        line = doc.line_of("allow")
        if not isinstance(raw, dict):
            self.problems.append(f"{self.path}:{line}: allow: expected {{values: {{TYPE: [...]}}, domains: [...]}}")
            return {}, ()
        values = raw.get("values") or {}
        if not isinstance(values, dict) or not all(isinstance(v, list) for v in values.values()):
            self.problems.append(f"{self.path}:{line}: allow.values: expected a mapping TYPE: [values]")
            values = {}
        self._check_types(list(values), line, "allow.values")
        domains = raw.get("domains") or []
        if not isinstance(domains, list):
            self.problems.append(f"{self.path}:{line}: allow.domains: expected a list of mail domains")
            domains = []
        return {k: tuple(str(x) for x in v) for k, v in values.items()}, tuple(str(d).lower() for d in domains)

    def _check_types(self, types: list[Any], line: int, where: str) -> None:
        if self.known_types is None:
            return
        for t in types:
            if t not in self.known_types:
                self.problems.append(
                    f"{self.path}:{line}: {where}: unknown type {t!r} (known: {', '.join(sorted(self.known_types))})"
                )

    def _clause(self, raw: Any) -> Clause | None:
        if not isinstance(raw, LocatedDict):
            self.problems.append(f"{self.path}:{getattr(raw, 'line', 0)}: clause: expected a mapping")
            return None
        self.clause_id = str(raw.get("id", "?"))
        ok = True
        name = raw.get("name")
        if not (
            isinstance(name, dict)
            and set(name) == {"ja", "en"}
            and isinstance(name.get("ja"), str)
            and isinstance(name.get("en"), str)
        ):
            self.fail(raw.line_of("name"), "name", "expected {ja: ..., en: ...} (quote texts that contain commas)")
            ok = False
        try:
            action = Action.parse(str(raw.get("action")))
        except KeyError:
            self.fail(
                raw.line_of("action"),
                "action",
                f"expected allow, warn, approval, quarantine or block, got {raw.get('action')!r}",
            )
            ok = False
        if "when" not in raw:
            self.fail(raw.line, "when", "missing (what must hold for this clause to apply)")
            return None
        when = self._condition(raw["when"], raw.line_of("when"), "when")
        if when is None or not ok or not isinstance(name, dict):
            return None
        return Clause(self.clause_id, name["ja"], name["en"], action, when)

    def _condition(self, raw: Any, line: int, where: str) -> Condition | None:
        if isinstance(raw, LocatedDict):
            line = raw.line
        if not isinstance(raw, dict) or not raw:
            self.fail(line, where, "expected a mapping such as {types: [MY_NUMBER], distinct: '>= 1'}")
            return None
        for combinator, cls in (("any", AnyOf), ("all", AllOf)):
            if combinator in raw:
                if len(raw) != 1:
                    self.fail(line, where, f"'{combinator}' must be the only key of its mapping")
                    return None
                items = raw[combinator]
                if not isinstance(items, list) or not items:
                    self.fail(line, f"{where}.{combinator}", "expected a non-empty list of conditions")
                    return None
                parts = [self._condition(p, line, f"{where}.{combinator}[{i}]") for i, p in enumerate(items)]
                if any(p is None for p in parts):
                    return None
                return cls(tuple(p for p in parts if p is not None))
        if "not" in raw:
            inner = self._condition(raw["not"], line, f"{where}.not")
            return Not(inner) if inner is not None else None
        return self._atoms(raw, line, where)

    def _atoms(self, raw: dict[str, Any], line: int, where: str) -> Condition | None:
        known = {
            "types",
            "type",
            "min_confidence",
            "distinct",
            "matches",
            "records",
            "unscannable",
            "channel",
            "external_recipients",
        }
        parts: list[Condition] = []
        for key in raw:
            if key not in known:
                self.fail(
                    line, f"{where}.{key}", f"unknown condition (known: {', '.join(sorted(known))}, any, all, not)"
                )
                return None
        if "types" in raw or "type" in raw:
            types = raw.get("types", raw.get("type"))
            types = [types] if isinstance(types, str) else types
            if not isinstance(types, list) or not types:
                self.fail(line, f"{where}.types", "expected a list of types like [PHONE, EMAIL]")
                return None
            self._check_types(types, line, f"clause {self.clause_id}: {where}.types")
            try:
                conf = Confidence.parse(str(raw.get("min_confidence", "medium")))
            except KeyError:
                self.fail(line, f"{where}.min_confidence", "expected low, medium or high")
                return None
            if ("distinct" in raw) == ("matches" in raw):
                self.fail(line, where, "give exactly one of distinct: '>= N' or matches: '>= N'")
                return None
            key = "distinct" if "distinct" in raw else "matches"
            comparison = self._comparison(raw[key], line, f"{where}.{key}")
            if comparison is None:
                return None
            parts.append(CountCondition(tuple(types), conf, comparison, key == "distinct"))
        elif "distinct" in raw or "matches" in raw or "min_confidence" in raw:
            self.fail(line, where, "distinct/matches/min_confidence need types: [...]")
            return None
        if "records" in raw:
            comparison = self._comparison(raw["records"], line, f"{where}.records")
            if comparison is None:
                return None
            parts.append(RecordCondition(comparison))
        if "unscannable" in raw:
            value = raw["unscannable"]
            known_reasons = {r.value for r in UnscannableReason}
            if value == "any" or value is True:
                parts.append(UnscannableCondition(None))
            elif isinstance(value, list) and all(v in known_reasons for v in value):
                parts.append(UnscannableCondition(frozenset(value)))
            else:
                self.fail(
                    line, f"{where}.unscannable", f"expected 'any' or a list of: {', '.join(sorted(known_reasons))}"
                )
                return None
        if "channel" in raw:
            value = raw["channel"]
            channels = [value] if isinstance(value, str) else value
            if not isinstance(channels, list) or not set(channels) <= {"scan", "watch", "mail"}:
                self.fail(line, f"{where}.channel", "expected scan, watch or mail (or a list of them)")
                return None
            parts.append(ChannelCondition(frozenset(channels)))
        if "external_recipients" in raw:
            value = raw["external_recipients"]
            if not isinstance(value, bool):
                self.fail(line, f"{where}.external_recipients", "expected true or false")
                return None
            parts.append(ExternalCondition(value))
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def _comparison(self, raw: Any, line: int, where: str) -> Comparison | None:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return Comparison(">=", raw)
        m = _COMPARISON.fullmatch(str(raw))
        if not m:
            self.fail(line, where, f"expected a comparison like '>= 10', got {raw!r}")
            return None
        return Comparison(m.group(1), int(m.group(2)))
