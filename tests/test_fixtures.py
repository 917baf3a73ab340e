"""The bundled fixtures get the verdicts and exactly the findings fixtures/expected.json lists.

expected.json is written by scripts/make_fixtures.py from what it inserted, never from a scan.
Every inserted value must be found at medium confidence or above (for text files at its exact
span in the decoded file), and nothing else may be found at that level.
"""

from __future__ import annotations

import json

import pytest

from dlp.detect.normalise import normalise_text
from dlp.model import Item
from dlp.pipeline import scan_item
from tests.conftest import FIXTURES

EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
LOW_ONLY = {"PHONE_FREE": "PHONE"}  # inserted on purpose, expected below medium


TEXT = sorted(n for n, spec in EXPECTED.items() if "encoding" in spec)
DOCUMENTS = sorted(n for n, spec in EXPECTED.items() if "encoding" not in spec)


@pytest.mark.parametrize("name", TEXT)
def test_text_fixture(settings, name: str) -> None:
    spec = EXPECTED[name]
    verdict = scan_item(Item.from_path(FIXTURES / name), settings)
    assert verdict.action.label == spec["action"], verdict.reason_en
    assert verdict.findings_dropped == 0
    text = (FIXTURES / name).read_bytes().decode(spec["encoding"])
    got = {(f.type, f.start, f.end) for f in verdict.findings if f.confidence >= 2}
    want = {(v["type"], v["start"], v["end"]) for v in spec["values"] if v["type"] not in LOW_ONLY}
    missing = [(t, text[a:b]) for t, a, b in sorted(want - got)]
    extra = [(t, text[a:b]) for t, a, b in sorted(got - want)]
    assert not missing, f"not found: {missing[:10]}"
    assert not extra, f"found but not inserted: {extra[:10]}"
    for low_type, real_type in LOW_ONLY.items():
        for v in spec["values"]:
            if v["type"] == low_type:
                assert any(
                    f.type == real_type and (f.start, f.end) == (v["start"], v["end"]) for f in verdict.findings
                ), f"{low_type} {text[v['start'] : v['end']]!r} should still be listed at low confidence"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_fixture(settings, name: str) -> None:
    """PDF, Office, archives, mail: every inserted value found (by type and normalised value),
    nothing else at medium or above, and the expected unscannable reasons."""
    spec = EXPECTED[name]
    verdict = scan_item(Item.from_path(FIXTURES / name), settings)
    assert verdict.action.label == spec["action"], verdict.reason_en
    got = {(f.type, f.value) for f in verdict.findings if f.confidence >= 2}
    want = {(v["type"], normalise_text(v["value"])) for v in spec["values"]}
    assert not want - got, f"not found: {sorted(want - got)[:10]}"
    assert not got - want, f"found but not inserted: {sorted(got - want)[:10]}"
    assert sorted({u.reason.value for u in verdict.unscannable}) == sorted(spec["unscannable"])


def test_every_fixture_is_listed() -> None:
    files = {p.name for p in FIXTURES.iterdir() if p.is_file() and p.name != "expected.json"}
    assert files == set(EXPECTED)
