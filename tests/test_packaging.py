"""What a new user installs: the licence, the sdist's contents, the systemd units, and links
in README.md and SECURITY.md that lead to files in the repository."""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # builds the sdist and the wheel

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.MULTILINE)


def _links(text: str) -> list[str]:
    return _LINK.findall(text) + _REFERENCE.findall(text)


@pytest.mark.parametrize("doc", ["README.md", "SECURITY.md"])
def test_every_relative_link_leads_to_a_file_in_the_repository(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    broken = []
    for target in _links(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("#"):
            continue  # https:, mailto:, an anchor in the same page
        path = (ROOT / doc).parent / target.split("#")[0]
        inside = path.resolve().is_relative_to(ROOT.resolve())
        if not inside or not path.exists():
            broken.append(target)
    assert not broken, f"{doc} links to files not in the repository: {broken}"


def test_the_link_check_sees_links() -> None:
    sample = "see [design](../shared/DESIGN.md), ![x](img/a.png) and [ok](https://example.com)\n[ref]: docs/x.md"
    assert _links(sample) == ["../shared/DESIGN.md", "img/a.png", "https://example.com", "docs/x.md"]


def test_contrib_files_the_docs_name_exist() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8") + (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(contrib/[^`*\s]+)`", text))
    assert named
    assert not [n for n in named if not (ROOT / n).exists()]


def test_the_license_file_is_the_declared_license() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text.splitlines()[0] and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_sdist_and_wheel_carry_what_the_readme_points_to(tmp_path: Path) -> None:
    """Built with hatchling as pip builds it: contrib/ and LICENSE in the sdist, the rule pack
    and the licence in the wheel, and the licence declared in the metadata."""
    from hatchling.builders.sdist import SdistBuilder
    from hatchling.builders.wheel import WheelBuilder

    sdist = Path(next(iter(SdistBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"]))))
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
        pkg_info = tar.extractfile(next(n for n in tar.getnames() if n.endswith("/PKG-INFO")))
        assert pkg_info is not None
        metadata = pkg_info.read().decode()
    for member in ("contrib/dlp-watch.service", "contrib/dlp-gateway.service", "contrib/dlp.toml.example"):
        assert member in names
    assert {"contrib/postfix/main.cf.snippet", "contrib/postfix/master.cf.snippet", "LICENSE"} <= names
    assert "License-Expression: Apache-2.0" in metadata
    wheel = Path(next(iter(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"]))))
    with zipfile.ZipFile(wheel) as zf:
        wheel_names = zf.namelist()
    assert "dlp/rules/policy.yaml" in wheel_names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in wheel_names)


@pytest.mark.parametrize("unit", sorted(p.name for p in (ROOT / "contrib").glob("*.service")))
def test_systemd_units_find_dlp_wherever_the_readme_installs_it(unit: str, tmp_path: Path) -> None:
    text = (ROOT / "contrib" / unit).read_text(encoding="utf-8")
    assert "/usr/local/bin/dlp" not in text
    exec_start = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    assert exec_start.split("=", 1)[1].split()[:2] == ["/usr/bin/env", "dlp"]
    path = next(line for line in text.splitlines() if line.startswith("Environment=PATH="))
    dirs = path.split("=", 2)[2].split(":")
    assert dirs[0] == "/opt/dlp/bin"  # the README's service install
    assert {"/usr/local/bin", "/usr/bin"} <= set(dirs)  # pipx --global, a distribution package
    analyze = shutil.which("systemd-analyze")
    if analyze:  # systemd's own check of the unit: keys, and that the command exists
        copy = tmp_path / unit
        copy.write_text(text, encoding="utf-8")
        result = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr


def test_readme_quick_start_installs_into_a_virtual_environment() -> None:
    """PEP 668: Debian 12 and Ubuntu 24.04 refuse `pip install` into the system Python."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip()]
    assert len(commands) == 2  # install and scan; test dependencies and the suite
    assert commands[0].startswith("python3 -m venv .venv && ")
    for command in commands:
        for part in command.split("&&"):
            word = part.split()[0]
            assert word.startswith(".venv/bin/") or word == "python3", part
