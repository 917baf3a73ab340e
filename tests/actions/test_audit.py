"""The audit trail: whole lines from many writers at once, masked values and keyed
fingerprints only, and the officer's summary."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from dlp.actions.audit import AuditLog, report
from dlp.actions.auditchain import verify as verify_chain
from dlp.model import Item
from dlp.pipeline import scan_item
from dlp.policy import ScanContext
from tests.conftest import FIXTURES

pytestmark = pytest.mark.slow  # concurrent writer processes and dlp as a subprocess

WRITERS, LINES = 6, 400


CHAIN_KEY = b"dlp-tests-audit-chain-key-000000"


def _write_many(path: str, writer: int) -> None:
    log = AuditLog(Path(path), chain_key=CHAIN_KEY)
    padding = "あ" * (writer * 700)  # lines of different sizes, some beyond a pipe buffer
    for n in range(LINES):
        log.write("test", writer=writer, n=n, padding=padding)


def test_concurrent_writers_never_tear_a_line(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_write_many, args=(str(path), w)) for w in range(WRITERS)]
    for p in processes:
        p.start()
    for p in processes:
        p.join(60)
        assert p.exitcode == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == WRITERS * LINES
    seen: dict[int, list[int]] = {w: [] for w in range(WRITERS)}
    for line in lines:
        record = json.loads(line)  # every line whole
        seen[record["writer"]].append(record["n"])
    assert all(ns == list(range(LINES)) for ns in seen.values())  # each writer's order kept
    assert path.stat().st_mode & 0o777 == 0o600
    chain = verify_chain(path, CHAIN_KEY)  # one chain across processes and lines longer than a read
    assert chain.intact and chain.unsigned == [] and chain.lines == WRITERS * LINES


def test_verdict_lines_hold_masked_values_and_fingerprints(tmp_path: Path, settings) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    outside = ScanContext(channel="mail", external_recipients=True)
    first = scan_item(Item.from_path(FIXTURES / "card_memo.txt", channel="mail"), settings, outside)
    again = scan_item(
        Item.from_bytes(b"card 5229 8762 1369 7318 exp 12/28", "again.txt", channel="mail"), settings, outside
    )
    log.verdict(
        first, channel="mail", sender="sato@example.co.jp", recipients=["a@shop.example.net"], enforced="rejected"
    )
    log.verdict(again, channel="mail", sender="sato@example.co.jp", recipients=["b@shop.example.net"])
    text = log.path.read_text(encoding="utf-8")
    assert "5229-8762-1369-7318" not in text and "5229876213697318" not in text and "8762" not in text
    one, two = (json.loads(line) for line in text.splitlines())
    assert one["samples"]["CREDIT_CARD"] == ["5229-****-****-7318"] or one["samples"]["CREDIT_CARD"][0].endswith("7318")
    assert one["fingerprints"]["CREDIT_CARD"] == two["fingerprints"]["CREDIT_CARD"]  # correlated, not stored
    assert len(one["fingerprints"]["CREDIT_CARD"][0]) >= 16
    assert one["recipient_domains"] == ["shop.example.net"] and "a@shop" not in text
    assert one["action"] == "block" and one["enforced"] == "rejected" and one["channel"] == "mail"


def test_a_torn_last_line_does_not_hide_the_rest(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.write("one")
    with log.path.open("a", encoding="utf-8") as fh:
        fh.write('{"ts": "2026-11-29T10:00:00+09:00", "ev')  # a crash mid-write
    log.write("two")
    assert [r["event"] for r in log.read()] == ["one", "two"]  # the torn line is skipped, the next kept


def test_report_counts_per_day_type_channel_and_sender(tmp_path: Path, settings) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    block = scan_item(Item.from_path(FIXTURES / "card_memo.txt"), settings)
    warn = scan_item(Item.from_path(FIXTURES / "call_notes.txt"), settings)
    allow = scan_item(Item.from_path(FIXTURES / "minutes.txt"), settings)
    log.verdict(block, channel="mail", sender="sato@example.co.jp")
    log.verdict(block, channel="mail", sender="sato@example.co.jp")
    log.verdict(warn, channel="watch", folder="/srv/export")
    log.verdict(allow, channel="mail", sender="ito@example.co.jp")
    log.write("quarantine.release", actor="officer")
    summary = report(log.read())
    assert summary["verdicts"] == 4
    (day,) = summary["per_day"].values()
    assert day == {"block": 2, "warn": 1, "allow": 1}
    assert summary["per_channel"] == {"mail": {"block": 2, "allow": 1}, "watch": {"warn": 1}}
    assert summary["per_type"]["CREDIT_CARD"] == 1  # the same card sent twice is one card
    assert summary["per_type_items"]["CREDIT_CARD"] == 2
    assert summary["top_senders"] == [("sato@example.co.jp", 2)]  # allowed mail is nobody's problem
    assert summary["top_folders"] == [("/srv/export", 1)]
    assert summary["officer_actions"] == {"quarantine.release": 1}


def test_threads_share_fsyncs_and_lose_nothing(tmp_path: Path) -> None:
    import threading

    log = AuditLog(tmp_path / "audit.jsonl")
    threads = [
        threading.Thread(target=lambda w=w: [log.write("t", writer=w, n=n) for n in range(300)]) for w in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = list(log.read())
    assert len(records) == 2400
    for w in range(8):
        assert [r["n"] for r in records if r["writer"] == w] == list(range(300))


def test_a_failed_write_is_an_error_for_its_writer(tmp_path: Path) -> None:
    import pytest

    target = tmp_path / "audit.jsonl"
    target.mkdir()  # not a file: every append fails
    log = AuditLog(target)
    with pytest.raises(OSError, match="audit trail"):
        log.write("lost")


ODD_LINES = [
    '{"event": "verdict", "channel": "mail", "action": "block"}',  # no ts
    '{"ts": 1764460800, "event": "verdict", "action": "block"}',  # a number
    '{"ts": "yesterday", "event": "verdict", "action": "block"}',  # not a date
    '{"ts": "2026-11-30T10:00:00", "event": "verdict", "action": "warn", "channel": "watch"}',  # no zone
    '{"ts": "2026-11-30T10:00:00+09:00", "event": "verdict", "counts": [1, 2], "sender": ["x"], "action": {}}',
    '{"ts": "2026-11-30T10:00:00+09:00", "event": "verdict", "action": "block", "counts": {"PHONE": "many"}}',
    '{"ts": "2026-11-30T10:00:00+09:00", "event": ["quarantine.release"]}',
    "[1, 2, 3]",
    '"just a string"',
    "null",
    "\udcff not utf-8",
]


def test_report_skips_odd_lines_and_never_crashes(tmp_path: Path) -> None:
    """Lines written by another version, edited by hand, or damaged: the report counts what it can,
    says how many lines it skipped, and never crashes."""
    log = AuditLog(tmp_path / "audit.jsonl")
    log.write("verdict", channel="scan", action="block", counts={"PHONE": 2})
    with log.path.open("a", encoding="utf-8", errors="surrogateescape") as fh:
        fh.write("\n".join(ODD_LINES) + "\n")
    log.write("quarantine.release", actor="officer")
    assert all(isinstance(r, dict) and "unreadable" not in r for r in log.read())  # tail: records only
    summary = report(log.read(unreadable=True))
    assert summary["verdicts"] == 2  # ours, and the one without a zone (read as local time)
    assert summary["per_type"] == {"PHONE": 2}
    assert summary["officer_actions"] == {"quarantine.release": 1}
    assert summary["skipped_lines"] == len(ODD_LINES) - 1
    import datetime as dt

    since = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert report(log.read(since, unreadable=True))["verdicts"] == 2


def test_cli_audit_report_survives_odd_lines(tmp_path: Path, config_file: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    path = tmp_path / "data" / "audit.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", errors="surrogateescape") as fh:
        fh.write("\n".join(ODD_LINES) + "\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DLP_CONFIG": str(config_file), "COLUMNS": "200"}
    for args in (["report"], ["report", "--format", "json"], ["tail"]):
        result = subprocess.run(
            [sys.executable, "-m", "dlp", "audit", *args], capture_output=True, text=True, env=env, timeout=120
        )
        assert result.returncode == 0 and "Traceback" not in result.stderr, (args, result.stderr)
    assert (
        "skipped"
        in subprocess.run(
            [sys.executable, "-m", "dlp", "audit", "report"], capture_output=True, text=True, env=env, timeout=120
        ).stdout
    )


def _chained(tmp_path: Path, n: int = 6) -> tuple[AuditLog, list[bytes]]:
    log = AuditLog(tmp_path / "audit.jsonl", chain_key=CHAIN_KEY)
    for i in range(n):
        log.write("verdict", channel="mail", action="block", n=i, padding="x" * (i * 5000))
    return log, log.path.read_bytes().splitlines(keepends=True)


def test_an_edited_deleted_inserted_or_moved_audit_line_breaks_the_chain(tmp_path: Path) -> None:
    """Someone with write access to the data folder but not the key rewrites the trail."""
    log, lines = _chained(tmp_path)
    assert verify_chain(log.path, CHAIN_KEY).intact
    attacks = {  # name: (forged trail, first line that must be reported)
        "edited": ([*lines[:2], lines[2].replace(b'"block"', b'"allow"'), *lines[3:]], 3),
        "deleted": ([*lines[:2], *lines[3:]], 3),
        "inserted": ([*lines[:2], lines[1], *lines[2:]], 3),
        "moved": ([*lines[:2], lines[3], lines[2], *lines[4:]], 3),
        "first cut": (lines[1:], 1),
        "mac removed": ([*lines[:2], lines[2].split(b',"mac"')[0] + b"}\n", *lines[3:]], 4),
    }
    for name, (forged, first) in attacks.items():
        log.path.write_bytes(b"".join(forged))
        chain = verify_chain(log.path, CHAIN_KEY)
        assert not chain.intact and chain.broken[0] == first, (name, chain)
    log.path.write_bytes(b"".join(lines))
    assert not verify_chain(log.path, b"another key, another chain....").intact


def test_a_torn_line_is_unsigned_not_a_break(tmp_path: Path) -> None:
    log, _ = _chained(tmp_path, 2)
    with log.path.open("ab") as fh:
        fh.write(b'{"ts": "2026-11-29T10:00:00+09:00", "ev')  # a writer killed mid-line
    log.write("after the crash")
    chain = verify_chain(log.path, CHAIN_KEY)
    assert chain.intact and chain.unsigned == [3] and chain.lines == 4


def test_cli_audit_verify(tmp_path: Path, config_file: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT), "DLP_CONFIG": str(config_file), "COLUMNS": "200"}
    env.pop("DLP_FINGERPRINT_KEY", None)

    def dlp(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dlp", *args], capture_output=True, text=True, env=env, timeout=120
        )

    source = tmp_path / "card_memo.txt"
    source.write_bytes((FIXTURES / "card_memo.txt").read_bytes())
    assert dlp("scan", "--audit", str(source)).returncode != 0  # a block: exit code says so
    assert dlp("quarantine", "list").returncode == 0
    ok = dlp("audit", "verify")
    assert ok.returncode == 0 and "intact" in ok.stdout, ok.stdout + ok.stderr
    trail = tmp_path / "data" / "audit.jsonl"
    trail.write_text(trail.read_text(encoding="utf-8").replace('"block"', '"allow"'), encoding="utf-8")
    broken = dlp("audit", "verify")
    assert broken.returncode == 1 and "line 1" in broken.stdout, broken.stdout + broken.stderr
