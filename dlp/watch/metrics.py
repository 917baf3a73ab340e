"""Health of the watcher: counters and gauges in Prometheus' text format on ``/metrics`` (when
a port is configured), and a heartbeat file an external check can read.

A handful of numbers do not justify a client library: counters, gauges and one latency
histogram, written by hand in the exposition format.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BUCKETS = (0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, float("inf"))


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.started = time.time()
        self.counters: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
        self._latency = [0] * len(BUCKETS)
        self._latency_sum = 0.0
        self._latency_count = 0
        self.gauges: dict[str, Callable[[], float]] = {}

    def inc(self, name: str, amount: int = 1, **labels: str) -> None:
        with self._lock:
            self.counters[(name, tuple(sorted(labels.items())))] += amount

    def observe_latency(self, seconds: float) -> None:
        with self._lock:
            self._latency_sum += seconds
            self._latency_count += 1
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    self._latency[i] += 1

    def count(self, name: str, **labels: str) -> int:
        with self._lock:
            if labels:
                return self.counters[(name, tuple(sorted(labels.items())))]
            return sum(n for (metric, _), n in self.counters.items() if metric == name)

    def render(self) -> str:
        lines = []
        with self._lock:
            names = sorted({name for name, _ in self.counters})
            for name in names:
                lines.append(f"# TYPE dlp_watch_{name} counter")
                for (metric, labels), value in sorted(self.counters.items()):
                    if metric == name:
                        lines.append(f"dlp_watch_{name}{_labels(labels)} {value}")
            lines.append("# HELP dlp_watch_scan_latency_seconds from the file settling to its verdict")
            lines.append("# TYPE dlp_watch_scan_latency_seconds histogram")
            for bound, n in zip(BUCKETS, self._latency, strict=True):
                le = "+Inf" if bound == float("inf") else f"{bound:g}"
                lines.append(f'dlp_watch_scan_latency_seconds_bucket{{le="{le}"}} {n}')
            lines.append(f"dlp_watch_scan_latency_seconds_sum {self._latency_sum:.6f}")
            lines.append(f"dlp_watch_scan_latency_seconds_count {self._latency_count}")
        for name, read in sorted(self.gauges.items()):
            lines.append(f"# TYPE dlp_watch_{name} gauge")
            lines.append(f"dlp_watch_{name} {read():g}")
        lines.append("# TYPE dlp_watch_start_time_seconds gauge")
        lines.append(f"dlp_watch_start_time_seconds {self.started:.3f}")
        return "\n".join(lines) + "\n"

    def snapshot(self) -> dict[str, float]:
        out: dict[str, float] = {name: read() for name, read in self.gauges.items()}
        with self._lock:
            for (name, labels), value in self.counters.items():
                key = name + "".join(f".{v}" for _, v in labels)
                out[key] = value
        return out


def _labels(labels: tuple[tuple[str, str], ...]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{v}"' for k, v in labels) + "}"


def serve(metrics: Metrics, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] not in ("/metrics", "/"):
                self.send_error(404)
                return
            body = metrics.render().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:  # requests are not worth a log line
            return

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="dlp-metrics", daemon=True).start()
    return server


def write_heartbeat(path: Path, metrics: Metrics, **fields: object) -> None:
    """Atomically replace the heartbeat file: its mtime says the daemon lives, its body how it does."""
    body = {"ts": time.time(), "pid": os.getpid(), **fields, **metrics.snapshot()}
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(json.dumps(body, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temp, path)
