"""`dlp config check|show`: validate the configuration, and show it with secrets hidden."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from dlp.cli.common import ConfigOption, fail
from dlp.config import ConfigError, find_config, load_config
from dlp.detect.rules import RuleFileError
from dlp.extract.ocr import status as ocr_status
from dlp.keys import KeyFileError
from dlp.services import Services
from dlp.settings import Settings

app = typer.Typer(help="Check and show the configuration (dlp.toml).", no_args_is_help=True)
out = Console(highlight=False, soft_wrap=True)


@app.command("check")
def check(config: ConfigOption = None) -> int:
    """Load and validate the file, the rules and the policy, the keys and the folders."""
    path = find_config(config)
    try:
        loaded = load_config(config)
        settings = Settings.load(loaded)
        services = Services(loaded)
        services.quarantine  # noqa: B018 - opens (creates) the store and its key
        services.audit.path.parent.mkdir(parents=True, exist_ok=True)
    except ConfigError as exc:
        raise fail(exc.problems, "Fix the keys named above.") from None
    except RuleFileError as exc:
        raise fail(exc.problems, "Fix the rule or policy file(s) above.") from None
    except (KeyFileError, OSError) as exc:
        raise fail([str(exc)]) from None
    problems = []
    for label, folder in (("data_dir", loaded.data_dir), ("audit", services.audit.path.parent)):
        if not os.access(folder, os.W_OK):
            problems.append(f"{label}: {folder} is not writable by this user")
    if problems:
        raise fail(problems)
    shown = path or "no config file (defaults)"
    out.print(escape(f"ok: {shown}; {len(settings.rules.rules)} rules; data in {loaded.data_dir}"))
    if not services.internal_domains():
        out.print(
            escape(
                "warning: [mail] internal_domains is not set: no notice is sent to anyone (notices go only to "
                "addresses in those domains), and the gateway counts every recipient as outside"
            )
        )
    ocr_ok, ocr_message = ocr_status()
    if not settings.limits.ocr:
        out.print(escape("OCR: off (limits.ocr = false): images and scanned PDF pages are no_text"))
    else:
        out.print(escape(ocr_message if ocr_ok else f"warning: {ocr_message}"))
    return 0


@app.command("show")
def show(config: ConfigOption = None) -> None:
    """Every setting with its value (secrets shown as <hidden>), as TOML-like JSON."""
    try:
        loaded = load_config(config)
    except ConfigError as exc:
        raise fail(exc.problems) from None
    json.dump(
        {"file": str(loaded.path) if loaded.path else None, "data_dir": str(loaded.data_dir), **loaded.shown()},
        sys.stdout,
        ensure_ascii=False,
        indent=2,
    )
    sys.stdout.write("\n")


__all__ = ["Path", "app"]
