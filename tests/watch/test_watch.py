"""`dlp watch` with real file-system events from another process: files saved the way Excel, a
browser, `cp -r` and slow writers save them; restarts; permissions; races; signals."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from dlp.actions.quarantine import QuarantineStore
from dlp.keys import load_or_create_key
from tests.conftest import FIXTURES, ROOT
from tests.fakes import FakeJP
from tests.smtp_sink import SmtpSink
from tests.watch.harness import Daemon

pytestmark = pytest.mark.slow  # real watcher daemons

CARD_LINE = "決済エラー、カード番号 4111-1111-1111-1111 で再決済を依頼。\n".encode()


@pytest.fixture()
def export(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    return folder


@pytest.fixture()
def daemon(tmp_path: Path, export: Path, smtp_sink: SmtpSink):
    with Daemon(
        tmp_path,
        smtp_sink.port,
        folders=f'[[watch.folders]]\npath = "{export}"\nowner = "team@example.co.jp"\n',
    ) as d:
        yield d


def _store(d: Daemon) -> QuarantineStore:
    return QuarantineStore(d.data / "quarantine", load_or_create_key(d.data / "quarantine.key"))


def _customer_book(path: Path, rows: int = 12) -> None:
    fake = FakeJP(7)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["氏名", "電話番号", "メールアドレス", "住所"])
    for _ in range(rows):
        person = fake.person()
        sheet.append([person.name, fake.mobile(), fake.email(), fake.address()])
    book.save(path)


def test_each_file_gets_one_verdict_and_is_enforced(daemon: Daemon, export: Path, smtp_sink: SmtpSink) -> None:
    daemon.start()
    for name in ("minutes.txt", "call_notes.txt", "card_memo.txt"):
        subprocess.run(["cp", str(FIXTURES / name), str(export)], check=True)
    verdicts = daemon.wait_verdicts(3)
    by_name = {os.path.basename(v["item"]): v for v in verdicts}
    assert by_name["minutes.txt"]["action"] == "allow" and by_name["minutes.txt"]["enforced"] == "recorded"
    assert by_name["call_notes.txt"]["action"] == "warn" and (export / "call_notes.txt").exists()
    held = by_name["card_memo.txt"]
    assert held["action"] == "block" and held["enforced"] == "held"
    assert not (export / "card_memo.txt").exists()
    marker = (export / "card_memo.txt.dlp.txt").read_text(encoding="utf-8")
    assert held["quarantine_id"] in marker and "隔離" in marker and "quarantined" in marker
    assert "4111-1111-1111-1111" not in marker and "5229-8762-1369-7318" not in marker
    entry = _store(daemon).get(held["quarantine_id"])
    assert entry.channel == "watch" and entry.state == "held"
    assert _store(daemon).content(entry.id) == (FIXTURES / "card_memo.txt").read_bytes()
    # the owner hears of the warn and the block; the officer of both too
    messages = smtp_sink.wait_for(4, timeout=30)
    assert sorted(m.rcpt_tos[0] for m in messages) == ["dpo@example.co.jp"] * 2 + ["team@example.co.jp"] * 2
    time.sleep(1.0)  # the marker's own events, and nothing else, come after
    assert daemon.per_item() == {"minutes.txt": 1, "call_notes.txt": 1, "card_memo.txt": 1}
    assert daemon.errors() == []


def test_a_slow_writer_that_pauses_is_scanned_once_complete(daemon: Daemon, export: Path) -> None:
    daemon.start()
    with (export / "slow.txt").open("wb") as fh:
        fh.write("本日の議事録です。特記事項なし。\n".encode() * 200)
        fh.flush()
        time.sleep(3.0)  # ten times the settle time, with the file open for writing
        fh.write(CARD_LINE)
    (verdict,) = daemon.wait_verdicts(1)
    assert verdict["action"] == "block"
    time.sleep(1.0)
    assert daemon.per_item()["slow.txt"] == 1


def test_excel_style_save_scans_only_the_result(daemon: Daemon, export: Path, tmp_path: Path) -> None:
    daemon.start()
    staged = tmp_path / "staged.xlsx"
    _customer_book(staged)
    lock = export / "~$顧客一覧.xlsx"
    lock.write_bytes(b"\x08yamada  " + b"\x00" * 100)  # Office owner file: the editing user's name
    temp = export / "3F2A1B0C.tmp"
    shutil.copyfile(staged, temp)
    (export / "Cedd4100").write_bytes(b"")  # KB 814068's extension-less temp name
    os.replace(temp, export / "顧客一覧.xlsx")
    (export / "Cedd4100").unlink()
    lock.unlink()
    (verdict,) = daemon.wait_verdicts(1)
    assert verdict["item"].endswith("顧客一覧.xlsx") and verdict["action"] == "quarantine"
    time.sleep(1.0)
    assert set(daemon.per_item()) == {"顧客一覧.xlsx"}


def test_browser_download_renamed_into_place(daemon: Daemon, export: Path) -> None:
    daemon.start()
    part = export / "customers.csv.crdownload"
    data = (FIXTURES / "customer_export_150.csv").read_bytes()
    with part.open("wb") as fh:
        for i in range(0, len(data), 4096):
            fh.write(data[i : i + 4096])
            fh.flush()
            time.sleep(0.01)
    os.rename(part, export / "customers.csv")
    (verdict,) = daemon.wait_verdicts(1)
    assert verdict["item"].endswith("customers.csv") and verdict["action"] == "block"


def test_a_copied_folder_tree(daemon: Daemon, export: Path, tmp_path: Path) -> None:
    daemon.start()
    tree = tmp_path / "tree"
    for sub in ("a", "a/b", "a/b/c"):
        (tree / sub).mkdir(parents=True)
    names = ["minutes.txt", "call_notes.txt", "invoice.txt", "notes_euc.txt"]
    for depth, sub in enumerate(("", "a", "a/b", "a/b/c")):
        for name in names:
            shutil.copyfile(FIXTURES / name, tree / sub / f"{depth}-{name}")
    subprocess.run(["cp", "-r", str(tree), str(export / "copied")], check=True)
    daemon.wait_verdicts(16)
    time.sleep(1.5)
    counts = daemon.per_item()
    assert len(counts) == 16 and set(counts.values()) == {1}, counts


def test_a_burst_of_ten_thousand_files(daemon: Daemon, export: Path) -> None:
    """None missed, each scanned once (written by another process as fast as it can)."""
    daemon.start()
    writer = """
import os, sys
root = sys.argv[1]
for d in range(10):
    os.makedirs(os.path.join(root, f"d{d}"), exist_ok=True)
for n in range(10_000):
    phone = f"090-{n:04d}-{(n * 7) % 10000:04d}"
    text = f"受付メモ {n}: 折り返し不要。\\n" if n % 10 else f"受付メモ {n}: 折り返し {phone} まで。\\n"
    with open(os.path.join(root, f"d{n % 10}", f"memo-{n:05d}.txt"), "w", encoding="utf-8") as fh:
        fh.write(text)
"""
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", writer, str(export)], check=True)
    verdicts = daemon.wait_verdicts(10_000, timeout=240)
    elapsed = time.monotonic() - started
    time.sleep(2.0)
    counts = daemon.per_item()
    assert len(counts) == 10_000, f"{10_000 - len(counts)} files missed"
    assert max(counts.values()) == 1, [n for n, c in counts.items() if c > 1][:5]
    actions = {v["action"] for v in verdicts}
    assert actions == {"allow", "warn"}
    print(f"burst: 10,000 files to verdict in {elapsed:.1f} s ({10_000 / elapsed:.0f} files/s)")


def test_restart_catches_what_arrived_while_down(daemon: Daemon, export: Path) -> None:
    daemon.start()
    shutil.copyfile(FIXTURES / "minutes.txt", export / "before.txt")
    daemon.wait_verdicts(1)
    assert daemon.stop() == 0
    shutil.copyfile(FIXTURES / "call_notes.txt", export / "while_down.txt")
    shutil.copyfile(FIXTURES / "card_memo.txt", export / "while_down_card.txt")
    daemon.start()
    daemon.wait_verdicts(3)
    time.sleep(1.0)
    assert daemon.per_item() == {"before.txt": 1, "while_down.txt": 1, "while_down_card.txt": 1}
    assert not (export / "while_down_card.txt").exists()
    assert daemon.stop() == 0
    daemon.start()  # nothing new: nothing rescanned
    time.sleep(1.5)
    assert len(daemon.verdicts()) == 3


def test_permission_errors_get_a_verdict_not_a_crash(tmp_path: Path, export: Path, smtp_sink: SmtpSink) -> None:
    """The watcher obeys file permissions (as root too: its file capabilities are dropped)."""
    locked_dir = export / "locked"
    locked_dir.mkdir()
    shutil.copyfile(FIXTURES / "minutes.txt", locked_dir / "inside.txt")
    locked_dir.chmod(0o000)
    readonly_dir = export / "readonly"
    readonly_dir.mkdir()
    with Daemon(
        tmp_path, smtp_sink.port, folders=f'[[watch.folders]]\npath = "{export}"\n', obey_permissions=True
    ) as d:
        d.start()
        unreadable = export / "unreadable.txt"
        unreadable.write_bytes(CARD_LINE)
        unreadable.chmod(0o000)
        shutil.copyfile(FIXTURES / "card_memo.txt", readonly_dir / "card.txt")
        readonly_dir.chmod(0o555)  # the file can be read and copied, but not removed
        shutil.copyfile(FIXTURES / "minutes.txt", export / "fine.txt")
        by_name = {os.path.basename(v["item"]): v for v in d.wait_verdicts(3)}
        assert by_name["unreadable.txt"]["action"] == "quarantine"
        assert by_name["unreadable.txt"]["unscannable"] == ["unreadable"]
        assert by_name["unreadable.txt"]["enforced"].startswith("unreadable: left in place")
        assert unreadable.exists()
        assert by_name["card.txt"]["enforced"].startswith("copy held, original not removed")
        assert (readonly_dir / "card.txt").exists()
        assert by_name["fine.txt"]["action"] == "allow"
        assert d.process is not None and d.process.poll() is None
    readonly_dir.chmod(0o755)
    locked_dir.chmod(0o755)


def test_a_file_deleted_between_event_and_scan(daemon: Daemon, export: Path) -> None:
    daemon.start()
    for n in range(50):
        path = export / f"fleeting-{n}.txt"
        path.write_bytes(CARD_LINE)
        path.unlink()
    shutil.copyfile(FIXTURES / "minutes.txt", export / "stays.txt")
    (verdict,) = daemon.wait_verdicts(1)
    assert verdict["item"].endswith("stays.txt")
    time.sleep(1.0)
    assert len(daemon.verdicts()) == 1 and daemon.errors() == []
    assert _store(daemon).list() == []


def test_quarantine_while_the_writer_still_holds_the_file_open(
    tmp_path: Path, export: Path, smtp_sink: SmtpSink
) -> None:
    with Daemon(
        tmp_path,
        smtp_sink.port,
        watch='max_open_wait = "2s"',
        folders=f'[[watch.folders]]\npath = "{export}"\n',
    ) as d:
        d.start()
        path = export / "held_open.txt"
        fh = path.open("wb")
        try:
            fh.write(CARD_LINE)
            fh.flush()
            written = time.monotonic()
            (verdict,) = d.wait_verdicts(1, timeout=30)
            waited = time.monotonic() - written
            assert verdict["enforced"] == "held" and not path.exists()
            assert waited >= 2.0, "a file open for writing was held before max_open_wait"
            assert _store(d).content(verdict["quarantine_id"]) == CARD_LINE  # the whole file, not half
            fh.write(b"more after the hold\n")  # the writer carries on without an error
        finally:
            fh.close()
        reader_path = export / "open_for_reading.txt"
        reader_path.write_bytes(CARD_LINE)
        with reader_path.open("rb"):
            d.wait_verdicts(2, timeout=30)  # a reader does not delay the hold
            assert not reader_path.exists()


def test_dry_run_touches_nothing(tmp_path: Path, export: Path, smtp_sink: SmtpSink) -> None:
    with Daemon(tmp_path, smtp_sink.port, folders=f'[[watch.folders]]\npath = "{export}"\ndry_run = true\n') as d:
        d.start()
        shutil.copyfile(FIXTURES / "card_memo.txt", export / "card.txt")
        (verdict,) = d.wait_verdicts(1)
        assert verdict["action"] == "block" and verdict["enforced"] == "dry run: would hold"
        assert (export / "card.txt").exists() and not (export / "card.txt.dlp.txt").exists()
        assert _store(d).list() == []


def test_a_released_file_is_not_held_again(daemon: Daemon, export: Path) -> None:
    daemon.start()
    shutil.copyfile(FIXTURES / "card_memo.txt", export / "card.txt")
    (held,) = daemon.wait_verdicts(1)
    assert (export / "card.txt.dlp.txt").exists()
    env = {**os.environ, "DLP_CONFIG": str(daemon.config)}
    result = subprocess.run(
        [sys.executable, "-m", "dlp", "quarantine", "release", held["quarantine_id"], "--actor", "officer"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    verdicts = daemon.wait_verdicts(2)
    assert verdicts[-1]["enforced"] == f"released earlier ({held['quarantine_id']})"
    time.sleep(1.0)
    assert (export / "card.txt").read_bytes() == (FIXTURES / "card_memo.txt").read_bytes()
    assert not (export / "card.txt.dlp.txt").exists()  # the marker went with the release
    assert len(daemon.verdicts()) == 2


def test_temp_and_lock_names_wait_then_a_stale_temp_is_scanned(
    tmp_path: Path, export: Path, smtp_sink: SmtpSink
) -> None:
    with Daemon(
        tmp_path,
        smtp_sink.port,
        watch='temp_grace = "3s"\nrescan = "2s"',
        folders=f'[[watch.folders]]\npath = "{export}"\n',
    ) as d:
        d.start()
        (export / "~$report.docx").write_bytes(b"\x05sato" + b"\x00" * 50)
        (export / ".~lock.report.ods#").write_text("sato,host,1234;", encoding="utf-8")
        (export / "hidden.tmp").write_bytes(CARD_LINE)  # a file "hidden" behind a temp name
        time.sleep(1.0)
        assert d.verdicts() == []
        (verdict,) = d.wait_verdicts(1, timeout=20)
        assert verdict["item"].endswith("hidden.tmp") and verdict["action"] == "block"
        time.sleep(2.5)
        assert set(d.per_item()) == {"hidden.tmp"}


def test_a_temp_name_with_a_future_or_refreshed_mtime_is_still_scanned(
    tmp_path: Path, export: Path, smtp_sink: SmtpSink
) -> None:
    """A temp name waits for temp_grace, measured from its mtime: set to the future (touch -d),
    or touched again and again, a customer list saved as "list.tmp" or "0BADF00D" was never
    scanned. The wait is measured from when the watcher first saw the file (by inode, so a
    rename to another temp name does not restart it)."""
    with Daemon(
        tmp_path,
        smtp_sink.port,
        watch='temp_grace = "3s"\nrescan = "1s"',
        folders=f'[[watch.folders]]\npath = "{export}"\n',
    ) as d:
        d.start()
        future = time.time() + 10 * 365 * 86400
        hidden = export / "list.tmp"
        hidden.write_bytes(CARD_LINE)
        os.utime(hidden, (future, future))
        refreshed = export / "0BADF00D"
        refreshed.write_bytes(CARD_LINE)
        deadline = time.monotonic() + 25
        while time.monotonic() < deadline and len(d.verdicts()) < 2:
            now = time.time()
            if refreshed.exists():
                os.utime(refreshed, (now, now))  # the insider's loop: always "just written"
            time.sleep(0.5)
        items = {v["item"].rsplit("/", 1)[-1]: v["action"] for v in d.verdicts()}
        assert items == {"list.tmp": "block", "0BADF00D": "block"}


def test_a_lookalike_marker_is_scanned(daemon: Daemon, export: Path) -> None:
    daemon.start()
    (export / "customers.dlp.txt").write_bytes(CARD_LINE)  # not one of ours
    (verdict,) = daemon.wait_verdicts(1)
    assert verdict["action"] == "block"


def test_each_folder_its_own_policy(tmp_path: Path, export: Path, smtp_sink: SmtpSink) -> None:
    strict = tmp_path / "strict"
    strict.mkdir()
    policy = tmp_path / "strict_policy.yaml"
    policy.write_text(
        "schema: 1\n"
        "clauses:\n"
        "  - id: any-phone\n"
        "    action: block\n"
        "    name: {ja: 電話番号は一切不可, en: no phone numbers at all}\n"
        "    when: {types: [PHONE], distinct: '>= 1'}\n",
        encoding="utf-8",
    )
    folders = f'[[watch.folders]]\npath = "{export}"\n\n[[watch.folders]]\npath = "{strict}"\npolicy = "{policy}"\n'
    with Daemon(tmp_path, smtp_sink.port, folders=folders) as d:
        d.start()
        shutil.copyfile(FIXTURES / "call_notes.txt", export / "notes.txt")
        shutil.copyfile(FIXTURES / "call_notes.txt", strict / "notes.txt")
        verdicts = d.wait_verdicts(2)
        by_folder = {v["folder"]: v for v in verdicts}
        assert by_folder[str(export)]["action"] == "warn"
        assert by_folder[str(strict)]["action"] == "block" and by_folder[str(strict)]["clause"] == "any-phone"


def test_a_folders_own_allow_list(tmp_path: Path, export: Path, smtp_sink: SmtpSink) -> None:
    """The company's number is on the billing folder's policy allow list only: the same file is
    allowed there and warned about in the folder that uses the default policy (the default's
    empty allow list was the only one applied before)."""
    billing = tmp_path / "billing"
    billing.mkdir()
    default = (ROOT / "rules" / "policy.yaml").read_text(encoding="utf-8")
    assert "    PHONE: []\n" in default
    policy = tmp_path / "billing_policy.yaml"
    policy.write_text(default.replace("    PHONE: []\n", "    PHONE: ['03-1234-5678']\n"), encoding="utf-8")
    folders = f'[[watch.folders]]\npath = "{export}"\n\n[[watch.folders]]\npath = "{billing}"\npolicy = "{policy}"\n'
    text = "山田様への折り返しは ０３－１２３４－５６７８ までお願いします。\n".encode()
    with Daemon(tmp_path, smtp_sink.port, folders=folders) as d:
        d.start()
        (export / "callback.txt").write_bytes(text)
        (billing / "callback.txt").write_bytes(text)
        by_folder = {v["folder"]: v for v in d.wait_verdicts(2)}
        assert by_folder[str(billing)]["action"] == "allow", by_folder[str(billing)]
        assert by_folder[str(export)]["action"] == "warn" and by_folder[str(export)]["clause"] == "contact-data"


def test_sighup_reloads_and_a_bad_reload_keeps_running(tmp_path: Path, export: Path, smtp_sink: SmtpSink) -> None:
    second = tmp_path / "second"
    second.mkdir()
    with Daemon(tmp_path, smtp_sink.port, folders=f'[[watch.folders]]\npath = "{export}"\n') as d:
        d.start()
        d.write_config(
            smtp_sink.port, folders=f'[[watch.folders]]\npath = "{export}"\n[[watch.folders]]\npath = "{second}"\n'
        )
        d.signal(signal.SIGHUP)
        d.wait_log(lambda r: r.get("msg", "").startswith("reloaded"))
        shutil.copyfile(FIXTURES / "minutes.txt", second / "new_folder.txt")
        d.wait_verdicts(1)
        d.config.write_text("[watch]\nsettle = -1\n", encoding="utf-8")
        d.signal(signal.SIGHUP)
        refused = d.wait_log(lambda r: r.get("msg", "").startswith("reload refused"))
        assert "watch.settle" in refused["msg"]
        shutil.copyfile(FIXTURES / "minutes.txt", export / "still_watching.txt")
        d.wait_verdicts(2)
        assert d.stop() == 0


def test_sigterm_mid_scan_never_half_moves(tmp_path: Path, export: Path, smtp_sink: SmtpSink) -> None:
    big = tmp_path / "big.csv"
    data = "顧客番号,氏名,電話番号\n".encode() + b"".join(
        f"CU-{n:08d},佐藤 花子,090-{n % 10000:04d}-{(n * 7) % 10000:04d}\n".encode() for n in range(300_000)
    )
    big.write_bytes(data)
    with Daemon(
        tmp_path,
        smtp_sink.port,
        watch="shutdown_grace = 0.5",
        # count every row: a scan of many seconds; the extraction limit is raised so that a loaded
        # machine gives the verdict this test is about (shutdown), not a timeout
        extra="[scan]\nstop_after_records = 0\n[limits]\ntimeout = 600",
        folders=f'[[watch.folders]]\npath = "{export}"\n',
    ) as d:
        d.start()
        shutil.copyfile(big, export / "big.csv")
        d.wait_log(lambda r: r.get("msg", "").startswith("scanning a file"), timeout=30)
        time.sleep(0.5)
        assert d.stop() == 0
        d.wait_log(lambda r: r.get("msg", "").startswith("scan abandoned at shutdown"), timeout=5)
        original = export / "big.csv"
        assert original.read_bytes() == data and _store(d).list() == [] and d.verdicts() == []
        d.start()  # abandoned, not forgotten: scanned at the next start
        (verdict,) = d.wait_verdicts(1, timeout=180)
        assert verdict["action"] == "block" and verdict["enforced"] == "held"
        assert not original.exists() and _store(d).content(verdict["quarantine_id"]) == data


def test_metrics_webhook_and_heartbeat(tmp_path: Path, export: Path, smtp_sink: SmtpSink) -> None:
    """/metrics read by Prometheus' parser; the verdict signed to a SIEM's collector."""
    from dlp.actions.webhook import SIGNATURE_HEADER, verify
    from tests.actions.test_webhook import Collector
    from tests.smtp_sink import free_port
    from tests.test_metrics_logs import sample, scrape

    port = free_port()
    collector = Collector(fail_first=1)  # the first POST fails: the outbox retries it
    secret = tmp_path / "webhook.secret"
    secret.write_text("siem-secret\n", encoding="utf-8")
    webhook = f'[webhook]\nurl = "{collector.url}"\nsecret_file = "{secret}"\nlevel = "warn"\n'
    try:
        with Daemon(
            tmp_path,
            smtp_sink.port,
            watch=f"metrics_port = {port}",
            folders=f'[[watch.folders]]\npath = "{export}"\n',
            extra=webhook,
        ) as d:
            d.start()
            shutil.copyfile(FIXTURES / "card_memo.txt", export / "card.txt")
            shutil.copyfile(FIXTURES / "minutes.txt", export / "minutes.txt")
            d.wait_verdicts(2)
            families = scrape(port)
            assert sample(families, "dlp_verdicts", "dlp_verdicts_total", channel="watch", action="block") == 1
            assert sample(families, "dlp_verdicts", "dlp_verdicts_total", channel="watch", action="allow") == 1
            assert sample(families, "dlp_items", "dlp_items_total", channel="watch") == 2
            assert sample(families, "dlp_scan_seconds", "dlp_scan_seconds_count", channel="watch") == 2
            assert sample(families, "dlp_watch_latency_seconds", "dlp_watch_latency_seconds_count") == 2
            assert sample(families, "dlp_watch_queue_depth", "dlp_watch_queue_depth") == 0
            assert sample(families, "dlp_watch_events", "dlp_watch_events_total") >= 2
            beat = json.loads((d.data / "watch.heartbeat").read_text(encoding="utf-8"))
            assert beat["pid"] == d.process.pid and time.time() - beat["ts"] < 15
        # stopped with the verdict still owed (the retry is minutes away): the next start sends it
        assert collector.accepted == [] and len(collector.attempts) == 1
        import sqlite3

        with sqlite3.connect(tmp_path / "data" / "webhook.sqlite3") as db:
            db.execute("UPDATE outbox SET next_try = 0")  # the back-off has passed
        with Daemon(tmp_path, smtp_sink.port, folders=f'[[watch.folders]]\npath = "{export}"\n', extra=webhook) as d:
            d.start()
            deadline = time.monotonic() + 30
            while not collector.accepted and time.monotonic() < deadline:
                time.sleep(0.1)
        ((headers, body),) = collector.accepted  # the block; the allow is below the level
        assert verify(b"siem-secret", body, headers[SIGNATURE_HEADER])
        sent = json.loads(body)
        assert sent["action"] == "block" and sent["channel"] == "watch" and sent["enforced"] == "held"
        assert "5229-8762-1369-7318" not in body.decode()
    finally:
        collector.stop()


def test_polling_observer(tmp_path: Path, export: Path, smtp_sink: SmtpSink) -> None:
    with Daemon(
        tmp_path,
        smtp_sink.port,
        watch="poll_interval = 0.5",
        folders=f'[[watch.folders]]\npath = "{export}"\n',
        args=("--polling",),
    ) as d:
        d.start()
        assert d.wait_log(lambda r: r.get("msg", "").startswith("watching"))["folders"][0]["polling"] is True
        shutil.copyfile(FIXTURES / "call_notes.txt", export / "notes.txt")
        (verdict,) = d.wait_verdicts(1)
        assert verdict["action"] == "warn"


def test_start_errors_name_the_folder_and_the_fix(tmp_path: Path, smtp_sink: SmtpSink) -> None:
    missing = tmp_path / "no-such-folder"
    with Daemon(tmp_path, smtp_sink.port, folders=f'[[watch.folders]]\npath = "{missing}"\n') as d:
        d.start(expect_exit=True)
        assert d.process is not None
        code = d.process.wait(60)
        stderr = d.process.stderr.read().decode() if d.process.stderr else ""
        assert code == 4 and str(missing) in stderr and "does not exist" in stderr
    inner = tmp_path / "outer" / "inner"
    inner.mkdir(parents=True)
    folders = f'[[watch.folders]]\npath = "{inner.parent}"\n[[watch.folders]]\npath = "{inner}"\n'
    with Daemon(tmp_path, smtp_sink.port, folders=folders) as d:
        d.start(expect_exit=True)
        assert d.process is not None and d.process.wait(60) == 4
        assert "is inside" in (d.process.stderr.read().decode() if d.process.stderr else "")


def test_the_example_config_is_valid() -> None:
    from dlp.config import load_config

    config = load_config(Path(__file__).resolve().parents[2] / "contrib" / "dlp.toml.example")
    folders = config.get("watch", "folders")
    assert [f["path"] for f in folders] == ["/srv/export/crm", "/srv/export/billing", "/mnt/share/outgoing"]
    assert folders[2]["dry_run"] is True and folders[1]["policy"] == "/etc/dlp/billing_policy.yaml"
