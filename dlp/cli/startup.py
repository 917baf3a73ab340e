"""The cyclic garbage collector waits while a command starts.

Start-up allocates hundreds of thousands of long-lived objects (modules, the compiled rules,
the name dictionaries) and almost no garbage, yet Python's collector runs 140 times over them
on the way (60-120 ms of `dlp scan`'s start-up, a full pass over the whole heap among them).
It is paused from ``main`` until the command has loaded what it keeps (a scan: its rules and
engine; every other command: its modules), and always resumed before long work begins, so
daemons and scans run with it as usual.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Pause the collector (if it runs) until ``resume``."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Resume the collector if ``pause`` stopped it; harmless to call again."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()
