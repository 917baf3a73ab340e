"""Compare the morphological analysers for names in running text (dlp/detect/analyser.py).

Each analyser runs in a fresh process (start-up and memory are per worker process):
load time, resident memory added, bulk speed on prose (chars/s, 2,000-character pieces),
cost of one short call (the stage analyses a few dozen characters at a time), and through the
whole engine the recall on the labelled set in tests/detect/prose_cases.py (POSITIVES + HARD)
and the lookalikes wrongly taken for names (NEGATIVES).

    python bench/bench_prose_names.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANALYSERS = ["fugashi", "sudachi-core", "sudachi-small"]


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 1e6


def measure(name: str) -> dict[str, float | str]:
    sys.path.insert(0, str(ROOT))
    from faker import Faker

    from dlp.detect.prose_names import make_analyser

    fake = Faker("ja_JP")
    Faker.seed(7)
    prose = "".join(f"{fake.last_name()}です。{fake.text(max_nb_chars=200)}" for _ in range(300))
    rss = _rss_mb()
    started = time.perf_counter()
    analyser = make_analyser(name)
    analyser.tokens("初期化")
    load = time.perf_counter() - started
    memory = _rss_mb() - rss
    started = time.perf_counter()
    for i in range(0, len(prose), 2000):
        analyser.tokens(prose[i : i + 2000])
    bulk = len(prose) / (time.perf_counter() - started)
    shorts = ["石川建設の橋本です", "担当：辻井", "シルバ・カルロスから", "入電 佐々木様"]
    started = time.perf_counter()
    for i in range(4000):
        analyser.tokens(shorts[i % 4])
    short = (time.perf_counter() - started) / 4000 * 1e6

    from dlp.detect.engine import Engine
    from dlp.detect.rules import load_rules
    from dlp.model import Confidence, Segment
    from tests.detect.prose_cases import HARD, NEGATIVES, POSITIVES

    engine = Engine(load_rules(), b"k" * 32)
    assert engine.prose is not None
    engine.prose.use_analyser(analyser)

    def people(text: str) -> set[tuple[int, int]]:
        return {
            (f.start, f.end)
            for f in engine.detect(Segment(text, "t"))
            if f.type == "PERSON" and f.confidence >= Confidence.MEDIUM
        }

    found = total = 0
    missed: list[str] = []
    for text, names in [*POSITIVES, *HARD]:
        spans = people(text)
        for n in names:
            total += 1
            s = text.index(n)
            if (s, s + len(n)) in spans:
                found += 1
            else:
                missed.append(n)
    false = sum(1 for text in NEGATIVES if people(text))
    return {
        "analyser": analyser.name,
        "load_s": round(load, 3),
        "memory_mb": round(memory, 1),
        "bulk_kchars_s": round(bulk / 1e3),
        "short_call_us": round(short, 1),
        "recall": f"{found}/{total}",
        "missed": " ".join(missed),
        "negatives_flagged": f"{false}/{len(NEGATIVES)}",
    }


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(measure(sys.argv[1]), ensure_ascii=False))
        return
    for name in ANALYSERS:
        out = subprocess.run([sys.executable, __file__, name], capture_output=True, text=True, cwd=ROOT, check=False)
        if out.returncode != 0:
            print(f"{name}: not measured ({out.stderr.strip().splitlines()[-1:]})")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{r['analyser']:<30} load {r['load_s']:.3f} s  +{r['memory_mb']:5.1f} MB  "
            f"bulk {r['bulk_kchars_s']:>4} k chars/s  short call {r['short_call_us']:5.1f} us  "
            f"recall {r['recall']} (missed: {r['missed'] or '-'})  negatives flagged {r['negatives_flagged']}"
        )


if __name__ == "__main__":
    main()
