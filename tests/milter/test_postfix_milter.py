"""`dlp milter serve` behind a real Postfix, on the submission port of contrib/postfix/milter.*.snippet:
what the sender's mail client is told at once, what reaches the sink (the internet), what waits in
the quarantine, and that a dead or hung Milter means 451 and nothing lost."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT
from tests.gateway.postfix import Filter, Postfix
from tests.gateway.test_postfix import (
    OUTSIDE,
    SENDER,
    _headers_added,
    _mail,
    _notices,
    _store,
    _to,
    _wait,
    _with_attachment,
)
from tests.milter.harness import MilterFilter, submit

pytestmark = pytest.mark.slow  # a real Postfix with the milter on its submission port


def _verdict(f: Filter) -> dict:
    _wait(lambda: f.verdicts(), what="a verdict", detail=lambda: f.log.read_text(encoding="utf-8")[-2000:])
    (verdict,) = f.verdicts()
    return verdict


def test_a_customer_list_is_refused_550_at_data_in_the_client(mta: Postfix, milter: MilterFilter) -> None:
    milter.start()
    listing = (FIXTURES / "customer_export_150.csv").read_bytes()
    mail = _with_attachment("顧客一覧.csv", listing, maintype="text", subtype="csv")
    code, text = submit(mta, mail, [OUTSIDE], SENDER)
    verdict = _verdict(milter)
    incident = verdict["quarantine_id"]
    assert code == 550 and text.startswith("5.7.1 Blocked by DLP"), text
    assert incident in text and "100 or more people" in text and "100人分以上の個人データ" in text
    assert verdict["action"] == "block" and verdict["enforced"] == "rejected, kept for the officer (550)"
    assert _store(milter).get(incident).action == "block"  # evidence for the officer
    _wait(lambda: _notices(mta.sink.messages, SENDER), what="the sender's notice")
    time.sleep(1.0)
    assert _to(mta.sink.messages, OUTSIDE) == [], "the list reached the outside"
    assert [m for m in mta.sink.messages if m.mail_from in ("", "<>")] == [], "a bounce: the client was told already"
    assert mta.queue() == []


def test_clean_mail_is_accepted_with_the_verdict_header(mta: Postfix, milter: MilterFilter) -> None:
    milter.start()
    original = _mail()
    assert submit(mta, original, [OUTSIDE], SENDER) == (250, "ok")
    (delivered,) = mta.sink.wait_for(1)
    assert delivered.rcpt_tos == [OUTSIDE] and delivered.mail_from == SENDER
    assert _headers_added(delivered.data, original) == [b"X-DLP-Verdict", b"Received"]
    verdict = _verdict(milter)
    assert re.search(rb"\r\nX-DLP-Verdict: allow; -; M\d{8}-[0-9a-f]{8}\r\n", b"\r\n" + delivered.data)
    assert verdict["action"] == "allow" and verdict["enforced"] == "relayed (250)"


def test_quarantine_holds_then_release_delivers_once(mta: Postfix, milter: MilterFilter) -> None:
    milter.start()
    listing = (FIXTURES / "customers_cp932.csv").read_bytes()  # 30 people: held for review
    original = _with_attachment("顧客リスト.csv", listing, maintype="text", subtype="csv")
    assert submit(mta, original, [OUTSIDE], SENDER) == (250, "ok")  # the client sees a normal send
    verdict = _verdict(milter)
    assert verdict["action"] == "quarantine" and verdict["enforced"] == "held (250)"
    incident = verdict["quarantine_id"]
    assert _store(milter).get(incident).action == "quarantine"  # on disk before Postfix dropped its copy
    _wait(lambda: len(_notices(mta.sink.messages, SENDER)) == 1, what="the sender's notice")
    time.sleep(1.0)
    assert _to(mta.sink.messages, OUTSIDE) == [] and mta.queue() == []
    assert "milter-discard" in mta.maillog()
    env = {**os.environ, "DLP_CONFIG": str(milter.config), "PYTHONPATH": str(ROOT)}
    release = [sys.executable, "-m", "dlp", "quarantine", "release", incident, "--actor", "officer"]
    first = subprocess.run(release, env=env, capture_output=True, text=True, check=False)
    second = subprocess.run(release, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 4 and "not held" in second.stderr
    _wait(lambda: len(_to(mta.sink.messages, OUTSIDE)) == 1, what="the released mail")
    time.sleep(1.0)
    (delivered,) = _to(mta.sink.messages, OUTSIDE)
    assert delivered.mail_from == SENDER and delivered.rcpt_tos == [OUTSIDE]
    assert set(_headers_added(delivered.data, original)) == {b"Received", b"X-DLP-Released"}


def test_milter_killed_is_451_and_nothing_is_lost(mta: Postfix, milter: MilterFilter) -> None:
    milter.start()
    milter.stop(sig=9)
    rcpt = "killed@example.net"
    code, text = submit(mta, _mail(to=rcpt), [rcpt], SENDER)
    assert code == 451 and text.startswith("4.7.1"), text
    time.sleep(1.0)
    assert mta.sink.messages == [] and mta.queue() == []  # the client still has it, nobody else
    milter.start()  # the client retries: now it is judged and delivered
    assert submit(mta, _mail(to=rcpt), [rcpt], SENDER) == (250, "ok")
    (delivered,) = mta.sink.wait_for(1)
    assert b"X-DLP-Verdict: allow" in delivered.data


def test_milter_hanging_is_tempfailed_by_postfix(mta: Postfix, milter: MilterFilter) -> None:
    milter.start(patch="import time, dlp.milter.server as s\ns.Session.eom = lambda self: time.sleep(3600)")
    started = time.monotonic()
    code, text = submit(mta, _mail(), [OUTSIDE], SENDER)
    assert code == 451 and text.startswith("4.7.1"), text
    assert 10 < time.monotonic() - started < 60  # Postfix's milter content timeout (15s here)
    _wait(lambda: "SMFIC_BODYEOB reply packet header: Connection timed out" in mta.maillog(), what="the timeout logged")
    time.sleep(1.0)
    assert mta.sink.messages == [] and mta.queue() == []


def test_smtputf8_mail_passes_with_the_header(mta: Postfix, milter: MilterFilter) -> None:
    from email.message import EmailMessage
    from email.policy import default as default_policy
    from email.utils import make_msgid

    milter.start()
    m = EmailMessage(policy=default_policy.clone(utf8=True))
    m["From"] = f"佐藤 <{SENDER}>"
    m["To"] = "担当者@example.net"
    m["Subject"] = "お見積りの件"
    m["Message-ID"] = make_msgid(domain="example.co.jp")
    m["Date"] = "Sun, 29 Nov 2026 10:00:00 +0900"
    m.set_content("お見積りを添付します。")
    original = m.as_bytes()
    assert submit(mta, original, ["担当者@example.net"], SENDER, ("SMTPUTF8", "BODY=8BITMIME")) == (250, "ok")
    (delivered,) = mta.sink.wait_for(1)
    assert delivered.rcpt_tos == ["担当者@example.net"] and "SMTPUTF8" in delivered.mail_options
    assert set(_headers_added(delivered.data, original)) == {b"Received", b"X-DLP-Verdict"}
    assert _verdict(milter)["action"] == "allow"


def test_iso_2022_jp_mail_is_judged_and_warned(mta: Postfix, milter: MilterFilter) -> None:
    milter.start()
    original = b"Date: Sun, 29 Nov 2026 10:00:00 +0900\n" + (FIXTURES / "mail_iso2022jp.eml").read_bytes()
    assert submit(mta, original, [OUTSIDE], "support@example.co.jp") == (250, "ok")
    verdict = _verdict(milter)
    assert verdict["action"] == "warn"  # three people's contacts in a Japanese-named CSV
    assert {"PHONE", "EMAIL"} <= set(verdict["counts"])
    _wait(lambda: _to(mta.sink.messages, OUTSIDE), what="delivery")
    (delivered,) = _to(mta.sink.messages, OUTSIDE)
    assert set(_headers_added(delivered.data, original)) == {b"Received", b"X-DLP-Verdict"}
    assert b"X-DLP-Verdict: warn;" in delivered.data
    _wait(lambda: _notices(mta.sink.messages, "support@example.co.jp"), what="the sender's notice")
    (notice,) = _notices(mta.sink.messages, "support@example.co.jp")
    body = notice.get_body(("plain",))
    assert body is not None and "個人情報" in body.get_content()


def test_a_30_mb_attachment_is_spooled_and_judged_whole(mta: Postfix, milter: MilterFilter) -> None:
    """30 MB of random bytes: received through the spool (no 552, no 451), scanned whole and,
    being uninspectable, held rather than passed."""
    milter.start()
    original = _with_attachment("設計図.bin", os.urandom(30 * 1024 * 1024))
    assert submit(mta, original, [OUTSIDE], SENDER) == (250, "ok")
    verdict = _verdict(milter)
    assert verdict["action"] == "quarantine" and verdict["enforced"] == "held (250)"
    assert _store(milter).get(verdict["quarantine_id"]).action == "quarantine"
    (decided,) = [r for r in milter.records() if r.get("msg") == "quarantine: held"]
    assert decided["size"] > 40_000_000  # the whole message (base64), not a prefix
    time.sleep(1.0)
    assert _to(mta.sink.messages, OUTSIDE) == [] and mta.queue() == []


def test_100_concurrent_sessions_all_answered_and_delivered(mta: Postfix, milter: MilterFilter) -> None:
    milter.start()
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        rcpt = f"partner{i}@example.net"
        result = submit(mta, _mail(to=rcpt), [rcpt], SENDER)
        with lock:
            results.append(result)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert results == [(250, "ok")] * 100
    delivered = mta.sink.wait_for(100, timeout=120)
    assert sorted(r for m in delivered for r in m.rcpt_tos) == sorted(f"partner{i}@example.net" for i in range(100))
    assert all(m.data.startswith(b"X-DLP-Verdict: allow; -; M") for m in delivered)
    assert len(milter.verdicts()) == 100


def test_the_same_corpus_gets_the_same_verdicts_and_audit_lines_as_the_gateway(
    mta: Postfix, milter: MilterFilter, tmp_path: Path
) -> None:
    """Issue 13 item 3: one engine. Each mail once through the after-queue filter, once through
    the Milter; the audit lines must be equal but for what is new each time (time, ids, chain)."""
    gateway = Filter(tmp_path / "gateway", mta).start()
    milter.data.mkdir(parents=True, exist_ok=True)  # one installation's key: the same fingerprints
    shutil.copy2(gateway.data / "fingerprint.key", milter.data / "fingerprint.key")
    milter.start()
    listing = (FIXTURES / "customer_export_150.csv").read_bytes()
    corpus = [
        _mail(),
        _with_attachment("顧客一覧.csv", listing, maintype="text", subtype="csv"),
        _with_attachment("顧客リスト.csv", (FIXTURES / "customers_cp932.csv").read_bytes(), "text", "csv"),
        b"Date: Sun, 29 Nov 2026 10:00:00 +0900\n" + (FIXTURES / "mail_iso2022jp.eml").read_bytes(),
        _with_attachment("見積書.zip", (FIXTURES / "ppap_aes.zip").read_bytes()),
    ]
    try:
        from tests.gateway.test_postfix import _send

        for i, data in enumerate(corpus, 1):
            _send(mta, data, [OUTSIDE])
            _wait(lambda i=i: len(gateway.verdicts()) == i, what=f"the gateway's verdict {i}")
            submit(mta, data, [OUTSIDE], SENDER)
            _wait(lambda i=i: len(milter.verdicts()) == i, what=f"the Milter's verdict {i}")
        via_gateway, via_milter = gateway.verdicts(), milter.verdicts()
    finally:
        gateway.stop()
    assert [v["action"] for v in via_milter] == ["allow", "block", "quarantine", "warn", "quarantine"]
    assert [_comparable(v) for v in via_milter] == [_comparable(v) for v in via_gateway]


VARYING = {"ts", "quarantine_id", "mac"}  # new each time: the time, the incident id, the chained MAC


def _comparable(line: dict) -> dict:
    return {k: v for k, v in line.items() if k not in VARYING}


def test_milter_check_while_running_names_the_ports_and_fails_when_it_is_down(
    mta: Postfix, milter: MilterFilter
) -> None:
    milter.start()
    command = [sys.executable, "-m", "dlp", "milter", "check", "--config", str(milter.config)]
    command += ["--postfix-config", str(mta.conf)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    running = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert running.returncode == 0, running.stdout + running.stderr
    assert "FAIL" not in running.stdout
    assert f"Postfix services using the Milter: 127.0.0.1:{mta.submit}" in running.stdout
    assert "Milter protocol 6" in running.stdout and "SMTPUTF8, 8BITMIME" in running.stdout
    assert "default_action=tempfail" in running.stdout and "port 25 is not judged" in running.stdout
    assert submit(mta, _mail(), [OUTSIDE], SENDER) == (250, "ok")  # the check did not disturb it
    milter.stop()
    down = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert down.returncode == 1
    (line,) = [line for line in down.stdout.splitlines() if line.startswith("FAIL")]
    assert "Milter socket" in line and "dlp milter serve" in line


def test_size_caps_552_per_message_and_451_over_the_spool_budget(mta: Postfix, tmp_path: Path) -> None:
    """Over [milter] max_message_size: 552 5.3.4 (permanent, like Postfix's own size limit); more
    bytes being received at once than spool_budget: 451 4.7.1 (the client retries). Never a pass."""
    big = _with_attachment("議事録.txt", ("議事録の本文です。\n" * 20_000).encode(), maintype="text", subtype="plain")
    capped = MilterFilter(tmp_path / "capped", mta, mta.milter_socket, milter="max_message_size = 100000")
    capped.start()
    try:
        code, text = submit(mta, big, [OUTSIDE], SENDER)
        assert (code, text) == (552, "5.3.4 Message too big for DLP inspection")
        assert submit(mta, _mail(), [OUTSIDE], SENDER) == (250, "ok")  # small mail still passes
    finally:
        capped.stop()
    budget = MilterFilter(tmp_path / "budget", mta, mta.milter_socket, milter="spool_budget = 100000")
    budget.start()
    try:
        code, text = submit(mta, big, [OUTSIDE], SENDER)
        assert code == 451 and text.startswith("4.7.1 DLP is busy"), text
    finally:
        budget.stop()
    time.sleep(1.0)
    assert _to(mta.sink.messages, OUTSIDE) == [_to(mta.sink.messages, OUTSIDE)[0]]  # only the small mail
    assert b"X-DLP-Verdict: allow" in _to(mta.sink.messages, OUTSIDE)[0].data and mta.queue() == []


def test_an_exception_while_deciding_is_451_never_an_accept(mta: Postfix, milter: MilterFilter) -> None:
    milter.start(
        patch="import dlp.gateway.decide as d\n"
        "def boom(self, mail, commit):\n    raise RuntimeError('injected')\n"
        "d.Decider.decide = boom"
    )
    code, text = submit(mta, _mail(), [OUTSIDE], SENDER)
    assert code == 451 and text.startswith("4.7.1 DLP could not inspect"), text
    time.sleep(1.0)
    assert mta.sink.messages == [] and mta.queue() == []


def test_one_verdict_per_message_the_external_recipient_decides(mta: Postfix, milter: MilterFilter) -> None:
    """SMTP has no per-recipient reply after DATA: a customer list to a colleague and a partner is
    refused for both (the after-queue gateway, one transaction per recipient, passes the colleague's)."""
    milter.start()
    listing = (FIXTURES / "customer_export_150.csv").read_bytes()
    mail = _with_attachment("顧客一覧.csv", listing, maintype="text", subtype="csv")
    code, text = submit(mta, mail, ["suzuki@example.co.jp", OUTSIDE], SENDER)
    assert code == 550 and "external recipients" in text, text
    (verdict,) = milter.verdicts()
    assert verdict["action"] == "block" and verdict["recipient_domains"] == ["example.co.jp", "example.net"]
    time.sleep(1.0)
    assert _to(mta.sink.messages, OUTSIDE) == [] and _to(mta.sink.messages, "suzuki@example.co.jp") == []
