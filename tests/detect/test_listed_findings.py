"""A column of a long table makes findings only for the cells the tally can still list (its
first ``max_findings`` fitting cells): the listing, counts and records stay those of making a
finding for every cell, and the number of findings not listed is the counted matches left out
(a 200,000-row export reported the 21,000 findings of its first block only)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from dlp.config import load_config
from dlp.model import Item, Verdict
from dlp.pipeline import scan_item
from dlp.policy import ScanContext
from dlp.settings import Settings
from tests.conftest import TEST_KEY
from tests.fakes import FakeJP


def _csv(tmp_path: Path, rows: int) -> Path:
    fake, r = FakeJP(41), random.Random(41)
    lines = ["顧客ID,氏名,フリガナ,電話番号,メールアドレス,住所,生年月日,備考"]
    for i in range(rows):
        p = fake.person()
        note = r.choice(["", "DM不要", f"旧電話 {fake.mobile()}"])
        born = f"{r.randint(1950, 2000)}/{r.randint(1, 12):02d}/{r.randint(1, 28):02d}"
        lines.append(",".join([f"C{i:07d}", p.name, p.kana, fake.mobile(), fake.email(), fake.address(), born, note]))
    path = tmp_path / "customers.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return path


def _scan(path: Path, max_findings: int) -> Verdict:
    settings = Settings.load(load_config(None, search=False), key=TEST_KEY, keep_values=True)
    settings.max_findings = max_findings
    settings.stop_after_records = None
    return scan_item(Item.from_path(path), settings)


def _listed(verdict: Verdict) -> list[tuple[object, ...]]:
    return [(f.rule, f.type, f.start, f.end, f.record, f.column, f.confidence, f.value) for f in verdict.findings]


def test_a_long_table_lists_the_first_findings_and_counts_the_rest(tmp_path: Path) -> None:
    path = _csv(tmp_path, 2500)  # two blocks of the extractor
    few, every = _scan(path, 40), _scan(path, 100_000)
    assert len(few.findings) == 40
    assert len(every.findings) > 15_000
    assert _listed(few) == _listed(every)[:40]
    assert few.counts == every.counts and few.records == every.records == 2500
    # Not listed: every finding the full listing holds but the first 40 (the second block was
    # counted without findings, its cells are among them too).
    assert every.findings_dropped == 0
    assert few.findings_dropped == len(every.findings) - 40


def test_a_store_list_longer_than_the_listing_counts_every_store(tmp_path: Path) -> None:
    """A store list is judged from its findings one by one (business.py): its column findings
    are all made, however many the tally lists."""
    fake = FakeJP(42)
    lines = ["店舗名,郵便番号,住所,電話番号,営業時間"]
    for i in range(300):
        lines.append(f"{fake.faker.city()}店{i},{fake.postal()},{fake.address()},{fake.landline()},10:00-19:00")
    path = tmp_path / "stores.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    few, every = _scan(path, 10), _scan(path, 100_000)
    assert few.counts == every.counts and few.action == every.action
    assert _listed(few) == _listed(every)[:10]


def _allow_settings(tmp_path: Path, max_findings: int) -> tuple[Settings, str]:
    from tests.test_policy_allow import _settings  # a policy whose allow list holds the company's phone

    settings, billing = _settings(tmp_path)
    settings.max_findings = max_findings
    settings.stop_after_records = None
    return settings, billing


@pytest.mark.parametrize("own", [True, False])
def test_cells_on_the_deciding_policys_allow_list_take_no_place_in_the_listing(tmp_path: Path, own: bool) -> None:
    """The company's own number in the first rows of a phone column is on the deciding policy's
    allow list: the tally lists none of those cells, so they must not use up the findings the
    column makes for the listing (the customers' numbers below were not listed at all), nor count
    as findings not listed (they are counted as allowed). Under another policy they are findings
    like any other."""
    from tests.test_policy_allow import COMPANY_PHONE

    fake = FakeJP(43)
    lines = ["担当,電話番号"] + [f"窓口{i},{COMPANY_PHONE}" for i in range(30)]
    # Two blocks of the extractor: the second is only counted, its allowed cells among them.
    lines += [f"顧客{i},{fake.mobile()}" if i % 5 else f"窓口{i},{COMPANY_PHONE}" for i in range(1, 2500)]
    data = ("\r\n".join(lines) + "\r\n").encode()
    verdicts = []
    for limit in (10, 100_000):
        settings, billing = _allow_settings(tmp_path, limit)
        ctx = ScanContext(policy=billing if own else None)
        verdicts.append(scan_item(Item.from_bytes(data, "contacts.csv"), settings, ctx))
    few, every = verdicts
    assert len(every.findings) == (2000 if own else 2529) and every.findings_dropped == 0
    assert few.counts == every.counts and few.records == every.records
    assert _listed(few) == _listed(every)[:10]
    assert few.findings_dropped == len(every.findings) - 10


def test_settings_whose_limit_is_raised_after_the_engine_was_built_list_as_many(tmp_path: Path) -> None:
    """Tests copy the session's settings and change max_findings (copy.copy keeps the compiled
    engine): with a higher limit than the engine was built for, a column makes too few findings
    and the listing was cut short (dd393f4: the engine did not depend on max_findings); each
    scan now gives the engine its limit."""
    import copy

    path = _csv(tmp_path, 300)
    few = Settings.load(load_config(None, search=False), key=TEST_KEY, keep_values=True)
    few.max_findings = 40
    few.stop_after_records = None
    scan_item(Item.from_path(path), few)  # the engine is built, for 40
    more = copy.copy(few)
    more.max_findings = 100_000
    assert _listed(scan_item(Item.from_path(path), more)) == _listed(_scan(path, 100_000))
