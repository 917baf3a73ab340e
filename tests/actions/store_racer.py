"""Two roles for the hold/check race test, each run as its own process on one shared store:

``hold``: hold COUNT small files one after another, printing ``PUT <id> <sha256>`` the moment a
hold returns (when a real caller would remove the original) and ``ERR <type>`` if one fails.
``check``: run the start-up check (with repair) again and again until STOP exists, as every
daemon starting on the shared store does.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from dlp.actions.quarantine import QuarantineStore
from dlp.model import Action, Verdict


def hold(store: QuarantineStore, work: Path, count: int) -> None:
    for n in range(count):
        source = work / f"held-{os.getpid()}-{n}.txt"
        data = os.urandom(64) + f" 会員番号 {n}\n".encode()
        source.write_bytes(data)
        verdict = Verdict(source.name, Action.QUARANTINE, "test", "保留", "held", {}, 0, [])
        try:
            entry = store.put_file(source, verdict, channel="watch")
        except Exception as exc:  # a failed hold is reported, the original stays
            print(f"ERR {type(exc).__name__}", flush=True)
            continue
        source.unlink()
        print(f"PUT {entry.id} {hashlib.sha256(data).hexdigest()}", flush=True)


def check(store: QuarantineStore, stop: Path) -> None:
    rounds = 0
    while not stop.exists():
        store.check(repair=True)
        rounds += 1
    print(f"CHECKS {rounds}", flush=True)


def main() -> None:
    role, directory, key_hex, arg = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    store = QuarantineStore(directory, bytes.fromhex(key_hex))
    if role == "hold":
        hold(store, Path(sys.argv[5]), int(arg))
    else:
        check(store, Path(arg))


if __name__ == "__main__":
    main()
