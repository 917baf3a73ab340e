"""The bundled fixtures get the verdicts and exactly the findings fixtures/expected.json lists.

expected.json is written by scripts/make_fixtures.py from what it inserted, never from a scan.
Every inserted value must be found at medium confidence or above, at its exact span, and
nothing else may be found at that level.
"""

from __future__ import annotations

import json

import pytest

from dlp.model import Item
from dlp.pipeline import scan_item
from tests.conftest import FIXTURES

EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
LOW_ONLY = {"PHONE_FREE": "PHONE"}  # inserted on purpose, expected below medium


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture(settings, name: str) -> None:
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


def test_every_fixture_is_listed() -> None:
    files = {p.name for p in FIXTURES.iterdir() if p.is_file() and p.name != "expected.json"}
    assert files == set(EXPECTED)
