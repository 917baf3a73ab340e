"""What a new user meets first: --version, --help, shell completion, an 80-column terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from dlp import __version__
from dlp.cli import app
from tests.conftest import ROOT


def _run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    base = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT)}
    base.pop("DLP_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "dlp", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=cwd or ROOT,
        timeout=120,
    )


def _command_paths() -> list[list[str]]:
    """Every command and group of the app, as the words a user types before --help."""
    out: list[list[str]] = []

    def walk(command: object, words: list[str]) -> None:
        out.append(words)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*words, name])

    walk(typer.main.get_command(app), [])
    return out


def test_version() -> None:
    result = _run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"dlp {__version__}"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and 'path = "dlp/__init__.py"' in pyproject


@pytest.mark.parametrize("words", _command_paths(), ids=lambda w: " ".join(w) or "dlp")
def test_help_has_no_type_placeholder_on_flags(words: list[str]) -> None:
    """typer 0.29 prints ``--explain  <bool>`` as if the flag took a value."""
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": "80"}, prog_name="dlp")
    assert result.exit_code == 0, result.output
    assert "--help" in result.output
    assert "<bool>" not in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80


def test_bash_completion_script_and_answers() -> None:
    script = _run("--show-completion", "bash", env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert script.returncode == 0, script.stderr
    assert "_DLP_COMPLETE=complete_bash" in script.stdout and "complete " in script.stdout
    commands = _run(env={"_DLP_COMPLETE": "complete_bash", "COMP_WORDS": "dlp qu", "COMP_CWORD": "1"})
    assert commands.stdout.split() == ["quarantine"]
    formats = _run(env={"_DLP_COMPLETE": "complete_bash", "COMP_WORDS": "dlp scan --format ", "COMP_CWORD": "3"})
    assert {"table", "json", "jsonl"} <= set(formats.stdout.split())


def test_the_table_fits_80_columns_and_keeps_ids_whole() -> None:
    """Every line fits 80 terminal cells (a kanji takes two), and every clause id, rule id and
    path of the JSON output appears whole in the table: long parts wrap, nothing is cut."""
    from rich.cells import cell_len

    table = _run("scan", "--explain", "fixtures")
    as_json = _run("scan", "--format", "json", "fixtures")
    assert table.returncode == as_json.returncode == 3, table.stderr
    lines = table.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert "…" not in table.stdout
    items = json.loads(as_json.stdout)
    for item in items:
        assert any(line.split()[1:2] == [item["path"]] for line in lines), item["path"]
        if item["clause"]:
            assert f"[{item['clause']}]" in table.stdout
        for finding in item["findings"]:
            assert any(line.startswith(f"  {finding['rule']} ") for line in lines), finding["rule"]


def test_only_flagged_lists_items_that_are_not_allowed() -> None:
    files = ["fixtures/minutes.txt", "fixtures/call_notes.txt", "fixtures/invoice.txt"]
    every = json.loads(_run("scan", "--format", "json", *files).stdout)
    assert [i["action"] for i in every] == ["allow", "warn", "allow"]
    flagged = _run("scan", "--format", "json", "--only-flagged", *files)
    assert flagged.returncode == 1
    assert [i["path"] for i in json.loads(flagged.stdout)] == ["fixtures/call_notes.txt"]
    assert "2 allowed item(s) not listed" in flagged.stderr
    table = _run("scan", "--only-flagged", *files)
    assert "call_notes.txt" in table.stdout and "minutes.txt" not in table.stdout
