"""Precision, recall and F1 per type on a generated labelled corpus (tests/labelled_corpus.py).

Counted strictly: a finding is a true positive only with the same type and the exact span of a
labelled value, at medium confidence or above (what the policy counts). Floors are set a little
under what this pack measures on three seeds (see the closing note of the core issue), so that
a regression fails the test while the seed-to-seed spread does not. Names with no honorific and
no label (one in six labelled names) are found by the analyser stage (dlp/detect/analyser.py).
"""

from __future__ import annotations

from collections import Counter

import pytest

from dlp.model import Confidence, Segment
from tests.labelled_corpus import make_corpus

pytestmark = pytest.mark.slow  # generates and scans a labelled corpus

FLOORS = {  # type: (precision, recall, f1)
    "PHONE": (0.95, 0.97, 0.96),
    "EMAIL": (0.97, 0.97, 0.97),
    "ADDRESS": (0.93, 0.95, 0.95),
    "POSTAL_CODE": (0.93, 0.95, 0.95),
    "PERSON": (0.98, 0.96, 0.97),  # names in prose (analyser.py): R 0.978/0.981, F1 0.987/0.988 on seeds 7/11
    "BIRTH_DATE": (0.95, 0.95, 0.95),
    "MY_NUMBER": (0.95, 0.97, 0.96),
    "CREDIT_CARD": (0.97, 0.95, 0.96),
    "BANK_ACCOUNT": (0.93, 0.95, 0.95),
    "DRIVERS_LICENSE": (0.85, 0.95, 0.90),
    "PASSPORT": (0.90, 0.95, 0.93),
    "RESIDENCE_CARD": (0.88, 0.95, 0.92),
    "BASIC_PENSION": (0.88, 0.95, 0.92),
    "HEALTH_INSURANCE": (0.90, 0.95, 0.93),
}


@pytest.fixture(scope="module", params=[7, 11])
def scores(request, settings) -> dict[str, tuple[float, float, float, int]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for text, labels in make_corpus(400, seed=request.param):
        findings = settings.engine.detect(Segment(text, "corpus"))
        got = {(f.type, f.start, f.end) for f in findings if f.confidence >= Confidence.MEDIUM}
        want = {(str(v["type"]), int(v["start"]), int(v["end"])) for v in labels}
        for t, *_ in got & want:
            tp[t] += 1
        for t, *_ in got - want:
            fp[t] += 1
        for t, *_ in want - got:
            fn[t] += 1
    out = {}
    for t in set(tp) | set(fp) | set(fn):
        p = tp[t] / (tp[t] + fp[t]) if tp[t] + fp[t] else 0.0
        r = tp[t] / (tp[t] + fn[t]) if tp[t] + fn[t] else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        out[t] = (p, r, f1, tp[t] + fn[t])
    return out


@pytest.mark.parametrize("data_type", sorted(FLOORS))
def test_precision_recall_f1(scores, data_type: str) -> None:
    p, r, f1, support = scores[data_type]
    floor_p, floor_r, floor_f1 = FLOORS[data_type]
    assert support >= 20, f"too few labelled {data_type} values ({support}) to measure"
    assert p >= floor_p, f"{data_type} precision {p:.3f} < {floor_p}"
    assert r >= floor_r, f"{data_type} recall {r:.3f} < {floor_r}"
    assert f1 >= floor_f1, f"{data_type} F1 {f1:.3f} < {floor_f1}"


def test_hard_negatives_produce_no_blocking_findings(settings) -> None:
    """Order numbers with valid check digits, JAN codes, meeting dates, amounts: nothing that
    would block or hold a mail."""
    from tests.fakes import Doc, FakeJP
    from tests.labelled_corpus import hard_negatives

    fake = FakeJP(3)
    for _ in range(300):
        doc = Doc()
        hard_negatives(fake, doc)
        findings = settings.engine.detect(Segment(doc.render(), "neg"))
        serious = [f for f in findings if f.confidence >= Confidence.MEDIUM and f.type not in {"PERSON"}]
        assert not serious, (doc.render(), [(f.type, f.value) for f in serious])
