"""`dlp milter serve` under load behind a real Postfix: messages/s and the latency it adds.

The same mix as bench/bench_gateway.py (clean notes, a customer's phone number: warn, a card
number: block, a 30-person list: hold, clean 1 MB attachments), sent by N concurrent SMTP
clients to the submission port of contrib/postfix/milter.*.snippet. Every message is accounted
for by its Message-ID: delivered (at the sink), rejected (the client got 550 at DATA) or held
(in the quarantine, Postfix's copy discarded); the three must add up to what was sent.

Two latencies, for mail under 100 KB, each against Postfix alone (the same messages and clients
sent to the re-injection port, which has no milter and no filter), in the same run:

* session: the client's wait from MAIL to the reply after DATA — what a Milter adds is here,
  the sender's mail client waits for it;
* end to end: from the client's 250 to the sink's 250.

    python bench/bench_milter.py                      # 8 clients x 40 messages, 3 runs
    python bench/bench_milter.py --clients 16 --per-client 50 --runs 3
"""

from __future__ import annotations

import argparse
import os
import smtplib
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_gateway import _MSGID, OUTSIDE, SENDER, make_mix, percentile  # noqa: E402
from tests.gateway.postfix import Postfix  # noqa: E402
from tests.milter.conftest import milter_socket  # noqa: E402
from tests.milter.harness import MilterFilter  # noqa: E402

Mix = list[tuple[str, str, bytes]]


def send_all(port: int, mix: Mix, clients: int, rate: float = 0) -> tuple[dict[str, float], dict[str, float], set[str]]:
    """Send with ``clients`` parallel connections, as fast as they go or at ``rate`` messages/s in
    total. Returns (Message-ID -> time of the 250, Message-ID -> session seconds, rejected ids)."""
    accepted: dict[str, float] = {}
    session: dict[str, float] = {}
    rejected: set[str] = set()
    lock = threading.Lock()
    chunks = [mix[i::clients] for i in range(clients)]
    start = time.monotonic()

    def client(n: int, chunk: Mix) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=300) as smtp:
            for k, (_, msgid, data) in enumerate(chunk):
                if rate:
                    due = start + (k * clients + n) / rate
                    time.sleep(max(0.0, due - time.monotonic()))
                began = time.monotonic()
                try:
                    smtp.sendmail(SENDER, [OUTSIDE], data)
                    ok = True
                except smtplib.SMTPDataError as exc:
                    if exc.smtp_code < 500:
                        raise
                    ok = False
                    smtp.rset()
                took = time.monotonic() - began
                with lock:
                    session[msgid] = took
                    if ok:
                        accepted[msgid] = time.time()
                    else:
                        rejected.add(msgid)

    threads = [threading.Thread(target=client, args=(n, c)) for n, c in enumerate(chunks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return accepted, session, rejected


def held_so_far(milter: MilterFilter | None) -> int:
    return 0 if milter is None else sum(1 for v in milter.verdicts() if v["enforced"] == "held (250)")


def account(
    lab: Postfix, milter: MilterFilter | None, ids: set[str], before: int, timeout: float = 300
) -> tuple[dict, int]:
    """Wait until every accepted message is delivered or held; returns (delivered at, held count).
    Held mail is counted from the audit trail ("held (250)"): the quarantine's locators are masked."""
    deadline = time.monotonic() + timeout
    while True:
        delivered: dict[str, float] = {}
        for m in list(lab.sink.messages):
            found = {f.decode() for f in _MSGID.findall(m.data)} & ids
            if found and OUTSIDE in m.rcpt_tos and m.mail_from not in ("<>", ""):
                delivered[found.pop()] = m.at
        held = held_so_far(milter) - before
        if len(ids - set(delivered)) <= held or time.monotonic() > deadline:
            return delivered, held
        time.sleep(0.2)


def run_once(clients: int, per_client: int, rate: float, tmp: Path) -> dict[str, float]:
    socket = milter_socket()
    lab = Postfix(milter_socket=socket)
    level = os.environ.get("DLP_BENCH_LOG", "info")
    milter = MilterFilter(tmp / "milter", lab, socket, milter=f'log_level = "{level}"')
    try:
        milter.start()
        mix = make_mix(clients * per_client)
        small = {msgid for _, msgid, data in mix if len(data) < 100_000}
        ids = {msgid for _, msgid, _ in mix}
        out: dict[str, float] = {"sent": len(ids)}
        for phase, port in (("base", lab.reinject), ("milter", lab.submit)):
            # throughput: every client as fast as it can
            lab.clear()
            used = milter if phase == "milter" else None
            before = held_so_far(used)
            started = time.time()
            accepted, _, rejected = send_all(port, mix, clients)
            delivered, held = account(lab, used, set(accepted), before)
            finished = max([*delivered.values(), *accepted.values()])
            out[f"{phase}_rate"] = len(ids) / (finished - started)
            if phase == "milter":
                out.update(
                    delivered=len(delivered),
                    rejected=len(rejected),
                    held=held,
                    missing=len(ids) - len(delivered) - len(rejected) - held,
                    expected_rejected=sum(1 for k, _, _ in mix if k == "block"),
                    expected_held=sum(1 for k, _, _ in mix if k == "hold"),
                )
            # latency: the same mail at a steady rate below saturation
            lab.clear()
            tag = f"<p{phase}"
            paced = [(k, tag + m[1:], d.replace(m.encode(), (tag + m[1:]).encode())) for k, m, d in mix]
            before = held_so_far(used)
            accepted, session, _ = send_all(port, paced, clients, rate)
            delivered, _ = account(lab, used, set(accepted), before)
            small_paced = {tag + i[1:] for i in small}
            e2e = [delivered[i] - accepted[i] for i in small_paced if i in delivered]
            waits = [session[i] for i in small_paced if i in session]
            out[f"{phase}_p50"], out[f"{phase}_p99"] = percentile(e2e, 0.5), percentile(e2e, 0.99)
            out[f"{phase}_s50"], out[f"{phase}_s99"] = percentile(waits, 0.5), percentile(waits, 0.99)
        return out
    finally:
        milter.stop()
        lab.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--per-client", type=int, default=40)
    parser.add_argument("--rate", type=float, default=20.0, help="messages/s for the latency phase")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root: Postfix is started from its own config folder")
    results = []
    for n in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            r = run_once(args.clients, args.per_client, args.rate, Path(tmp))
        results.append(r)
        print(
            f"run {n + 1}: sent {r['sent']:.0f}: delivered {r['delivered']:.0f} + rejected {r['rejected']:.0f} + held "
            f"{r['held']:.0f} (missing {r['missing']:.0f}; expected rejected {r['expected_rejected']:.0f}, held "
            f"{r['expected_held']:.0f}); flood {r['milter_rate']:.1f} msg/s (Postfix alone {r['base_rate']:.1f}); "
            f"at {args.rate:g} msg/s session p50 {r['milter_s50']:.3f} s p99 {r['milter_s99']:.3f} s "
            f"(alone {r['base_s50']:.3f} / {r['base_s99']:.3f}), end to end p50 {r['milter_p50']:.3f} s "
            f"p99 {r['milter_p99']:.3f} s (alone {r['base_p50']:.3f} / {r['base_p99']:.3f})",
            flush=True,
        )
    med = {k: statistics.median(r[k] for r in results) for k in results[0]}
    print(
        f"median of {args.runs} runs, {args.clients} clients: {med['milter_rate']:.1f} msg/s through Postfix + Milter "
        f"(Postfix alone {med['base_rate']:.1f} msg/s, ratio {med['milter_rate'] / med['base_rate']:.2f}); "
        f"added latency at {args.rate:g} msg/s for mail < 100 KB: in the session p50 "
        f"{med['milter_s50'] - med['base_s50']:.3f} s, p99 {med['milter_s99'] - med['base_s99']:.3f} s; end to end "
        f"p50 {med['milter_p50'] - med['base_p50']:.3f} s, p99 {med['milter_p99'] - med['base_p99']:.3f} s; "
        f"every message accounted for: {all(r['missing'] == 0 for r in results)}"
    )


if __name__ == "__main__":
    main()
