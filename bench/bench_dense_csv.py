"""`dlp scan --full` on a dense customer CSV: every column personal, every row a person.

A CRM export as Japanese Excel saves it (CP932, CRLF), about 53 MB and 200,000 rows of Faker
ja_JP customers: name, reading, postal code, address, phone, mail, date of birth. The scan runs
through the real CLI in a fresh process (wall clock, start-up included, from byte code as an
installed copy starts: byte_compile), so the figure is what a user sees; CPU seconds are
given too (on a loaded machine they are the steadier figure).
With ``--baseline REV`` the same file is also scanned by the code of a git
revision (exported with ``git archive``), runs alternating so that both see the same load.

    python bench/bench_dense_csv.py                       # this tree only
    python bench/bench_dense_csv.py --baseline 3ebce1c --runs 3
    python bench/bench_dense_csv.py --jobs 0             # all cores: the blocks fan out (dlp/fanout.py)
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".corpus"
sys.path.insert(0, str(ROOT))

HEADER = (
    "顧客ID,氏名,フリガナ,性別,郵便番号,住所,自宅電話,携帯電話,メールアドレス,生年月日,"
    "勤務先,勤務先住所,勤務先電話,登録日,備考\r\n"
)
NOTES = [
    "",
    "",
    "DM不要",
    "電話は夕方以降",
    "住所変更あり（2025年）。旧住所宛の郵便物は転送済み",
    "会員ランク：ゴールド",
    "請求書は郵送希望",
]


def make_dense_csv(path: Path, rows: int = 200_000, seed: int = 11) -> None:
    """About 250 bytes a row (50 MB for 200,000). Distinct people (surname x given name from
    Faker's lists), phones and mails, so counting cannot lean on repeats."""
    from tests.fakes import FakeJP

    fake = FakeJP(seed)
    r = random.Random(seed)
    people = [fake.person() for _ in range(4000)]
    lasts = [(p.last, p.last_kana) for p in people]
    firsts = [(p.first, p.first_kana) for p in people]
    addresses = [fake.address(building=r.random() < 0.9) for _ in range(20_000)]
    companies = [fake.company() for _ in range(2000)]
    domains = ["example.jp", "example.com", "example.ne.jp", "example.co.jp", "example.org"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        out.write(HEADER.encode("cp932"))
        for start in range(0, rows, 10_000):
            lines = []
            for n in range(start, min(rows, start + 10_000)):
                last, last_kana = r.choice(lasts)
                first, first_kana = r.choice(firsts)
                home = fake.landline()
                mobile = fake.mobile()
                mail = f"user{n:06d}.{r.randint(0, 9999)}@{r.choice(domains)}"
                birth = f"{r.randint(1940, 2005)}/{r.randint(1, 12):02d}/{r.randint(1, 28):02d}"
                postal = f"{r.randint(100, 999)}-{r.randint(0, 9999):04d}"
                lines.append(
                    f"C{n + 1:08d},{last} {first},{last_kana} {first_kana},{r.choice('男女')},{postal},"
                    f"{r.choice(addresses)},{home},{mobile},{mail},{birth},{r.choice(companies)},{r.choice(addresses)},{fake.landline()},"
                    f"2025/{r.randint(1, 12):02d}/{r.randint(1, 28):02d},{r.choice(NOTES)}\r\n"
                )
            out.write("".join(lines).encode("cp932"))


def export_revision(rev: str, into: Path) -> Path:
    """The code of ``rev`` in a folder of its own (no checkout of this worktree is touched)."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def byte_compile(root: Path) -> None:
    """The tree's modules compiled to byte code first, as pip does when it installs dlp: an
    installed copy starts from byte code, while a source tree under PYTHONDONTWRITEBYTECODE
    (set on the project's machines) compiles every module it imports at every run (~0.2 s
    of each scan here) — a cost of the checkout, not of the product."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "dlp")], check=True)


def scan_seconds(root: Path, path: Path, config: Path, jobs: int = 1) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the scan and the processes it waited for, verdict summary)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = ["scan", "--full", "--format", "json", "-j", str(jobs), "-c", str(config), str(path)]
    out = subprocess.run(
        [sys.executable, "-m", "dlp", *command],
        cwd=root,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if out.returncode not in (0, 1, 2, 3):
        raise SystemExit(f"scan failed in {root}: {out.stderr[-2000:]}")
    return elapsed, cpu, _summary(out.stdout)


def _summary(stdout: str) -> str:
    import json

    try:
        data = json.loads(stdout)
    except ValueError:
        return "?"
    items = data if isinstance(data, list) else data.get("items", [data])
    first = items[0] if items else {}
    return f"{first.get('action')} records={first.get('records')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", help="git revision to compare against (runs alternate)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="dlp scan -j (default 1: one core, the CPU figure; 0: all cores, what `dlp scan` uses by default)",
    )
    args = parser.parse_args()
    jobs = args.jobs or os.cpu_count() or 1
    path = CACHE / f"customers_dense_{args.rows}.csv"
    if not path.exists():
        make_dense_csv(path, args.rows)
    size = path.stat().st_size / 1e6
    roots = {"this tree": ROOT}
    with tempfile.TemporaryDirectory() as tmp:
        # The default 60 s per item would end a slow scan with an 'unscannable: timeout' verdict
        # and no counts: give the scan all the time it needs, so the figure is throughput.
        config = Path(tmp) / "dlp.toml"
        config.write_text("[limits]\ntimeout = 100000\n", encoding="utf-8")
        if args.baseline:
            roots = {f"baseline {args.baseline}": export_revision(args.baseline, Path(tmp) / "base"), **roots}
        for root in roots.values():
            byte_compile(root)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in roots}
        summaries: dict[str, str] = {}
        for _ in range(args.runs):
            for name, root in roots.items():
                wall, cpu, summaries[name] = scan_seconds(root, path, config, jobs)
                times[name].append((wall, cpu))
    print(
        f"dense customer CSV: {size:.1f} MB, {args.rows:,} rows (CP932) — dlp scan --full -j {jobs}, "
        f"median of {args.runs}"
    )
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(
            f"  {name:<22} wall {wall:6.2f} s {size / wall:6.1f} MB/s   cpu {cpu:6.2f} s {size / cpu:6.1f} MB/s"
            f"   {summaries[name]}"
        )


if __name__ == "__main__":
    main()
