"""The layers the code relies on, checked from the source: the daemons and the worker build
their settings without the command line, and reading dlp.toml compiles no rules. A newcomer who
adds an import across a layer learns it here, not from a cycle at start-up."""

from __future__ import annotations

import ast
from pathlib import Path

import dlp

ROOT = Path(dlp.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return out


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)


def test_only_the_command_line_imports_the_command_line() -> None:
    offenders = [
        _module(p)
        for p in ROOT.rglob("*.py")
        if not _module(p).startswith(("dlp.cli", "dlp.__main__"))
        and any(m == "dlp.cli" or m.startswith("dlp.cli.") for m in _imports(p))
    ]
    assert offenders == []


def test_reading_the_config_compiles_nothing() -> None:
    imported = _imports(ROOT / "config.py")
    assert not {m for m in imported if m.startswith(("dlp.detect", "dlp.policy", "dlp.pipeline", "dlp.settings"))}


def test_store_helpers_do_not_import_the_store() -> None:
    """repair.py and mailrelease.py work through dlp.actions.store.Store, so the quarantine
    imports them one way (no cycle, not even one hidden behind TYPE_CHECKING)."""
    for helper in ("repair.py", "mailrelease.py", "store.py"):
        assert "dlp.actions.quarantine" not in _imports(ROOT / "actions" / helper), helper
