"""`dlp scan` loads what a scan needs: every gateway, watcher and scan pays its start-up.

The other commands (inventory, quarantine, console …), the quarantine's stores and mailers,
typer's help printer and the text reader's markup modules load when they are used, not with
every command (measured: about a fifth of the start-up of a scan of one small CSV)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

NOT_FOR_A_SCAN = (
    "dlp.cli.inventory",
    "dlp.cli.quarantine",
    "dlp.cli.console",
    "dlp.cli.audit",
    "dlp.cli.rules",
    "dlp.inventory.store",
    "dlp.services",
    "dlp.actions.enforce",
    "dlp.actions.notify",
    "typer.rich_utils",
    "rich.markdown",
    "dlp.extract.text",
    "dlp.extract.markup",
    "dlp.extract.ocr_parts",
    "PIL.Image",
)

_PROBE = """
import json, sys
from dlp.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _dlp_in_process(*args: str) -> tuple[int, set[str], str]:
    """(exit code, modules loaded, stdout) of ``dlp ARGS`` in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": str(ROOT / "tests" / "no-config")}
    env.pop("DLP_CONFIG", None)
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    seen = json.loads(out.stderr.strip().splitlines()[-1])
    return seen["code"], set(seen["modules"]), out.stdout


def test_a_scan_loads_neither_the_other_commands_nor_the_help_printer(tmp_path: Path) -> None:
    csv = tmp_path / "customers.csv"
    csv.write_text("氏名,電話番号\n山田 太郎,090-1234-5678\n", encoding="utf-8")
    code, loaded, stdout = _dlp_in_process("scan", "--full", "-j", "1", "--format", "json", str(csv))
    assert code in (1, 2, 3), stdout  # the phone number was found: the scan did run
    assert "090-****-5678" in stdout
    assert not loaded & set(NOT_FOR_A_SCAN), sorted(loaded & set(NOT_FOR_A_SCAN))
    assert {"dlp.cli.scan", "dlp.detect.engine"} <= loaded


def test_a_scan_with_quarantine_loads_the_services(tmp_path: Path) -> None:
    """--quarantine and --audit load the stores they write to (here: nothing to hold)."""
    (tmp_path / "empty.txt").write_text("nothing personal\n", encoding="utf-8")
    config = tmp_path / "dlp.toml"
    config.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    code, loaded, stdout = _dlp_in_process("scan", "--audit", "-c", str(config), str(tmp_path / "empty.txt"))
    assert code == 0, stdout
    assert {"dlp.services", "dlp.actions.enforce"} <= loaded


def test_a_mistyped_command_is_still_suggested_without_loading_the_commands() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80"}
    result = subprocess.run(
        [sys.executable, "-m", "dlp", "scna", "x"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 4
    assert "Did you mean 'scan'?" in result.stderr


def test_help_lists_every_command_and_prints_brackets_as_written() -> None:
    """The help printer loads with the first help page, its plain-text patch with it."""
    code, loaded, stdout = _dlp_in_process("--help")
    assert code == 0
    for command in ("scan", "watch", "gateway", "milter", "rules", "quarantine", "inventory", "console"):
        assert f" {command} " in stdout, command
    assert "typer.rich_utils" in loaded
    code, _, stdout = _dlp_in_process("watch", "--help")
    assert code == 0
    assert "[watch] jobs" in stdout


def test_the_garbage_collector_runs_again_once_a_command_has_started(tmp_path: Path) -> None:
    """It is paused only while the command loads (dlp/cli/startup.py): the scan itself, and
    every daemon, run with it; so does the caller after an error."""
    csv = tmp_path / "one.csv"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    probe = (
        "import gc, sys\n"
        "from dlp.cli import main, startup\n"
        "import dlp.runner\n"
        "real = dlp.runner.scan_paths\n"
        "def spy(*args, **kwargs):\n"
        "    print('scanning with gc', gc.isenabled())\n"
        "    return real(*args, **kwargs)\n"
        "dlp.cli.scan.scan_paths = spy\n"
        "import dlp.cli.config\n"
        "real_load = dlp.cli.config.load_config\n"
        "def spy_load(*args, **kwargs):\n"
        "    print('config show with gc', gc.isenabled())\n"
        "    return real_load(*args, **kwargs)\n"
        "dlp.cli.config.load_config = spy_load\n"
        "for argv in (['scan', '-j', '1', sys.argv[1]], ['scan', '--no-such-option'], ['config', 'show']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    print('after', argv[1], gc.isenabled())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": str(ROOT / "tests" / "no-config")}
    out = subprocess.run(
        [sys.executable, "-c", "import dlp.cli.scan\n" + probe, str(csv)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    lines = [line for line in out.stdout.splitlines() if line.startswith(("scanning", "after", "config"))]
    assert lines == [
        "scanning with gc True",
        "after -j True",
        "after --no-such-option True",
        "config show with gc True",
        "after show True",
    ], out.stdout + out.stderr
