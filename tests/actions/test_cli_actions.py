"""`dlp quarantine`, `dlp audit` and `dlp config` as an officer runs them: a real process, a real
dlp.toml, a real SMTP server for released mail."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.slow  # runs dlp as a subprocess


@pytest.fixture()
def dlp(tmp_path: Path, config_file: Path):
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT), "DLP_CONFIG": str(config_file)}
    env.pop("DLP_QUARANTINE_KEY", None)
    env.pop("DLP_FINGERPRINT_KEY", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dlp", *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
        )

    return run


def _copy(tmp_path: Path, name: str, folder: str = "export") -> Path:
    target = tmp_path / folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / name, target)
    return target


def _audit(tmp_path: Path) -> list[dict]:
    path = tmp_path / "data" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_scan_quarantine_then_list_show_release(dlp, tmp_path: Path) -> None:
    card = _copy(tmp_path, "card_memo.txt")
    notes = _copy(tmp_path, "call_notes.txt")
    minutes = _copy(tmp_path, "minutes.txt")
    original = card.read_bytes()
    result = dlp("scan", "--quarantine", str(card.parent))
    assert result.returncode == 3, result.stderr
    assert not card.exists() and notes.exists() and minutes.exists()  # only the blocked one is held

    listed = json.loads(dlp("quarantine", "list", "--format", "json").stdout)
    assert len(listed) == 1
    entry = listed[0]
    assert entry["channel"] == "scan" and entry["state"] == "held" and entry["action"] == "block"
    assert entry["verdict"]["counts"] == {"CREDIT_CARD": 1}
    table = dlp("quarantine", "list").stdout
    assert entry["id"] in table and "CREDIT_CARD" in table
    assert dlp("quarantine", "list", "--type", "PHONE", "--format", "json").stdout.strip() == "[]"
    assert dlp("quarantine", "list", "--state", "released", "--format", "json").stdout.strip() == "[]"
    assert len(json.loads(dlp("quarantine", "list", "--since", "1d", "--format", "json").stdout)) == 1

    shown = dlp("quarantine", "show", entry["id"]).stdout
    assert "5229-****-****-7318" in shown or "****-7318" in shown
    assert "5229-8762-1369-7318" not in shown

    result = dlp("quarantine", "release", entry["id"], "--actor", "yamamoto")
    assert result.returncode == 0, result.stderr
    assert card.read_bytes() == original
    again = dlp("quarantine", "release", entry["id"])
    assert again.returncode == 4 and "not held" in again.stderr

    events = [(r["event"], r.get("actor")) for r in _audit(tmp_path)]
    from dlp.actions.audit import current_user

    assert ("verdict", None) in events and ("quarantine.put", current_user()) in events
    assert ("quarantine.release", "yamamoto") in events
    assert ("quarantine.show", current_user()) in events and ("quarantine.list", current_user()) in events


def test_add_export_delete_purge(dlp, tmp_path: Path) -> None:
    source = _copy(tmp_path, "customers_cp932.csv")
    original = source.read_bytes()
    result = dlp("quarantine", "add", str(source), "--actor", "suzuki")
    assert result.returncode == 0, result.stderr
    assert not source.exists()
    (entry,) = json.loads(dlp("quarantine", "list", "--format", "json").stdout)

    exported = tmp_path / "for-review.csv"
    assert dlp("quarantine", "export", entry["id"], "--to", str(exported)).returncode == 0
    assert exported.read_bytes() == original and stat.S_IMODE(exported.stat().st_mode) == 0o600
    refused = dlp("quarantine", "export", entry["id"], "--to", str(exported))
    assert refused.returncode == 4 and "exists" in refused.stderr

    assert dlp("quarantine", "delete", entry["id"], "--actor", "suzuki", "--yes").returncode == 0
    shown = json.loads(dlp("quarantine", "show", entry["id"], "--format", "json").stdout)
    assert shown["state"] == "deleted" and shown["acted_by"] == "suzuki" and shown["verdict"]["counts"]
    gone = dlp("quarantine", "export", entry["id"], "--to", str(tmp_path / "again.csv"))
    assert gone.returncode == 4 and "deleted" in gone.stderr

    second = _copy(tmp_path, "card_memo.txt")
    dlp("quarantine", "add", str(second))
    assert "purged 0" in dlp("quarantine", "purge", "--older-than", "30d").stdout
    assert "purged 1" in dlp("quarantine", "purge", "--older-than", "0s").stdout
    assert {r["event"] for r in _audit(tmp_path)} >= {"quarantine.put", "quarantine.export", "quarantine.delete"}
    assert dlp("quarantine", "purge", "--older-than", "soon").returncode == 4


def test_release_a_held_mail_to_the_next_hop(dlp, tmp_path: Path, smtp_sink: SmtpSink) -> None:
    mail = _copy(tmp_path, "mail_iso2022jp.eml", "outbox")
    original = mail.read_bytes()
    assert dlp("quarantine", "add", "--mail", str(mail)).returncode == 0
    (entry,) = json.loads(dlp("quarantine", "list", "--channel", "mail", "--format", "json").stdout)
    assert entry["recipient_domains"]
    result = dlp("quarantine", "release", entry["id"])
    assert result.returncode == 0, result.stderr
    (received,) = smtp_sink.wait_for(1)
    assert received.data.endswith(original.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")) or original in received.data
    assert received.data.startswith(f"X-DLP-Released: {entry['id']}".encode())


def test_a_refused_mail_release_stays_held(dlp, tmp_path: Path, smtp_sink: SmtpSink) -> None:
    mail = _copy(tmp_path, "mail_iso2022jp.eml", "outbox")
    dlp("quarantine", "add", "--mail", str(mail))
    (entry,) = json.loads(dlp("quarantine", "list", "--format", "json").stdout)
    smtp_sink.handler.reply = "451 4.3.0 try later"
    result = dlp("quarantine", "release", entry["id"])
    assert result.returncode == 5 and "still held" in result.stderr
    assert json.loads(dlp("quarantine", "show", entry["id"], "--format", "json").stdout)["state"] == "held"


def test_unknown_id_names_the_fix(dlp) -> None:
    result = dlp("quarantine", "show", "Q-nope")
    assert result.returncode == 4 and "dlp quarantine list" in result.stderr


def test_audit_tail_and_report(dlp, tmp_path: Path) -> None:
    _copy(tmp_path, "card_memo.txt")
    _copy(tmp_path, "call_notes.txt")
    _copy(tmp_path, "minutes.txt")
    dlp("scan", "--audit", str(tmp_path / "export"))
    tail = [json.loads(line) for line in dlp("audit", "tail", "-n", "2").stdout.splitlines()]
    assert len(tail) == 2 and all(r["event"] == "verdict" for r in tail)
    summary = json.loads(dlp("audit", "report", "--since", "7d", "--format", "json").stdout)
    assert summary["verdicts"] == 3
    assert summary["per_channel"] == {"scan": {"block": 1, "warn": 1, "allow": 1}}
    table = dlp("audit", "report").stdout
    assert "per day" in table and "CREDIT_CARD" in table
    assert dlp("audit", "report", "--since", "last tuesday").returncode == 4


def test_config_check_and_show(dlp, tmp_path: Path, config_file: Path) -> None:
    result = dlp("config", "check")
    assert result.returncode == 0, result.stderr
    assert str(config_file) in result.stdout
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text.replace("[smtp]", '[smtp]\nusername = "dlp"\npassword = "s3cret-pw"'), encoding="utf-8")
    shown = dlp("config", "show")
    assert shown.returncode == 0 and "s3cret-pw" not in shown.stdout and "<hidden>" in shown.stdout
    assert json.loads(shown.stdout)["notify"]["officer"] == "dpo@example.co.jp"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[smtp]\nport = 70000\n", ["dlp.toml:2", "smtp.port", "1-65535"]),
        ('[notify]\nofficer = "dpo"\n', ["dlp.toml:2", "notify.officer", "dpo@example.co.jp"]),
        ("[smtp]\nprot = 25\n", ["dlp.toml:2", "smtp.prot", "port"]),
        ('[quarantine]\nretention = "a month"\n', ["dlp.toml:2", "quarantine.retention", "30d"]),
        ('[mail]\ninternal_domains = "example.co.jp"\n', ["dlp.toml:2", "mail.internal_domains", "list"]),
        ("[smtp\nport = 25\n", ["dlp.toml", "line 1"]),
        ('[[watch.folders]]\nowner = "team@example.co.jp"\n', ["dlp.toml:1", "watch.folders[1].path", "missing"]),
        (
            '[[watch.folders]]\npath = "/srv"\n\n[[watch.folders]]\npath = "/x"\npolling = "sometimes"\n',
            ["dlp.toml:4", "watch.folders[2].polling", "auto"],
        ),
        ('[[watch.folders]]\npath = "/srv"\nonwer = "a@b.jp"\n', ["watch.folders[1].onwer", "unknown key", "owner"]),
        ("[watch]\nsettle = 0\n", ["dlp.toml:2", "watch.settle", "greater than 0"]),
    ],
)
def test_config_errors_name_file_line_key_and_fix(dlp, config_file: Path, text: str, expected: list[str]) -> None:
    config_file.write_text(text, encoding="utf-8")
    result = dlp("config", "check")
    assert result.returncode == 4, result.stdout
    for fragment in expected:
        assert fragment in result.stderr, (fragment, result.stderr)
    assert "Traceback" not in result.stderr
    assert dlp("quarantine", "list").returncode == 4  # every command refuses a broken config


def test_the_key_file_is_created_private(dlp, tmp_path: Path) -> None:
    assert dlp("config", "check").returncode == 0
    key = tmp_path / "data" / "quarantine.key"
    assert key.exists() and stat.S_IMODE(key.stat().st_mode) == 0o600
    key.chmod(0o644)
    result = dlp("quarantine", "list")
    assert result.returncode == 4 and "quarantine.key" in result.stderr and "chmod 600" in result.stderr


def _mail_with_a_my_number(tmp_path: Path, to: str) -> Path:
    from email.message import EmailMessage

    from tests.fakes import FakeJP

    fake = FakeJP(seed=12)
    person = fake.person()
    msg = EmailMessage()
    msg["From"] = "tanaka@example.co.jp"
    msg["To"] = to
    msg["Subject"] = "手続きの件"
    msg["Message-ID"] = "<add-outside@example.co.jp>"
    msg.set_content(f"{person.name}様のマイナンバーは {fake.my_number()} です。\n住所: {fake.address()}\n")
    path = tmp_path / "outbox" / "outside.eml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(msg.as_bytes())
    return path


@pytest.mark.parametrize(
    "header_to, given", [("partner@example.net", []), ("suzuki@example.co.jp", ["partner@example.net"])]
)
def test_add_mail_to_an_outside_address_gets_the_gateways_verdict(
    dlp, tmp_path: Path, header_to: str, given: list[str]
) -> None:
    """A mail going outside held by hand is judged as the gateway and `dlp scan` judge it (it
    was internal-mail/warn: the hand-held mail was scanned without its recipients)."""
    mail = _mail_with_a_my_number(tmp_path, header_to)
    scanned = json.loads(dlp("scan", "--format", "json", str(mail)).stdout)
    (scanned,) = scanned if isinstance(scanned, list) else scanned["items"]
    to = [arg for r in given for arg in ("--to", r)]
    result = dlp("quarantine", "add", "--mail", str(mail), *to)
    assert result.returncode == 0, result.stderr
    (entry,) = json.loads(dlp("quarantine", "list", "--channel", "mail", "--format", "json").stdout)
    assert entry["action"] == scanned["action"] == "block"
    assert entry["verdict"]["clause"] != "internal-mail"
    assert entry["recipient_domains"] == ["example.net"]
    (line,) = [r for r in _audit(tmp_path) if r["event"] == "verdict"]
    assert line["action"] == "block" and line["enforced"] == "held by hand" and line["quarantine_id"] == entry["id"]


def test_add_mail_to_a_colleague_stays_internal_mail(dlp, tmp_path: Path) -> None:
    """The recipients decide: the same mail to a colleague is the warning for internal mail."""
    mail = _mail_with_a_my_number(tmp_path, "partner@example.net")
    assert dlp("quarantine", "add", "--mail", str(mail), "--to", "suzuki@example.co.jp").returncode == 0
    (entry,) = json.loads(dlp("quarantine", "list", "--channel", "mail", "--format", "json").stdout)
    assert entry["verdict"]["clause"] == "internal-mail" and entry["action"] == "warn"
    assert dlp("quarantine", "add", str(mail), "--to", "a@example.net").returncode == 4  # --to is a mail's
