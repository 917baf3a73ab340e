"""dlp.toml -> Config. Works with no config file at all.

The file is optional; every key has a default. It is validated on load against ``SCHEMA`` and
each problem names the file, the line, the key and the fix. This module only reads the file:
compiling rules and policy from it is ``dlp.settings``' job, so reading the configuration never
pulls in the detection engine.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlp.extract.limits import Limits
from dlp.keys import key_from_env_or_file

CONFIG_ENV = "DLP_CONFIG"


class ConfigError(Exception):
    """The configuration file is wrong; ``problems`` has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Key:
    """One configuration key: its type, default, an optional check and the help text."""

    kind: type | tuple[type, ...]
    default: Any
    help: str
    check: Any = None  # callable(value) -> problem text or None
    secret: bool = False


def _positive(v: Any) -> str | None:
    return None if v > 0 else "must be greater than 0"


def _path_ok(v: Any) -> str | None:
    return None if str(v).strip() else "must not be empty"


def _email(v: Any) -> str | None:
    return None if not v or re.fullmatch(r"[^@\s]+@[^@\s]+", v) else "expected a mail address like dpo@example.co.jp"


def _port(v: Any) -> str | None:
    return None if 0 < v < 65536 else "expected a port number 1-65535"


def _domains(v: Any) -> str | None:
    bad = [d for d in v if not isinstance(d, str) or not re.fullmatch(r"(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", d)]
    return (
        f"not a mail domain (example.co.jp, or *.example.co.jp for its subdomains; IDN as xn--): {bad[0]!r}"
        if bad
        else None
    )


def _networks(v: Any) -> str | None:
    import ipaddress

    for value in v:
        try:
            ipaddress.ip_network(str(value), strict=False)
        except ValueError:
            return f"not a network: {value!r} (expected 192.168.0.0/16, 10.1.2.3 or fd00::/8)"
    return None


def _duration(v: Any) -> str | None:
    return None if parse_duration(v) is not None else "expected a duration like '30d', '12h', '90m'"


def _level(v: Any) -> str | None:
    return None if str(v).lower() in ("debug", "info", "warning", "error") else "expected debug, info, warning or error"


def _loopback(v: Any) -> str | None:
    """Metrics are served to the host itself (a local Prometheus or an exporter proxy), never to the network."""
    import ipaddress

    if v == "localhost":
        return None
    try:
        return None if ipaddress.ip_address(v).is_loopback else "expected a loopback address (127.0.0.1, ::1)"
    except ValueError:
        return "expected a loopback address (127.0.0.1, ::1)"


def _facility(v: Any) -> str | None:
    from logging.handlers import SysLogHandler

    known = sorted(SysLogHandler.facility_names)
    return None if v in SysLogHandler.facility_names else f"expected a syslog facility ({', '.join(known)})"


def _action(v: Any) -> str | None:
    actions = ("allow", "warn", "approval", "quarantine", "block")
    return None if v in actions else "expected allow, warn, approval, quarantine or block"


def _url(v: Any) -> str | None:
    return None if not v or re.fullmatch(r"https?://[^\s/]+(/\S*)?", v) else "expected an http(s) URL"


def _daemon_logs(daemon: str) -> dict[str, Key]:
    """Where a daemon's JSON log lines go besides (or instead of) standard error."""
    return {
        "syslog": Key(
            str, "", f"syslog socket for {daemon}'s log lines, e.g. /dev/log (empty: off; replaces standard error)"
        ),
        "syslog_facility": Key(str, "daemon", "syslog facility (daemon, local0 … local7)", _facility),
        "journald": Key(
            bool, False, "log to journald with the systemd Python module (python3-systemd) when it is installed"
        ),
    }


def _roles(v: Any) -> str | None:
    bad = [r for r in v if r not in ("officer", "approver", "auditor")]
    return f"unknown roles {bad}: officer | approver | auditor" if bad else None


def _departments(v: Any) -> str | None:
    bad = [
        k for k, members in v.items() if not isinstance(members, list) or not all(isinstance(m, str) for m in members)
    ]
    return f"expected department = [addresses or @domains], got {bad[0]!r}" if bad else None


def parse_delay(value: Any) -> float | None:
    """'10 minutes' / '10 min' / '10分' / anything parse_duration takes -> seconds."""
    m = re.fullmatch(r"\s*([0-9]+)\s*(minutes?|mins?|分)\s*", str(value))
    return float(m.group(1)) * 60 if m else parse_duration(value)


def _delay(v: Any) -> str | None:
    return None if parse_delay(v) is not None else "expected a delay like '10 minutes', '5m', '90s' (0: off)"


def _timeout_action(v: Any) -> str | None:
    return None if v in ("reject", "release") else 'expected "reject" (the default) or "release"'


def _symlinks(v: Any) -> str | None:
    return None if v in ("refuse", "scan") else 'expected "refuse" (the default) or "scan"'


FOLDER_KEYS: dict[str, Key] = {
    "path": Key(str, "", "the folder to watch (required)", _path_ok),
    "policy": Key(str, "", "this folder's own policy YAML (relative to dlp.toml); empty = the default policy"),
    "dry_run": Key(bool, False, "monitor only for this folder"),
    "owner": Key(str, "", "whom to notify about this folder's files (a mail address)", _email),
    "polling": Key((bool, str), "auto", "true: poll (network mounts), false: kernel events, auto: from the mount"),
    "recursive": Key(bool, True, "watch subfolders too"),
}


def parse_duration(value: Any) -> float | None:
    """'30d' / '12h' / '15m' / '45s' / a number of seconds -> seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([smhdw]?)\s*", str(value))
    if not m:
        return None
    unit = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[m.group(2)]
    return float(m.group(1)) * unit


SCHEMA: dict[str, dict[str, Key]] = {
    "scan": {
        "rules": Key(str, "", "folder (or file) of rule YAML; empty = the bundled pack", _path_ok),
        "policy": Key(str, "", "policy YAML; empty = policy.yaml in the rules folder, else the bundled one"),
        "max_findings": Key(int, 1000, "findings kept in detail per item (the rest are counted)", _positive),
        "stop_after_records": Key(
            int,
            1000,
            "stop scanning an item once its verdict is block and this many records were found (0: never)",
        ),
    },
    "limits": {
        "max_depth": Key(int, 5, "nesting depth of archives and attachments", _positive),
        "max_members": Key(int, 10_000, "members per archive", _positive),
        "max_member_bytes": Key(int, 100 * 1024 * 1024, "bytes per archive member or attachment", _positive),
        "max_item_bytes": Key(int, 500 * 1024 * 1024, "bytes unpacked per top-level item", _positive),
        "max_ratio": Key(int, 200, "compression ratio above which a member over ratio_min_bytes is a bomb", _positive),
        "ratio_min_bytes": Key(int, 1024 * 1024, "members smaller than this are never ratio-checked", _positive),
        "max_extra_chars": Key(int, 20_000_000, "characters extracted beyond the item's own size", _positive),
        "timeout": Key((int, float), 60, "seconds of extraction per top-level item", _positive),
        "max_memory_mb": Key(int, 3072, "address space of a scan worker in MB (0: no limit)"),
        "ocr": Key(bool, True, "read images and scanned PDF pages with Tesseract (false: they are no_text)"),
        "ocr_max_pages": Key(int, 30, "images and scanned pages OCR'd per item (the rest are no_text)", _positive),
        "ocr_timeout": Key((int, float), 20, "seconds of OCR per page or image", _positive),
        "ocr_max_seconds": Key((int, float), 40, "seconds of OCR per item (keep below timeout)", _positive),
        "ocr_max_pixels": Key(int, 40_000_000, "pixels of one image or rendered page (larger: no_text)", _positive),
        "ocr_pdf_dpi": Key(int, 300, "resolution image-only PDF pages are rendered at for OCR", _positive),
    },
    "paths": {
        "data_dir": Key(
            str, "", "where keys, the quarantine and state live; empty = $XDG_DATA_HOME/dlp (root: /var/lib/dlp)"
        ),
    },
    "keys": {
        "fingerprint_key_file": Key(str, "", "HMAC key for fingerprints; empty = <data_dir>/fingerprint.key"),
        "fingerprint_key_env": Key(str, "DLP_FINGERPRINT_KEY", "environment variable that may hold the key as hex"),
        "quarantine_key_file": Key(str, "", "AES-256 master key of the quarantine; empty = <data_dir>/quarantine.key"),
        "quarantine_key_env": Key(str, "DLP_QUARANTINE_KEY", "environment variable that may hold that key as hex"),
    },
    "quarantine": {
        "dir": Key(str, "", "quarantine store; empty = <data_dir>/quarantine"),
        "retention": Key((str, int), "30d", "how long held items are kept by `dlp quarantine purge`", _duration),
    },
    "audit": {
        "file": Key(str, "", "audit trail (JSON Lines); empty = <data_dir>/audit.jsonl"),
    },
    "smtp": {
        "host": Key(str, "127.0.0.1", "mail server for notices"),
        "port": Key(int, 25, "its port", _port),
        "starttls": Key(bool, False, "use STARTTLS"),
        "username": Key(str, "", "SMTP AUTH user (empty: no AUTH)"),
        "password": Key(str, "", "SMTP AUTH password (prefer password_env)", secret=True),
        "password_env": Key(str, "", "environment variable holding the SMTP password"),
        "timeout": Key((int, float), 30, "seconds per SMTP conversation", _positive),
    },
    "notify": {
        "enabled": Key(bool, True, "send notices at all"),
        "from": Key(str, "dlp@localhost", "sender address of notices", _email),
        "officer": Key(str, "", "the personal-data officer's address (quarantine and block notices)", _email),
        "contact": Key(
            str, "個人情報管理責任者 / the personal-data officer", "whom senders should ask, as shown in notices"
        ),
        "templates": Key(str, "", "folder of edited notice templates (notice_sender_warn.txt, …)"),
        "rate_limit": Key(int, 20, "notices per recipient per hour", _positive),
    },
    "watch": {
        "folders": Key(list, [], "[[watch.folders]] tables: path, and optionally policy, dry_run, owner, polling"),
        "state": Key(str, "", "the watcher's state database; empty = <data_dir>/watch.sqlite3"),
        "settle": Key(
            (int, float), 1.0, "seconds a file's size and mtime must stay the same before it is scanned", _positive
        ),
        "temp_grace": Key(
            (str, int), "1h", "age after which a temp-named file (*.tmp, *.part…) is scanned anyway", _duration
        ),
        "max_open_wait": Key((str, int), "10m", "how long to wait for a writer that keeps a file open", _duration),
        "rescan": Key((str, int), "15m", "interval of the full walk that catches what events missed", _duration),
        "poll_interval": Key((int, float), 30, "seconds between polls of a network mount", _positive),
        "jobs": Key(int, 0, "scan worker processes (0: one per core)"),
        "queue": Key(int, 1000, "files waiting for a worker before the watcher holds back", _positive),
        "max_pending": Key(int, 100_000, "files settling at once before events are dropped for a walk", _positive),
        "dry_run": Key(bool, False, "monitor only: record what would be done, touch no file"),
        "symlinks": Key(
            str,
            "refuse",
            'symbolic links: "refuse" (not followed: a verdict with a reason, by default the link is removed and'
            ' people told) or "scan" (a link to the owner\'s regular file is scanned and held as that file)',
            _symlinks,
        ),
        "heartbeat": Key(
            str, "", "file touched every 10 s with the daemon's state; empty = <data_dir>/watch.heartbeat"
        ),
        "metrics_port": Key(int, 0, "serve Prometheus /metrics on this port (0: off)"),
        "metrics_host": Key(str, "127.0.0.1", "loopback address for /metrics", _loopback),
        "log": Key(str, "", "log file (JSON lines); empty = standard error (journald)"),
        "log_level": Key(str, "info", "debug | info | warning | error", _level),
        **_daemon_logs("the watcher"),
        "shutdown_grace": Key((int, float), 10, "seconds in-flight scans may finish after SIGTERM", _positive),
    },
    "gateway": {
        "listen_host": Key(str, "127.0.0.1", "address the content filter listens on (Postfix's dlpscan transport)"),
        "listen_port": Key(int, 10025, "its port", _port),
        "jobs": Key(int, 0, "scan worker processes (0: one per core)"),
        "concurrency": Key(int, 0, "messages handled at once (0: 16, or four per worker if more)"),
        "deadline": Key(
            (str, int), "300s", "answer 451 (Postfix retries) if a message is not decided in this time", _duration
        ),
        "max_message_size": Key(int, 50 * 1024 * 1024, "largest message accepted (announced as SIZE)", _positive),
        "max_sessions": Key(int, 0, "messages received or in hand at once; more get 451 (0: twice concurrency)"),
        "memory_budget": Key(
            int, 128 * 1024 * 1024, "memory for messages in hand (each counts 4x its size); others wait", _positive
        ),
        "metrics_port": Key(int, 0, "serve Prometheus /metrics on this port (0: off)"),
        "metrics_host": Key(str, "127.0.0.1", "loopback address for /metrics", _loopback),
        "log": Key(str, "", "log file (JSON lines); empty = standard error (journald)"),
        "log_level": Key(str, "info", "debug | info | warning | error", _level),
        **_daemon_logs("the gateway"),
        "shutdown_grace": Key((int, float), 30, "seconds in-flight messages may finish after SIGTERM", _positive),
    },
    "milter": {
        "socket": Key(str, "", "unix socket Postfix's smtpd_milters connects to; empty = <data_dir>/milter.sock"),
        "socket_group": Key(str, "postfix", "group given the socket (smtpd runs as postfix); empty: unchanged"),
        "jobs": Key(int, 0, "scan worker processes (0: one per core)"),
        "concurrency": Key(int, 0, "messages decided at once (0: 16, or four per worker if more)"),
        "deadline": Key(
            (str, int), "240s", "451 if a message is not decided in this time (keep below content_timeout)", _duration
        ),
        "max_message_size": Key(int, 50 * 1024 * 1024, "largest message; larger ones get 552 5.3.4", _positive),
        "spool_budget": Key(
            int, 1024 * 1024 * 1024, "bytes of messages being received at once (all sessions); more get 451", _positive
        ),
        "memory_budget": Key(
            int, 128 * 1024 * 1024, "memory for messages in hand (each counts 4x its size); others wait", _positive
        ),
        "log": Key(str, "", "log file (JSON lines); empty = standard error (journald)"),
        "log_level": Key(str, "info", "debug | info | warning | error", _level),
        **_daemon_logs("the milter"),
    },
    "console": {
        "host": Key(str, "127.0.0.1", "address `dlp console serve` listens on (keep it on loopback behind a proxy)"),
        "port": Key(int, 8470, "its port", _port),
        "session_key_file": Key(str, "", "key signing the console's session cookies; empty = <data_dir>/console.key"),
        "users_file": Key(
            str, "", "accounts, sessions and login failures (SQLite); empty = <data_dir>/console.sqlite3"
        ),
        "trusted_proxy_header": Key(
            str, "", "header a reverse proxy sets to the signed-in user name (e.g. X-Remote-User); empty: off"
        ),
        "departments": Key(
            dict, {}, "department -> sender addresses or @domains whose held mail its approvers see", _departments
        ),
        "approvers": Key(
            dict, {}, "department -> approver mail addresses told of its senders' mail held for 上長承認", _departments
        ),
        "public_url": Key(str, "", "the console's address as approvers reach it, for links in notices", _url),
        "approval_timeout": Key(
            (str, int), "72h", "a mail awaiting 上長承認 this long is settled by the sweep", _duration
        ),
        "approval_timeout_action": Key(
            str, "reject", "what the sweep does then: reject (never sent) | release", _timeout_action
        ),
        "raw_value_roles": Key(
            list,
            ["officer"],
            "roles that may ask to see an entry's raw values (with a reason, audited); [] for none",
            _roles,
        ),
    },
    "webhook": {
        "url": Key(str, "", "POST one JSON object per verdict here (a SIEM's HTTP collector); empty: off", _url),
        "level": Key(str, "quarantine", "lowest verdict sent: allow | warn | quarantine | block", _action),
        "secret_env": Key(str, "DLP_WEBHOOK_SECRET", "environment variable holding the HMAC secret"),
        "secret_file": Key(str, "", "file holding the HMAC secret (used when the variable is unset)"),
        "timeout": Key((int, float), 10, "seconds per POST", _positive),
    },
    "mail": {
        "internal_domains": Key(
            list, [], "the company's own mail domains, matched exactly; *.example.co.jp for subdomains", _domains
        ),
        "delay_external": Key(
            (str, int),
            0,
            "送信一時保留: hold mail with an outside recipient this long ('10 minutes', '5m'; 0: off);"
            " the sender gets a cancel link, `dlp console sweep` sends it afterwards",
            _delay,
        ),
        "next_hop_host": Key(str, "127.0.0.1", "where passed and released mail is re-injected (Postfix)"),
        "next_hop_port": Key(int, 10026, "its port", _port),
        "trusted_networks": Key(
            list,
            [],
            "client networks whose mail is outbound (Postfix's mynetworks); empty: loopback and private"
            " addresses. An unauthenticated client outside them, from a non-internal sender to internal"
            " recipients only, is inbound mail: passed unjudged, audited as 'inbound'",
            _networks,
        ),
    },
}


@dataclass(frozen=True)
class Config:
    """Validated configuration values, section -> key -> value, plus where they came from."""

    values: dict[str, dict[str, Any]]
    path: Path | None = None

    def get(self, section: str, key: str) -> Any:
        return self.values[section][key]

    @property
    def data_dir(self) -> Path:
        configured = self.get("paths", "data_dir")
        if configured:
            return Path(configured).expanduser()
        if os.geteuid() == 0 and not os.environ.get("XDG_DATA_HOME"):
            return Path("/var/lib/dlp")
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(base) / "dlp"

    def path_of(self, section: str, key: str, default_name: str) -> Path:
        value = self.get(section, key)
        return Path(value).expanduser() if value else self.data_dir / default_name

    @property
    def retention_seconds(self) -> float:
        return parse_duration(self.get("quarantine", "retention")) or 30 * 86400

    def fingerprint_key(self) -> bytes:
        """The installation's HMAC key: fingerprints, the watcher's state, notice tags."""
        return key_from_env_or_file(
            self.get("keys", "fingerprint_key_env"),
            self.path_of("keys", "fingerprint_key_file", "fingerprint.key"),
        )

    def smtp_password(self) -> str:
        env = self.get("smtp", "password_env")
        return os.environ.get(env, "") if env else self.get("smtp", "password")

    def folder_policies(self) -> list[str]:
        return sorted({f["policy"] for f in self.get("watch", "folders") if f.get("policy")})

    def limits(self) -> Limits:
        return Limits(**{k: self.get("limits", k) for k in SCHEMA["limits"]})

    def shown(self) -> dict[str, dict[str, Any]]:
        """Values for `dlp config show`: secrets replaced by a marker."""
        out: dict[str, dict[str, Any]] = {}
        for section, keys in SCHEMA.items():
            out[section] = {
                k: ("<hidden>" if spec.secret and self.values[section][k] else self.values[section][k])
                for k, spec in keys.items()
            }
        return out


def config_search_path() -> list[Path]:
    """Where dlp.toml is looked for when neither --config nor $DLP_CONFIG names one, first
    found wins: ./dlp.toml, $XDG_CONFIG_HOME/dlp/dlp.toml (~/.config when unset, as the XDG
    base directory spec says), /etc/dlp/dlp.toml. Read at each call, so the environment of
    the moment counts."""
    xdg = os.environ.get("XDG_CONFIG_HOME") or ""
    user = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".config"  # the spec ignores a relative one
    return [Path("dlp.toml"), user / "dlp" / "dlp.toml", Path("/etc/dlp/dlp.toml")]


def find_config(explicit: Path | None = None) -> Path | None:
    """--config, else $DLP_CONFIG, else the first file of ``config_search_path()``."""
    if explicit is not None:
        return explicit
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    for candidate in config_search_path():
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path | None = None, *, search: bool = True) -> Config:
    """Load and validate a config file; no file at all gives the defaults."""
    path = find_config(path) if search else path
    raw: dict[str, Any] = {}
    text = ""
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise ConfigError([f"{path}: no such config file (create it, or drop --config / ${CONFIG_ENV})"]) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError([f"{path}: cannot read: {exc}"]) from exc
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError([f"{path}: TOML syntax: {exc}"]) from exc
    return Config(_validate(raw, path, text), path)


def _validate(raw: dict[str, Any], path: Path | None, text: str) -> dict[str, dict[str, Any]]:
    problems: list[str] = []
    values: dict[str, dict[str, Any]] = {}
    where = str(path) if path else "<defaults>"
    for section in raw:
        if section not in SCHEMA:
            line = _line_of(text, section, None)
            problems.append(f"{where}:{line}: [{section}]: unknown section (known: {', '.join(SCHEMA)})")
    for section, keys in SCHEMA.items():
        given = raw.get(section, {})
        if not isinstance(given, dict):
            problems.append(f"{where}:{_line_of(text, section, None)}: {section}: expected a [{section}] table")
            given = {}
        values[section] = {}
        for key in given:
            if key not in keys:
                problems.append(
                    f"{where}:{_line_of(text, section, key)}: {section}.{key}: unknown key (known: {', '.join(keys)})"
                )
        for key, spec in keys.items():
            value = given.get(key, spec.default)
            if key in given:
                ok_type = isinstance(value, spec.kind) and not (isinstance(value, bool) and spec.kind is not bool)
                if not ok_type:
                    expected = (
                        spec.kind.__name__
                        if isinstance(spec.kind, type)
                        else " or ".join(k.__name__ for k in spec.kind)
                    )
                    line = _line_of(text, section, key)
                    problems.append(
                        f"{where}:{line}: {section}.{key}: expected {expected}, got {value!r} ({spec.help})"
                    )
                    value = spec.default
                elif spec.check is not None:
                    problem = spec.check(value)
                    if problem:
                        problems.append(
                            f"{where}:{_line_of(text, section, key)}: {section}.{key}: {problem} ({spec.help})"
                        )
                        value = spec.default
            values[section][key] = value
    values["watch"]["folders"] = _folders(values["watch"]["folders"], path, where, text, problems)
    if problems:
        raise ConfigError(problems)
    return values


def _folders(given: list[Any], path: Path | None, where: str, text: str, problems: list[str]) -> list[dict[str, Any]]:
    """Each [[watch.folders]] table checked like a section; relative paths are taken from dlp.toml's folder."""
    headers = [i for i, line in enumerate(text.splitlines(), 1) if line.strip().replace(" ", "") == "[[watch.folders]]"]
    base = path.parent if path is not None else Path.cwd()
    out = []
    for n, table in enumerate(given):
        line = headers[n] if n < len(headers) else 1
        label = f"{where}:{line}: watch.folders[{n + 1}]"
        if not isinstance(table, dict):
            problems.append(f'{label}: expected a [[watch.folders]] table with path = "/srv/export"')
            continue
        folder: dict[str, Any] = {}
        for key in table:
            if key not in FOLDER_KEYS:
                problems.append(f"{label}.{key}: unknown key (known: {', '.join(FOLDER_KEYS)})")
        for key, spec in FOLDER_KEYS.items():
            value = table.get(key, spec.default)
            if key in table:
                bad = not isinstance(value, spec.kind) or (isinstance(value, bool) and spec.kind is str)
                problem = (
                    f"expected {_kind_name(spec.kind)}, got {value!r}" if bad else (spec.check and spec.check(value))
                )
                if key == "polling" and not bad and isinstance(value, str) and value != "auto":
                    problem = 'expected true, false or "auto"'
                if problem:
                    problems.append(f"{label}.{key}: {problem} ({spec.help})")
                    value = spec.default
            folder[key] = value
        if not table.get("path"):
            problems.append(f'{label}.path: missing (the folder to watch, e.g. path = "/srv/export")')
            continue
        folder["path"] = str((base / Path(folder["path"]).expanduser()).absolute())
        if folder["policy"]:
            folder["policy"] = str((base / Path(folder["policy"]).expanduser()).absolute())
        out.append(folder)
    return out


def _kind_name(kind: type | tuple[type, ...]) -> str:
    return kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)


def _line_of(text: str, section: str, key: str | None) -> int:
    """Best-effort line number of a key (tomllib keeps none)."""
    lines = text.splitlines()
    in_section = False
    for i, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_section = stripped.strip("[] ") == section
            if in_section and key is None:
                return i
            continue
        if in_section and key is not None and re.match(rf"{re.escape(key)}\s*=", stripped):
            return i
    return 1
