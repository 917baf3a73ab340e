"""Exit codes are one table (dlp/cli/exitcodes.py): verdicts are looked up in it, and the help
text a user reads is written from it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dlp.cli.exitcodes import EXIT_CODES, exit_code_for
from dlp.model import VERDICT_EXIT, Action
from tests.conftest import FIXTURES, ROOT


def _dlp(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "COLUMNS": "200", "PYTHONPATH": str(ROOT)}
    env.pop("DLP_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "dlp", *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )


def test_every_verdict_has_its_own_code() -> None:
    assert set(VERDICT_EXIT) == set(Action)
    codes = [code for code, _ in EXIT_CODES]
    assert len(codes) == len(set(codes))
    assert exit_code_for([]) == VERDICT_EXIT[Action.ALLOW]
    assert exit_code_for([Action.WARN, Action.BLOCK, Action.ALLOW]) == VERDICT_EXIT[Action.BLOCK]


@pytest.mark.slow  # runs dlp as a subprocess
def test_the_help_lists_the_table(tmp_path: Path) -> None:
    result = _dlp(tmp_path, "scan", "--help")
    text = re.sub(r"[\s│]+", " ", result.stdout)
    for code, meaning in EXIT_CODES:
        assert f"{code} {meaning}" in text


@pytest.mark.slow  # runs dlp as a subprocess
def test_a_scan_exits_with_the_code_of_its_most_severe_verdict(tmp_path: Path) -> None:
    names = ["minutes.txt", "call_notes.txt", "customers_cp932.csv", "card_memo.txt"]
    for name in names:
        result = _dlp(tmp_path, "scan", "--format", "json", str(FIXTURES / name))
        (item,) = json.loads(result.stdout)
        assert result.returncode == VERDICT_EXIT[Action.parse(item["action"])] == item["exit_code"], name
