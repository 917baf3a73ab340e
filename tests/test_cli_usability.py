"""What a new user meets first: --version, --help, shell completion, an 80-column terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from dlp import __version__
from dlp.cli import app
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # runs dlp as a subprocess


def _run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # a developer's own ~/.config/dlp/dlp.toml is not the test's
    base = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT)}
    base["XDG_CONFIG_HOME"] = str(ROOT / "tests" / "no-config")
    base.pop("DLP_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "dlp", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=cwd or ROOT,
        timeout=120,
    )


def _commands() -> dict[str, tuple[list[str], object]]:
    """Every command and group of the app: the words a user types before --help, and it."""
    out: dict[str, tuple[list[str], object]] = {}

    def walk(command: object, words: list[str]) -> None:
        out[" ".join(words) or "dlp"] = (words, command)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*words, name])

    walk(typer.main.get_command(app), [])
    return out


def _command_paths() -> list[list[str]]:
    return [words for words, _ in _commands().values()]


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
    # help is plain text: "[watch] jobs" and "[[watch.folders]]" print as written
    command = _commands()[" ".join(words) or "dlp"][1]
    texts = [getattr(command, "help", None) or ""] + [getattr(p, "help", None) or "" for p in command.params]
    for bracketed in re.findall(r"\[+[a-z_.]+\]+", " ".join(texts)):
        assert bracketed in result.output, bracketed


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


def _many_files(folder: Path, n: int = 40) -> Path:
    """Files slow enough (about 1.6 MB of prose each) that Ctrl-C lands mid-scan."""
    folder.mkdir()
    line = "本日の定例会議では来期の予算と人員配置について議論した。次回までに各部署で案をまとめる。\n"
    for i in range(n):
        (folder / f"{i:03d}.txt").write_text(line * 12000, encoding="utf-8")
    return folder


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("DLP_CONFIG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "dlp", "scan", "--jobs", "1", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
        start_new_session=True,  # its own process group: SIGINT to all of it, as a terminal's Ctrl-C does
    )


def test_ctrl_c_lists_what_was_finished_and_exits_130(tmp_path: Path) -> None:
    import signal

    folder = _many_files(tmp_path / "many")
    proc = _start(tmp_path, "--format", "jsonl", str(folder))
    assert proc.stdout is not None
    first = proc.stdout.readline()  # one item is done: interrupt the rest
    os.killpg(proc.pid, signal.SIGINT)
    rest, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    listed = [json.loads(line) for line in [first, *rest.splitlines()]]
    assert "Traceback" not in stderr
    done = int(stderr.split("interrupted: ")[1].split(" of ")[0])
    assert 1 <= done < 40 and len(listed) == done, stderr
    assert f"interrupted: {done} of 40 item(s) scanned" in stderr


def test_ctrl_c_on_the_table_prints_the_finished_items(tmp_path: Path) -> None:
    """The table is printed at the end: Ctrl-C prints it with the items finished so far (the
    audit trail, written per item, tells the test when some are)."""
    import signal
    import time

    folder = _many_files(tmp_path / "many")
    proc = _start(tmp_path, "--audit", folder.name)
    audit = tmp_path / "data" / "dlp" / "audit.jsonl"  # one line per verdict, after the item is listed
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (audit.is_file() and audit.stat().st_size):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    done = int(stderr.split("interrupted: ")[1].split(" of ")[0])
    assert 1 <= done < 40, stderr
    assert f"{done} item(s): {done} allow" in stdout
    assert stdout.count("many/0") == done


def test_brackets_in_messages_print_as_written(tmp_path: Path) -> None:
    """A section name or a hint in brackets is text, not rich markup."""
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_DATA_HOME": str(tmp_path / "data")}
    (tmp_path / "dlp.toml").write_text('[gatway]\nlisten = "127.0.0.1:10025"\n', encoding="utf-8")
    bad = _run("scan", str(ROOT / "fixtures" / "minutes.txt"), env=env, cwd=tmp_path)
    assert bad.returncode == 4
    assert "dlp.toml:1: [gatway]: unknown section" in bad.stderr
    (tmp_path / "dlp.toml").unlink()
    watch = _run("watch", env=env, cwd=tmp_path)
    assert watch.returncode == 4
    assert "add [[watch.folders]] to dlp.toml" in watch.stderr
    assert "(default: [watch] jobs)" in _run("watch", "--help", env={"COLUMNS": "200"}).stdout
    assert "[gateway] listen_host" in _run("gateway", "serve", "--help", env={"COLUMNS": "200"}).stdout


def test_config_is_found_in_xdg_config_home_after_the_current_folder(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    (xdg / "dlp").mkdir(parents=True)
    (xdg / "dlp" / "dlp.toml").write_text('[scan]\npolicy = "nowhere.yaml"\n', encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    env = {"XDG_CONFIG_HOME": str(xdg), "XDG_DATA_HOME": str(tmp_path / "data")}
    from_xdg = _run("config", "show", env=env, cwd=work)
    assert from_xdg.returncode == 0, from_xdg.stderr
    assert json.loads(from_xdg.stdout)["file"] == str(xdg / "dlp" / "dlp.toml")
    (work / "dlp.toml").write_text("", encoding="utf-8")
    local = _run("config", "show", env=env, cwd=work)
    assert json.loads(local.stdout)["file"] == "dlp.toml"


def _fits_80(text: str) -> list[str]:
    from rich.cells import cell_len

    lines = text.splitlines()
    assert lines and max(cell_len(line) for line in lines) <= 80 and "…" not in text
    return lines


def test_rules_and_quarantine_lists_fit_80_columns_with_whole_ids(tmp_path: Path) -> None:
    from dlp.settings import Settings

    lines = _fits_80(_run("rules", "list").stdout)
    for rule in Settings.load().rules.rules:
        assert any(line.split()[:1] == [rule.id] for line in lines), rule.id

    export = tmp_path / "export"
    export.mkdir()
    for name in ("card_memo.txt", "customers_cp932.csv", "locked.pdf"):
        (export / name).write_bytes((ROOT / "fixtures" / name).read_bytes())
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    assert _run("scan", "--quarantine", "export", env=env, cwd=tmp_path).returncode == 3
    held = json.loads(_run("quarantine", "list", "--format", "json", env=env, cwd=tmp_path).stdout)
    assert len(held) == 3
    lines = _fits_80(_run("quarantine", "list", env=env, cwd=tmp_path).stdout)
    for entry in held:
        assert any(line.split()[:1] == [entry["id"]] for line in lines), entry["id"]


def test_a_second_ctrl_c_stops_waiting_for_the_item_in_progress(tmp_path: Path) -> None:
    """The first Ctrl-C lets the item in progress finish; the second abandons it: the items
    finished before are still listed."""
    import signal
    import time

    line = "本日の定例会議では来期の予算と人員配置について議論した。次回までに各部署で案をまとめる。\n"
    (tmp_path / "big.txt").write_text(line * 400_000, encoding="utf-8")  # 53 MB, seconds to scan
    (tmp_path / "small.txt").write_text(line, encoding="utf-8")
    proc = _start(tmp_path, "--format", "jsonl", "small.txt", "big.txt", "big.txt")
    assert proc.stdout is not None
    first = json.loads(proc.stdout.readline())
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)
    rest, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert first["path"] == "small.txt" and rest == ""
    assert "stopping: the items in progress finish" in stderr
    assert "interrupted: 1 of 3 item(s) scanned" in stderr and "Traceback" not in stderr
