"""JSON and JSON Lines exports: records are table rows, keys are headers (dlp/extract/jsondoc.py).

Real files written with the json module from fake data (Faker ja_JP), scanned through the
pipeline with the default rules and policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from faker import Faker

from dlp.config import load_config
from dlp.extract import jsondoc
from dlp.extract.sniff import sniff
from dlp.model import Action, Item
from dlp.pipeline import scan_item
from dlp.settings import Settings
from tests.conftest import TEST_KEY


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings.load(load_config(None, search=False), key=TEST_KEY, keep_values=True)


def _orders(n: int, seed: int = 5) -> list[dict[str, object]]:
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    return [
        {
            "order_id": f"W2026{i:05d}",
            "ship_to": {
                "name": fake.name(),
                "zip": fake.zipcode().replace("-", ""),
                "address": fake.address(),
                "tel": f"090-{1000 + i:04d}-{5678 + i:04d}",
            },
            "items": [{"product_name": "除湿機", "jan": "4901234567894", "qty": 2}],
        }
        for i in range(n)
    ]


def _scan(settings: Settings, path: Path):  # type: ignore[no-untyped-def]
    return scan_item(Item.from_path(path), settings)


def test_json_lines_export_is_read_record_by_record(settings: Settings, tmp_path: Path) -> None:
    orders = _orders(15)
    path = tmp_path / "orders.jsonl"
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in orders), encoding="utf-8")
    assert sniff(Item.from_path(path))[0] == "json"
    verdict = _scan(settings, path)
    assert verdict.action is Action.QUARANTINE and verdict.records == 15, verdict.reason_en
    names = {f.value for f in verdict.findings if f.type == "PERSON"}
    assert names == {o["ship_to"]["name"] for o in orders}  # type: ignore[index]
    zips = {f.value for f in verdict.findings if f.type == "POSTAL_CODE"}
    assert len(zips) == 15  # 7 bare digits under "zip", as under 郵便番号
    assert all("#line" in f.locator for f in verdict.findings)
    assert not any(f.value == "除湿機" for f in verdict.findings)  # product_name is no person


@pytest.mark.parametrize("indent", [None, 2])
def test_json_document_with_an_array_of_records(settings: Settings, tmp_path: Path, indent: int | None) -> None:
    """A document (pretty-printed or on one line): the largest array of objects is the table."""
    orders = _orders(12, seed=6)
    path = tmp_path / "export.json"
    doc = {"exported": "2026-11-30", "count": 12, "orders": orders}
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=indent), encoding="utf-8")
    verdict = _scan(settings, path)
    assert verdict.action is Action.QUARANTINE and verdict.records == 12, verdict.reason_en
    assert {f.value for f in verdict.findings if f.type == "PERSON"} == {o["ship_to"]["name"] for o in orders}  # type: ignore[index]


def test_a_key_is_read_too(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "by_phone.json"
    path.write_text(json.dumps({"090-1234-5678": {"note": "折返し希望"}}, ensure_ascii=False), encoding="utf-8")
    verdict = _scan(settings, path)
    assert any(f.type == "PHONE" for f in verdict.findings)


def test_broken_or_too_large_json_is_read_as_text(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[{"name": "山田 太郎", "tel": "090-1234-5678"}, {"name": ', encoding="utf-8")
    verdict = _scan(settings, broken)
    assert any(f.type == "PHONE" for f in verdict.findings)
    monkeypatch.setattr(jsondoc, "MAX_DOCUMENT_BYTES", 64)
    large = tmp_path / "large.json"
    large.write_text(json.dumps(_orders(5), ensure_ascii=False, indent=2), encoding="utf-8")
    verdict = _scan(settings, large)
    assert len({f.value for f in verdict.findings if f.type == "PHONE"}) == 5


def test_json_lines_with_a_stray_line(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"name": "山田 太郎", "tel": "090-1234-5678"}\n'
        "not json: 携帯 080-2345-6789\n"
        '{"name": "鈴木 花子", "tel": "03-1234-5678"}\n',
        encoding="utf-8",
    )
    verdict = _scan(settings, path)
    phones = {f.value for f in verdict.findings if f.type == "PHONE"}
    assert phones == {"090-1234-5678", "080-2345-6789", "03-1234-5678"}


def test_plain_text_starting_with_a_brace_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "memo.txt"
    path.write_text("{重要} 山田様より入電\n折返し希望\n", encoding="utf-8")
    assert sniff(Item.from_path(path))[0] != "json"
