"""Set D, the second held-out evaluation set (scripts/evalcorpus/heldout_d.py).

Set D was written without reading the rules, the detector or sets A-C, so that its figures
stay an honest final measure while A, B and C are used for tuning. These tests check the set
itself: it builds the same from its seed, every label points at its value in the written file,
its families are its own, about a third of it is negative. They set no floor on detection
quality: the figures go in the report of `python -m bench.eval_detection --sets D`.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from scripts.evalcorpus.build import SETS, make_set, write_set
from scripts.evalcorpus.model import Doc, expected_action

pytestmark = pytest.mark.slow  # generates and scans a held-out corpus

DOCS = 300


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[list[Doc], Path]:
    folder = tmp_path_factory.mktemp("evalcorpus-D")
    docs, _ = write_set("D", folder, DOCS)
    return docs, folder


def test_set_d_has_its_own_seed() -> None:
    assert "D" in SETS and SETS["D"] not in {SETS[k] for k in "ABC"}


def test_set_d_builds_the_same_every_time(corpus) -> None:
    docs, folder = corpus
    again, _ = make_set("D", DOCS)
    assert [d.name for d in docs] == [d.name for d in again]
    key = [[(lb.type, lb.value, lb.row, lb.col) for lb in d.labels] for d in docs]
    assert key == [[(lb.type, lb.value, lb.row, lb.col) for lb in d.labels] for d in again]
    second = Path(str(folder) + "-again")
    write_set("D", second, DOCS)
    for doc in docs:
        if doc.name.endswith((".txt", ".csv", ".html")):
            assert (folder / doc.name).read_bytes() == (second / doc.name).read_bytes(), doc.name
    assert (folder / "labels.json").read_text(encoding="utf-8") == (second / "labels.json").read_text(encoding="utf-8")


def _cells_xlsx(data: bytes) -> list[list[str]]:
    ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    return [["" if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)]


def _cells_docx(data: bytes) -> list[list[str]]:
    import docx

    table = docx.Document(io.BytesIO(data)).tables[0]
    return [[c.text for c in row.cells] for row in table.rows]


def test_every_label_points_at_its_value(corpus) -> None:
    docs, folder = corpus
    checked = 0
    for doc in docs:
        data = (folder / doc.name).read_bytes()
        if doc.name.endswith((".txt", ".csv")):
            text = data.decode(doc.encoding)
            for lb in doc.labels:
                assert text[lb.start : lb.end] == lb.value, (doc.name, lb)
                checked += 1
        elif doc.name.endswith(".xlsx"):
            rows = _cells_xlsx(data)
            for lb in doc.labels:
                assert lb.value in rows[lb.row - 1][lb.col], (doc.name, lb)
                checked += 1
        elif doc.name.endswith(".docx"):
            cells = [c for row in _cells_docx(data) for c in row]
            for lb in doc.labels:
                assert any(lb.value in c for c in cells), (doc.name, lb)
                checked += 1
        elif doc.name.endswith(".html"):
            import html

            page = html.unescape(data.decode("utf-8"))
            for lb in doc.labels:
                assert lb.value in page, (doc.name, lb)
                checked += 1
        elif doc.name.endswith(".eml"):
            from email import message_from_bytes
            from email.policy import default

            msg = message_from_bytes(data, policy=default)
            whole = f"{msg['From']}\n{msg['To']}\n{msg.get_content()}"
            for lb in doc.labels:
                assert lb.value in whole, (doc.name, lb)
                checked += 1
    assert checked > 5000


def test_cp932_files_round_trip(corpus) -> None:
    docs, folder = corpus
    cp932 = [d for d in docs if d.encoding == "cp932"]
    assert len(cp932) >= 20  # Shift-JIS exports are part of the set
    for doc in cp932:
        assert (folder / doc.name).read_bytes().decode("cp932") == doc.text


def test_families_are_not_those_of_sets_a_b_c() -> None:
    ours = {d.family for d in make_set("D", 100)[0]}
    theirs = {d.family for name in "ABC" for d in make_set(name, 120)[0]}
    assert len(ours) >= 20
    assert not ours & theirs, ours & theirs


def test_about_a_third_is_negative(corpus) -> None:
    docs, _ = corpus
    share = sum(d.negative for d in docs) / len(docs)
    assert 0.28 <= share <= 0.40, share


def test_styles_the_set_promises(corpus) -> None:
    docs, _ = corpus
    values = {t: [lb.value for d in docs for lb in d.labels if lb.type == t] for t in ("PHONE", "POSTAL_CODE")}
    for dash in "－―‐ー":
        assert any(dash in v for v in values["PHONE"]), dash
    assert any(v != unicodedata.normalize("NFKC", v) for v in values["POSTAL_CODE"])  # full-width digits
    exts = {d.name.rsplit(".", 1)[1] for d in docs}
    assert exts == {"txt", "csv", "xlsx", "docx", "html", "eml"}
    parts = [lb for d in docs if d.name.endswith(".csv") for lb in d.labels if lb.value != d.rows[lb.row - 1][lb.col]]
    assert parts  # values inside free-text answers, not whole cells
    assert {"block", "quarantine", "warn", "allow"} <= {d.expected for d in docs}
    assert all(d.expected == expected_action(d) for d in docs)
    negatives = " ".join(d.text for d in docs if d.negative)
    assert "JAN" in negatives and "登録番号：T" in negatives and "伝票番号" in negatives


def test_issue_10_targets_hold(tmp_path: Path) -> None:
    """Issue 10's targets as a regression guard (measured 2026-11-30: micro 0.966, PERSON 0.954,
    verdicts 0.983, negatives 2.9%); a guard, not a goal to tune this set to."""
    from bench.eval_detection import evaluate

    docs, own = write_set("D", tmp_path, DOCS)
    res = evaluate("D", docs, own, tmp_path)
    assert res.exact.prf()[2] >= 0.93 and res.exact.prf("PERSON")[2] >= 0.90
    assert res.verdict_accuracy >= 0.93 and res.negatives_flagged_share <= 0.10
