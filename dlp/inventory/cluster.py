"""`dlp inventory scheduler|worker`: Dask's own scheduler and worker, started with the settings
the inventory needs, so the systemd units (contrib/) name dlp and nothing else.

Dask's comm layer sends pickles, and a task is code: anyone who reaches the scheduler's port
runs code on every worker. So the scheduler binds to one address (127.0.0.1 unless told), never
to all; across hosts use TLS (``--tls-*``: Dask then refuses plain connections). Workers run one
thread each (the scans are processes, the GIL would serialise threads) and are not daemonic
processes, so that they may start the killable scan processes ``dlp scan`` uses.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Tls:
    ca_file: str | None = None
    cert: str | None = None
    key: str | None = None

    def args(self) -> list[str]:
        if not (self.ca_file or self.cert or self.key):
            return []
        if not (self.ca_file and self.cert and self.key):
            raise ValueError("TLS needs --tls-ca-file, --tls-cert and --tls-key together")
        return ["--protocol", "tls", "--tls-ca-file", self.ca_file, "--tls-cert", self.cert, "--tls-key", self.key]

    def security(self) -> object | None:
        """For the client of a run (``--cluster tls://…``)."""
        if not self.args():
            return None
        from distributed.security import Security

        return Security(
            tls_ca_file=self.ca_file, tls_client_cert=self.cert, tls_client_key=self.key, require_encryption=True
        )


def scheduler_argv(host: str, port: int, tls: Tls) -> list[str]:
    return [
        sys.executable,
        "-m",
        "distributed.cli.dask_scheduler",
        "--host",
        host,
        "--port",
        str(port),
        "--no-dashboard",
        *tls.args(),
    ]


def worker_argv(scheduler: str, host: str, nworkers: int, tls: Tls) -> list[str]:
    return [
        sys.executable,
        "-m",
        "distributed.cli.dask_worker",
        scheduler,
        "--host",
        host,
        "--nworkers",
        str(nworkers),
        "--nthreads",
        "1",
        "--no-dashboard",
        *tls.args(),
    ]


def worker_env() -> dict[str, str]:
    return {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}


def run(argv: list[str], env: dict[str, str] | None = None) -> None:
    """Become the Dask process (systemd then supervises Dask itself, signals reach it directly)."""
    os.execve(argv[0], argv, env if env is not None else dict(os.environ))
