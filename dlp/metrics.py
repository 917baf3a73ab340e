"""Prometheus metrics of the daemons (`dlp watch`, `dlp gateway serve`), with prometheus_client.

The same names for every channel, so one dashboard covers both daemons::

    dlp_verdicts_total{channel, action}   verdicts (channel: watch | mail; action: allow … block)
    dlp_items_total{channel}              items scanned (a file, a mail)
    dlp_errors_total{channel, kind}       what went wrong (kind: scan, record, reply, …)
    dlp_scan_seconds{channel}             histogram: time in the scan worker per item
    dlp_<daemon>_<what>_total             the daemon's own counters (watch: events, walks …)
    dlp_<daemon>_<gauge>                  gauges read at scrape time (queue depth, in flight …)

Each daemon has its own registry (no process-wide globals: tests run several in one process).
``serve`` exposes it over HTTP on a loopback address from dlp.toml (off unless a port is set);
metrics carry counts and times only, never an item's name or a value.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

ACTIONS = ("allow", "warn", "approval", "quarantine", "block")
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 120, float("inf"))


class Metrics:
    """One daemon's metrics. ``channel`` labels the shared series; ``counters`` names the
    daemon's own (declared up front: a typo is an error, not a new series)."""

    def __init__(self, daemon: str, channel: str, counters: Iterable[tuple[str, str]] = ()) -> None:
        self.daemon = daemon
        self.channel = channel
        self.registry = CollectorRegistry()
        r = self.registry
        self.verdicts = Counter("dlp_verdicts", "Verdicts by channel and action", ["channel", "action"], registry=r)
        self.items = Counter("dlp_items", "Items scanned", ["channel"], registry=r)
        self.errors = Counter("dlp_errors", "Errors by channel and kind", ["channel", "kind"], registry=r)
        self.scan_seconds = Histogram(
            "dlp_scan_seconds", "Time in the scan worker per item", ["channel"], buckets=BUCKETS, registry=r
        )
        for action in ACTIONS:  # every series exists from the start: a rate() needs its zero
            self.verdicts.labels(channel, action)
        self.items.labels(channel)
        self.scan_seconds.labels(channel)
        self._own = {name: Counter(f"dlp_{daemon}_{name}", text, registry=r) for name, text in counters}
        self._lock = threading.Lock()
        self._gauges: dict[str, Callable[[], float]] = {}
        started = Gauge(f"dlp_{daemon}_start_time_seconds", "When the daemon started (UNIX time)", registry=r)
        started.set(time.time())

    def verdict(self, action: str, scan_seconds: float) -> None:
        """One item decided: its verdict and how long the worker took."""
        self.items.labels(self.channel).inc()
        self.verdicts.labels(self.channel, action).inc()
        self.scan_seconds.labels(self.channel).observe(max(scan_seconds, 0.0))

    def error(self, kind: str) -> None:
        self.errors.labels(self.channel, kind).inc()

    def inc(self, name: str, amount: int = 1) -> None:
        """One of the daemon's own counters (KeyError for a name not declared)."""
        self._own[name].inc(amount)

    def gauge(self, name: str, help_text: str, read: Callable[[], float]) -> None:
        """A gauge read when scraped (and by ``snapshot``); declaring it again replaces the reader."""
        with self._lock:
            if name not in self._gauges:
                Gauge(f"dlp_{self.daemon}_{name}", help_text, registry=self.registry).set_function(
                    lambda: self._gauges[name]()
                )
            self._gauges[name] = read

    def value(self, name: str, **labels: str) -> float:
        """A sample's current value, 0 when it has none (for the heartbeat and tests)."""
        return self.registry.get_sample_value(name, labels or None) or 0.0

    def snapshot(self) -> dict[str, float]:
        """The figures a heartbeat file carries: the daemon's own counters, gauges, verdicts."""
        out: dict[str, float] = {name: read() for name, read in self._gauges.items()}
        for name in self._own:
            out[name] = self.value(f"dlp_{self.daemon}_{name}_total")
        for action in ACTIONS:
            out[f"verdicts.{action}"] = self.value("dlp_verdicts_total", channel=self.channel, action=action)
        out["errors"] = sum(s.value for m in self.errors.collect() for s in m.samples if s.name == "dlp_errors_total")
        return out


class MetricsError(Exception):
    """The metrics endpoint cannot be served (the message names the address and the fix)."""


def serve(metrics: Metrics, host: str, port: int) -> WSGIServer:
    """``/metrics`` over HTTP in a daemon thread; ``shutdown()`` on the result stops it."""
    try:
        server, _thread = start_http_server(port, addr=host, registry=metrics.registry)
    except OSError as exc:
        raise MetricsError(
            f"cannot serve /metrics on {host}:{port}: {exc.strerror or exc}"
            f" (another daemon on that port? change [{metrics.daemon}] metrics_port)"
        ) from None
    return server
