"""Rules as data: load ``rules/*.yaml``, validate, compile.

Two steps, as gitleaks does it: the raw YAML (with line numbers) is checked field by field into
``Rule`` objects with compiled regexes; every problem is collected and reported as
``file:line: rule <id>: <field>: <problem>`` so a rule author can fix them all in one go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dlp.detect.business_rules import FILE_NAME as BUSINESS_FILE
from dlp.detect.business_rules import BusinessCues, load_business
from dlp.detect.columns import ColumnFileError, ColumnRules, load_columns
from dlp.detect.normalise import normalise_text
from dlp.detect.rulepack import RuleFileError, default_rules_dir
from dlp.detect.typenames import TYPES_FILE, TypeName, load_type_file, parse_types, register
from dlp.detect.validators import REFINERS, VALIDATORS, Refiner, Validator
from dlp.detect.values import CANONICALISERS, MASKS, Canonicaliser, Masker
from dlp.detect.wordlist import words_regex
from dlp.model import Confidence, Severity
from dlp.yamlfile import LocatedDict, LocatedList, YamlSyntaxError, load_yaml

SCHEMA_VERSION = 1
COLUMNS_FILE = "columns.yaml"
_FLAGS = {"IGNORECASE": re.IGNORECASE, "MULTILINE": re.MULTILINE, "DOTALL": re.DOTALL}
_RULE_KEYS = {
    "id", "type", "name", "description", "severity", "trigger", "patterns", "validator",
    "refine", "canonical", "mask", "context", "exclude", "allow", "examples", "enabled", "within_line",
}  # fmt: skip
_PATTERN_KEYS = {"name", "regex", "confidence", "flags", "without_context", "max_confidence", "cell"}
_ID_RE = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*")
_DEFINE_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_DEFINE_USE = re.compile(r"\{\{([A-Za-z0-9_]+)\}\}")
_TYPE_RE = re.compile(r"[A-Z][A-Z0-9_]*")


@dataclass(frozen=True)
class Pattern:
    name: str
    regex: re.Pattern[str]
    confidence: Confidence
    without_context: str | None = None  # None (keep) | "low" (cap) | "drop"
    max_confidence: Confidence = Confidence.HIGH
    cell: bool = False  # fullmatch whole cells of columns whose header is a context word

    @property
    def value_group(self) -> int:
        """Number of the group holding the personal value (0: the whole match)."""
        return self.regex.groupindex.get("value", 0)


@dataclass(frozen=True)
class Words:
    """Keywords matched on normalised text, within ``before``/``after`` characters."""

    words: tuple[str, ...] = ()
    before: int = 0
    after: int = 0
    boost: int = 1
    regex: re.Pattern[str] | None = None

    @classmethod
    def build(cls, words: list[str], before: int, after: int, boost: int = 1) -> Words:
        normal = sorted({normalise_text(w) for w in words if w}, key=len, reverse=True)
        return cls(tuple(normal), before, after, boost, words_regex(normal))


@dataclass(frozen=True)
class Example:
    text: str
    value: str | None = None
    confidence: Confidence | None = None
    below: Confidence | None = None  # no_match: nothing at or above this level (default: nothing)


@dataclass(frozen=True)
class Rule:
    id: str
    type: str
    name_ja: str
    name_en: str
    description_ja: str
    description_en: str
    severity: Severity
    patterns: tuple[Pattern, ...]
    validator_name: str | None
    validator: Validator | None
    refiner: Refiner | None
    canonical: Canonicaliser
    mask: Masker
    context: Words
    exclude: Words
    allow_values: frozenset[str]
    allow_domains: tuple[str, ...]
    trigger_digits: int | None
    trigger_words: tuple[str, ...]
    window_before: int
    window_after: int
    reach: int
    examples_match: tuple[Example, ...]
    examples_no_match: tuple[Example, ...]
    source: str
    canonical_name: str = "digits"
    within_line: bool = False  # a value never spans a line break the normaliser joined

    def with_allow(self, values: set[str], domains: set[str]) -> Rule:
        return replace(
            self,
            allow_values=self.allow_values | frozenset(values),
            allow_domains=tuple(sorted(set(self.allow_domains) | {d.lower() for d in domains})),
        )


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    files: tuple[str, ...] = field(default=())
    business: BusinessCues | None = None  # rules/business.yaml, when the folder has one
    columns: ColumnRules | None = None  # rules/columns.yaml: header words -> column kinds
    # Display names: the folder's types.yaml and the rule files' ``types:`` sections (typenames.py)
    type_names: dict[str, TypeName] = field(default_factory=dict)
    # The first ``prose:`` section among the rule files and its file (analyser.ProseConfig),
    # kept from this reading: the engine does not read the files again for it.
    prose: tuple[dict[str, Any], str] | None = None

    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    @property
    def types(self) -> set[str]:
        return {r.type for r in self.rules}


def rule_files(path: Path) -> list[Path]:
    if path.is_dir():
        skip = ("policy.yaml", BUSINESS_FILE, COLUMNS_FILE, TYPES_FILE)
        return sorted(p for p in path.glob("*.yaml") if p.name not in skip)
    return [path]


def load_rules(path: Path | None = None) -> RuleSet:
    """Load every rule file in a directory (or one file). Raises RuleFileError listing all problems."""
    path = path or default_rules_dir()
    if not path.exists():
        raise RuleFileError([f"{path}: no such file or directory (give --rules a rule file or a folder of *.yaml)"])
    files = rule_files(path)
    if not files:
        raise RuleFileError([f"{path}: no *.yaml rule files in this folder"])
    problems: list[str] = []
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    type_names: dict[str, TypeName] = {}
    if path.is_dir() and (path / TYPES_FILE).is_file():
        type_names.update(load_type_file(path / TYPES_FILE, problems))
    sections: dict[str, tuple[dict[str, Any], str]] = {}
    for file in files:
        for rule in _load_file(file, problems, type_names, sections):
            if rule.id in seen:
                problems.append(f"{rule.source}: rule {rule.id}: id: duplicate, first defined at {seen[rule.id]}")
                continue
            seen[rule.id] = rule.source
            rules.append(rule)
    business = None
    if path.is_dir() and (path / BUSINESS_FILE).is_file():
        business = load_business(path / BUSINESS_FILE, problems)
    columns = _load_columns(path, {r.id for r in rules}, problems)
    if problems:
        raise RuleFileError(problems)
    register(type_names)
    files_read = tuple(str(f) for f in files)
    return RuleSet(tuple(rules), files_read, business, columns, type_names, sections.get("prose"))


def _load_columns(path: Path, rule_ids: set[str], problems: list[str]) -> ColumnRules | None:
    """The folder's columns.yaml, else the bundled one (a folder of custom rules still gets
    tables read column by column); columns naming rules the set lacks are left out."""
    folder = path if path.is_dir() else path.parent
    candidate = folder / COLUMNS_FILE
    if not candidate.is_file():
        candidate = default_rules_dir() / COLUMNS_FILE
        if not candidate.is_file():
            return None
    try:
        columns = load_columns(candidate)
    except ColumnFileError as exc:
        problems.extend(exc.problems)
        return None
    specs = tuple(s for s in columns.specs if s.rule is None or s.rule in rule_ids)
    return replace(columns, specs=specs, _by_id={})


def _load_file(
    path: Path,
    problems: list[str],
    type_names: dict[str, TypeName],
    sections: dict[str, tuple[dict[str, Any], str]] | None = None,
) -> list[Rule]:
    """The rules of one file; the names in its ``types:`` section go into ``type_names``, its
    ``prose:`` section (the first one met) into ``sections``."""
    try:
        doc = load_yaml(path)
    except YamlSyntaxError as exc:
        problems.append(str(exc))
        return []
    if not isinstance(doc, LocatedDict):
        problems.append(f"{path}:1: expected a mapping with 'schema: 1' and 'rules: [...]'")
        return []
    if doc.get("schema") != SCHEMA_VERSION:
        problems.append(
            f"{path}:{doc.line_of('schema')}: schema: expected {SCHEMA_VERSION}, got {doc.get('schema')!r}"
            " (add 'schema: 1' at the top of the file)"
        )
        return []
    if "types" in doc:
        type_names.update(parse_types(doc["types"], path, doc.line_of("types"), problems))
    if sections is not None and isinstance(doc.get("prose"), dict):
        sections.setdefault("prose", (doc["prose"], str(path)))
    raw_rules = doc.get("rules")
    if not isinstance(raw_rules, LocatedList):
        problems.append(f"{path}:{doc.line_of('rules')}: rules: expected a list of rules")
        return []
    defines = doc.get("define") or {}
    if not isinstance(defines, dict) or not all(
        isinstance(k, str) and _DEFINE_NAME.fullmatch(k) and isinstance(v, str) for k, v in defines.items()
    ):
        problems.append(
            f"{path}:{doc.line_of('define')}: define: expected NAME: 'regex fragment' pairs (NAME in capitals)"
        )
        return []
    resolved: dict[str, str] = {}
    for name, fragment in defines.items():  # a fragment may use the ones defined before it
        resolved[name] = _DEFINE_USE.sub(lambda m: resolved.get(m.group(1), m.group(0)), fragment)
    out: list[Rule] = []
    for raw in raw_rules:
        rule = _RuleBuilder(path, raw, problems, resolved).build()
        if rule is not None:
            out.append(rule)
    return out


class _RuleBuilder:
    """Turns one raw rule mapping into a Rule, recording problems instead of raising."""

    def __init__(self, path: Path, raw: Any, problems: list[str], defines: dict[str, str] | None = None) -> None:
        self.path = path
        self.raw = raw
        self.problems = problems
        self.defines = defines or {}
        self.ok = True
        self.rule_id = raw.get("id", "?") if isinstance(raw, dict) else "?"

    def fail(self, key: str, problem: str, line: int | None = None) -> None:
        line = line or (self.raw.line_of(key.split(".")[0]) if isinstance(self.raw, LocatedDict) else 0)
        self.problems.append(f"{self.path}:{line}: rule {self.rule_id}: {key}: {problem}")
        self.ok = False

    def build(self) -> Rule | None:
        raw = self.raw
        if not isinstance(raw, LocatedDict):
            self.problems.append(f"{self.path}:{getattr(raw, 'line', 0)}: rule: expected a mapping")
            return None
        if raw.get("enabled", True) is False:
            return None
        for key in raw:
            if key not in _RULE_KEYS:
                self.fail(str(key), f"unknown field (known: {', '.join(sorted(_RULE_KEYS))})")
        rule_id = raw.get("id")
        if not isinstance(rule_id, str) or not _ID_RE.fullmatch(rule_id):
            self.fail("id", f"expected a dotted lower-case id like 'jp.phone', got {rule_id!r}")
        data_type = raw.get("type")
        if not isinstance(data_type, str) or not _TYPE_RE.fullmatch(data_type):
            self.fail("type", f"expected an upper-case type like PHONE, got {data_type!r}")
        name_ja, name_en = self._bilingual("name")
        desc_ja, desc_en = self._bilingual("description")
        severity = self._enum("severity", Severity, raw.get("severity", "medium"))
        patterns = self._patterns()
        validator_name, validator = self._named("validator", VALIDATORS, required=False)
        _, refiner = self._named("refine", REFINERS, required=False)
        canonical_name = raw.get("canonical", "digits")
        canonical = self._lookup("canonical", CANONICALISERS, canonical_name)
        mask = self._lookup("mask", MASKS, raw.get("mask", "generic"))
        context = self._words("context", default_before=40, default_after=20)
        exclude = self._words("exclude", default_before=20, default_after=10)
        allow_values, allow_domains = self._allow()
        trigger = self._trigger()
        examples_match, examples_no_match = self._examples()
        if not self.ok or trigger is None or severity is None:
            return None
        if not isinstance(rule_id, str) or not isinstance(data_type, str):  # reported above: self.ok is False
            return None
        digits, words, before, after, reach, on_context = trigger
        if on_context:
            # Rules that need context are triggered by their context words: the value may sit
            # up to context.after characters before the word, or context.before after it.
            words = tuple(dict.fromkeys((*words, *context.words)))
            before = max(before, context.after + reach)
            after = max(after, context.before)
        if not patterns:
            return None
        return Rule(
            id=rule_id,
            type=data_type,
            name_ja=name_ja,
            name_en=name_en,
            description_ja=desc_ja,
            description_en=desc_en,
            severity=severity,
            patterns=tuple(patterns),
            validator_name=validator_name,
            validator=validator,
            refiner=refiner,
            canonical=canonical,
            canonical_name=canonical_name,
            mask=mask,
            context=context,
            exclude=exclude,
            allow_values=allow_values,
            allow_domains=allow_domains,
            trigger_digits=digits,
            trigger_words=words,
            window_before=before,
            window_after=after,
            reach=reach,
            examples_match=examples_match,
            examples_no_match=examples_no_match,
            source=f"{self.path}:{raw.line}",
            within_line=bool(raw.get("within_line", False)),
        )

    # --- field helpers ----------------------------------------------------------------------

    def _bilingual(self, key: str) -> tuple[str, str]:
        value = self.raw.get(key)
        if (
            isinstance(value, dict)
            and set(value) == {"ja", "en"}
            and isinstance(value.get("ja"), str)
            and isinstance(value.get("en"), str)
        ):
            return value["ja"], value["en"]
        self.fail(key, "expected {ja: ..., en: ...} with both languages (quote texts that contain commas)")
        return "", ""

    def _enum(self, key: str, enum: type[Any], value: Any, line: int | None = None) -> Any:
        try:
            return enum.parse(str(value))
        except KeyError:
            known = ", ".join(e.label for e in enum)
            self.fail(key, f"unknown value {value!r} (known: {known})", line)
            return None

    def _lookup(self, key: str, registry: dict[str, Any], name: Any) -> Any:
        if name not in registry:
            self.fail(key, f"unknown name {name!r} (known: {', '.join(sorted(registry))})")
            return None
        return registry[name]

    def _named(self, key: str, registry: dict[str, Any], *, required: bool) -> tuple[str | None, Any]:
        name = self.raw.get(key)
        if name is None and not required:
            return None, None
        return name, self._lookup(key, registry, name)

    def _patterns(self) -> list[Pattern]:
        raw = self.raw.get("patterns")
        if not isinstance(raw, LocatedList) or not raw:
            self.fail("patterns", "expected a non-empty list of {name, regex, confidence}")
            return []
        out: list[Pattern] = []
        for i, item in enumerate(raw):
            line = raw.line_of(i)
            where = f"patterns[{i}]"
            if not isinstance(item, LocatedDict):
                self.fail(where, "expected a mapping with name, regex, confidence", line)
                continue
            for key in item:
                if key not in _PATTERN_KEYS:
                    self.fail(f"{where}.{key}", f"unknown field (known: {', '.join(sorted(_PATTERN_KEYS))})", line)
            name = item.get("name") or f"pattern{i}"
            flags = 0
            for flag in item.get("flags", []) or []:
                if flag not in _FLAGS:
                    self.fail(f"{where}.flags", f"unknown flag {flag!r} (known: {', '.join(_FLAGS)})", line)
                else:
                    flags |= _FLAGS[flag]
            regex_text = item.get("regex")
            if not isinstance(regex_text, str) or not regex_text:
                self.fail(f"{where}.regex", "missing or empty", item.line_of("regex"))
                continue
            unknown = [n for n in _DEFINE_USE.findall(regex_text) if n not in self.defines]
            if unknown:
                known = ", ".join(self.defines) or "none"
                self.fail(
                    f"{where}.regex",
                    f"unknown {{{{{unknown[0]}}}}} (defined in this file: {known})",
                    item.line_of("regex"),
                )
                continue
            regex_text = _DEFINE_USE.sub(lambda m: self.defines[m.group(1)], regex_text)
            try:
                regex = re.compile(regex_text, flags)
            except re.error as exc:
                self.fail(f"{where}.regex", f"does not compile: {exc}", item.line_of("regex"))
                continue
            if r"\d" in regex_text or r"\b" in regex_text or r"\w" in regex_text:
                self.fail(
                    f"{where}.regex",
                    r"\d, \w and \b match Japanese text in surprising ways; use [0-9] and lookarounds",
                    item.line_of("regex"),
                )
                continue
            confidence = self._enum(
                f"{where}.confidence", Confidence, item.get("confidence", "low"), item.line_of("confidence")
            )
            cap = self._enum(
                f"{where}.max_confidence",
                Confidence,
                item.get("max_confidence", "high"),
                item.line_of("max_confidence"),
            )
            without = item.get("without_context")
            if without not in (None, "low", "drop"):
                self.fail(f"{where}.without_context", f"expected 'low' or 'drop', got {without!r}", line)
            if confidence is None or cap is None:
                continue
            out.append(Pattern(name, regex, confidence, without, cap, bool(item.get("cell", False))))
        return out

    def _words(self, key: str, *, default_before: int, default_after: int) -> Words:
        raw = self.raw.get(key)
        if raw is None:
            return Words()
        if not isinstance(raw, dict) or not isinstance(raw.get("words"), list):
            self.fail(key, "expected {words: [...], before: N, after: N}")
            return Words()
        words = [w for w in raw["words"] if isinstance(w, str)]
        if len(words) != len(raw["words"]):
            self.fail(f"{key}.words", "every word must be a string")
        before, after, boost = raw.get("before", default_before), raw.get("after", default_after), raw.get("boost", 1)
        for name, value in (("before", before), ("after", after), ("boost", boost)):
            if not isinstance(value, int) or value < 0 or (name != "boost" and value > 1000):
                self.fail(f"{key}.{name}", f"expected a whole number 0-1000, got {value!r}")
                return Words()
        return Words.build(words, before, after, boost)

    def _allow(self) -> tuple[frozenset[str], tuple[str, ...]]:
        raw = self.raw.get("allow") or {}
        if not isinstance(raw, dict):
            self.fail("allow", "expected {values: [...], domains: [...]}")
            return frozenset(), ()
        values = raw.get("values", []) or []
        domains = raw.get("domains", []) or []
        return frozenset(canonical_allow_value(str(v)) for v in values), tuple(str(d).lower() for d in domains)

    def _trigger(self) -> tuple[int | None, tuple[str, ...], int, int, int, bool] | None:
        raw = self.raw.get("trigger")
        if not isinstance(raw, dict):
            self.fail("trigger", "expected {digits: N}, {words: [...]} and/or {context: true} (what to look for first)")
            return None
        for key in raw:
            if key not in ("digits", "words", "context", "before", "after", "reach"):
                self.fail(f"trigger.{key}", "unknown field (known: digits, words, context, before, after, reach)")
        digits = raw.get("digits")
        words = raw.get("words", []) or []
        on_context = raw.get("context", False)
        if not isinstance(on_context, bool):
            self.fail("trigger.context", "expected true or false")
            on_context = False
        if digits is not None and (not isinstance(digits, int) or not 1 <= digits <= 30):
            self.fail("trigger.digits", f"expected a whole number 1-30, got {digits!r}")
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            self.fail("trigger.words", "expected a list of non-empty strings")
            words = []
        if digits is None and not words and not on_context:
            self.fail("trigger", "needs digits: N, words: [...] or context: true")
        before = raw.get("before", 16)
        after = raw.get("after", 16)
        reach = raw.get("reach", 48)
        for name, value in (("before", before), ("after", after), ("reach", reach)):
            if not isinstance(value, int) or not 0 <= value <= 300:
                self.fail(f"trigger.{name}", f"expected a whole number 0-300, got {value!r}")
                return None
        return digits, tuple(words), before, after, reach, on_context

    def _examples(self) -> tuple[tuple[Example, ...], tuple[Example, ...]]:
        raw = self.raw.get("examples")
        if not isinstance(raw, dict) or not raw.get("match") or not raw.get("no_match"):
            self.fail("examples", "every rule needs examples: {match: [...], no_match: [...]}")
            return (), ()
        return self._example_list("match", raw["match"]), self._example_list("no_match", raw["no_match"])

    def _example_list(self, key: str, items: Any) -> tuple[Example, ...]:
        out: list[Example] = []
        if not isinstance(items, list):
            self.fail(f"examples.{key}", "expected a list")
            return ()
        for item in items:
            if isinstance(item, str):
                out.append(Example(item))
            elif isinstance(item, dict) and isinstance(item.get("text"), str):
                conf = (
                    self._enum(f"examples.{key}.confidence", Confidence, item["confidence"])
                    if "confidence" in item
                    else None
                )
                below = self._enum(f"examples.{key}.below", Confidence, item["below"]) if "below" in item else None
                out.append(Example(item["text"], item.get("value"), conf, below))
            else:
                self.fail(f"examples.{key}", f"expected a string or {{text: ...}}, got {item!r}")
        return tuple(out)


def canonical_allow_value(value: str) -> str:
    """Allow-list entries are compared in canonical form: digits only for numbers, compact text."""
    text = normalise_text(value).strip()
    if "@" in text:
        return text.lower()
    compact = re.sub(r"[\s\-()・]", "", text)
    if compact.startswith("+81"):
        compact = "0" + compact[3:].lstrip("0")
    return compact.upper() if compact.isascii() else compact
