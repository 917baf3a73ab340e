"""dlp/yamlfile.py: libyaml reads the rule files when PyYAML has it, with the same lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from dlp import yamlfile
from dlp.yamlfile import LocatedDict, LocatedList, YamlSyntaxError, load_yaml

RULES = Path(__file__).resolve().parent.parent / "rules"


def _shape(value: Any) -> Any:
    """The data with every line number the loader recorded."""
    if isinstance(value, LocatedDict):
        return ("map", value.line, value.key_lines, {k: _shape(v) for k, v in value.items()})
    if isinstance(value, LocatedList):
        return ("seq", value.line, value.item_lines, [_shape(v) for v in value])
    return (type(value).__name__, value)


@pytest.mark.parametrize("path", sorted(RULES.glob("*.yaml")), ids=lambda p: p.name)
def test_fast_loader_gives_the_same_data_and_lines(path: Path) -> None:
    if yamlfile._FastLoader is None:
        pytest.skip("PyYAML without libyaml")
    text = path.read_text(encoding="utf-8")
    fast = yaml.load(text, Loader=yamlfile._FastLoader)
    slow = yaml.load(text, Loader=yamlfile._Loader)
    assert _shape(fast) == _shape(slow)
    assert _shape(load_yaml(path)) == _shape(slow)


def test_syntax_error_names_the_file_and_line_as_before(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("rules:\n  - id: a\n    name: [unclosed\n  - id: b\n", encoding="utf-8")
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml(bad)
    try:
        yaml.load(bad.read_text(encoding="utf-8"), Loader=yamlfile._Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        assert mark is not None
        expected = mark.line + 1
    assert caught.value.line == expected
    assert str(caught.value).startswith(f"{bad}:{expected}: YAML syntax:")


def test_a_value_keeps_its_line_for_rule_errors(tmp_path: Path) -> None:
    good = tmp_path / "rules.yaml"
    good.write_text("rules:\n  - id: a\n    severity: high\n  - id: b\n    severity: low\n", encoding="utf-8")
    data = load_yaml(good)
    second = data["rules"][1]
    assert data["rules"].line_of(1) == 4
    assert second.line_of("severity") == 5
