"""`dlp scan` and `dlp rules` as a user and a script see them: exit codes, JSON, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow  # runs dlp as a subprocess

EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture()
def dlp(tmp_path: Path):
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "COLUMNS": "200", "PYTHONPATH": str(ROOT)}
    env.pop("DLP_CONFIG", None)

    def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "dlp", *args],
            input=stdin.decode() if stdin is not None else None,
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
        return result

    return run


def test_scan_fixtures_table(dlp) -> None:
    result = dlp("scan", str(FIXTURES))
    assert result.returncode == 3, result.stderr
    for name in EXPECTED:
        assert name in result.stdout.replace("\n", "")
    assert "090-" not in result.stdout or "****" in result.stdout


@pytest.mark.parametrize(
    ("name", "code"),
    [("minutes.txt", 0), ("call_notes.txt", 1), ("customers_cp932.csv", 2), ("card_memo.txt", 3)],
)
def test_exit_code_is_the_verdict(dlp, name: str, code: int) -> None:
    assert dlp("scan", str(FIXTURES / name)).returncode == code


def test_exit_code_is_the_most_severe_item(dlp) -> None:
    result = dlp("scan", str(FIXTURES / "minutes.txt"), str(FIXTURES / "call_notes.txt"))
    assert result.returncode == 1


def test_json_contract_and_offsets(dlp) -> None:
    result = dlp("scan", "--format", "json", str(FIXTURES / "call_notes.txt"), str(FIXTURES / "customers_cp932.csv"))
    assert result.returncode == 2, result.stderr
    items = json.loads(result.stdout)
    assert [Path(i["path"]).name for i in items] == ["call_notes.txt", "customers_cp932.csv"]
    for item in items:
        assert {"path", "locator", "action", "clause", "reason", "counts", "records", "findings", "unscannable"} <= set(
            item
        )
        assert set(item["reason"]) == {"ja", "en"}
        spec = EXPECTED[Path(item["path"]).name]
        text = (FIXTURES / Path(item["path"]).name).read_bytes().decode(spec["encoding"])
        wanted = {(v["type"], v["start"], v["end"]) for v in spec["values"]}
        for f in item["findings"]:
            assert {"rule", "type", "locator", "start", "end", "confidence", "masked", "fingerprint"} <= set(f)
            assert "value" not in f  # masked unless --show-values
            if f["confidence"] != "low":
                assert (f["type"], f["start"], f["end"]) in wanted, (f, text[f["start"] : f["end"]])
    notes = items[0]
    assert notes["action"] == "warn" and notes["clause"] == "contact-data"
    assert items[1]["action"] == "quarantine" and items[1]["records"] == 30


def test_values_never_appear_unless_asked(dlp) -> None:
    path = FIXTURES / "card_memo.txt"
    text = path.read_text(encoding="utf-8")
    value = next(text[v["start"] : v["end"]] for v in EXPECTED["card_memo.txt"]["values"])
    for fmt in ("table", "json", "jsonl"):
        result = dlp("scan", "--format", fmt, "--explain", str(path))
        assert value not in result.stdout + result.stderr
        assert value.replace("-", "") not in result.stdout
    shown = dlp("scan", "--format", "json", "--show-values", str(path))
    assert value in shown.stdout


def test_jsonl_streams_one_object_per_line(dlp) -> None:
    result = dlp("scan", "--format", "jsonl", str(FIXTURES))
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(EXPECTED) + 1  # the fixtures and expected.json
    assert all(json.loads(line)["action"] in {"allow", "warn", "quarantine", "block"} for line in lines)


def test_many_files_keep_input_order(dlp, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(12):
        body = f"携帯 090-1234-{i:04d}" if i % 3 == 0 else "議事録のみ"
        (folder / f"f{i:02d}.txt").write_text(body, encoding="utf-8")
    result = dlp("scan", "--format", "jsonl", "--jobs", "2", str(folder))
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(i["path"]).name for i in items] == [f"f{i:02d}.txt" for i in range(12)]
    assert [i["action"] for i in items] == ["warn" if i % 3 == 0 else "allow" for i in range(12)]


def test_stdin(dlp) -> None:
    result = dlp("scan", "--format", "json", "-", stdin="マイナンバー 1234 5678 9018".encode())
    assert result.returncode == 3
    assert json.loads(result.stdout)[0]["path"] == "-"


def test_missing_path_is_a_usage_error(dlp) -> None:
    result = dlp("scan", str(FIXTURES / "call_notes.txt"), "no/such/file.csv")
    assert result.returncode == 4
    assert "no such file or folder: no/such/file.csv" in result.stderr
    assert result.stdout == ""


def test_bad_rule_file_names_file_line_and_rule(dlp, tmp_path: Path) -> None:
    rules = tmp_path / "myrules"
    rules.mkdir()
    base = (ROOT / "tests" / "detect" / "rule_files" / "base_rule.yaml").read_text(encoding="utf-8")
    (rules / "custom.yaml").write_text(base.replace("validator: phone_jp", "validator: luhnn"), encoding="utf-8")
    result = dlp("scan", "--rules", str(rules), str(FIXTURES / "minutes.txt"))
    assert result.returncode == 4
    assert f"{rules}/custom.yaml:12: rule test.phone: validator: unknown name 'luhnn'" in result.stderr
    check = dlp("rules", "check", str(rules))
    assert check.returncode == 4 and "custom.yaml:12" in check.stderr


def test_custom_rules_with_default_policy(dlp, tmp_path: Path) -> None:
    rules = tmp_path / "myrules"
    rules.mkdir()
    (rules / "custom.yaml").write_text(
        (ROOT / "tests" / "detect" / "rule_files" / "base_rule.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = dlp("scan", "--rules", str(rules), "-", stdin="携帯 090-1234-5678".encode())
    assert result.returncode == 1, result.stderr


def test_the_policys_allow_list_in_a_scan(dlp, tmp_path: Path) -> None:
    """`dlp scan --policy` with the company's number on the policy's allow list: the number
    neither counts nor shows; without the list the same file is a warning."""
    default = (ROOT / "rules" / "policy.yaml").read_text(encoding="utf-8")
    policy = tmp_path / "company.yaml"
    policy.write_text(default.replace("    PHONE: []\n", "    PHONE: ['03-1234-5678']\n"), encoding="utf-8")
    note = tmp_path / "callback.txt"
    note.write_text("山田様への折り返しは 03-1234-5678 までお願いします。\n", encoding="utf-8")
    plain = dlp("scan", "--format", "json", str(note))
    assert plain.returncode == 1 and json.loads(plain.stdout)[0]["counts"]["PHONE"]["distinct"] == 1
    allowed = dlp("scan", "--format", "json", "--policy", str(policy), str(note))
    assert allowed.returncode == 0, allowed.stdout
    (item,) = json.loads(allowed.stdout)
    assert "PHONE" not in item["counts"] and all(f["type"] != "PHONE" for f in item["findings"])


def test_unknown_option_is_exit_4(dlp) -> None:
    result = dlp("scan", "--frobnicate", str(FIXTURES))
    assert result.returncode == 4
    assert "No such option" in result.stderr


def test_unknown_format(dlp) -> None:
    result = dlp("scan", "--format", "xml", str(FIXTURES))
    assert result.returncode == 4 and "unknown format 'xml'" in result.stderr


def test_rules_commands(dlp) -> None:
    listing = dlp("rules", "list")
    assert listing.returncode == 0 and "jp.my_number" in listing.stdout
    check = dlp("rules", "check", str(ROOT / "rules"))
    assert check.returncode == 0 and "examples hold" in check.stdout
    tried = dlp("rules", "test", "携帯０９０－１２３４－５６７８")
    assert "jp.phone" in tried.stdout and "validator=phone_jp:True" in tried.stdout
    shown = dlp("rules", "show", "jp.credit_card")
    assert "JCB 35xx" in shown.stdout
    missing = dlp("rules", "show", "jp.nothing")
    assert missing.returncode == 4


def test_the_installed_command_works_from_anywhere(tmp_path: Path) -> None:
    """After `pip install .` the `dlp` command scans with the rules packaged inside it."""
    import shutil

    # beside the interpreter running the tests first: the README's venv is not activated
    exe = shutil.which("dlp", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    assert exe, "the dlp console script is not installed: run the README's commands (pip install '.[test]')"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DLP_CONFIG")}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    result = subprocess.run(
        [exe, "scan", "--format", "jsonl", str(FIXTURES / "card_memo.txt")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 3, result.stderr
    assert json.loads(result.stdout)["clause"] == "critical-identifiers"


def _without_dac(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`dlp scan` as root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH: the tests run as root,
    and root reads a mode-000 folder; without those capabilities it cannot, like a user."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "PYTHONPATH": str(ROOT)}
    env.pop("DLP_CONFIG", None)
    command = [*_DROP, os.path.realpath(sys.executable), "-m", "dlp", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False)


def test_an_unreadable_subfolder_is_a_reason_not_a_silent_skip(tmp_path: Path) -> None:
    folder = tmp_path / "share"
    (folder / "ok").mkdir(parents=True)
    (folder / "ok" / "minutes.txt").write_text("議事録のみ", encoding="utf-8")
    locked = folder / "locked"
    locked.mkdir()
    (locked / "customers.csv").write_bytes((FIXTURES / "customers_cp932.csv").read_bytes())
    locked.chmod(0)
    try:
        assert subprocess.run([*_DROP, "ls", str(locked)], capture_output=True, check=False).returncode != 0
        result = _without_dac(tmp_path, "scan", "--format", "json", str(folder))
    finally:
        locked.chmod(0o755)
    items = json.loads(result.stdout)
    by_path = {Path(i["path"]).name: i for i in items}
    assert by_path["minutes.txt"]["action"] == "allow"
    assert [u["reason"] for u in by_path["locked"]["unscannable"]] == ["unreadable"]
    assert by_path["locked"]["action"] == "quarantine"
    assert result.returncode == 2, result.stderr


# as root: drop the capabilities that let root read anything; as a user: nothing to drop
_DROP = (
    ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]
    if os.geteuid() == 0
    else []
)


def test_special_files_and_links_in_a_folder_are_not_skipped_silently(dlp, tmp_path: Path) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    (folder / "minutes.txt").write_text("議事録のみ", encoding="utf-8")
    os.mkfifo(folder / "pipe")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "card.txt").write_text("カード 4111 1111 1111 1111", encoding="utf-8")
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    (folder / "dangling.csv").symlink_to(tmp_path / "gone.csv")
    result = dlp("scan", "--format", "json", str(folder))
    items = {Path(i["path"]).name: i for i in json.loads(result.stdout)}
    assert items["minutes.txt"]["action"] == "allow"
    for name in ("pipe", "linked", "dangling.csv"):
        assert items[name]["action"] == "quarantine", (name, items.get(name))
        assert items[name]["unscannable"], name
    assert result.returncode == 2


def test_quarantine_option_never_opens_a_fifo(dlp, tmp_path: Path) -> None:
    """`dlp scan --quarantine` holds files whose verdict asks for it; a FIFO's verdict does
    (it could not be read), but opening it to hold it would block for ever."""
    folder = tmp_path / "share"
    folder.mkdir()
    os.mkfifo(folder / "pipe")
    result = dlp("scan", "--quarantine", "--format", "json", str(folder))
    assert result.returncode == 2, result.stderr
    assert "not a regular file, not held" in result.stderr
    assert (folder / "pipe").exists()
