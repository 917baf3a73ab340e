"""The evaluation corpus (scripts/evalcorpus) and its scores (bench/eval_detection.py).

Two kinds of test:
- the generator's labels are right (each span is its value, xlsx cells hold their values, the
  expected actions follow the policy, both sets cover every style, the sets differ), and the
  evaluation's allow list works;
- a regression guard: both sets are scanned through the real pipeline and the scores must stay
  at or above FLOORS, set a little (~0.02-0.03) under what the code measured when the corpus
  was made (issue 10; see the report of `python -m bench.eval_detection`).

Raising the floors: when a change improves detection, run `python -m bench.eval_detection`
and set each figure below to about 0.02 under the new measurement (0.02 over, for the
share of negative documents flagged). Never lower a floor to make a change pass: a lower
figure is a regression to fix or to explain in the commit. Issue 10's targets are micro-F1
>= 0.93, PERSON F1 >= 0.90, negatives flagged <= 0.10 and verdict accuracy >= 0.93 per set.
"""

from __future__ import annotations

import email
import email.policy
import io
import random
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from bench.eval_detection import SCORED_ROWS, Result, Score, evaluate, score_doc, settings_for
from dlp.model import Confidence, Finding, Item, Severity
from dlp.pipeline import scan_item
from scripts.evalcorpus.build import SETS, make_set, render, write_set
from scripts.evalcorpus.model import Doc, Label

pytestmark = pytest.mark.slow  # generates and scans the evaluation corpus

DOCS = 300  # per set, as `python -m bench.eval_detection` (about 3 s a set)

# Measured after issue 10's detection work (A/B micro-F1 0.996/0.998, PERSON 0.995/0.997,
# verdicts 1.000, no negative flagged; before it: 0.440/0.397, 0.22/0.28, 0.69/0.70, 39%/41%),
# minus a margin. micro, PERSON, verdicts and negatives never below issue 10's targets.
FLOORS = {
    "A": {"micro_f1": 0.97, "person_f1": 0.96, "verdict_accuracy": 0.97, "negatives_flagged_max": 0.03,
          "f1": {"PHONE": 0.97, "EMAIL": 0.95, "ADDRESS": 0.97, "POSTAL_CODE": 0.97, "BIRTH_DATE": 0.97}},
    "B": {"micro_f1": 0.97, "person_f1": 0.96, "verdict_accuracy": 0.97, "negatives_flagged_max": 0.03,
          "f1": {"PHONE": 0.97, "EMAIL": 0.94, "ADDRESS": 0.97, "POSTAL_CODE": 0.97, "BIRTH_DATE": 0.97}},
}  # fmt: skip


@pytest.fixture(scope="module", params=["A", "B"])
def corpus(request, tmp_path_factory) -> tuple[str, list[Doc], object, Path]:
    folder = tmp_path_factory.mktemp(f"evalcorpus-{request.param}")
    docs, own = write_set(request.param, folder, DOCS)
    return request.param, docs, own, folder


@pytest.fixture(scope="module")
def result(corpus) -> Result:
    name, docs, own, folder = corpus
    return evaluate(name, docs, own, folder)


# -- the labels are right ---------------------------------------------------------------------


def test_every_label_points_at_its_value(corpus) -> None:
    _, docs, _, folder = corpus
    assert _check_labels(docs, folder) > 5000


def _check_labels(docs: list[Doc], folder: Path) -> int:
    """Every label is its value in the written file (offsets, cells, mail); returns how many."""
    checked = 0
    for doc in docs:
        data = (folder / doc.name).read_bytes()
        if doc.name.endswith(".eml"):
            msg = email.message_from_bytes(data, policy=email.policy.default)
            shown = f"{msg['From']}\n{msg['To']}\n{msg.get_content()}"  # what a mail client shows
            for lb in doc.labels:
                assert lb.value in shown, (doc.name, lb)
                checked += 1
        elif doc.name.endswith((".docx", ".html")):
            cells = _office_cells(doc, data)
            for lb in doc.labels:
                assert cells[lb.row - 1 - (len(doc.rows) - len(cells))][lb.col] == lb.value, (doc.name, lb)
                checked += 1
        elif doc.name.endswith(".xlsx"):
            ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
            rows = [["" if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)]
            header = next((r for r in rows if any(lb.column in r for lb in doc.labels if lb.column)), None)
            for lb in doc.labels:
                assert rows[lb.row - 1][lb.col] == lb.value, (doc.name, lb)
                if lb.column:
                    assert header is not None and header[lb.col] == lb.column, (doc.name, lb)
                checked += 1
        else:
            text = data.decode(doc.encoding)
            for lb in doc.labels:
                assert text[lb.start : lb.end] == lb.value, (doc.name, lb, text[lb.start : lb.end])
                checked += 1
    return checked


def _office_cells(doc: Doc, data: bytes) -> list[list[str]]:
    """The table's cells as python-docx or the standard HTML parser reads them back."""
    if doc.name.endswith(".docx"):
        import docx

        table = docx.Document(io.BytesIO(data)).tables[0]
        return [[c.text for c in row.cells] for row in table.rows]
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag == "tr":
                self.rows.append([])
            elif tag in {"td", "th"}:
                self.rows[-1].append("")

        def handle_data(self, text: str) -> None:
            if self.rows and self.rows[-1] and text.strip():
                self.rows[-1][-1] += text

    parser = Cells()
    parser.feed(data.decode("utf-8"))
    return parser.rows


def test_generation_is_deterministic() -> None:
    first, _ = make_set("B", 60)
    second, _ = make_set("B", 60)
    assert [d.meta() for d in first] == [d.meta() for d in second]
    assert [render(d) for d in first if not d.name.endswith(".xlsx")] == [
        render(d) for d in second if not d.name.endswith(".xlsx")
    ]


NEGATIVE_FAMILIES = {"supplier_invoice", "shipping_notice", "system_log", "internal_memo", "blank_form",
                     "store_list", "order_export", "partner_mail", "store_info", "meeting_notes"}  # fmt: skip


def test_expected_actions_follow_the_policy(corpus) -> None:
    _, docs, _, _ = corpus
    for doc in docs:
        if doc.family in NEGATIVE_FAMILIES:
            assert doc.negative and doc.expected == "allow", doc.name
        else:
            assert not doc.negative, doc.name
        if doc.family == "crm_list" and not any(lb.type == "CREDIT_CARD" for lb in doc.labels):
            people = len({lb.row for lb in doc.labels})
            assert doc.expected == ("block" if people >= 100 else "quarantine" if people >= 10 else "warn"), doc.name
        if doc.family == "store_list":
            assert all(lb.type == "BUSINESS_CONTACT" for lb in doc.labels)


def _texts(docs: list[Doc], *types: str) -> list[str]:
    return [lb.value for d in docs for lb in d.labels if lb.type in types]


def test_each_set_covers_the_styles_of_issue_10(corpus) -> None:
    _, docs, _, _ = corpus
    families = {d.family for d in docs}
    positive = {"call_note", "inquiry_mail", "callback_memo", "crm_list", "headerless_list", "name_list",
                "escalation_summary", "pasted_table", "address_change", "payment_note"}  # fmt: skip
    assert families >= NEGATIVE_FAMILIES | positive
    names = {d.name.rsplit(".", 1)[1] for d in docs}
    assert {"txt", "csv", "xlsx", "eml"} <= names and names & {"docx", "html"}
    assert any(d.encoding == "cp932" for d in docs)
    assert any("の" in v for v in _texts(docs, "PHONE")), "phone numbers spoken with の"
    assert any(any(w in v for w in ("(at)", "＠", " at ", "アットマーク")) for v in _texts(docs, "EMAIL"))
    assert any("十" in v or ("年" in v and not any(c.isdigit() for c in v)) for v in _texts(docs, "BIRTH_DATE"))
    assert any("・" in v for v in _texts(docs, "PERSON")), "foreign names in katakana"
    assert any(any(w in v for w in ("号室", "ハイツ", "コーポ", "メゾン")) for v in _texts(docs, "ADDRESS"))
    columns = {lb.column for d in docs for lb in d.labels}
    assert columns & {"セイ", "姓（カナ）", "ｾｲ"} and columns & {"住所2", "番地・建物名", "住所２"}
    assert any(d.rows and d.rows[0][1:] == [""] * (len(d.rows[0]) - 1) for d in docs), "a title above the header"
    assert any(d.expected == e for d in docs for e in ("allow", "warn", "quarantine", "block"))


def test_the_two_sets_differ() -> None:
    a, own_a = make_set("A", 120)
    b, own_b = make_set("B", 120)
    names_a, names_b = set(_texts(a, "PERSON")), set(_texts(b, "PERSON"))
    assert len(names_a & names_b) < 0.1 * min(len(names_a), len(names_b))
    assert own_a.name != own_b.name and own_a.phone != own_b.phone


def test_own_company_contacts_are_allowed_and_others_are_not(tmp_path: Path) -> None:
    """The evaluation's allow list works: our own letterhead alone is allowed, a customer's phone
    in the same letter is not (so a flagged negative is the detector's doing, not the setup's)."""
    _, own = make_set("A", 1)
    settings = settings_for(own, tmp_path)
    letter = f"{own.name}\n〒{own.postal} {own.address}\nTEL {own.phone} FAX {own.fax}\n{own.mail}\n"
    assert scan_item(Item.from_bytes(letter.encode(), "own.txt"), settings).action.label == "allow"
    with_customer = letter + "お客様連絡先 090-3141-5926\n"
    assert scan_item(Item.from_bytes(with_customer.encode(), "mixed.txt"), settings).action.label == "warn"


# -- regression guard -------------------------------------------------------------------------


def test_scores_stay_above_the_floors(corpus, result: Result) -> None:
    floors = FLOORS[corpus[0]]
    got = {
        "micro_f1": result.exact.prf()[2],
        "person_f1": result.exact.prf("PERSON")[2],
        "verdict_accuracy": result.verdict_accuracy,
    }
    problems = [f"{k} {v:.3f} < {floors[k]}" for k, v in got.items() if v < floors[k]]
    if result.negatives_flagged_share > floors["negatives_flagged_max"]:
        problems.append(f"negatives flagged {result.negatives_flagged_share:.3f} > {floors['negatives_flagged_max']}")
    for t, floor in floors["f1"].items():
        f1 = result.exact.prf(t)[2]
        if f1 < floor:
            problems.append(f"{t} F1 {f1:.3f} < {floor}")
    assert not problems, f"set {corpus[0]}: " + "; ".join(problems)


def test_values_are_normalised_alike() -> None:
    """The value fallback compares NFKC forms: a full-width space in a name is a space."""
    assert unicodedata.normalize("NFKC", "藤田\u3000治") == "藤田 治"


def _finding(type_: str, start: int, end: int, value: str, locator: str = "doc.txt") -> Finding:
    return Finding("r", type_, locator, start, end, Confidence.HIGH, Severity.MEDIUM, "***", "fp", value=value)


def test_the_scorer_counts_what_its_docstring_says() -> None:
    """Exact spans, a personal type on a business contact is a false positive, the own company's
    allow-listed contacts are not misses, values are compared where offsets are not the file's,
    and a table counts its first SCORED_ROWS rows only."""
    d = Doc("note.txt", "call_note")
    d.add("連絡先 ").value("PHONE", "090-1234-5678").add(" 山田 ").value("PERSON", "山田太郎")
    d.add(" 店舗 ").biz("PHONE", "03-1111-2222").add(" 当社 ").biz("PHONE", "0120-000-000", own=True)
    i, j = d.text.index("090"), d.text.index("山田太郎")
    k = d.text.index("03-1111")
    findings = [
        _finding("PHONE", i, i + 13, "090-1234-5678"),  # exact: true positive
        _finding("PERSON", j, j + 2, "山田"),  # partial: exact miss + false positive, overlap hit
        _finding("PHONE", k, k + 12, "03-1111-2222"),  # a store's phone read as personal
    ]
    exact, overlap = Score(), Score()
    assert score_doc(d, findings, exact, True) == 1
    score_doc(d, findings, overlap, False)
    assert (exact.tp["PHONE"], exact.fp["PHONE"], exact.fn["PHONE"]) == (1, 1, 0)
    assert (exact.tp["PERSON"], exact.fp["PERSON"], exact.fn["PERSON"]) == (0, 1, 1)
    assert (overlap.tp["PERSON"], overlap.fn["PERSON"]) == (1, 0)
    assert exact.fn["BUSINESS_CONTACT"] == 1  # the store's phone; our own 0120 is not a miss
    as_business = Score()
    score_doc(d, [_finding("BUSINESS_CONTACT", k, k + 12, "03-1111-2222")], as_business, True)
    assert (as_business.tp["BUSINESS_CONTACT"], as_business.fp["PHONE"]) == (1, 0)
    moved = [_finding("PHONE", 0, 13, "090-1234-5678")]  # offsets into a mail body, not the file
    by_value = Score()
    score_doc(d, moved, by_value, True)
    assert by_value.tp["PHONE"] == 1

    table = Doc("list.xlsx", "crm_list", rows=[["氏名"]] + [[f"名{n}"] for n in range(60)])
    table.labels = [Label("PERSON", f"名{n}", row=n + 2, col=0) for n in range(60)]
    far = [_finding("PERSON", 0, 2, "名55", "list.xlsx!Sheet#row57")]
    counted = Score()
    score_doc(table, far, counted, True)
    assert counted.fp["PERSON"] == 0 and counted.fn["PERSON"] == SCORED_ROWS


def test_set_e_is_running_text_with_labels_on_their_values() -> None:
    """Set E (names in prose): every label is its span, surnames alone and foreign names occur,
    and the negatives hold no customer value (staff names only)."""
    docs, _ = make_set("E", 120)
    assert all(not d.rows and d.name.endswith(".txt") for d in docs)
    for doc in docs:
        for lb in doc.labels:
            assert doc.text[lb.start : lb.end] == lb.value, (doc.name, lb)
    persons = [lb for d in docs for lb in d.labels if lb.type == "PERSON" and not lb.staff]
    assert any(f"「{lb.value}です" in d.text for d in docs for lb in d.labels), "a self-introduction"
    assert any("・" in lb.value for lb in persons) and any(len(lb.value) <= 3 for lb in persons)
    negatives = [d for d in docs if d.negative]
    assert 0.2 < len(negatives) / len(docs) < 0.4 and all(d.expected == "allow" for d in negatives)


def test_set_f_is_held_out_from_set_e() -> None:
    """Set F (names in prose, round 2): its own seed, families and foreign names (none of E's),
    every label is its span, and the negatives hold no customer value."""
    from scripts.evalcorpus import heldout_e, heldout_f

    assert SETS["F"] == heldout_f.SEED and len(set(SETS.values())) == len(SETS)
    docs, _ = make_set("F", 120)
    e_docs, _ = make_set("E", 120)
    assert not {d.family for d in docs} & {d.family for d in e_docs}
    assert not {f for f, _ in heldout_f.FOREIGN} & {f for f, _ in heldout_e.FOREIGN}
    assert all(not d.rows and d.name.endswith(".txt") for d in docs)
    for doc in docs:
        for lb in doc.labels:
            assert doc.text[lb.start : lb.end] == lb.value, (doc.name, lb)
    negatives = [d for d in docs if d.negative]
    assert 0.2 < len(negatives) / len(docs) < 0.4 and all(d.expected == "allow" for d in negatives)


def _held_out(name: str, seed: int, factory: pytest.TempPathFactory) -> tuple[list[Doc], Path, list[list[Doc]]]:
    """Held-out set ``name`` written into a corpus folder (inputs, not our logs: the no-raw-values
    test skips it), checked to stand apart from every set before it: its own seed, company and
    document families. (docs, folder, the earlier sets' documents.)"""
    assert SETS[name] == seed and len(set(SETS.values())) == len(SETS)
    folder = factory.mktemp(f"evalcorpus-{name}")
    docs, own = write_set(name, folder, DOCS)
    earlier = [make_set(s, DOCS) for s in SETS if s < name]
    assert own.name not in {o.name for _, o in earlier}
    assert not {d.family for d in docs} & {d.family for ds, _ in earlier for d in ds}
    return docs, folder, [ds for ds, _ in earlier]


def test_set_g_is_held_out_with_labels_on_their_values(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Set G (texts and tables, written apart from A to F): its own seed and families, every
    label is its value in the written file, its schedule's shares hold, negatives are allowed
    and hold no customer value, and it has the layouts and hard negatives of issue 10."""
    from scripts.evalcorpus import heldout_g

    docs, tmp_path, _ = _held_out("G", heldout_g.SEED, tmp_path_factory)
    assert _check_labels(docs, tmp_path) > 5000
    negatives = [d for d in docs if d.negative]
    assert {d.family for d in negatives} == heldout_g.NEGATIVE_FAMILIES
    assert all(d.expected == "allow" for d in negatives) and len(negatives) == DOCS // 4
    assert sum(bool(d.rows) for d in docs if not d.negative) == DOCS * 6 // 20
    assert {d.expected for d in docs} == {"allow", "warn", "quarantine", "block"}
    exts = {d.name.rsplit(".", 1)[1] for d in docs}
    assert {"txt", "csv", "xlsx", "docx", "html", "eml"} <= exts and any(d.encoding == "cp932" for d in docs)
    columns = {lb.column for d in docs for lb in d.labels}
    assert {"姓", "名"} <= columns and columns & {"ｾｲ", "セイ"} and columns & {"住所2", "住所２"}
    assert columns & {"〒", "郵便番号"} and "口座番号" in columns and columns & {"契約者名", "ご購入者", "お客様名"}
    assert any(d.rows and d.rows[0][1:] == [""] * (len(d.rows[0]) - 1) for d in docs), "a title above the header"
    assert any(d.rows and len(d.rows[0]) == 1 for d in docs), "single-column name lists"
    persons = [lb.value for d in docs for lb in d.labels if lb.type == "PERSON" and lb.customer]
    assert any("・" in v for v in persons) and any(v.isascii() for v in persons), "katakana and romaji names"
    assert any(all("ぁ" <= ch <= "ん" for ch in v[-2:]) for v in persons), "hiragana given names"
    assert any("の" in v for v in _texts(docs, "PHONE"))
    assert any("十" in v for v in _texts(docs, "BIRTH_DATE"))
    assert any(v.isdigit() and len(v) == 7 for v in _texts(docs, "POSTAL_CODE"))
    staff_only = [d for d in docs if d.family == "shift_roster"]
    assert staff_only and all(lb.staff for d in staff_only for lb in d.labels)
    again, _ = make_set("G", 60)  # deterministic from the seed
    assert [d.meta() for d in again] == [d.meta() for d in make_set("G", 60)[0]]
    texts = "".join(d.text for d in docs if d.family in {"supplier_seikyusho", "phone_system_log"})
    assert "登録番号：T" in texts and "call_id=" in texts


def _check_book_labels(docs: list[Doc], folder: Path) -> int:
    """Like ``_check_labels``, for set H's workbooks of several sheets: each label's cell is read
    from the sheet the label names (a name cell may carry 様 after the labelled name)."""
    checked = 0
    for doc in docs:
        if not doc.name.endswith(".xlsx"):
            continue
        book = openpyxl.load_workbook(folder / doc.name)
        for lb in doc.labels:
            rows = [["" if c is None else str(c) for c in row] for row in book[lb.sheet].iter_rows(values_only=True)]
            cell = rows[lb.row - 1][lb.col]
            assert cell == lb.value or cell == f"{lb.value} 様", (doc.name, lb, cell)
            checked += 1
    return checked


def test_set_h_is_held_out_with_labels_on_their_values(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Set H (texts and tables, written apart from A to G): its own seed, company and families,
    every label is its value in the written file (workbooks sheet by sheet), its schedule's
    shares hold, negatives are allowed and hold no customer value, and it has issue 10's layouts,
    name forms and hard negatives."""
    from scripts.evalcorpus import heldout_h
    from scripts.evalcorpus.sources import luhn_complete

    docs, tmp_path, others = _held_out("H", heldout_h.SEED, tmp_path_factory)
    assert not any(lb.sheet for ds in others for d in ds for lb in d.labels)
    plain = [d for d in docs if not d.name.endswith(".xlsx")]
    assert _check_labels(plain, tmp_path) + _check_book_labels(docs, tmp_path) > 5000
    negatives = [d for d in docs if d.negative]
    assert {d.family for d in negatives} == heldout_h.NEGATIVE_FAMILIES
    assert all(d.expected == "allow" for d in negatives) and len(negatives) == DOCS // 4
    assert sum(bool(d.rows) for d in docs if not d.negative) == DOCS * 6 // 20
    assert {d.expected for d in docs} == {"allow", "warn", "quarantine", "block"}
    exts = {d.name.rsplit(".", 1)[1] for d in docs}
    assert {"txt", "log", "csv", "xlsx", "docx", "html", "eml"} <= exts and any(d.encoding == "cp932" for d in docs)
    columns = {lb.column for d in docs for lb in d.labels}
    assert {"姓", "名", "セイ", "メイ", "住所1", "住所2", "〒", "口座番号", "氏名(漢字)", "氏名(カナ)"} <= columns
    assert {"都道府県", "市区町村"} <= columns and columns & {"番地・建物", "番地・建物名"}
    assert columns & {"お客様名", "ご購入者", "契約者名", "購入者氏名"}
    books = [d for d in docs if isinstance(d, heldout_h.Book)]
    assert any(len(b.sheets) >= 3 for b in books) and any(m for b in books for _, _, m in b.sheets), "sheets, merges"
    assert any(d.rows and len(d.rows[0]) == 1 for d in docs), "single-column name lists"
    persons = [lb.value for d in docs for lb in d.labels if lb.type == "PERSON" and lb.customer]
    assert any("・" in v for v in persons) and any(v.isascii() and " " in v for v in persons), "katakana, romaji"
    assert any(all("ぁ" <= ch <= "ん" for ch in v[-3:]) for v in persons), "hiragana given names"
    assert any(v.startswith(("陳", "劉", "張", "趙", "周")) for v in persons), "Chinese names in kanji"
    assert any(all("ｦ" <= ch <= "ﾟ" or ch == " " for ch in v) for v in persons), "half-width account holders"
    births = _texts(docs, "BIRTH_DATE")
    assert any("十" in v for v in births) and any(v.startswith(("昭和", "平成", "S", "H")) for v in births)
    assert any("の" in v for v in _texts(docs, "PHONE"))
    assert any(v.isdigit() and len(v) == 7 for v in _texts(docs, "POSTAL_CODE"))
    assert any(any(w in v for w in ("(at)", "＠", "[at]")) for v in _texts(docs, "EMAIL"))
    rosters = [d for d in docs if d.family == "toban_hyou"]
    assert rosters and all(lb.staff for d in rosters for lb in d.labels)
    texts = "".join(d.text for d in docs if d.family in {"shiire_seikyu", "sys_log"})
    assert "登録番号：T" in texts
    ids = [w.split("=")[1] for w in texts.split() if w.startswith(("call_uuid=", "txn="))]
    assert ids and all(luhn_complete(i[:-1], 16, random.Random()) == i for i in ids), "Luhn-valid ids"
    again, _ = make_set("H", 60)  # deterministic from the seed
    assert [d.meta() for d in again] == [d.meta() for d in make_set("H", 60)[0]]


def test_set_i_is_held_out_prose_with_labels_on_their_values(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Set I (prose-heavy, written apart from A to H): its own seed, company and families, every
    label is its value in the written file, two thirds of it running text, a fifth hard negatives
    that are allowed and hold no customer value, and the name forms of issue 10's prose."""
    from scripts.evalcorpus import heldout_i

    docs, tmp_path, _ = _held_out("I", heldout_i.SEED, tmp_path_factory)
    assert _check_labels(docs, tmp_path) > 2000
    negatives = [d for d in docs if d.negative]
    assert {d.family for d in negatives} == heldout_i.NEGATIVE_FAMILIES
    assert all(d.expected == "allow" for d in negatives) and len(negatives) == DOCS // 5
    prose = {f.__name__ for f in heldout_i.TEXT_POSITIVE}
    assert sum(d.family in prose for d in docs) == DOCS * 13 // 20
    assert not any(d.rows for d in docs), "tables are pasted into texts"
    assert {d.expected for d in docs} == {"allow", "warn", "quarantine", "block"}
    persons = [lb.value for d in docs for lb in d.labels if lb.type == "PERSON" and lb.customer]
    assert any("・" in v for v in persons) and any(v.isascii() and " " in v for v in persons), "katakana, romaji"
    assert any(all("ぁ" <= ch <= "ん" or ch in " 　" for ch in v) for v in persons), "hiragana readings"
    assert any(v.startswith(("陳", "劉", "王", "朴", "崔")) for v in persons), "Chinese and Korean names in kanji"
    assert any(len(v) <= 2 for v in persons) and any("　" in v for v in persons), "given names, wide spaces"
    text = "".join(d.text for d in docs)
    for form in ("と申します", "長男の", "くん", "ちゃん", "殿", "From: ", "\n> ", "本日の折返し対象："):
        assert form in text, form
    births = _texts(docs, "BIRTH_DATE")
    assert any("十" in v for v in births) and any(v.startswith(("昭和", "平成", "S", "H")) for v in births)
    assert any("の" in v for v in _texts(docs, "PHONE"))
    assert any(any(w in v for w in ("(at)", "＠", "[at]")) for v in _texts(docs, "EMAIL"))
    assert _texts(docs, "BANK_ACCOUNT") and _texts(docs, "CREDIT_CARD")
    staff_only = [d for d in docs if d.family == "shift_notice"]
    assert staff_only and all(lb.staff for d in staff_only for lb in d.labels)
    logs = "".join(d.text for d in docs if d.family in {"gyosha_seikyu", "pbx_event_log"})
    assert "登録番号：T" in logs and "call_id=" in logs
    again, _ = make_set("I", 60)  # deterministic from the seed
    assert [d.meta() for d in again] == [d.meta() for d in make_set("I", 60)[0]]
