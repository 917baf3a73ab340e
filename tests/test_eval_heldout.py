"""Set C, the held-out evaluation set (scripts/evalcorpus/heldout.py).

Set C was written without reading the rules or the A/B templates, to measure detection where
the rules were not tuned. These tests check the set itself (it builds, every label points at
its value in the written file, it covers the styles it promises, it is not A or B) and that
its figures are produced; they set no floor on detection quality: a held-out set must be
free to show a regression, and the figures go in the report of
`python -m bench.eval_detection --sets C`.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from bench.eval_detection import Result, evaluate, report
from scripts.evalcorpus.build import SETS, make_set, render, write_set
from scripts.evalcorpus.model import Doc
from scripts.evalcorpus.office import split_title

pytestmark = pytest.mark.slow  # generates and scans a held-out corpus

DOCS = 300


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[list[Doc], object, Path]:
    folder = tmp_path_factory.mktemp("evalcorpus-C")
    docs, own = write_set("C", folder, DOCS)
    return docs, own, folder


def _values(docs: list[Doc], type_: str) -> list[str]:
    return [lb.value for d in docs for lb in d.labels if lb.type == type_]


def _docx_cells(data: bytes) -> list[list[str]]:
    import docx

    table = docx.Document(io.BytesIO(data)).tables[0]
    return [[c.text for c in row.cells] for row in table.rows]


def test_set_c_is_registered_with_its_own_seed() -> None:
    assert "C" in SETS and SETS["C"] not in {SETS["A"], SETS["B"]}


def test_every_label_points_at_its_value(corpus) -> None:
    docs, _, folder = corpus
    checked = 0
    for doc in docs:
        data = (folder / doc.name).read_bytes()
        if doc.name.endswith(".xlsx"):
            ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
            rows = [["" if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)]
            for lb in doc.labels:
                assert rows[lb.row - 1][lb.col] == lb.value, (doc.name, lb)
                if lb.column:
                    header = next(r for r in rows if lb.column in r)
                    assert header[lb.col] == lb.column, (doc.name, lb)
                checked += 1
        elif doc.name.endswith(".docx"):
            cells = _docx_cells(data)
            titles = len(doc.rows) - len(split_title(doc.rows)[1])
            for lb in doc.labels:
                assert cells[lb.row - 1 - titles][lb.col] == lb.value, (doc.name, lb)
                checked += 1
        else:  # text and CSV: offsets into the decoded file
            text = data.decode(doc.encoding)
            for lb in doc.labels:
                assert lb.start is not None and text[lb.start : lb.end] == lb.value, (doc.name, lb)
                checked += 1
    assert checked > 5000


def test_generation_is_deterministic() -> None:
    first, own1 = make_set("C", 60)
    second, own2 = make_set("C", 60)
    assert own1 == own2
    assert [d.meta() for d in first] == [d.meta() for d in second]
    assert [render(d) for d in first if not d.name.endswith((".xlsx", ".docx"))] == [
        render(d) for d in second if not d.name.endswith((".xlsx", ".docx"))
    ]


def test_the_set_has_its_own_families_and_a_third_negatives(corpus) -> None:
    docs, _, _ = corpus
    families = Counter(d.family for d in docs)
    assert len(families) >= 20
    a_b = {d.family for name in ("A", "B") for d in make_set(name, 60)[0]}
    assert not set(families) & a_b, "set C's families must be its own, not A/B templates"
    negatives = sum(d.negative for d in docs) / len(docs)
    assert 0.28 <= negatives <= 0.40
    assert {d.expected for d in docs} == {"allow", "warn", "quarantine", "block"}
    assert sum(d.expected == "block" and not d.rows for d in docs) <= 15, "cards and My Numbers only in a few"


def test_the_set_covers_the_promised_styles(corpus) -> None:
    docs, _, _ = corpus
    phones = _values(docs, "PHONE")
    for shape in (r"^０[７-９]０－", r"^0\d0 \d{4} \d{4}$", r"^\(0\d+\)\d+-\d{4}$", r"の\d{4}の", r"^\d{10,11}$"):
        assert any(re.search(shape, v) for v in phones), shape
    mails = _values(docs, "EMAIL")
    assert any("(at)" in v for v in mails) and any("＠" in v for v in mails)
    births = _values(docs, "BIRTH_DATE")
    for era in ("昭和", "平成", "令和", "S", "年"):
        assert any(v.startswith(era) or (era == "年" and v[:4].isdigit() and era in v) for v in births), era
    names = _values(docs, "PERSON")
    assert any("・" in v for v in names) and any("々" in v for v in names)
    assert any(any(ord(c) > 0xFFFF for c in v) for v in names), "a name outside the BMP (and CP932)"
    assert any("号室" in v for v in _values(docs, "ADDRESS"))
    assert any(re.fullmatch(r"\d{7}", v) for v in _values(docs, "POSTAL_CODE")), "bare 7-digit postal codes"
    columns = {lb.column for d in docs for lb in d.labels}
    assert {"姓", "名", "セイ", "メイ", "口座番号"} <= columns and columns & {"住所1", "住所１"}
    kinds = {lb.kind for d in docs for lb in d.labels if lb.type == "BUSINESS_CONTACT"}
    assert {"PHONE", "ADDRESS", "POSTAL_CODE", "EMAIL", "BANK_ACCOUNT"} <= kinds
    assert any(lb.own for d in docs for lb in d.labels) and any(lb.staff for d in docs for lb in d.labels)
    formats = Counter(d.name.rsplit(".", 1)[1] for d in docs)
    assert {"txt", "csv", "xlsx", "docx"} <= set(formats)
    assert any(d.encoding == "cp932" for d in docs)
    name_lists = [d for d in docs if d.family == "name_only_list"]
    assert name_lists and all(d.expected == "quarantine" for d in name_lists), "a customer's name a row is a record"


def test_the_figures_are_reported(corpus, capsys) -> None:
    """The figures exist and are printed (no floor: see the module docstring)."""
    docs, own, folder = corpus
    res: Result = evaluate("C", docs, own, folder)
    assert sum(res.verdicts.values()) == len(docs)
    assert res.negatives == sum(d.negative for d in docs)
    p, r, _, n = res.exact.prf()
    assert n > 1000 and 0.0 <= p <= 1.0 and 0.0 <= r <= 1.0
    text = report(res, verbose=True)
    assert "micro (personal)" in text and "verdict accuracy" in text
    with capsys.disabled():
        print("\n" + text)
    # Issue 10's targets as a regression guard (measured 2026-11-30: micro 0.979, PERSON 0.963,
    # verdicts 0.980, negatives 1.9%); a guard, not a goal to tune this set to.
    assert res.exact.prf()[2] >= 0.93 and res.exact.prf("PERSON")[2] >= 0.90, text
    assert res.verdict_accuracy >= 0.93 and res.negatives_flagged_share <= 0.10, text
