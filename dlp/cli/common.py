"""What every command shares: loading settings with errors a user can act on."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from dlp.cli.exitcodes import EXIT_USAGE
from dlp.config import ConfigError, load_config, parse_duration
from dlp.keys import KeyFileError

if TYPE_CHECKING:  # loaded by the commands that use them (the services: their stores and mailers)
    from dlp.services import Services
    from dlp.settings import Settings

err = Console(stderr=True, highlight=False, soft_wrap=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="dlp.toml to use (default: $DLP_CONFIG, else the first of ./dlp.toml,"
        " $XDG_CONFIG_HOME/dlp/dlp.toml (~/.config/dlp/dlp.toml), /etc/dlp/dlp.toml)",
    ),
]
RulesOption = Annotated[Path | None, typer.Option("--rules", help="rule file or folder (default: the bundled pack)")]
PolicyOption = Annotated[
    Path | None, typer.Option("--policy", help="policy YAML (default: policy.yaml beside the rules)")
]


def fail(problems: list[str], hint: str | None = None, code: int = EXIT_USAGE) -> typer.Exit:
    """Print the problems and a hint, and the exit to raise. The one place errors are printed:
    messages are plain text, escaped here, so that a section name like ``[gatway]`` or a hint
    like ``add [[watch.folders]]`` prints as written instead of being taken for rich markup."""
    for problem in problems:
        err.print(f"[red]error:[/] {escape(problem)}", highlight=False)
    if hint:
        err.print(escape(hint), highlight=False)
    return typer.Exit(code)


def load_settings(
    config_path: Path | None,
    *,
    rules_path: Path | None = None,
    policy_path: Path | None = None,
    keep_values: bool = False,
    explain: bool = False,
) -> Settings:
    from dlp.detect.rulepack import RuleFileError
    from dlp.settings import Settings

    try:
        config = load_config(config_path)
        return Settings.load(
            config,
            rules_path=rules_path,
            policy_path=policy_path,
            keep_values=keep_values,
            explain=explain,
        )
    except RuleFileError as exc:
        raise fail(
            exc.problems, "Fix the rule or policy file(s) above; `dlp rules check DIR` checks a folder."
        ) from None
    except ConfigError as exc:
        raise fail(exc.problems, "Fix the configuration above; `dlp config check` checks it.") from None
    except KeyFileError as exc:
        raise fail([str(exc)]) from None


ActorOption = Annotated[str | None, typer.Option("--actor", help="who acts (default: your user name)")]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="table | json")]


def load_services(config_path: Path | None) -> Services:
    from dlp.services import Services

    try:
        return Services(load_config(config_path))
    except ConfigError as exc:
        raise fail(exc.problems, "Fix the configuration above; `dlp config check` checks it.") from None


def since_timestamp(value: str | None, option: str = "--since") -> float | None:
    """'7d', '12h' or an ISO date -> a UNIX time; None stays None."""
    import datetime as dt
    import time

    if not value:
        return None
    seconds = parse_duration(value)
    if seconds is not None:
        return time.time() - seconds
    try:
        return dt.datetime.fromisoformat(value).astimezone().timestamp()
    except ValueError:
        raise fail([f"{option}: expected a duration like 7d or a date like 2026-11-01, got {value!r}"]) from None


def daemon_logging(config_path: Path | None, section: str) -> None:
    """Set up a daemon's JSON logs from its dlp.toml section (``log``, ``log_level``) before it
    starts, so its start-up problems are logged too; a broken config is a usage error here."""
    from dlp.logs import setup_logging

    try:
        loaded = load_config(config_path)
    except ConfigError as exc:
        raise fail(exc.problems, "Fix the configuration above; `dlp config check` checks it.") from None
    log_file = loaded.get(section, "log")
    setup_logging(
        loaded.get(section, "log_level"),
        Path(log_file).expanduser() if log_file else None,
        syslog=loaded.get(section, "syslog"),
        facility=loaded.get(section, "syslog_facility"),
        journald=loaded.get(section, "journald"),
        ident=f"dlp-{section}",
    )
