"""Attacks on the watcher from issue 9, each played as a user of the folder would play it:
symlinks to data outside the folder, a user's own file at the marker's name, released bytes
copied elsewhere, and personal values in folder names."""

from __future__ import annotations

import csv
import email
import email.policy
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dlp.actions.quarantine import QuarantineStore
from dlp.keys import load_or_create_key
from tests.conftest import FIXTURES, ROOT
from tests.fakes import FakeJP
from tests.smtp_sink import SmtpSink
from tests.watch.harness import Daemon

pytestmark = pytest.mark.slow  # real watcher daemons


def _store(d: Daemon) -> QuarantineStore:
    return QuarantineStore(d.data / "quarantine", load_or_create_key(d.data / "quarantine.key"))


def customers_csv(path: Path, rows: int = 150, seed: int = 3) -> list[str]:
    """A customer list as a CRM exports it; returns the phone numbers written."""
    fake = FakeJP(seed)
    phones = []
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["氏名", "電話番号", "メールアドレス", "住所"])
        for _ in range(rows):
            person = fake.person()
            phone = fake.mobile()
            phones.append(phone)
            out.writerow([person.name, phone, fake.email(), fake.address()])
    return phones


def _release(d: Daemon, entry_id: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DLP_CONFIG": str(d.config), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "dlp", "quarantine", "release", entry_id, "--actor", "officer"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _wait_item(d: Daemon, suffix: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for v in d.verdicts():
            if v["item"].endswith(suffix):
                return v
        time.sleep(0.05)
    raise AssertionError(f"no verdict for …{suffix}: {[v['item'] for v in d.verdicts()]}")


# --- 10: symlinks ---------------------------------------------------------------------------------


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    (folder / "many").mkdir(parents=True)
    customers_csv(folder / "customers.csv")
    for n in range(3):
        customers_csv(folder / "many" / f"list{n}.csv", seed=n + 10)
    return folder


def _watch(tmp_path: Path, export: Path, port: int, watch: str = "") -> Daemon:
    return Daemon(
        tmp_path,
        port,
        watch=watch,
        folders=f'[[watch.folders]]\npath = "{export}"\nowner = "team@example.co.jp"\n',
    )


def test_symlinks_are_refused_by_default_with_a_reason_and_a_notice(
    tmp_path: Path, outside: Path, smtp_sink: SmtpSink
) -> None:
    export = tmp_path / "export"
    export.mkdir()
    os.symlink(outside / "customers.csv", export / "before.csv")  # there before the start: the walk finds it
    with _watch(tmp_path, export, smtp_sink.port) as d:
        d.start()
        os.symlink(outside / "customers.csv", export / "to_file.csv")
        os.symlink(outside / "many", export / "to_folder")
        os.symlink("/proc/self/environ", export / "proc.txt")
        os.symlink("/dev/zero", export / "zero.bin")
        os.symlink("loop", export / "loop")  # a link to itself
        names = ["before.csv", "to_file.csv", "to_folder", "proc.txt", "zero.bin", "loop"]
        verdicts = {n: _wait_item(d, "/" + n) for n in names}
        for name, v in verdicts.items():
            assert v["action"] in ("quarantine", "block"), (name, v)
            assert v["enforced"].startswith("refused: symbolic link"), (name, v)
            assert v["unscannable"] == ["unsupported"], (name, v)
            assert not os.path.lexists(export / name), name  # the link is gone, its target is not
        assert (outside / "customers.csv").stat().st_size > 1000
        assert sorted(p.name for p in (outside / "many").iterdir()) == ["list0.csv", "list1.csv", "list2.csv"]
        marker = (export / "to_file.csv.dlp.txt").read_text(encoding="utf-8")
        assert "シンボリックリンク" in marker and "symbolic link" in marker
        messages = smtp_sink.wait_for(2 * len(names), timeout=30)
        assert {m.rcpt_tos[0] for m in messages} == {"team@example.co.jp", "dpo@example.co.jp"}
        time.sleep(1.0)
        assert len(d.verdicts()) == len(names)  # one verdict each, no loop, no hang
        assert d.process is not None and d.process.poll() is None


def test_symlinks_scanned_when_configured(tmp_path: Path, outside: Path, smtp_sink: SmtpSink) -> None:
    export = tmp_path / "export"
    export.mkdir()
    with _watch(tmp_path, export, smtp_sink.port, watch='symlinks = "scan"') as d:
        d.start()
        os.symlink(outside / "customers.csv", export / "to_file.csv")
        os.symlink(outside / "many", export / "to_folder")
        os.symlink("/proc/self/environ", export / "proc.txt")
        os.symlink("/dev/zero", export / "zero.bin")
        linked = _wait_item(d, "/to_file.csv")
        assert linked["action"] == "block" and linked["enforced"] == "held" and linked["records"] >= 150
        assert not os.path.lexists(export / "to_file.csv")
        assert (outside / "customers.csv").exists()  # only the link is taken away
        content = _store(d).content(linked["quarantine_id"])
        assert content == (outside / "customers.csv").read_bytes()
        for name in ("to_folder", "proc.txt", "zero.bin"):  # never followed, even in scan mode
            v = _wait_item(d, "/" + name)
            assert v["enforced"].startswith("refused: symbolic link"), (name, v)
        assert sorted(p.name for p in (outside / "many").iterdir()) == ["list0.csv", "list1.csv", "list2.csv"]


def test_the_symlinks_option_is_validated(tmp_path: Path, smtp_sink: SmtpSink) -> None:
    export = tmp_path / "export"
    export.mkdir()
    with _watch(tmp_path, export, smtp_sink.port, watch='symlinks = "follow"') as d:
        d.start(expect_exit=True)
        assert d.process is not None
        assert d.process.wait(60) != 0
        stderr = d.process.stderr.read().decode() if d.process.stderr else ""
        assert "symlinks" in stderr and "refuse" in stderr


# --- 14: the marker never overwrites ----------------------------------------------------------------


def test_the_marker_never_overwrites_a_users_file(tmp_path: Path, smtp_sink: SmtpSink) -> None:
    export = tmp_path / "export"
    export.mkdir()
    own = export / "list.csv.dlp.txt"
    own.write_bytes("私のメモ / my own notes about list.csv\n".encode())
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"root's file\n")
    os.symlink(victim, export / "list.csv.dlp-2.txt")  # planted at the next free name
    before = own.read_bytes()
    with _watch(tmp_path, export, smtp_sink.port) as d:
        d.start()
        customers_csv(export / "list.csv")
        held = _wait_item(d, "/list.csv")
        assert held["enforced"] == "held"
        time.sleep(1.0)
        assert own.read_bytes() == before and not own.is_symlink()
        assert victim.read_bytes() == b"root's file\n"
        markers = [
            p
            for p in export.iterdir()
            if p.name.startswith("list.csv.dlp") and not p.is_symlink() and held["quarantine_id"] in p.read_text()
        ]
        assert len(markers) == 1 and markers[0].name != "list.csv.dlp.txt", sorted(os.listdir(export))
        # released: our marker goes, the user's file stays
        assert _release(d, held["quarantine_id"]).returncode == 0
        _wait_item(d, "/list.csv", timeout=5)
        deadline = time.monotonic() + 20
        while markers[0].exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not markers[0].exists()
        assert own.read_bytes() == before


# --- 18: released memory scoped to the path ---------------------------------------------------------


def test_released_bytes_are_held_again_anywhere_else(tmp_path: Path, smtp_sink: SmtpSink) -> None:
    export, other = tmp_path / "export", tmp_path / "other"
    export.mkdir()
    other.mkdir()
    folders = "".join(f'[[watch.folders]]\npath = "{f}"\n' for f in (export, other))
    with Daemon(tmp_path, smtp_sink.port, folders=folders) as d:
        d.start()
        shutil.copyfile(FIXTURES / "card_memo.txt", export / "card.txt")
        (held,) = d.wait_verdicts(1)
        assert held["enforced"] == "held"
        result = _release(d, held["quarantine_id"])
        assert result.returncode == 0, result.stderr
        again = d.wait_verdicts(2)[-1]
        assert again["enforced"] == f"released earlier ({held['quarantine_id']})"
        assert (export / "card.txt").exists()
        shutil.copyfile(FIXTURES / "card_memo.txt", other / "card.txt")
        shutil.copyfile(FIXTURES / "card_memo.txt", export / "card_copy.txt")
        d.wait_verdicts(4)
        time.sleep(1.0)
        by_item = {v["item"]: v for v in d.verdicts()}
        assert by_item[str(other / "card.txt")]["enforced"] == "held"
        assert by_item[str(export / "card_copy.txt")]["enforced"] == "held"
        assert not (other / "card.txt").exists() and not (export / "card_copy.txt").exists()
        assert (export / "card.txt").read_bytes() == (FIXTURES / "card_memo.txt").read_bytes()
        assert len(d.verdicts()) == 4
        # the same bytes at the same path, but another owner's file: a new decision
        staged = tmp_path / "staged.txt"
        shutil.copyfile(FIXTURES / "card_memo.txt", staged)
        os.chown(staged, 4321, 4321)
        os.replace(staged, export / "card.txt")
        assert d.wait_verdicts(5)[-1]["enforced"] == "held"
        assert not (export / "card.txt").exists()


# --- 19: values in folder names -------------------------------------------------------------------


def test_values_in_folder_names_are_masked_everywhere(tmp_path: Path, smtp_sink: SmtpSink) -> None:
    fake = FakeJP(5)
    phone, my_number = "090-1234-5678", fake.my_number()
    spaced = f"{my_number[:4]} {my_number[4:8]} {my_number[8:]}"
    export = tmp_path / "export"
    folder = export / f"顧客_{phone}"
    deeper = folder / f"4 My Number {spaced}"
    deeper.mkdir(parents=True)
    named = tmp_path / "名簿_080-2468-1357"  # a watched folder whose own name holds a value
    named.mkdir()
    folders = f'[[watch.folders]]\npath = "{export}"\nowner = "team@example.co.jp"\n'
    folders += f'[[watch.folders]]\npath = "{named}"\n'
    with Daemon(tmp_path, smtp_sink.port, folders=folders) as d:
        d.start()
        customers_csv(folder / "list.csv")
        shutil.copyfile(FIXTURES / "card_memo.txt", deeper / f"マイナンバー{my_number}.txt")
        held = [_wait_item(d, "/list.csv"), _wait_item(d, ".txt")]
        assert all(v["enforced"] == "held" for v in held), held
        smtp_sink.wait_for(4, timeout=30)
        time.sleep(1.0)
        scan = subprocess.run(
            [sys.executable, "-m", "dlp", "scan", "--format", "json", str(export)],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert scan.returncode >= 2, scan.stderr
        outputs = {
            "scan --format json": scan.stdout,
            "audit": (d.data / "audit.jsonl").read_text(encoding="utf-8"),
            "watch log": d.log.read_text(encoding="utf-8"),
        }
        for name in ("index.sqlite3", "notify.sqlite3", "watch.sqlite3"):
            for path in d.data.rglob(name):
                with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                    outputs[name] = "\n".join(db.iterdump())
        for i, m in enumerate(smtp_sink.messages):
            message = email.message_from_bytes(m.data, policy=email.policy.default)
            outputs[f"notice {i}"] = str(message["Subject"]) + message.get_body().get_content()
        for p in export.rglob("*.dlp*.txt"):
            outputs[f"marker {p.name}"] = p.read_text(encoding="utf-8")
        assert len([k for k in outputs if k.startswith("notice")]) >= 4
        assert any(k.startswith("marker") for k in outputs)
        show = subprocess.run(
            [sys.executable, "-m", "dlp", "quarantine", "show", held[0]["quarantine_id"]],
            env={**os.environ, "PYTHONPATH": str(ROOT), "DLP_CONFIG": str(d.config)},
            capture_output=True,
            text=True,
            check=False,
        )
        outputs["quarantine show"] = show.stdout
        shutil.copyfile(FIXTURES / "call_notes.txt", named / "notes.txt")  # warn: audit, log, notices
        _wait_item(d, "/notes.txt")
        outputs["watch log"] = d.log.read_text(encoding="utf-8")
        outputs["audit"] = (d.data / "audit.jsonl").read_text(encoding="utf-8")
        raw = [phone, phone.replace("-", ""), my_number, spaced, "080-2468-1357"]
        leaks = [f"{where}: {value}" for where, text in outputs.items() for value in raw if value in text]
        assert not leaks, leaks
        items = json.loads(scan.stdout)
        assert any("090-****-5678" in i["path"] for i in items)  # masked, still readable


def test_data_under_a_lock_file_name_is_scanned(tmp_path: Path, smtp_sink: SmtpSink) -> None:
    """Only real lock files (small) are skipped: a customer list or a link under ~$ is judged."""
    export = tmp_path / "export"
    export.mkdir()
    outside = tmp_path / "outside.csv"
    customers_csv(outside)
    with _watch(tmp_path, export, smtp_sink.port) as d:
        d.start()
        (export / "~$report.xlsx").write_bytes(b"\x05sato" + b"\x00" * 157)  # what Excel writes
        customers_csv(export / "~$顧客.csv")
        os.symlink(outside, export / ".~lock.list.ods#")
        hidden = _wait_item(d, "/~$顧客.csv")
        assert hidden["action"] == "block" and hidden["enforced"] == "held"
        link = _wait_item(d, "/.~lock.list.ods#")
        assert link["enforced"].startswith("refused: symbolic link")
        time.sleep(1.0)
        assert len(d.verdicts()) == 2 and (export / "~$report.xlsx").exists()


def test_hashing_never_blocks_on_a_pipe(tmp_path: Path) -> None:
    """A path swapped for a named pipe after it was looked at: hashing refuses it at once
    instead of waiting forever for a writer (a dispatcher thread would hang)."""
    from dlp.watch.links import NotRegular, sha256_regular

    fifo = tmp_path / "list.csv"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(NotRegular):
        sha256_regular(str(fifo))
    assert time.monotonic() - started < 1.0
