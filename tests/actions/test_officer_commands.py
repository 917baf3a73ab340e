"""The officer's commands as an officer runs them (a real process, a real dlp.toml): delete asks
first, show says who did what and when, export writes the original's format under its name,
scan --quarantine names its holds and leaves the watcher's note, audit report counts people
once however many files they are in."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow  # runs dlp as a subprocess


@pytest.fixture()
def dlp(tmp_path: Path, config_file: Path):
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT), "DLP_CONFIG": str(config_file)}
    env.pop("DLP_QUARANTINE_KEY", None)
    env.pop("DLP_FINGERPRINT_KEY", None)

    def run(*args: str, stdin: int | None = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dlp", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
            stdin=stdin,
        )

    return run


def _copy(tmp_path: Path, name: str, as_name: str | None = None, folder: str = "export") -> Path:
    target = tmp_path / folder / (as_name or name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / name, target)
    return target


def _held(dlp, tmp_path: Path, name: str = "card_memo.txt", actor: str = "suzuki") -> str:
    assert dlp("quarantine", "add", str(_copy(tmp_path, name)), "--actor", actor).returncode == 0
    (entry,) = json.loads(dlp("quarantine", "list", "--format", "json").stdout)
    return entry["id"]


def _state(dlp, entry_id: str) -> str:
    return json.loads(dlp("quarantine", "show", entry_id, "--format", "json").stdout)["state"]


def _on_a_terminal(dlp, answer: bytes, *args: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run with a pseudo-terminal as standard input (what an officer's shell gives), typing ``answer``."""
    master, slave = pty.openpty()
    try:
        os.write(master, answer)
        result = dlp(*args, stdin=slave)
    finally:
        os.close(slave)
        os.close(master)
    return result, result.stdout


def test_delete_refuses_without_a_terminal_or_yes(dlp, tmp_path: Path) -> None:
    entry_id = _held(dlp, tmp_path)
    refused = dlp("quarantine", "delete", entry_id)  # stdin is /dev/null, as in cron or a pipe
    assert refused.returncode == 4
    assert "not a terminal" in refused.stderr and "--yes" in refused.stderr
    assert _state(dlp, entry_id) == "held"
    piped = subprocess.run(  # "y" piped in is not a confirmation either
        [sys.executable, "-m", "dlp", "quarantine", "delete", entry_id],
        input="y\n",
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "DLP_CONFIG": str(tmp_path / "dlp.toml")},
        cwd=tmp_path,
        timeout=120,
    )
    assert piped.returncode == 4 and _state(dlp, entry_id) == "held"
    assert dlp("quarantine", "delete", entry_id, "--yes").returncode == 0
    assert _state(dlp, entry_id) == "deleted"


def test_delete_asks_on_a_terminal(dlp, tmp_path: Path) -> None:
    entry_id = _held(dlp, tmp_path)
    result, shown = _on_a_terminal(dlp, b"n\n", "quarantine", "delete", entry_id)
    assert result.returncode == 1 and "not deleted" in shown and entry_id in shown
    assert "CREDIT_CARD" in shown  # what is about to go is shown first
    assert _state(dlp, entry_id) == "held"
    result, _ = _on_a_terminal(dlp, b"y\n", "quarantine", "delete", entry_id, "--actor", "tanaka")
    assert result.returncode == 0, result.stderr
    assert _state(dlp, entry_id) == "deleted"


def test_show_says_who_acted_and_when(dlp, tmp_path: Path) -> None:
    entry_id = _held(dlp, tmp_path, actor="suzuki")
    assert dlp("quarantine", "show", entry_id, "--actor", "tanaka").returncode == 0
    assert dlp("quarantine", "export", entry_id, "--to", str(tmp_path), "--actor", "tanaka").returncode == 0
    assert dlp("quarantine", "release", entry_id, "--actor", "yamamoto").returncode == 0
    shown = dlp("quarantine", "show", entry_id).stdout
    lines = shown[shown.index("history:") :].splitlines()[1:]
    steps = [(x[2], x[4] if x[3] == "by" else None) for x in (line.split() for line in lines)]
    assert steps == [
        ("held", "suzuki"),
        ("scanned", None),  # the verdict it was held on: "block on scan: held by hand"
        ("viewed", "tanaka"),
        ("exported", "tanaka"),
        ("released", "yamamoto"),
    ], shown
    assert "block on scan" in lines[1]
    assert all(line.strip()[:4].isdigit() and line.strip()[10] == " " for line in lines)  # 2026-11-30 17:40:12
    history = json.loads(dlp("quarantine", "show", entry_id, "--format", "json").stdout)["history"]
    assert [r["event"] for r in history][-1] == "quarantine.show" and history[0]["actor"] == "suzuki"
    assert all(r["ts"] for r in history)


def test_export_keeps_the_format_and_the_name(dlp, tmp_path: Path) -> None:
    book = _copy(tmp_path, "customer_book.xlsx", "顧客一覧 (11月).xlsx")
    original = book.read_bytes()
    held = dlp("scan", "--quarantine", "--format", "json", str(book))
    assert held.returncode == 2, held.stderr
    entry_id = json.loads(held.stdout)[0]["quarantine_id"]

    review = tmp_path / "review"
    review.mkdir()
    result = dlp("quarantine", "export", entry_id, "--to", str(review))
    assert result.returncode == 0, result.stderr
    exported = review / "顧客一覧 (11月).xlsx"
    assert exported.read_bytes() == original
    assert openpyxl.load_workbook(exported, read_only=True).sheetnames  # Excel's format, opened as such
    again = dlp("quarantine", "export", entry_id, "--to", str(review))
    assert again.returncode == 4 and "exists" in again.stderr and exported.read_bytes() == original

    here = dlp("quarantine", "export", entry_id)  # default: the current folder
    assert here.returncode == 0 and (tmp_path / exported.name).read_bytes() == original
    renamed = dlp("quarantine", "export", entry_id, "--to", str(tmp_path / "copy.csv"))
    assert renamed.returncode == 0 and "original is a .xlsx" in renamed.stderr


def test_export_names_are_safe(dlp, tmp_path: Path) -> None:
    from dlp.actions.exportname import safe_name

    assert safe_name("../../etc/cron.d/x", "Q1") == "x"
    assert safe_name("..", "Q1") == "Q1" and safe_name(".bashrc", "Q1") == "bashrc"
    assert safe_name('a\x00b:c?"<>|.csv', "Q1") == "a_b_c_____.csv"
    long = safe_name("名" * 200 + ".xlsx", "Q1")
    assert long.endswith(".xlsx") and len(long.encode()) <= 255

    mail = _copy(tmp_path, "mail_iso2022jp.eml", folder="outbox")
    data = mail.read_bytes()
    assert dlp("quarantine", "add", "--mail", str(mail)).returncode == 0
    (entry,) = json.loads(dlp("quarantine", "list", "--format", "json").stdout)
    assert dlp("quarantine", "export", entry["id"], "--to", str(tmp_path)).returncode == 0
    assert (tmp_path / f"{entry['id']}.eml").read_bytes() == data


def test_scan_quarantine_names_the_hold_and_leaves_the_watchers_note(dlp, tmp_path: Path) -> None:
    card = _copy(tmp_path, "card_memo.txt")
    notes = _copy(tmp_path, "call_notes.txt")
    result = dlp("scan", "--quarantine", "--format", "json", str(card.parent))
    assert result.returncode == 3, result.stderr
    items = {Path(i["path"]).name: i for i in json.loads(result.stdout)}
    entry_id = items["card_memo.txt"]["quarantine_id"]
    assert "quarantine_id" not in items["call_notes.txt"] and notes.exists()
    (entry,) = json.loads(dlp("quarantine", "list", "--format", "json").stdout)
    assert entry["id"] == entry_id

    marker = card.with_name("card_memo.txt.dlp.txt")
    text = marker.read_text(encoding="utf-8")
    assert f"管理ID    : {entry_id}" in text and "5229-8762-1369-7318" not in text
    # the very text the watcher leaves (the same template, filled the same way)
    from dlp.config import load_config
    from dlp.services import Services

    services = Services(load_config(tmp_path / "dlp.toml"))
    expected = services.notifier.marker(_verdict_of(card), item=str(card), quarantine_id=entry_id)
    skip = ("  日時", "  Time")  # the clock moved on
    assert [x for x in text.splitlines() if not x.startswith(skip)] == [
        x for x in expected.splitlines() if not x.startswith(skip)
    ]

    second = _copy(tmp_path, "card_memo.txt", "card2.txt", folder="more")
    table = dlp("scan", "--quarantine", str(second))
    assert table.returncode == 3
    (_, new) = json.loads(dlp("quarantine", "list", "--format", "json").stdout)
    assert f"held as {new['id']}" in table.stdout
    assert (second.parent / "card2.txt.dlp.txt").exists()


def _verdict_of(path: Path):
    """The verdict the scan held ``path`` on: the same bytes scanned again with the same settings."""
    from dlp.config import load_config
    from dlp.model import Item
    from dlp.pipeline import scan_item
    from dlp.settings import Settings

    settings = Settings.load(load_config(path.parent.parent / "dlp.toml"))
    copy = path.parent.parent / "again" / path.name
    copy.parent.mkdir(exist_ok=True)
    shutil.copyfile(FIXTURES / "card_memo.txt", copy)
    return scan_item(Item.from_path(copy, channel="scan"), settings)


def test_audit_report_counts_people_once_across_files(dlp, tmp_path: Path) -> None:
    for n in range(3):  # the same customers in three exports
        _copy(tmp_path, "customer_book.xlsx", f"book{n}.xlsx")
    dlp("scan", "--audit", str(tmp_path / "export"))
    lines = [json.loads(x) for x in (tmp_path / "data" / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    one = next(r for r in lines if r["event"] == "verdict")["counts"]
    summary = json.loads(dlp("audit", "report", "--format", "json").stdout)
    assert summary["verdicts"] == 3
    assert summary["per_type"] == one  # distinct people, not 3x
    assert summary["per_type_items"] == {t: 3 * n for t, n in one.items()}
    assert all(n <= one[t] + 2 for t, n in summary["per_type_at_most"].items())  # cells counted in bulk
    assert one["PERSON"] >= 10

    table = dlp("audit", "report").stdout
    assert "distinct values" in table

    result = dlp("audit", "report", "--format", "csv")
    assert result.returncode == 0, result.stderr
    raw = subprocess.run(
        [sys.executable, "-m", "dlp", "audit", "report", "--format", "csv"],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "DLP_CONFIG": str(tmp_path / "dlp.toml")},
        cwd=tmp_path,
        timeout=120,
    ).stdout
    assert raw.startswith("\ufeff".encode())  # Excel reads UTF-8 only with a BOM
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    person = next(r for r in rows if r["section"] == "type" and r["name"] == "PERSON")
    assert int(person["distinct"]) == one["PERSON"] and int(person["total"]) == 3 * one["PERSON"]
    scan = next(r for r in rows if r["section"] == "channel" and r["name"] == "scan")
    assert int(scan["quarantine"]) == 3 and int(scan["total"]) == 3
    assert dlp("audit", "report", "--format", "xml").returncode == 4


def test_audit_csv_cells_never_start_a_formula() -> None:
    from dlp.actions.audit import report
    from dlp.actions.auditcsv import report_csv

    record = {
        "ts": "2026-11-30T10:00:00+09:00",
        "event": "verdict",
        "channel": "watch",
        "action": "warn",
        "counts": {"PHONE": 2},
        "fingerprints": {"PHONE": ["a", "b"]},
        "folder": '=HYPERLINK("http://evil.example/","x")',
    }
    older = {**record, "fingerprints": {"PHONE": ["a"]}}  # one value more than it lists
    summary = report(iter([record, older]))
    assert summary["per_type"] == {"PHONE": 2} and summary["per_type_at_most"] == {"PHONE": 3}
    text = report_csv(summary)
    assert "\n=" not in text and ",=" not in text and "'=HYPERLINK" in text
