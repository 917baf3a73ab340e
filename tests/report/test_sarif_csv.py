"""`dlp scan --format sarif` validated against the SARIF 2.1.0 schema, and `--format csv`,
as a code-scanning console and a spreadsheet read them: masked values only, every item listed."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import jsonschema
import pytest

from dlp.extract.decode import DecodeState, iter_decoded, sniff_stream
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # runs dlp as a subprocess

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
FILES = [
    "fixtures/call_notes.txt",  # plain text: file, line, column
    "fixtures/customers_cp932.csv",  # CP932 rows: file, line, column
    "fixtures/nested.zip",  # members: file + logical location
    "fixtures/locked.pdf",  # unscannable
    "fixtures/minutes.txt",  # allow
]


def _scan(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80"}
    env.pop("DLP_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "dlp", "scan", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )


@pytest.fixture(scope="module")
def with_values() -> list[dict]:
    """The same scan as JSON with the raw values: what must never show in masked output."""
    result = _scan("--format", "json", "--show-values", *FILES)
    assert result.returncode == 2, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def sarif() -> dict:
    result = _scan("--format", "sarif", *FILES)
    assert result.returncode == 2, result.stderr  # the exit code is the verdict whatever the format
    return json.loads(result.stdout)


def _raw_values(items: list[dict]) -> set[str]:
    return {f["value"] for i in items for f in i["findings"] if len(f["value"]) >= 4 and f["value"] != f["masked"]}


def _decoded(path: str) -> str:
    with open(ROOT / path, "rb") as fh:
        return "".join(iter_decoded(fh, sniff_stream(fh), DecodeState()))


def _digits(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isdigit())


def test_sarif_is_valid_against_the_2_1_0_schema(sarif: dict) -> None:
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(sarif)
    assert sarif["version"] == "2.1.0"


def test_sarif_rules_are_the_rule_pack_and_results_point_at_them(sarif: dict) -> None:
    from dlp.settings import Settings

    driver = sarif["runs"][0]["tool"]["driver"]
    ids = [r["id"] for r in driver["rules"]]
    pack = Settings.load().rules.rules
    assert {r.id for r in pack} <= set(ids)
    phone = next(r for r in driver["rules"] if r["id"] == "jp.phone")
    assert phone["properties"]["name_ja"] == "電話番号" and phone["shortDescription"]["text"] == "Phone number"
    results = sarif["runs"][0]["results"]
    assert results
    for result in results:
        assert ids[result["ruleIndex"]] == result["ruleId"]
    assert "dlp.unscannable.encrypted" in {r["ruleId"] for r in results}


def test_sarif_holds_masked_values_only(sarif: dict, with_values: list[dict]) -> None:
    text = json.dumps(sarif, ensure_ascii=False)
    raw = _raw_values(with_values)
    assert raw
    assert not [v for v in raw if v in text]


def test_sarif_locations_file_line_column_or_locator(sarif: dict, with_values: list[dict]) -> None:
    results = sarif["runs"][0]["results"]
    by_offsets = {(i["path"], f["start"], f["end"]): f for i in with_values for f in i["findings"]}
    located = 0
    for result in results:
        location = result["locations"][0]
        props = result.get("properties", {})
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        region = location["physicalLocation"].get("region")
        if region is None:
            assert location["logicalLocations"][0]["fullyQualifiedName"]
            continue
        # the region points at the value in the decoded file
        path = uri if uri.startswith("fixtures/") else ""
        lines = _decoded(path).split("\n")
        line = lines[region["startLine"] - 1]
        span = line[region["startColumn"] - 1 : region["endColumn"] - 1]
        assert span == _decoded(path)[props["start"] : props["end"]]
        value = by_offsets[(path, props["start"], props["end"])]["value"]
        assert _digits(span) == _digits(value) if _digits(value) else span == value
        assert region["snippet"]["text"] == props["masked"]
        located += 1
    assert located >= 20
    members = [r for r in results if "nested.zip" in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]]
    assert members and all("logicalLocations" in r["locations"][0] for r in members)
    assert any(".zip/" in r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in members)


def test_sarif_with_show_values_puts_the_value_in_the_snippet() -> None:
    result = _scan("--format", "sarif", "--show-values", "fixtures/call_notes.txt")
    snippets = [
        r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]
        for r in json.loads(result.stdout)["runs"][0]["results"]
    ]
    assert "鈴木 康弘" in snippets


def test_csv_one_row_per_finding_and_per_item_without_any(with_values: list[dict]) -> None:
    result = _scan("--format", "csv", *FILES)
    assert result.returncode == 2, result.stderr
    assert result.stdout.startswith("\ufeff")  # Excel on Japanese Windows reads UTF-8 only with a BOM
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    expected = sum(len(i["findings"]) or 1 for i in with_values)
    assert len(rows) == expected
    assert {r["path"] for r in rows} == {i["path"] for i in with_values}
    locked = [r for r in rows if r["path"] == "fixtures/locked.pdf"]
    assert len(locked) == 1 and locked[0]["rule"] == "" and "encrypted" in locked[0]["unscannable"]
    assert all(r["value"] == "" for r in rows)
    assert not [v for v in _raw_values(with_values) if v in result.stdout]
    phone = next(r for r in rows if r["rule"] == "jp.phone")
    assert phone["verdict"] == "warn" and phone["masked"] == "045-***-8136" and phone["line"] == "3"


def test_csv_cells_never_become_formulas(tmp_path: Path) -> None:
    """A file name Excel would run as a formula is written inert (OWASP CSV injection)."""
    name = '=HYPERLINK("evil","x")+1.txt'
    (tmp_path / name).write_text("携帯 090-1234-5678 山田太郎様\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DLP_CONFIG", None)
    result = subprocess.run(
        [sys.executable, "-m", "dlp", "scan", "--format", "csv", name],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert rows and all(r["path"] == "'" + name for r in rows)
    assert all(not r[c].startswith(("=", "+", "@")) for r in rows for c in r)
    assert {r["start"] for r in rows} <= {str(n) for n in range(100)}  # numbers untouched
