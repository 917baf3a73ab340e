"""Display names of data types, from the rule pack: ``rules/types.yaml`` holds the standard
vocabulary, and any rule file may name its own types in a ``types:`` section. A type nobody
named is shown by its id.

The names are looked up where a verdict is put into words (the policy's reasons, notices,
reports), far from the RuleSet that was loaded, so ``load_rules`` registers the names of the
pack it loads here, over the bundled ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from dlp.detect.rulepack import RuleFileError, default_rules_dir
from dlp.yamlfile import LocatedDict, YamlSyntaxError, load_yaml

TYPES_FILE = "types.yaml"
_TYPE_RE = re.compile(r"[A-Z][A-Z0-9_]*")


@dataclass(frozen=True)
class TypeName:
    ja: str
    en: str


_registered: dict[str, TypeName] = {}


def parse_types(raw: Any, path: Path, line: int, problems: list[str]) -> dict[str, TypeName]:
    """A ``types:`` section: TYPE: {ja: ..., en: ...} for each type."""
    if not isinstance(raw, dict):
        problems.append(f"{path}:{line}: types: expected TYPE: {{ja: ..., en: ...}} for each type")
        return {}
    out: dict[str, TypeName] = {}
    for data_type, names in raw.items():
        where = f"{path}:{raw.line_of(data_type) if isinstance(raw, LocatedDict) else line}: types.{data_type}"
        if not isinstance(data_type, str) or not _TYPE_RE.fullmatch(data_type):
            problems.append(f"{where}: a type is written in capitals (MEMBER_ID)")
        elif not (
            isinstance(names, dict)
            and set(names) == {"ja", "en"}
            and all(isinstance(v, str) and v.strip() for v in names.values())
        ):
            problems.append(f"{where}: expected {{ja: 日本語の名前, en: English name}}")
        else:
            out[data_type] = TypeName(names["ja"].strip(), names["en"].strip())
    return out


def load_type_file(path: Path, problems: list[str]) -> dict[str, TypeName]:
    """``types.yaml`` of a rule folder: ``schema: 1`` and a ``types:`` section."""
    try:
        doc = load_yaml(path)
    except YamlSyntaxError as exc:
        problems.append(str(exc))
        return {}
    if not isinstance(doc, LocatedDict) or doc.get("schema") != 1 or "types" not in doc:
        problems.append(f"{path}:1: expected 'schema: 1' and 'types: {{TYPE: {{ja: ..., en: ...}}}}'")
        return {}
    return parse_types(doc["types"], path, doc.line_of("types"), problems)


@cache
def standard() -> dict[str, TypeName]:
    """The bundled pack's names (the standard vocabulary a policy may always name)."""
    problems: list[str] = []
    names = load_type_file(default_rules_dir() / TYPES_FILE, problems)
    if problems:
        raise RuleFileError(problems)
    return names


def register(names: dict[str, TypeName]) -> None:
    """The names of a loaded rule pack, used from now on in this process."""
    _registered.update(names)


def type_name(data_type: str) -> TypeName | None:
    return _registered.get(data_type) or standard().get(data_type)


def type_name_ja(data_type: str) -> str:
    name = type_name(data_type)
    return name.ja if name is not None else data_type


def type_name_en(data_type: str) -> str:
    name = type_name(data_type)
    return name.en if name is not None else data_type
