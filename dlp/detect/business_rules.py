"""The cue words of ``rules/business.yaml``, validated like the rule files (file:line problems).

Kept apart from the rules loader because this file is not a list of rules: it is the vocabulary
``dlp/detect/business.py`` uses to tell an organisation's contact block from a customer's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlp.detect.prefilter import required_words
from dlp.detect.wordlist import case_variants, trie_regex
from dlp.yamlfile import LocatedDict, YamlSyntaxError, load_yaml

FILE_NAME = "business.yaml"
_TYPE_RE = re.compile(r"[A-Z][A-Z0-9_]*")
_KEYS = {"types", "never_with", "blocks", "tables", "role_mailboxes", "mobile_prefixes", "examples"}
_BLOCK_KEYS = {
    "max_lines", "max_blocks", "limits", "organisation", "organisation_patterns", "labels", "separator",
    "person", "neutral", "store", "max_store_blocks", "inline_before", "relocation_before",
}  # fmt: skip
_TABLE_KEYS = {"header", "person_header", "name_header", "name_words", "min_name_share", "max_person_rows"}


def fold(text: str) -> str:
    """The form cue words are matched in: NFKC (full-width letters and digits folded)."""
    return unicodedata.normalize("NFKC", text)


def words_re(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """Literal words in any case of their ASCII letters, as a trie (IGNORECASE is ~20x slower
    on Japanese text: dlp/detect/wordlist.py)."""
    if not words:
        return None
    return re.compile(trie_regex({v for w in words for v in case_variants(w)}))


@dataclass(frozen=True)
class BusinessCues:
    types: frozenset[str]
    never_with: frozenset[str]
    max_lines: int
    max_blocks: int
    limits: dict[str, int]
    organisation: re.Pattern[str] | None
    organisation_patterns: tuple[re.Pattern[str], ...]
    labels: re.Pattern[str] | None
    separator: re.Pattern[str]
    person: re.Pattern[str] | None
    neutral: re.Pattern[str] | None
    store: re.Pattern[str] | None  # a store's block (営業時間, 定休日): never counts toward max_blocks
    max_store_blocks: int  # more store blocks than this in one segment: none of them is business
    inline_before: re.Pattern[str] | None  # an office's name right before a landline on its line
    relocation_before: re.Pattern[str] | None  # an office's move right before its new address or number
    # Words one of which every move holds (prefilter.required_words): a text with none has no move.
    relocation_words: frozenset[str] | None
    table_header: tuple[str, ...]
    person_header: tuple[str, ...]
    name_header: tuple[str, ...]
    name_words: re.Pattern[str] | None
    min_name_share: float
    max_person_rows: float
    role_mailboxes: frozenset[str]
    mobile_prefixes: tuple[str, ...]
    examples_business: tuple[str, ...]
    examples_personal: tuple[str, ...]
    source: str


def load_business(path: Path, problems: list[str]) -> BusinessCues | None:
    """The cues of one business.yaml; problems are appended as ``file:line: field: problem``."""
    try:
        doc = load_yaml(path)
    except YamlSyntaxError as exc:
        problems.append(str(exc))
        return None
    if not isinstance(doc, LocatedDict) or doc.get("schema") != 1 or not isinstance(doc.get("business"), LocatedDict):
        problems.append(f"{path}:1: expected 'schema: 1' and a 'business:' mapping")
        return None
    return _Builder(path, problems).build(doc["business"])


def _empty(line: int) -> LocatedDict:
    out = LocatedDict()
    out.line = line
    out.key_lines = {}
    return out


class _Builder:
    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        self.before = len(problems)

    def fail(self, raw: LocatedDict, key: str, where: str, problem: str, line: int | None = None) -> None:
        line = raw.line_of(key) if line is None else line
        self.problems.append(f"{self.path}:{line}: business.{where}: {problem}")

    def _section(self, raw: LocatedDict, key: str, known: set[str]) -> LocatedDict:
        value = raw.get(key)
        if not isinstance(value, LocatedDict):
            self.fail(raw, key, key, "expected a mapping")
            return _empty(raw.line_of(key))
        for k in value:
            if k not in known:
                self.fail(value, k, f"{key}.{k}", f"unknown key (known: {', '.join(sorted(known))})")
        return value

    def _words(self, raw: LocatedDict, key: str, where: str, *, required: bool = True) -> tuple[str, ...]:
        value = raw.get(key)
        if value is None and not required:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(raw, key, where, "expected a list of non-empty strings (quote words like 'no')")
            return ()
        if required and not value:
            self.fail(raw, key, where, "expected at least one word")
        return tuple(fold(v) for v in value)

    def _int(self, raw: LocatedDict, key: str, where: str) -> int:
        value = raw.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.fail(raw, key, where, f"expected a whole number >= 1, got {value!r}")
            return 1
        return value

    def _share(self, raw: LocatedDict, key: str, where: str) -> float:
        value = raw.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
            self.fail(raw, key, where, f"expected a share between 0 and 1, got {value!r}")
            return 0.0
        return float(value)

    def _regex(
        self, raw: LocatedDict, key: str, where: str, text: Any, line: int | None = None
    ) -> re.Pattern[str] | None:
        if not isinstance(text, str):
            self.fail(raw, key, where, "expected a regular expression in quotes", line)
            return None
        try:
            return re.compile(text, re.IGNORECASE | re.MULTILINE)
        except re.error as exc:
            self.fail(raw, key, where, f"bad regular expression: {exc}", line)
            return None

    def _types(self, raw: LocatedDict, key: str) -> frozenset[str]:
        words = self._words(raw, key, key)
        for t in words:
            if not _TYPE_RE.fullmatch(t):
                self.fail(raw, key, key, f"{t!r} is not a type name (capitals, like PHONE)")
        return frozenset(words)

    def build(self, raw: LocatedDict) -> BusinessCues | None:
        for k in raw:
            if k not in _KEYS:
                self.fail(raw, k, k, f"unknown key (known: {', '.join(sorted(_KEYS))})")
        blocks = self._section(raw, "blocks", _BLOCK_KEYS)
        tables = self._section(raw, "tables", _TABLE_KEYS)
        limits_raw = blocks.get("limits")
        limits: dict[str, int] = {}
        if not isinstance(limits_raw, dict) or not all(
            isinstance(k, str) and _TYPE_RE.fullmatch(k) and isinstance(v, int) and not isinstance(v, bool) and v >= 0
            for k, v in limits_raw.items()
        ):
            self.fail(blocks, "limits", "blocks.limits", "expected TYPE: whole number pairs, like {PHONE: 4}")
        else:
            limits = dict(limits_raw)
        patterns = blocks.get("organisation_patterns") or []
        if not isinstance(patterns, list):
            self.fail(blocks, "organisation_patterns", "blocks.organisation_patterns", "expected a list of regexes")
            patterns = []
        where = "blocks.organisation_patterns"
        compiled = [
            self._regex(blocks, "organisation_patterns", where, p, getattr(patterns, "line_of", lambda _: None)(i))
            for i, p in enumerate(patterns)
        ]
        separator = self._regex(blocks, "separator", "blocks.separator", blocks.get("separator"))
        examples = raw.get("examples") or _empty(raw.line)
        relocation = (
            self._regex(blocks, "relocation_before", "blocks.relocation_before", blocks.get("relocation_before"))
            if "relocation_before" in blocks
            else None
        )
        cues = BusinessCues(
            types=self._types(raw, "types"),
            never_with=self._types(raw, "never_with"),
            max_lines=self._int(blocks, "max_lines", "blocks.max_lines"),
            max_blocks=self._int(blocks, "max_blocks", "blocks.max_blocks"),
            limits=limits,
            organisation=words_re(self._words(blocks, "organisation", "blocks.organisation")),
            organisation_patterns=tuple(p for p in compiled if p is not None),
            labels=words_re(self._words(blocks, "labels", "blocks.labels")),
            separator=separator or re.compile(r"(?!)"),
            person=words_re(self._words(blocks, "person", "blocks.person")),
            neutral=words_re(self._words(blocks, "neutral", "blocks.neutral", required=False)),
            store=words_re(self._words(blocks, "store", "blocks.store", required=False)),
            max_store_blocks=self._int(blocks, "max_store_blocks", "blocks.max_store_blocks")
            if "max_store_blocks" in blocks
            else 60,
            inline_before=self._regex(blocks, "inline_before", "blocks.inline_before", blocks.get("inline_before"))
            if "inline_before" in blocks
            else None,
            relocation_before=relocation,
            relocation_words=required_words(relocation) if relocation is not None else None,
            table_header=self._words(tables, "header", "tables.header"),
            person_header=self._words(tables, "person_header", "tables.person_header"),
            name_header=self._words(tables, "name_header", "tables.name_header"),
            name_words=words_re(self._words(tables, "name_words", "tables.name_words")),
            min_name_share=self._share(tables, "min_name_share", "tables.min_name_share"),
            max_person_rows=self._share(tables, "max_person_rows", "tables.max_person_rows"),
            role_mailboxes=frozenset(w.lower() for w in self._words(raw, "role_mailboxes", "role_mailboxes")),
            mobile_prefixes=self._words(raw, "mobile_prefixes", "mobile_prefixes"),
            examples_business=self._words(examples, "business", "examples.business", required=False)
            if isinstance(examples, LocatedDict)
            else (),
            examples_personal=self._words(examples, "personal", "examples.personal", required=False)
            if isinstance(examples, LocatedDict)
            else (),
            source=str(self.path),
        )
        return cues if len(self.problems) == self.before else None
