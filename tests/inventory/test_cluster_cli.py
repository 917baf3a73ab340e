"""`dlp inventory scheduler|worker` start Dask as the inventory needs it: bound to the address
given, one thread per worker, workers allowed to start scan processes, TLS all or nothing."""

from __future__ import annotations

import pytest

from dlp.inventory import cluster


def test_scheduler_binds_to_one_address_without_dashboard() -> None:
    argv = cluster.scheduler_argv("10.0.0.5", 8786, cluster.Tls())
    assert argv[1:3] == ["-m", "distributed.cli.dask_scheduler"]
    assert argv[argv.index("--host") + 1] == "10.0.0.5"
    assert "--no-dashboard" in argv
    assert "--protocol" not in argv


def test_worker_runs_one_thread_per_process_and_may_have_children() -> None:
    argv = cluster.worker_argv("tcp://10.0.0.5:8786", "10.0.0.6", 4, cluster.Tls())
    assert argv[argv.index("--nthreads") + 1] == "1"
    assert argv[argv.index("--nworkers") + 1] == "4"
    assert cluster.worker_env()["DASK_DISTRIBUTED__WORKER__DAEMON"] == "False"


def test_tls_needs_all_three_files() -> None:
    full = cluster.Tls("ca.pem", "host.pem", "host.key")
    assert full.args()[:2] == ["--protocol", "tls"]
    with pytest.raises(ValueError, match="together"):
        cluster.Tls("ca.pem", None, None).args()
