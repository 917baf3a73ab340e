"""Whether two trees scan files alike: ``dlp scan --full --format json`` of each file by this
tree and by a git revision, compared whole (verdict, counts, records, every listed finding)
but for the elapsed time. A speed-up of the detection must leave this output unchanged.

    python bench/compare_scans.py --baseline main bench/.corpus/customers_dense_20000.csv
    python bench/compare_scans.py --baseline main --jobs 2 FILE   # blocks fanned out (dlp/fanout.py)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_dense_csv import export_revision  # noqa: E402


def scan(root: Path, path: Path, config: Path, jobs: int = 1) -> list[dict[str, object]]:
    command = ["scan", "--full", "--format", "json", "-j", str(jobs), "-c", str(config), str(path)]
    out = subprocess.run(
        [sys.executable, "-m", "dlp", *command],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if out.returncode not in (0, 1, 2, 3):
        raise SystemExit(f"scan failed in {root}: {out.stderr[-2000:]}")
    items = json.loads(out.stdout)
    for item in items:
        item.pop("elapsed_ms", None)
    return items


def differences(old: list[dict[str, object]], new: list[dict[str, object]]) -> list[str]:
    """What differs, field by field (findings one by one, the first few)."""
    out: list[str] = []
    for a, b in zip(old, new, strict=False):
        for key in sorted(set(a) | set(b)):
            if key == "findings":
                fa, fb = a.get(key) or [], b.get(key) or []
                if fa != fb:
                    out.append(f"findings: {len(fa)} vs {len(fb)}")
                    pairs = [(x, y) for x, y in zip(fa, fb, strict=False) if x != y]
                    out += [f"  {x}\n  {y}" for x, y in pairs[:3]]
            elif a.get(key) != b.get(key):
                out.append(f"{key}: {a.get(key)!r} vs {b.get(key)!r}")
    if len(old) != len(new):
        out.append(f"items: {len(old)} vs {len(new)}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--baseline", default="main", help="git revision to compare against")
    parser.add_argument("--jobs", type=int, default=1, help="dlp scan -j for this tree (the baseline runs -j 1)")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "dlp.toml"
        config.write_text("[limits]\ntimeout = 100000\n", encoding="utf-8")
        base = export_revision(args.baseline, Path(tmp) / "base")
        for path in args.files:
            diff = differences(scan(base, path.resolve(), config), scan(ROOT, path.resolve(), config, args.jobs))
            print(f"{path}: {'identical' if not diff else 'DIFFERENT'}")
            for line in diff:
                print(f"  {line}")
            failed = failed or bool(diff)
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
