"""Whether processes a test saw are still running: a zombie counts as gone (its parent or init
reaps it; it runs nothing)."""

from __future__ import annotations

import time
from collections.abc import Iterable


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def still_running(pids: Iterable[int], seconds: float) -> list[int]:
    """Those of ``pids`` still running after waiting up to ``seconds`` for them to end."""
    deadline = time.monotonic() + seconds
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [p for p in alive if running(p)]
    return alive
