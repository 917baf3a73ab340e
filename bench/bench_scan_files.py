"""`dlp scan` over 1,000 small files, end to end (process start, rules, workers, JSON out).

Files are a mix like a shared drive: call notes, minutes, invoices, small CP932 customer lists
(fake data). Measured: the default (all cores) against `--jobs 1` (one process) in the same
run; median of several runs, in files/s.

    python bench/bench_scan_files.py            # 1,000 files, 5 runs
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes import FakeJP  # noqa: E402


def make_files(folder: Path, count: int) -> None:
    fake = FakeJP(42)
    for i in range(count):
        kind = i % 4
        if kind == 0:
            p = fake.person()
            body = f"受電メモ\n{p.name}様より入電。折り返し {fake.phone()}。\n住所：{fake.address()}\n"
            (folder / f"note_{i:04d}.txt").write_text(body, encoding="utf-8")
        elif kind == 1:
            body = "議事録\n" + "".join(f"議題{j}：進捗を確認。次回は11月{j + 3}日。\n" for j in range(8))
            (folder / f"minutes_{i:04d}.txt").write_text(body, encoding="utf-8")
        elif kind == 2:
            body = "請求書\n" + "".join(f"注文番号 {fake.not_my_number()} 金額 {j * 1200:,}円\n" for j in range(6))
            (folder / f"invoice_{i:04d}.txt").write_text(body, encoding="utf-8")
        else:
            rows = ["氏名,電話番号,メール"] + [f"{fake.person().name},{fake.phone()},{fake.email()}" for _ in range(5)]
            (folder / f"list_{i:04d}.csv").write_bytes("\r\n".join(rows).encode("cp932"))


def run(folder: Path, jobs: int | None) -> float:
    args = [sys.executable, "-m", "dlp", "scan", "--format", "jsonl", str(folder)]
    if jobs:
        args += ["--jobs", str(jobs)]
    started = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1, 2, 3):
        raise SystemExit(f"dlp failed: {result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_files(folder, args.files)
        many, one = [], []
        for i in range(args.runs):
            many.append(run(folder, None))
            one.append(run(folder, 1))
            print(f"run {i + 1}: all cores {many[-1]:.2f} s   --jobs 1 {one[-1]:.2f} s")
    m, o = statistics.median(many), statistics.median(one)
    print(
        f"all cores median {m:.2f} s = {args.files / m:6.0f} files/s\n"
        f"--jobs 1  median {o:.2f} s = {args.files / o:6.0f} files/s\n"
        f"ratio all cores / one process: {o / m:.2f}x"
    )


if __name__ == "__main__":
    main()
