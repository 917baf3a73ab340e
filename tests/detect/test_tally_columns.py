"""Tally.add_column counts a column's keys with set operations; the counts must be the ones a
key-at-a-time count gives, also past the cap (where the first keys in order get in)."""

from __future__ import annotations

import random

from dlp.model import Confidence
from dlp.tally import Tally


def _one_at_a_time(tally: Tally, data_type: str, confidence: Confidence, keys: list[int], records: list[str]) -> None:
    """The plain count, key by key (what add_column did before it worked in bulk)."""
    tally.matches[(data_type, confidence)] += len(keys)
    seen = tally.values.setdefault(data_type, {})
    at = tally.distinct_at.setdefault(data_type, [0, 0, 0, 0])
    for key in keys:
        best = seen.get(key)  # type: ignore[call-overload]
        if best is None:
            if len(seen) >= tally.cap:
                tally.saturated.add(data_type)
                continue
            seen[key] = confidence  # type: ignore[index]
            for level in range(1, confidence + 1):
                at[level] += 1
        elif confidence > best:
            seen[key] = confidence  # type: ignore[index]
            for level in range(best + 1, confidence + 1):
                at[level] += 1
    identifies = data_type in tally.record_types or data_type in tally.table_record_types
    if identifies and confidence >= tally.record_min_confidence and len(tally.table_records) < tally.cap:
        tally.table_records.update(records)


def test_bulk_counts_equal_key_by_key_counts() -> None:
    rnd = random.Random(3)
    levels = [Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH]
    for _ in range(2000):
        cap = rnd.choice([3, 10, 25, 1000])
        bulk, plain = Tally(frozenset({"PHONE"}), cap=cap), Tally(frozenset({"PHONE"}), cap=cap)
        for _ in range(rnd.randint(1, 8)):
            keys = [rnd.randint(0, 40) for _ in range(rnd.randint(0, 30))]
            data_type, confidence = rnd.choice(["PHONE", "EMAIL"]), rnd.choice(levels)
            records = [f"f.csv#行{k}" for k in keys]
            bulk.add_column(data_type, confidence, keys, records)
            _one_at_a_time(plain, data_type, confidence, keys, records)
        assert bulk.values == plain.values
        assert bulk.distinct_at == plain.distinct_at
        assert bulk.saturated == plain.saturated
        assert bulk.matches == plain.matches
        assert bulk.table_records == plain.table_records
        assert bulk.counts() == plain.counts()
