"""A long table's blocks detected in forked helpers (dlp/fanout.py) give the verdict one process
gives: counts, records, the findings listed and the number not listed, also when the scan stops
early; a table whose blocks need an earlier block's header stays in the scanning process; and
helpers never outlive the process that made them (SIGKILL, as a worker killed at its timeout)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest

import dlp.fanout as fanout
from dlp.config import load_config
from dlp.detect.engine import Engine
from dlp.model import Action, Item, Segment, Table, UnscannableReason, Verdict
from dlp.pipeline import scan_item
from dlp.policy import ScanContext
from dlp.settings import Settings
from dlp.worker import ItemSpec, WorkerPool
from tests.conftest import TEST_KEY
from tests.fakes import FakeJP
from tests.processes import still_running

pytestmark = pytest.mark.skipif(not fanout.can_fan_out(), reason="needs fork and a parent-death signal (Linux)")


def _export(tmp_path: Path, rows: int, *, header: bool = True) -> Path:
    fake, r = FakeJP(51), random.Random(51)
    lines = ["顧客ID,氏名,電話番号,メールアドレス,住所,備考"] if header else []
    for i in range(rows):
        p = fake.person()
        note = r.choice(["", "DM不要", f"旧電話 {fake.mobile()}", "住所変更あり"])
        lines.append(",".join([f"C{i:07d}", p.name, fake.mobile(), fake.email(), fake.address(), note]))
    path = tmp_path / "export.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return path


def _scan(path: Path, helpers: int, *, full: bool = True) -> Verdict:
    settings = Settings.load(load_config(None, search=False), key=TEST_KEY, keep_values=True)
    settings.max_findings = 50
    settings.detect_helpers = helpers
    # Not full: the scan stops once the verdict is block and 5,000 records are counted, with
    # later blocks out in the helpers.
    settings.stop_after_records = None if full else 5000
    return scan_item(Item.from_path(path), settings)


def _same(a: Verdict, b: Verdict) -> None:
    assert (a.action, a.records, a.counts, a.findings_dropped) == (b.action, b.records, b.counts, b.findings_dropped)
    assert [(f.rule, f.start, f.end, f.value, f.record) for f in a.findings] == [
        (f.rule, f.start, f.end, f.value, f.record) for f in b.findings
    ]


@pytest.mark.parametrize("full", [True, False])
def test_helpers_give_the_verdict_of_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full: bool) -> None:
    path = _export(tmp_path, 11_000)  # six blocks of the extractor
    made: list[int] = []
    pool = fanout._pool
    monkeypatch.setattr(fanout, "_pool", lambda engine, helpers: made.append(helpers) or pool(engine, helpers))
    together, alone = _scan(path, 2, full=full), _scan(path, 0, full=full)
    assert made == [2]  # the helpers were used
    _same(together, alone)
    if full:
        assert together.records == 11_000 and together.findings_dropped > 30_000
    else:
        assert 5000 <= together.records < 11_000 and not together.complete


def test_a_small_file_never_forks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []
    monkeypatch.setattr(fanout, "_pool", lambda engine, helpers: made.append(helpers))
    _scan(_export(tmp_path, 1500), 2)  # one block
    assert made == []


def test_a_block_stands_alone_only_with_a_known_header(settings: Settings) -> None:
    engine = settings.engine
    text = "山田 太郎,090-1234-5678\r\n"
    headed = Table(("氏名", "電話番号"), 2, (0,), delimiter=",", quoted=True)
    unknown = Table(("a", "b"), 2, (0,), delimiter=",", quoted=True)
    bare = Table((), 2, (0,), delimiter=",", quoted=True)
    assert engine.stands_alone(Segment(text, "x.csv", kind="table", table=headed))
    assert not engine.stands_alone(Segment(text, "x.csv", kind="table", table=unknown))
    assert not engine.stands_alone(Segment(text, "x.csv", kind="table", table=bare))
    assert not engine.stands_alone(Segment(text, "x.csv", kind="header", table=headed))
    assert not engine.stands_alone(Segment(text, "x.txt"))


def test_helpers_die_with_the_process_that_made_them(tmp_path: Path) -> None:
    """A scanning process killed at its timeout (SIGKILL) leaves no helper behind."""
    pids = tmp_path / "pids"
    script = textwrap.dedent(
        f"""
        import os, sys, time
        sys.path.insert(0, {str(Path.cwd())!r})
        import dlp.fanout as fanout
        pool = fanout._pool(None, 2)
        helpers = {{pool.submit(os.getpid).result() for _ in range(8)}}
        open({str(pids)!r}, "w").write(" ".join(map(str, helpers)))
        time.sleep(60)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while not (pids.exists() and pids.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        helpers = [int(p) for p in pids.read_text().split()]
        assert helpers and parent.pid not in helpers
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    assert not still_running(helpers, 10)


@pytest.mark.parametrize("how", ["killed", "raises"])
def test_a_helper_that_dies_or_fails_gives_the_item_an_error_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """A helper killed (kill -9, the kernel's OOM killer) or failing mid-scan: the item gets the
    error verdict the policy holds, in time, and the worker goes on with the next item."""
    path = _export(tmp_path, 7000)  # four blocks: the helpers get the second and later ones
    start_helper = fanout._die_with_parent

    def broken_helper(parent: int) -> None:  # in each helper only (the pool's initializer)
        start_helper(parent)

        def detect(self: object, segment: Segment, *, detail: bool = True) -> list[object]:
            if how == "killed":
                os.kill(os.getpid(), signal.SIGKILL)
            raise ValueError("a helper failed")

        Engine.detect = detect  # type: ignore[method-assign,assignment]

    monkeypatch.setattr(fanout, "_die_with_parent", broken_helper)
    settings = Settings.load(load_config(None, search=False), key=TEST_KEY)
    settings.max_findings = 50
    settings.detect_helpers = 2
    settings.stop_after_records = None
    settings.limits = replace(settings.limits, timeout=120)
    with WorkerPool(settings, 1) as pool:
        started = time.monotonic()
        verdict = pool.scan(ItemSpec.for_path(path))
        assert time.monotonic() - started < 100
        assert [u.reason for u in verdict.unscannable] == [UnscannableReason.ERROR], verdict.unscannable
        detail = verdict.unscannable[0].detail
        assert detail.startswith("BrokenProcessPool" if how == "killed" else "ValueError: a helper failed"), detail
        assert verdict.action >= Action.QUARANTINE
        after = pool.scan(ItemSpec(data="携帯 090-1234-5678".encode(), name="memo.txt"))
        assert after.action is Action.WARN


@pytest.mark.parametrize("own", [True, False])
def test_helpers_give_the_verdict_of_one_process_with_an_allow_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own: bool
) -> None:
    """Cells on a policy's allow list (the company's number in a customer export) are left out
    by the policy that allows them and counted by another, the same with helpers as without."""
    from tests.test_policy_allow import COMPANY_PHONE, _settings

    fake = FakeJP(52)
    lines = ["顧客ID,氏名,電話番号,備考"]
    for i in range(9000):
        phone = COMPANY_PHONE if i % 7 == 0 else fake.mobile()
        lines.append(f"C{i:07d},{fake.person().name},{phone},{'代表番号' if i % 7 == 0 else ''}")
    path = tmp_path / "export.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    made: list[int] = []
    pool = fanout._pool
    monkeypatch.setattr(fanout, "_pool", lambda engine, helpers: made.append(helpers) or pool(engine, helpers))
    verdicts = []
    for helpers in (2, 0):
        settings, billing = _settings(tmp_path)
        settings.max_findings = 50
        settings.detect_helpers = helpers
        settings.stop_after_records = None
        verdicts.append(scan_item(Item.from_path(path), settings, ScanContext(policy=billing if own else None)))
    together, alone = verdicts
    assert made == [2]  # the helpers were used
    _same(together, alone)
    assert together.counts["PHONE"].matches == (9000 - 1286 if own else 9000)


def test_helpers_are_the_idle_processes_within_the_cores() -> None:
    cores = len(os.sched_getaffinity(0))
    assert fanout.helpers_for(1, 1) == 0 and fanout.helpers_for(4, 3) == 0  # one helper would only take turns
    assert fanout.helpers_for(2, 1) == min(2, cores) if cores >= 2 else fanout.helpers_for(2, 1) == 0
    assert fanout.helpers_for(1000, 1) == min(cores, fanout.MAX_HELPERS) or cores < 2
    assert fanout.helpers_for(8, 0) <= fanout.MAX_HELPERS
