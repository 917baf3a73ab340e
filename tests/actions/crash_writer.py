"""A process that writes to the quarantine without pause until it is killed: puts files and
mails, releases and deletes earlier entries, and prints a line after each operation returns
(the moment a real caller would acknowledge it). The crash test kills it at random points."""

from __future__ import annotations

import hashlib
import os
import random
import sys
from pathlib import Path

from dlp.actions.quarantine import Envelope, QuarantineStore
from dlp.model import Action, Verdict


def verdict(name: str) -> Verdict:
    return Verdict(name, Action.QUARANTINE, "test", "保留", "held", {}, 0, [])


def main() -> None:
    directory, key_hex, work, seed = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    store = QuarantineStore(directory, bytes.fromhex(key_hex))
    rng = random.Random(seed)
    held: list[str] = []
    files: list[str] = []
    for n in range(10_000):
        choice = rng.random()
        if choice < 0.15 and held:
            entry_id = held.pop(rng.randrange(len(held)))
            store.delete(entry_id, actor="crash-test")
            print(f"DEL {entry_id}", flush=True)
        elif choice < 0.3 and files:
            entry_id = files.pop(rng.randrange(len(files)))
            if entry_id not in held:
                continue
            held.remove(entry_id)
            entry = store.release(entry_id, actor="crash-test", to=work / f"released-{entry_id}")
            print(f"REL {entry.id}", flush=True)
        elif choice < 0.4:
            data = os.urandom(rng.randrange(1, 1 << 20))
            entry = store.put_mail(data, verdict("mail"), Envelope("a@example.co.jp", ("b@example.net",)), locator="m")
            held.append(entry.id)
            print(f"PUT {entry.id} {hashlib.sha256(data).hexdigest()}", flush=True)
        else:
            source = work / f"source-{seed}-{n}.bin"
            data = os.urandom(rng.randrange(1, 4 << 20))
            source.write_bytes(data)
            entry = store.put_file(source, verdict(source.name), channel="watch")
            source.unlink()  # acknowledged: the original goes
            held.append(entry.id)
            files.append(entry.id)
            print(f"PUT {entry.id} {hashlib.sha256(data).hexdigest()}", flush=True)


if __name__ == "__main__":
    main()
