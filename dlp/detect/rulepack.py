"""Where the bundled rule pack lives and how a wrong rule file is reported: shared by the rule
loader and the type-name loader, which each read files of the pack."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


class RuleFileError(Exception):
    """One or more rule or policy files are wrong; ``problems`` lists each as file:line: …"""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def default_rules_dir() -> Path:
    """The rule pack shipped in the package (``dlp/rules`` when installed, ``rules/`` in a checkout)."""
    packaged = resources.files("dlp").joinpath("rules")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent.parent / "rules"
