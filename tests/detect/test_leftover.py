"""The rules over a long table read its untaken cells (dlp/detect/leftover.py) and find what
they found in the whole text with the taken cells blanked: same spans, lines, columns and
confidences. A real UTF-8 CSV (an invisible character in a note is no CP932) of Faker ja_JP
customers goes through the pipeline twice: as ``dlp scan`` runs it, and with the engine made
to read the blanked text (its delimiter taken for one a trigger could cross,
Engine._keeps_apart)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from dlp.detect.engine import Engine
from dlp.detect.leftover import Leftover
from dlp.model import Item, Verdict
from dlp.pipeline import scan_item
from tests.fakes import FakeJP

HEADER = ["顧客ID", "氏名", "性別", "電話番号", "メールアドレス", "勤務先", "登録日", "備考"]


def _notes(fake: FakeJP, r: random.Random) -> list[str]:
    return [
        "",
        "DM不要",
        f"連絡先 {fake.landline()}",
        f"旧住所：{fake.address()}",
        f"家族 {fake.email()}",
        f"電話 090\u200b{r.randint(1000, 9999)}-{r.randint(1000, 9999)}",
        "住所変更あり。旧住所宛の郵便物は転送済み",
    ]


def _rows(seed: int, n: int, *, few_notes: bool = False) -> list[list[str]]:
    """Customers whose 備考 (a column no kind takes) now and then holds a phone, a mail, an
    address after 住所, a number with an invisible character in it; a phone cell now and then
    holds more than a phone (the column does not take it, the rules read it). ``few_notes``:
    the same seven notes again and again (a column of repeated values, scanned once each)."""
    fake, r = FakeJP(seed), random.Random(seed)
    fixed = _notes(fake, r)
    rows = []
    for i in range(n):
        p = fake.person()
        phone = fake.mobile() if i % 37 else f"{fake.mobile()} 携帯 / {fake.email()}"
        note = r.choice(fixed if few_notes else _notes(fake, r))
        rows.append(
            [f"C{i + 1:06d}", p.name, r.choice("男女"), phone, fake.email(), fake.company(), "2025/03/04", note]
        )
    return rows


def _write(tmp_path: Path, rows: list[list[str]], quoted_at: int | None = None) -> Path:
    lines = [",".join(HEADER)]
    for i, row in enumerate(rows):
        if i == quoted_at:  # a quoted cell over two lines (a note typed with Alt+Enter)
            row = [*row[:-1], f'"{row[-1]}\r\n続き：090-1234-5678"']
        lines.append(",".join(row))
    path = tmp_path / "customers.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def _findings(verdict: Verdict) -> list[tuple[object, ...]]:
    return sorted((f.rule, f.type, f.start, f.end, f.line, f.column, f.record, f.confidence) for f in verdict.findings)


def _blanked(monkeypatch: pytest.MonkeyPatch, settings, path: Path) -> Verdict:  # type: ignore[no-untyped-def]
    with monkeypatch.context() as m:
        m.setattr(Engine, "_keeps_apart", lambda self, delimiter: False)
        return scan_item(Item.from_path(path), settings)


@pytest.mark.parametrize("few_notes", [False, True])
def test_untaken_cells_give_the_findings_of_the_blanked_text(settings, tmp_path: Path, monkeypatch, few_notes) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, _rows(311, 900, few_notes=few_notes))
    used: list[bool] = []
    columnar = Leftover.columnar
    monkeypatch.setattr(Leftover, "columnar", lambda self: used.append(columnar(self)) or used[-1])
    verdict = scan_item(Item.from_path(path), settings)
    assert used and all(used)  # the untaken cells were read, not the blanked text
    expected = _blanked(monkeypatch, settings, path)
    assert _findings(verdict) == _findings(expected)
    assert verdict.counts == expected.counts
    # Findings of the rules (not of a column) sit in the 備考 or 電話番号 cells, at their
    # offsets in the decoded file, on their rows' lines.
    text = path.read_bytes().decode("utf-8")
    lines = text.split("\r\n")
    kinds = ("PHONE", "EMAIL", "ADDRESS")
    ruled = [f for f in verdict.findings if f.column in ("備考", "電話番号") and f.type in kinds]
    ruled = [f for f in ruled if not (f.explanation and f.explanation.pattern.startswith("column:"))]
    assert len(ruled) > 50
    for f in ruled:
        assert f.value is not None and f.line is not None
        row = lines[f.line - 1]
        assert text[f.start : f.end] in row
        assert f.record and f.record.endswith(f"#row{f.line}")


def test_a_quoted_cell_over_two_lines_is_read_as_before(settings, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, _rows(312, 700), quoted_at=350)
    verdict = scan_item(Item.from_path(path), settings)
    expected = _blanked(monkeypatch, settings, path)
    assert _findings(verdict) == _findings(expected)
    text = path.read_bytes().decode("utf-8")
    at = text.index("続き：090-1234-5678") + len("続き：")
    assert any(f.start == at and f.type == "PHONE" for f in verdict.findings)


def test_a_tab_separated_table_is_read_blanked(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A tab is a separator inside a number (090<tab>1234<tab>5678 is one trigger): a
    tab-separated table's cells are not scanned apart."""
    assert settings.engine._keeps_apart(",")
    assert not settings.engine._keeps_apart("\t")


def test_regions_told_by_their_words_keep_the_findings(settings, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Where a rule has many windows (住所 in a notes column on row after row), a region without
    any of its required words is not searched: the findings are those of searching them all."""
    import dlp.detect.engine as engine

    path = _write(tmp_path, _rows(313, 900))
    verdict = scan_item(Item.from_path(path), settings)
    monkeypatch.setattr(engine, "_MANY_WINDOWS", 10**9)
    every = scan_item(Item.from_path(path), settings)
    assert _findings(verdict) == _findings(every)
    assert verdict.counts == every.counts


def test_between_is_the_blanked_text_and_pieces_its_untaken_cells() -> None:
    """Leftover.between gives the blanked text of any stretch, and a piece's cells put back at
    their shifts are the segment's own untaken cells."""
    from dlp.detect.tables import SplitRows
    from dlp.model import Segment, Table

    r = random.Random(8)
    rows = [[c.replace(",", "、") for c in row] for row in _rows(314, 120, few_notes=True)]
    for end in ("\r\n", "\n"):
        lines = [",".join(row) for row in rows]
        starts = [sum(len(line) + len(end) for line in lines[:i]) for i in range(len(lines))]
        text = end.join(lines) + end
        table = Table(tuple(HEADER), 2, tuple(starts), delimiter=",", quoted=True)
        segment = Segment(text, "t.csv", table=table)
        bounds = [(a, a + len(line)) for a, line in zip(starts, lines, strict=True)]
        accepted = [set(r.sample(range(len(HEADER)), r.randint(0, 6))) | {0, 1} for _ in rows]
        split = SplitRows(bounds, [list(row) for row in rows], ",")
        leftover = Leftover(segment, table, bounds, split.rows, True, accepted, split)
        assert leftover.columnar()
        blanked = leftover.blanked()
        assert len(blanked) == len(text)
        for _ in range(2000):
            a = r.randrange(len(text))
            b = min(len(text), a + r.randint(0, r.choice([40, 400])))
            assert leftover.between(a, b) == blanked[a:b]
        pieces = [p for p in leftover.pieces() if p.column >= 0]
        assert sum(len(p.cells) for p in pieces) == sum(len(HEADER) - len(taken) for taken in accepted)
        for piece in pieces:
            for k, cell in enumerate(piece.cells):
                at = leftover.cell_start(piece.rows[k], piece.column)
                assert text[at : at + len(cell)] == cell
                assert piece.column not in accepted[piece.rows[k]]
                assert blanked[at : at + len(cell)] == cell
