"""Column rules as data (``rules/columns.yaml``): header words -> the kind of a table column.

Real exports name a column in many ways (お客様名, ご購入者, 契約者名, 氏名（カナ）, 住所1, 〒). The
words live in the rule pack, not here, and are checked on load with file:line errors like the
rule files. Matching is head-final, as Japanese compounds are: 受取人住所 is an address,
契約者生年月日 a date of birth; a bracketed qualifier only refines (氏名（カナ） is a reading).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from dlp.yamlfile import LocatedDict, LocatedList, YamlSyntaxError, load_yaml

SCHEMA_VERSION = 1
CHECKS = frozenset(
    {"name", "kana", "surname", "given", "surname_kana", "given_kana", "address", "address_part", "value"}
    | {"context", "ignore"}
)
NAME_PARTS = {"name": "kana", "surname": "surname_kana", "given": "given_kana"}
_MARKS = re.compile(r"[\s*※■□●○◆◇★☆【】\[\]「」『』:：]+")
_BRACKETS = re.compile(r"\(([^()]*)\)")
_TRAILING_NUMBER = re.compile(r"[0-9]+$")


@dataclass(frozen=True)
class ColumnSpec:
    """One kind of column: the type it reports, the rule whose mask and validator it uses,
    how a cell is checked, and the header words that name it."""

    id: str
    check: str
    type: str | None = None
    rule: str | None = None
    words: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    value: re.Pattern[str] | None = None
    source: str = ""


@dataclass(frozen=True)
class ValueKind:
    """A kind a column without a known header may be given from its values."""

    column: str
    share: float
    value: re.Pattern[str] | None = None


@dataclass(frozen=True)
class ColumnRules:
    specs: tuple[ColumnSpec, ...]
    from_values: tuple[ValueKind, ...] = ()
    sample: int = 60
    min_cells: int = 3
    source: str = ""
    _by_id: dict[str, ColumnSpec] = field(default_factory=dict, compare=False, repr=False)
    _words: set[str] = field(default_factory=set, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({s.id: s for s in self.specs})

    def spec(self, spec_id: str) -> ColumnSpec | None:
        return self._by_id.get(spec_id)

    def match(self, header: str) -> ColumnSpec | None:
        """The kind a header names, or None."""
        return _match(self, header)

    def is_word(self, cell: str) -> bool:
        """Whether a cell is one of the header words itself (氏名, 名前 in a name column: a
        header repeated under a title, or a form's label, not a value)."""
        if not self._words:
            self._words.update(w for s in self.specs for w in (*s.words, *s.exact))
        return normalise_header(cell) in self._words


def normalise_header(header: str) -> str:
    text = unicodedata.normalize("NFKC", header).lower()
    return _MARKS.sub("", text)


@lru_cache(maxsize=4096)
def _match(rules: ColumnRules, header: str) -> ColumnSpec | None:
    text = normalise_header(header)
    if not text:
        return None
    for spec in rules.specs:
        if text in spec.exact:
            return spec
    base = _BRACKETS.sub("", text)
    qualifier = " ".join(_BRACKETS.findall(text))
    bare = _TRAILING_NUMBER.sub("", base)
    for spec in rules.specs:  # 姓（漢字） -> 姓
        if base in spec.exact:
            return spec
    best = _head_final(rules, base) or _head_final(rules, bare)
    if best is None:
        return _head_final(rules, qualifier) if qualifier else None
    if best.check in NAME_PARTS and qualifier:
        refined = _head_final(rules, qualifier)
        if refined is not None and refined.check == "kana":
            return rules.spec(NAME_PARTS[best.check]) or refined
    return best


def _head_final(rules: ColumnRules, text: str) -> ColumnSpec | None:
    """The spec whose word ends last in ``text`` (then the longest word, then file order)."""
    if not text:
        return None
    best: tuple[int, int, int] | None = None
    chosen: ColumnSpec | None = None
    for order, spec in enumerate(rules.specs):
        for word in spec.words:
            end = text.rfind(word)
            if end < 0:
                continue
            key = (end + len(word), len(word), -order)
            if best is None or key > best:
                best, chosen = key, spec
    return chosen


class ColumnFileError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_columns(path: Path, known_rules: set[str] | None = None) -> ColumnRules:
    """Load and check a column file; every problem is reported as ``file:line: problem``."""
    problems: list[str] = []
    try:
        doc = load_yaml(path)
    except YamlSyntaxError as exc:
        raise ColumnFileError([str(exc)]) from None
    if not isinstance(doc, LocatedDict):
        raise ColumnFileError([f"{path}:1: expected a mapping with 'schema: 1' and 'columns: [...]'"])
    if doc.get("schema") != SCHEMA_VERSION:
        raise ColumnFileError([f"{path}:{doc.line_of('schema')}: schema: expected {SCHEMA_VERSION}"])
    raw = doc.get("columns")
    if not isinstance(raw, LocatedList):
        raise ColumnFileError([f"{path}:{doc.line_of('columns')}: columns: expected a list of columns"])
    specs: list[ColumnSpec] = []
    for index, item in enumerate(raw):
        spec = _spec(path, raw.line_of(index), item, known_rules, problems)
        if spec is not None:
            if any(s.id == spec.id for s in specs):
                problems.append(f"{spec.source}: id: duplicate column id {spec.id!r}")
            specs.append(spec)
    ids = {s.id for s in specs}
    kinds, sample, min_cells = _from_values(path, doc.get("from_values"), doc, ids, problems)
    if problems:
        raise ColumnFileError(problems)
    return ColumnRules(tuple(specs), kinds, sample, min_cells, str(path))


def _spec(path: Path, line: int, raw: Any, known: set[str] | None, problems: list[str]) -> ColumnSpec | None:
    where = f"{path}:{line}"
    if not isinstance(raw, LocatedDict):
        problems.append(f"{where}: expected a mapping with id, check and words")
        return None
    unknown = set(raw) - {"id", "check", "type", "rule", "words", "exact", "value"}
    for key in sorted(unknown):
        problems.append(f"{path}:{raw.line_of(key)}: {key}: unknown key (id, check, type, rule, words, exact, value)")
    spec_id, check = raw.get("id"), raw.get("check")
    if not isinstance(spec_id, str) or not spec_id:
        problems.append(f"{where}: id: expected a name")
        return None
    if check not in CHECKS:
        problems.append(f"{path}:{raw.line_of('check')}: check: expected one of {', '.join(sorted(CHECKS))}")
        return None
    data_type, rule = raw.get("type"), raw.get("rule")
    if check not in ("context", "ignore"):
        if not isinstance(data_type, str) or not isinstance(rule, str):
            problems.append(f"{where}: {spec_id}: type and rule are needed for check {check}")
            return None
        if known is not None and rule not in known:
            problems.append(f"{path}:{raw.line_of('rule')}: rule: no rule {rule!r} in the rule pack")
    words = _words(path, raw, "words", problems)
    exact = _words(path, raw, "exact", problems)
    if not words and not exact:
        problems.append(f"{where}: {spec_id}: give words or exact header names")
    value = _regex(path, raw, "value", problems)
    return ColumnSpec(spec_id, check, data_type, rule, words, exact, value, where)


def _words(path: Path, raw: LocatedDict, key: str, problems: list[str]) -> tuple[str, ...]:
    given = raw.get(key, [])
    if not isinstance(given, list) or not all(isinstance(w, (str, int)) for w in given):
        problems.append(f"{path}:{raw.line_of(key)}: {key}: expected a list of header words")
        return ()
    return tuple(dict.fromkeys(w for w in (normalise_header(str(w)) for w in given) if w))


def _regex(path: Path, raw: LocatedDict, key: str, problems: list[str]) -> re.Pattern[str] | None:
    given = raw.get(key)
    if given is None:
        return None
    try:
        return re.compile(str(given))
    except re.error as exc:
        problems.append(f"{path}:{raw.line_of(key)}: {key}: bad regex: {exc}")
        return None


def _from_values(
    path: Path, raw: Any, doc: LocatedDict, ids: set[str], problems: list[str]
) -> tuple[tuple[ValueKind, ...], int, int]:
    if raw is None:
        return (), 60, 3
    if not isinstance(raw, LocatedDict):
        problems.append(f"{path}:{doc.line_of('from_values')}: from_values: expected sample, min_cells and kinds")
        return (), 60, 3
    sample, min_cells = raw.get("sample", 60), raw.get("min_cells", 3)
    if not isinstance(sample, int) or not isinstance(min_cells, int) or sample < 1 or min_cells < 1:
        problems.append(f"{path}:{raw.line_of('sample')}: sample and min_cells: expected positive whole numbers")
        sample, min_cells = 60, 3
    kinds: list[ValueKind] = []
    items = raw.get("kinds", [])
    if not isinstance(items, LocatedList):
        problems.append(f"{path}:{raw.line_of('kinds')}: kinds: expected a list")
        return (), sample, min_cells
    for index, item in enumerate(items):
        line = items.line_of(index)
        if not isinstance(item, LocatedDict) or item.get("column") not in ids:
            problems.append(f"{path}:{line}: kinds: expected {{column: <a column id above>, share: 0.8}}")
            continue
        share = item.get("share")
        if not isinstance(share, (int, float)) or not 0 < share <= 1:
            problems.append(f"{path}:{line}: share: expected a fraction between 0 and 1")
            continue
        kinds.append(ValueKind(item["column"], float(share), _regex(path, item, "value", problems)))
    return tuple(kinds), sample, min_cells
