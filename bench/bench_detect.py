"""Detection throughput on a ~50 MB Japanese text corpus, against a naive baseline.

Engine: the whole default pack through ``Engine.detect`` on 256 K-character blocks, as the
text extractor feeds it (candidates first, normalisation only around them, validators,
context, masking and fingerprints included). Baseline, measured in the same run: NFKC and dash
folding of the whole text, then every shipped pattern applied one by one with plain ``re``, no
prefilter and no validation (so the baseline does strictly less work per match).

    python bench/bench_detect.py            # 50 MB, 5 runs
    python bench/bench_detect.py --mb 10 --runs 3

Reports the median of the runs in M chars/s and MB/s, and the ratio engine/baseline. The
analyser stage (names in running text, dlp/detect/analyser.py) runs inside the engine; its own
time and analyser calls are reported apart, and each run also times the engine with the stage
off, so a loaded machine still gives a fair with/without ratio.

    python bench/bench_detect.py --no-baseline   # engine with and without the analyser stage only
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import cached_corpus
from dlp.detect.engine import Engine
from dlp.detect.normalise import ALWAYS_DASHES
from dlp.detect.rules import RuleSet, load_rules
from dlp.extract.text import blocks
from dlp.model import Segment


def run_engine(engine: Engine, parts: list[str]) -> tuple[float, int]:
    if engine.prose is not None:
        engine.prose.seconds = 0.0
        engine.prose.calls = 0
    started = time.perf_counter()
    cpu = time.process_time()
    found = 0
    offset = 0
    for part in parts:
        found += len(engine.detect(Segment(part, "corpus", offset=offset)))
        offset += len(part)
    CPU_TIMES.setdefault(id(engine), []).append(time.process_time() - cpu)
    return time.perf_counter() - started, found


# CPU seconds per engine and run: on a machine shared with other jobs, wall time swings by 2x
# between runs while the CPU time of this process stays close to the work done.
CPU_TIMES: dict[int, list[float]] = {}


def run_baseline(rules, text: str) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    normal = unicodedata.normalize("NFKC", text).translate(str.maketrans(dict.fromkeys(ALWAYS_DASHES, "-")))
    found = 0
    for rule in rules.rules:
        for pattern in rule.patterns:
            if not pattern.cell:
                found += sum(1 for _ in pattern.regex.finditer(normal))
    return time.perf_counter() - started, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", choices=["office", "callnotes"], default="office")
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive baseline")
    args = parser.parse_args()
    text = cached_corpus(args.mb, args.profile)
    parts = list(blocks([text]))
    rules = load_rules()
    engine = Engine(rules, os.urandom(32))
    plain = Engine(RuleSet(rules.rules), os.urandom(32))  # no rule files: no analyser stage, no cue words
    assert engine.prose is not None and plain.prose is None
    nbytes = len(text.encode("utf-8"))
    print(
        f"corpus '{args.profile}': {len(text):,} chars, {nbytes / 1e6:.1f} MB UTF-8, {len(rules.rules)} rules, one core"
    )
    engine_times, base_times, stage_times, plain_times = [], [], [], []
    for i in range(args.runs):
        t_engine, n_engine = run_engine(engine, parts)
        stage = engine.prose.seconds if engine.prose is not None else 0.0
        calls = engine.prose.calls if engine.prose is not None else 0
        t_plain, n_plain = run_engine(plain, parts)
        engine_times.append(t_engine)
        stage_times.append(stage)
        plain_times.append(t_plain)
        line = (
            f"run {i + 1}: engine {t_engine:.2f} s ({n_engine:,} findings; analyser stage {stage:.3f} s, "
            f"{calls:,} analyser calls)   without the stage {t_plain:.2f} s ({n_plain:,})"
        )
        if not args.no_baseline:
            t_base, n_base = run_baseline(rules, text)
            base_times.append(t_base)
            line += f"   baseline {t_base:.2f} s ({n_base:,} raw matches)"
        print(line)
    te, tp, ts = statistics.median(engine_times), statistics.median(plain_times), statistics.median(stage_times)
    print(
        f"engine   median {len(text) / te / 1e6:6.1f} M chars/s  {nbytes / te / 1e6:6.1f} MB/s\n"
        f"  analyser stage median {ts:.3f} s ({ts / te:.1%} of the engine)\n"
        f"  without the stage {len(text) / tp / 1e6:6.1f} M chars/s (with/without: {tp / te:.2f}x)"
    )
    ce, cp = statistics.median(CPU_TIMES[id(engine)]), statistics.median(CPU_TIMES[id(plain)])
    print(
        f"CPU time: engine median {ce:.2f} s ({len(text) / ce / 1e6:.1f} M chars/s), "
        f"without the stage {cp:.2f} s ({len(text) / cp / 1e6:.1f} M chars/s), with/without {cp / ce:.2f}x"
    )
    if base_times:
        tb = statistics.median(base_times)
        print(
            f"baseline median {len(text) / tb / 1e6:6.1f} M chars/s  {nbytes / tb / 1e6:6.1f} MB/s\n"
            f"ratio engine/baseline: {tb / te:.1f}x faster   (target: >= 10 M chars/s)"
        )


if __name__ == "__main__":
    main()
