"""`dlp gateway` under load behind a real Postfix: messages/s and the latency it adds.

N concurrent SMTP clients send a mix — clean notes, mails with a customer's phone number
(warn), a card number (block: bounced), a 30-person list (quarantine: held) and clean 1 MB
attachments — into Postfix, which passes every mail through the filter. Every message is
accounted for by its Message-ID: delivered (at the sink), bounced (its headers come back in a
bounce to the sender) or held (in the quarantine); the three must add up to what was sent.

Latency is from the client's end of DATA to the sink's 250. The baseline, measured in the same
run with the same messages and clients, is Postfix alone (sent to the re-injection port, which
has no filter); "added" is the difference of the two at each percentile, for mail under 100 KB.
Targets: >= 50 msg/s on a 2-core machine, p99 added < 0.5 s. Needs Postfix and root.

    python bench/bench_gateway.py                      # 8 clients x 40 messages, 3 runs
    python bench/bench_gateway.py --clients 16 --per-client 50 --runs 3
"""

from __future__ import annotations

import argparse
import os
import random
import re
import smtplib
import statistics
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dlp.actions.quarantine import QuarantineStore  # noqa: E402
from dlp.keys import load_or_create_key  # noqa: E402
from tests.fakes import FakeJP  # noqa: E402
from tests.gateway.postfix import Filter, Postfix  # noqa: E402

SENDER = "agent@example.co.jp"
OUTSIDE = "partner@example.net"
_MSGID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.IGNORECASE | re.MULTILINE)


def make_mix(count: int, seed: int = 1) -> list[tuple[str, str, bytes]]:
    """(kind, Message-ID, bytes) for ``count`` messages."""
    fake = FakeJP(seed)
    rng = random.Random(seed)
    big = ("添付の議事録をご確認ください。次回の定例は来週です。\n" * 22_000).encode()[:1_000_000]
    kinds = ["clean"] * 12 + ["warn"] * 4 + ["block"] * 2 + ["hold"] * 1 + ["large"] * 1
    out = []
    for i in range(count):
        kind = kinds[i % len(kinds)] if i < len(kinds) else rng.choice(kinds)
        m = EmailMessage()
        m["From"] = SENDER
        m["To"] = OUTSIDE
        m["Subject"] = f"ご連絡 {i}"
        msgid = make_msgid(idstring=f"bench{i}", domain="example.co.jp")
        m["Message-ID"] = msgid
        m["Date"] = "Sun, 29 Nov 2026 10:00:00 +0900"
        if kind == "clean":
            m.set_content(
                "お世話になっております。明日の打ち合わせは予定どおり10時からです。\nよろしくお願いします。\n"
            )
        elif kind == "warn":
            m.set_content(f"{fake.person().name}様より入電、折り返し先は {fake.mobile()} です。\n")
        elif kind == "block":
            m.set_content(f"カード番号 {fake.card()} で再決済をお願いします。\n")
        elif kind == "hold":
            m.set_content("顧客リストを添付します。")
            rows = ["氏名,電話番号,メール"] + [
                f"{fake.person().name},{fake.mobile()},{fake.email()}" for _ in range(30)
            ]
            m.add_attachment("\r\n".join(rows).encode("cp932"), maintype="text", subtype="csv", filename="顧客.csv")
        else:
            m.set_content("議事録を添付します。")
            m.add_attachment(big, maintype="text", subtype="plain", filename="議事録.txt")
        data = m.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        out.append((kind, msgid, data))
    return out


def send_all(port: int, mix: list[tuple[str, str, bytes]], clients: int, rate: float = 0) -> dict[str, float]:
    """Send with ``clients`` parallel connections, as fast as they go or at ``rate`` messages/s
    in total; returns Message-ID -> time DATA was accepted."""
    sent: dict[str, float] = {}
    lock = threading.Lock()
    chunks = [mix[i::clients] for i in range(clients)]
    start = time.monotonic()

    def client(n: int, chunk: list[tuple[str, str, bytes]]) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
            for k, (_, msgid, data) in enumerate(chunk):
                if rate:
                    due = start + (k * clients + n) / rate
                    time.sleep(max(0.0, due - time.monotonic()))
                smtp.sendmail(SENDER, [OUTSIDE], data)
                with lock:
                    sent[msgid] = time.time()

    threads = [threading.Thread(target=client, args=(n, c)) for n, c in enumerate(chunks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sent


def account(lab: Postfix, gateway: Filter | None, ids: set[str], timeout: float = 300) -> tuple[dict, dict, set, set]:
    """Wait until every message is delivered, bounced or held; returns (delivered at, ...)."""
    deadline = time.monotonic() + timeout
    while True:
        delivered: dict[str, float] = {}
        bounced: set[str] = set()
        for m in list(lab.sink.messages):
            found = {f.decode() for f in _MSGID.findall(m.data)} & ids
            if not found:
                continue
            msgid = found.pop()
            if m.mail_from in ("<>", ""):
                bounced.add(msgid)  # the bounce quotes the original's headers
            elif OUTSIDE in m.rcpt_tos:
                delivered[msgid] = m.at
        held: set[str] = set()
        if gateway is not None and (gateway.data / "quarantine").exists():
            store = QuarantineStore(gateway.data / "quarantine", load_or_create_key(gateway.data / "quarantine.key"))
            # the entry's locator is masked (digits of a Message-ID look like values): read the held mail
            held = {f.decode() for e in store.list(channel="mail") for f in _MSGID.findall(store.content(e.id))}
            held -= bounced
        if ids <= set(delivered) | bounced | held or time.monotonic() > deadline:
            return delivered, {}, bounced & ids, held & ids
        time.sleep(0.2)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_once(clients: int, per_client: int, rate: float, tmp: Path) -> dict[str, float]:
    lab = Postfix()
    gateway = Filter(tmp / "gateway", lab, gateway=f'log_level = "{os.environ.get("DLP_BENCH_LOG", "info")}"')
    try:
        gateway.start()
        mix = make_mix(clients * per_client)
        small = {msgid for kind, msgid, data in mix if len(data) < 100_000}
        ids = {msgid for _, msgid, _ in mix}
        out: dict[str, float] = {"sent": len(ids)}
        for phase, port in (("base", lab.reinject), ("filter", lab.entry)):
            # throughput: every client as fast as it can
            lab.clear()
            started = time.time()
            send_all(port, mix, clients)
            delivered, _, bounced, held = account(lab, gateway if phase == "filter" else None, ids)
            finished = max([*delivered.values(), time.time() if bounced or held else 0.0])
            out[f"{phase}_rate"] = len(ids) / (finished - started)
            if phase == "filter":
                out.update(
                    delivered=len(delivered),
                    bounced=len(bounced),
                    held=len(held),
                    missing=len(ids - set(delivered) - bounced - held),
                    expected_bounced=sum(1 for k, _, _ in mix if k == "block"),
                    expected_held=sum(1 for k, _, _ in mix if k == "hold"),
                )
            # latency: the same mail at a steady rate below saturation
            lab.clear()
            paced = [(k, f"<p{phase}{m[1:]}", d.replace(m.encode(), f"<p{phase}{m[1:]}".encode())) for k, m, d in mix]
            paced_ids = {m for _, m, _ in paced}
            sent = send_all(port, paced, clients, rate)
            delivered, _, _, _ = account(lab, gateway if phase == "filter" else None, paced_ids)
            latencies = [
                delivered[f"<p{phase}{i[1:]}"] - sent[f"<p{phase}{i[1:]}"]
                for i in small
                if f"<p{phase}{i[1:]}" in delivered
            ]
            out[f"{phase}_p50"] = percentile(latencies, 0.5)
            out[f"{phase}_p99"] = percentile(latencies, 0.99)
        gateway_held = QuarantineStore(gateway.data / "quarantine", load_or_create_key(gateway.data / "quarantine.key"))
        out["held_total"] = len(gateway_held.list(channel="mail"))
        return out
    finally:
        gateway.stop()
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
            f"run {n + 1}: sent {r['sent']:.0f}: delivered {r['delivered']:.0f} + bounced {r['bounced']:.0f} + held "
            f"{r['held']:.0f} (missing {r['missing']:.0f}; expected bounced {r['expected_bounced']:.0f}, held "
            f"{r['expected_held']:.0f}); flood {r['filter_rate']:.1f} msg/s (Postfix alone {r['base_rate']:.1f}); "
            f"at {args.rate:g} msg/s latency p50 {r['filter_p50']:.3f} s p99 {r['filter_p99']:.3f} s "
            f"(Postfix alone p50 {r['base_p50']:.3f} s p99 {r['base_p99']:.3f} s)"
        )
    med = {k: statistics.median(r[k] for r in results) for k in results[0]}
    print(
        f"median of {args.runs} runs, {args.clients} clients: {med['filter_rate']:.1f} msg/s through the filter "
        f"(Postfix alone {med['base_rate']:.1f} msg/s, ratio {med['filter_rate'] / med['base_rate']:.2f}); "
        f"added latency at {args.rate:g} msg/s for mail < 100 KB: p50 {med['filter_p50'] - med['base_p50']:.3f} s, "
        f"p99 {med['filter_p99'] - med['base_p99']:.3f} s (targets >= 50 msg/s, p99 added < 0.5 s); "
        f"every message accounted for: {all(r['missing'] == 0 for r in results)}"
    )


if __name__ == "__main__":
    main()
