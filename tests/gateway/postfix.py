"""A real Postfix on loopback with `dlp gateway` as its after-queue content filter.

Layout (ports are free ones picked at start)::

    test ──SMTP──▶ Postfix :entry ──dlpscan──▶ dlp gateway :filter ──▶ Postfix :reinject ──relayhost──▶ sink
                                                    (notices go back in through :entry, like any mail)
    outside ──SMTP──▶ Postfix :mx ──────────────────────────────────────────────relayhost──▶ sink

``:entry`` is the snippet's internal relay listener (mynetworks only, filtered), ``:mx`` the
public port-25 smtpd an admin already has (not filtered; ``filter_mx=True`` adds the filter
there, as a mistaken set-up would). The snippet's submission services are started too (their
ports replaced), but the harness has no SASL, so nothing is sent through them.

Postfix runs from its own configuration and queue folders (``postfix -c DIR``), chroot off, so
nothing outside the test's temporary folder is touched. The sink is an aiosmtpd server standing
in for the internet. Postfix must be installed (`.ci/run` installs Debian's package); without it
these tests fail, they do not skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import ROOT
from tests.smtp_sink import SmtpSink, free_port

POSTFIX = shutil.which("postfix") or "/usr/sbin/postfix"
CONTRIB = ROOT / "contrib" / "postfix"  # the snippets the README tells admins to add: tested as written

MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {queue}
data_directory = {data}
myhostname = mta.dlp-test.invalid
mydomain = dlp-test.invalid
myorigin = $mydomain
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.1/32
relay_domains = example.co.jp
smtpd_relay_restrictions = permit_mynetworks, permit_auth_destination, reject
alias_maps =
alias_database =
relayhost = [127.0.0.1]:{sink}
smtp_dns_support_level = disabled
maillog_file = {base}/maillog
maillog_file_prefixes = {base}
minimal_backoff_time = 1s
maximal_backoff_time = 2s
queue_run_delay = 1s
bounce_size_limit = 100000
"""

MASTER_CF = """\
127.0.0.1:{mx} inet n - n - - smtpd{mx_filter}
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


class Postfix:
    def __init__(
        self,
        *,
        data_done_timeout: str = "1200s",
        recipient_limit: bool = True,
        filter_mx: bool = False,
        milter_socket: Path | None = None,
        milter_timeout: str = "",
        main_extra: str = "",
    ) -> None:
        """``recipient_limit=False`` drops the snippet's one-recipient-per-transaction line, as an
        admin may (then one filter transaction carries several recipients). ``filter_mx=True``
        puts the filter on the public smtpd too (what the snippets say not to do). ``milter_socket``
        adds contrib/postfix/milter.*.snippet: a submission port (``self.submit``) whose
        smtpd_milters is `dlp milter serve` on that socket (``milter_timeout`` shortens its
        command and content timeouts)."""
        if not Path(POSTFIX).exists():
            raise AssertionError("postfix is not installed: .ci/run installs it (apt-get install postfix)")
        # Not under pytest's folder (0700): Postfix's daemons run as the postfix user.
        base = Path(tempfile.mkdtemp(prefix="dlp-postfix-"))
        base.chmod(0o755)
        self.base = base
        self.conf = base / "conf"
        self.entry, self.filter, self.reinject, self.sink_port = (free_port() for _ in range(4))
        self.mx, submission, submissions = (free_port() for _ in range(3))
        self.sink = SmtpSink(self.sink_port).start()
        for folder in (self.conf, base / "queue", base / "data"):
            folder.mkdir(parents=True, exist_ok=True)
        shutil.chown(base / "data", "postfix")
        ports = {"entry": self.entry, "filter": self.filter, "reinject": self.reinject, "sink": self.sink_port}
        ports["mx"] = self.mx
        main_snippet = (CONTRIB / "main.cf.snippet").read_text(encoding="utf-8")
        master_snippet = (CONTRIB / "master.cf.snippet").read_text(encoding="utf-8")
        main_snippet = main_snippet.replace(":10025", f":{self.filter}")
        if not recipient_limit:
            main_snippet = re.sub(r"(?m)^dlpscan_destination_recipient_limit.*$", "", main_snippet)
        master_snippet = master_snippet.replace("127.0.0.1:10026", f"127.0.0.1:{self.reinject}")
        # the snippet's own listeners, on free loopback ports (the only change to them)
        for service, port in (("10.0.0.25:smtp", self.entry), ("submission", submission), ("submissions", submissions)):
            master_snippet, count = re.subn(
                rf"(?m)^{re.escape(service)}(\s+inet\s)", rf"127.0.0.1:{port}\1", master_snippet
            )
            assert count == 1, service
        master_snippet = re.sub(r"(\w+_data_done_timeout)=1200s", rf"\1={data_done_timeout}", master_snippet)
        assert str(self.filter) in main_snippet and str(self.reinject) in master_snippet
        self.submit = free_port()
        self.milter_socket = milter_socket
        if milter_socket is not None:
            milter_main, milter_master = _milter_snippets(milter_socket, self.submit, milter_timeout)
            main_snippet += "\n" + milter_main + main_extra
            master_snippet += "\n" + milter_master
        (self.conf / "main.cf").write_text(
            MAIN_CF.format(queue=base / "queue", data=base / "data", base=base, **ports) + main_snippet,
            encoding="utf-8",
        )
        mx_filter = "\n  -o content_filter=$dlp_content_filter" if filter_mx else ""
        (self.conf / "master.cf").write_text(
            MASTER_CF.format(mx_filter=mx_filter, **ports) + master_snippet, encoding="utf-8"
        )
        self._start()

    def _start(self) -> None:
        """`postfix start`, once more after a failed start: in one CI run a master died within
        its 2 s start-up wait without a line in the log, and the same configuration started
        when tried again later. A second failure is the test's error, with both logs."""
        try:
            self._postfix("start")
        except AssertionError as first:
            subprocess.run([POSTFIX, "-c", str(self.conf), "stop"], capture_output=True, check=False)
            time.sleep(1.0)
            try:
                self._postfix("start")
            except AssertionError as second:
                raise AssertionError(f"{first}\n--- and again ---\n{second}") from None

    def _postfix(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([POSTFIX, "-c", str(self.conf), *args], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise AssertionError(f"postfix {' '.join(args)} failed: {result.stderr}{self.maillog()[-2000:]}")
        return result

    def stop(self) -> None:
        subprocess.run([POSTFIX, "-c", str(self.conf), "stop"], capture_output=True, check=False)
        self.sink.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def maillog(self) -> str:
        path = self.base / "maillog"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def queue(self) -> list[dict[str, Any]]:
        """`postqueue -j`: one object per queued message (queue_name, recipients[].delay_reason)."""
        result = subprocess.run(["postqueue", "-c", str(self.conf), "-j"], capture_output=True, text=True, check=False)
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]

    def flush(self) -> None:
        subprocess.run(["postqueue", "-c", str(self.conf), "-f"], capture_output=True, check=False)

    def clear(self) -> None:
        """Empty the queue and the sink between tests."""
        subprocess.run(["postsuper", "-c", str(self.conf), "-d", "ALL"], capture_output=True, check=False)
        with self.sink.handler.lock:
            self.sink.handler.messages.clear()
        self.sink.handler.reply = None

    def wait_queue(self, match: Callable[[list[dict[str, Any]]], bool], timeout: float = 60) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            queue = self.queue()
            if match(queue):
                return queue
            time.sleep(0.2)
        raise AssertionError(f"queue never matched; it is: {self.queue()}\n{self.maillog()[-3000:]}")


def _milter_snippets(socket: Path, port: int, timeout: str) -> tuple[str, str]:
    """The Milter snippets as written, for a test: its socket, a loopback port for the submission
    service, and no TLS/SASL (the test's client is in mynetworks instead). The release smtpd is
    left out: the gateway snippet's re-injection port is the same service."""
    main = (CONTRIB / "milter.main.cf.snippet").read_text(encoding="utf-8")
    master = (CONTRIB / "milter.master.cf.snippet").read_text(encoding="utf-8")
    main = main.replace("unix:/run/dlp-milter/milter.sock", f"unix:{socket}")
    if timeout:
        main = re.sub(r"(command|content)_timeout=\w+", rf"\1_timeout={timeout}", main)
    master = master.split("\n# Where `dlp quarantine release`")[0]
    master = master.replace("submission inet", f"127.0.0.1:{port} inet")
    master = re.sub(r"(?m)^  -o smtpd_(tls_security_level|sasl_auth_enable)=.*\n", "", master)
    master = master.replace("permit_sasl_authenticated,reject", "permit_mynetworks,reject")
    assert f"unix:{socket}" in main and f"127.0.0.1:{port}" in master and "smtpd_milters=$dlp_milters" in master
    return main, master


class Filter:
    """`dlp gateway serve` as Postfix would meet it: its own process, config and data folder.

    ``patch`` runs Python in the filter's process before it starts (a fault to inject: an
    exception, a hang); the product has no test hooks of its own.
    """

    command = "gateway"  # `dlp gateway serve`; tests/milter's subclass runs `dlp milter serve`

    def __init__(
        self,
        base: Path,
        postfix: Postfix,
        *,
        gateway: str = "",
        next_hop_port: int | None = None,
        mail: str = "",
        internal_domains: tuple[str, ...] = ("example.co.jp",),
    ) -> None:
        self.base = base
        self.data = base / "data"
        self.log = base / "gateway.log"
        self.config = base / "dlp.toml"
        self.process: subprocess.Popen[bytes] | None = None
        self.postfix = postfix
        base.mkdir(parents=True, exist_ok=True)
        self.config.write_text(
            f"""
[paths]
data_dir = "{self.data}"

[smtp]
host = "127.0.0.1"
port = {postfix.entry}

[notify]
from = "dlp@example.co.jp"
officer = "dpo@example.co.jp"
contact = "個人情報管理責任者（内線 1234）"

[mail]
internal_domains = {list(internal_domains)!r}
next_hop_host = "127.0.0.1"
next_hop_port = {next_hop_port or postfix.reinject}
{mail}

[gateway]
listen_port = {postfix.filter}
log = "{self.log}"
{gateway if "log_level" in gateway else 'log_level = "debug"' + chr(10) + gateway}
""",
            encoding="utf-8",
        )

    def start(self, patch: str = "") -> Filter:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("DLP_CONFIG", None)
        self._offset = self.log.stat().st_size if self.log.exists() else 0
        code = f"{patch}\nfrom dlp.cli import main\nmain([{self.command!r}, 'serve', '--config', {str(self.config)!r}])"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code], cwd=self.base, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.log.exists() and "listening on" in self.log.read_text(encoding="utf-8")[self._offset :]:
                return self
            if self.process.poll() is not None:
                raise AssertionError(
                    f"the filter exited: {self.process.stderr.read().decode() if self.process.stderr else ''}"
                )
            time.sleep(0.05)
        raise AssertionError("the filter did not start")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(sig)
        return self.process.wait(60)

    def records(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines() if line.strip()]

    def audit(self) -> list[dict[str, Any]]:
        path = self.data / "audit.jsonl"
        if not path.exists():
            return []
        text = path.read_text(encoding="utf-8")
        # the gateway may be writing a line right now: only whole lines (ended by "\n") count
        return [json.loads(line) for line in text[: text.rfind("\n") + 1].splitlines()]

    def verdicts(self) -> list[dict[str, Any]]:
        return [r for r in self.audit() if r["event"] == "verdict"]
