"""Health of the watcher: its Prometheus metrics (dlp/metrics.py; ``/metrics`` when
``[watch] metrics_port`` is set) and a heartbeat file an external check can read."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from prometheus_client import Histogram

from dlp.metrics import BUCKETS, Metrics

COUNTERS = (
    ("events", "File system events received"),
    ("overflows", "Event queue overflows (each followed by a walk)"),
    ("walks", "Full walks of the watched folders"),
    ("gone", "Files gone before they could be scanned"),
    ("unchanged", "Files skipped: same identity or same content as when decided"),
    ("rescans", "Files scanned again: they changed between the scan and the hold"),
)


class WatchMetrics(Metrics):
    def __init__(self) -> None:
        super().__init__("watch", "watch", COUNTERS)
        self.latency = Histogram(
            "dlp_watch_latency_seconds",
            "From the file settling to its verdict (queue wait and scan)",
            buckets=BUCKETS,
            registry=self.registry,
        )

    def observe_latency(self, seconds: float) -> None:
        self.latency.observe(max(seconds, 0.0))


def write_heartbeat(path: Path, metrics: Metrics, **fields: object) -> None:
    """Atomically replace the heartbeat file: its mtime says the daemon lives, its body how it does."""
    body = {"ts": time.time(), "pid": os.getpid(), **fields, **metrics.snapshot()}
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(json.dumps(body, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temp, path)
