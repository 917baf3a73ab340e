"""Many large mails at once must not grow the gateway without bound (issue: 20 x 45 MB -> 2.4 GB).

Eight 20 MB mails are sent to the filter at the same time, over loopback SMTP straight to its
port (as Postfix's dlpscan transport would, with maxproc 8). The gateway spools what it receives
to disk and loads only ``memory_budget`` bytes of messages at once; what does not fit waits, and
past the deadline gets a 451 (Postfix retries it). Measured: the filter process's peak resident
size (VmHWM), and that every mail is accounted for: delivered, held, or answered 4xx.
"""

from __future__ import annotations

import os
import smtplib
import threading
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest

from tests.gateway.postfix import Filter, Postfix

pytestmark = pytest.mark.slow  # a real Postfix (tests/gateway/postfix.py)

MAILS = 8
SIZE = 20 * 1024 * 1024
PEAK_LIMIT = 350 * 1024 * 1024  # now about 250 MB; the old gateway took 570 MB, more with every mail


def _big_mail(n: int) -> bytes:
    m = EmailMessage()
    m["From"] = "sato@example.co.jp"
    m["To"] = f"big{n}@example.net"
    m["Subject"] = f"図面 {n}"
    m["Message-ID"] = make_msgid(domain="example.co.jp")
    m["Date"] = "Sun, 29 Nov 2026 10:00:00 +0900"
    m.set_content("図面を添付します。")
    m.add_attachment(os.urandom(SIZE * 3 // 4), maintype="application", subtype="octet-stream", filename="z.bin")
    return m.as_bytes().replace(b"\n", b"\r\n")


def _peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def test_concurrent_large_mails_stay_within_memory_and_are_all_accounted_for(mta: Postfix, tmp_path: Path) -> None:
    gateway = Filter(tmp_path / "big", mta, gateway='log_level = "info"\ndeadline = "240s"')
    gateway.start()
    try:
        mails = [_big_mail(n) for n in range(MAILS)]
        replies: dict[int, int] = {}
        start = threading.Barrier(MAILS)

        def send(n: int) -> None:
            try:
                with smtplib.SMTP("127.0.0.1", mta.filter, timeout=600) as client:
                    start.wait()
                    client.sendmail("sato@example.co.jp", [f"big{n}@example.net"], mails[n])
                replies[n] = 250
            except smtplib.SMTPResponseException as exc:
                replies[n] = exc.smtp_code
            except smtplib.SMTPRecipientsRefused as exc:
                replies[n] = next(iter(exc.recipients.values()))[0]

        threads = [threading.Thread(target=send, args=(n,)) for n in range(MAILS)]
        began = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(900)
        peak = _peak_rss(gateway.process.pid)  # type: ignore[union-attr]
        assert len(replies) == MAILS, replies
        assert set(replies.values()) <= {250, 421, 451}, replies  # never a 5xx, never a drop
        accepted = {n for n, code in replies.items() if code == 250}
        time.sleep(1.0)
        verdicts = {v["recipient_domains"][0] + v["item"]: v for v in gateway.verdicts()}
        delivered = {r for m in mta.sink.messages for r in m.rcpt_tos if r.startswith("big")}
        held = [v for v in gateway.verdicts() if v["enforced"].startswith(("held", "rejected"))]
        assert len(delivered) + len(held) == len(accepted), (replies, delivered, verdicts)
        assert accepted, "nothing got through at all"
        enforced = [v["enforced"] for v in gateway.verdicts()]
        assert peak < PEAK_LIMIT, f"peak RSS {peak >> 20} MB after {time.monotonic() - began:.0f} s; {enforced}"
        spool = gateway.data / "spool"
        assert not spool.exists() or not any(spool.iterdir()), "spooled messages left behind"
        print(f"peak RSS {peak >> 20} MB, replies {sorted(replies.values())}, enforced {enforced}")
    finally:
        gateway.stop()


def test_over_the_session_cap_is_a_451_at_data_then_accepted_on_retry(mta: Postfix, tmp_path: Path) -> None:
    gateway = Filter(tmp_path / "cap", mta, gateway="max_sessions = 1")
    gateway.start(
        patch="import time, dlp.worker as w\nw.WorkerPool.scan_ = w.WorkerPool.scan\n"
        "def slow(self, *a, **k):\n    time.sleep(3)\n    return self.scan_(*a, **k)\n"
        "w.WorkerPool.scan = slow\n"
    )
    try:
        first: list[object] = []

        def send_first() -> None:
            with smtplib.SMTP("127.0.0.1", mta.filter, timeout=60) as client:
                first.append(client.sendmail("sato@example.co.jp", ["one@example.net"], _small("one")))

        thread = threading.Thread(target=send_first)
        thread.start()
        time.sleep(1.5)  # the first is being scanned
        with smtplib.SMTP("127.0.0.1", mta.filter, timeout=60) as client:
            client.ehlo()
            client.mail("sato@example.co.jp")
            client.rcpt("two@example.net")
            code, text = client.docmd("DATA")
        assert code == 451 and b"busy" in text
        thread.join(60)
        assert first == [{}]
        with smtplib.SMTP("127.0.0.1", mta.filter, timeout=60) as client:  # Postfix's retry
            assert client.sendmail("sato@example.co.jp", ["two@example.net"], _small("two")) == {}
        mta.sink.wait_for(2)
    finally:
        gateway.stop()


def _small(name: str) -> bytes:
    return (
        f"From: sato@example.co.jp\r\nTo: {name}@example.net\r\nSubject: hello\r\n"
        f"Message-ID: <{name}@example.co.jp>\r\n\r\nmeeting at ten\r\n"
    ).encode()
