"""What both daemons (`dlp watch`, `dlp gateway`) need to start and to report: everything loaded
from dlp.toml with one error type whose message is the fix, and a word to systemd."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from dlp.config import Config, ConfigError, load_config
from dlp.detect.rules import RuleFileError
from dlp.keys import KeyFileError
from dlp.services import Services
from dlp.settings import Settings


class StartError(Exception):
    """A daemon cannot start (or reload); the message names what is wrong and the fix."""


def load_runtime(config_path: Path | None) -> tuple[Config, Settings, Services]:
    """The configuration, the compiled rules and policy, and the services, with the quarantine
    (and its key) opened now rather than at the first hold."""
    try:
        config = load_config(config_path)
        settings = Settings.load(config)
        services = Services(config)
        services.quarantine  # noqa: B018 - opens the store and its key
        services.webhook  # noqa: B018 - a webhook without its secret is a start error
    except (ConfigError, RuleFileError) as exc:
        raise StartError("\n".join(exc.problems)) from None
    except KeyFileError as exc:
        raise StartError(str(exc)) from None
    return config, settings, services


def sd_notify(message: str) -> None:
    """Tell systemd (Type=notify) we are ready, alive or stopping; nothing without NOTIFY_SOCKET."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(message.encode())
    except OSError:
        pass
