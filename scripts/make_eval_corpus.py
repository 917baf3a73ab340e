"""Write the detection evaluation corpus (sets A and B) into a folder.

    python -m scripts.make_eval_corpus /tmp/evalcorpus [--docs 300]

Each set goes to its own subfolder with a labels.json; see scripts/evalcorpus/model.py for
the labelling conventions and bench/eval_detection.py for the scoring.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scripts.evalcorpus.build import SETS, write_set


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--docs", type=int, default=300, help="documents per set")
    ap.add_argument("--sets", default=",".join(SETS))
    args = ap.parse_args()
    for name in args.sets.split(","):
        docs, _ = write_set(name, args.folder / name, args.docs)
        neg = sum(d.negative for d in docs)
        labels = sum(len(d.labels) for d in docs)
        print(f"set {name}: {len(docs)} documents ({neg} negative), {labels} labels -> {args.folder / name}")


if __name__ == "__main__":
    main()
