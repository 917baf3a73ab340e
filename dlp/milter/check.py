"""What `dlp milter check` verifies, while the Milter runs (it never binds or replaces the socket).

* the configuration, rules and keys load;
* the socket answers the Milter handshake (SMFIC_OPTNEG, protocol 6) and smtpd's group may use it;
* Postfix: which smtpd services actually use this socket (named by their port), that main.cf's
  ``smtpd_milters`` does not (port 25, mail from outside, is never judged), and that a dead Milter
  means 451 (``default_action=tempfail`` on the milter or ``milter_default_action = tempfail``:
  Postfix's default became "shutdown" in 3.7.20 / 3.8.15 / 3.9.9 / 3.10.8);
* the release path ([mail] next hop) answers EHLO with SMTPUTF8 and 8BITMIME, so released
  Japanese mail goes out unchanged;
* the quarantine opens.
"""

from __future__ import annotations

import grp
import smtplib
import socket
import stat
import struct
import subprocess
from pathlib import Path

from dlp.runtime import StartError, load_runtime

Result = tuple[str, bool, str]
SMFI_VERSION = 6


def run_checks(config_path: Path | None, postfix_config: str = "/etc/postfix") -> list[Result]:
    try:
        config, settings, services = load_runtime(config_path)
    except StartError as exc:
        return [("configuration, rules and keys", False, str(exc))]
    results: list[Result] = [("configuration, rules and keys", True, f"{len(settings.rules.rules)} rules")]
    path = Path(config.get("milter", "socket") or config.data_dir / "milter.sock")
    results.append(_socket(path, config.get("milter", "socket_group")))
    results.extend(_postfix(path, postfix_config))
    hop = services.next_hop
    results.append(_next_hop(hop.host, hop.port))
    results.append(("quarantine", True, str(services.quarantine.directory)))
    return results


def _socket(path: Path, group: str) -> Result:
    what = f"Milter socket unix:{path}"
    try:
        info = path.stat()
    except OSError:
        return what, False, "missing (is `dlp milter serve` running?); Postfix answers 451 meanwhile"
    if not stat.S_ISSOCK(info.st_mode):
        return what, False, "not a socket"
    if group:
        try:
            gid = grp.getgrnam(group).gr_gid
        except KeyError:
            return what, False, f"group {group} does not exist ([milter] socket_group)"
        if info.st_gid != gid or not info.st_mode & stat.S_IWGRP:
            return what, False, f"not writable by group {group}: smtpd would get 'Permission denied' and answer 451"
    try:
        reply = handshake(str(path))
    except OSError as exc:
        return what, False, f"{exc.strerror or exc} (is `dlp milter serve` running?)"
    return what, True, reply


def handshake(path: str, timeout: float = 10.0) -> str:
    """The MTA's side of option negotiation, then QUIT: proves a Milter (not just a file) answers."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        body = b"O" + struct.pack(">III", SMFI_VERSION, 0x1FF, 0x1FFFFF)
        sock.sendall(struct.pack(">I", len(body)) + body)
        head = _read(sock, 4)
        reply = _read(sock, struct.unpack(">I", head)[0])
        sock.sendall(struct.pack(">I", 1) + b"Q")
    if reply[:1] != b"O" or len(reply) < 13:
        raise OSError(f"not a Milter reply: {reply[:1]!r}")
    version, actions, _ = struct.unpack(">III", reply[1:13])
    return f"answers (Milter protocol {version}, actions 0x{actions:x})"


def _read(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise OSError("the Milter closed the connection")
        data += chunk
    return data


def _postconf(postfix_config: str, *args: str) -> str:
    result = subprocess.run(
        ["postconf", "-c", postfix_config, *args], capture_output=True, text=True, check=False, timeout=30
    )
    if result.returncode != 0:
        raise OSError(result.stderr.strip() or f"postconf exited {result.returncode}")
    return result.stdout


def _postfix(path: Path, postfix_config: str) -> list[Result]:
    try:
        main: dict[str, str] = {}
        for line in _postconf(postfix_config, "-x", "smtpd_milters", "milter_default_action").splitlines():
            name, _, value = line.partition("=")
            main[name.strip()] = value.strip()
        services = _postconf(postfix_config, "-xP").splitlines()
    except (OSError, subprocess.SubprocessError) as exc:
        return [(f"Postfix configuration {postfix_config}", False, str(exc))]
    results: list[Result] = []
    target = f"unix:{path}"
    users = []
    for line in services:
        name, _, value = line.partition(" = ")
        service, _, param = name.rpartition("/")
        if param == "smtpd_milters" and target in value:
            users.append((service.split("/")[0], value))
    if str(path) in main.get("smtpd_milters", ""):
        results.append(("outbound only", False, "main.cf smtpd_milters uses the Milter: mail from outside is judged"))
    else:
        results.append(("outbound only", True, "main.cf smtpd_milters does not use it (port 25 is not judged)"))
    if not users:
        results.append(("Postfix services using the Milter", False, f"no smtpd service has {target} in smtpd_milters"))
        return results
    results.append(("Postfix services using the Milter", True, ", ".join(_port(s) for s, _ in users)))
    global_action = main.get("milter_default_action", "")
    for service, value in users:
        per_milter = "default_action=tempfail" in value.replace(" ", "")
        ok = per_milter or global_action == "tempfail"
        detail = "default_action=tempfail" if per_milter else f"milter_default_action = {global_action or '?'}"
        if not ok:
            detail += " (a dead Milter must mean 451: set tempfail)"
        results.append((f"{_port(service)} when the Milter is down", ok, detail))
    return results


def _port(service: str) -> str:
    """A master.cf service name as an admin reads it: "submission" is port 587."""
    known = {"submission": "submission (587)", "submissions": "submissions (465)", "smtps": "smtps (465)"}
    return known.get(service, service)


def _next_hop(host: str, port: int) -> Result:
    what = f"release path (next hop) {host}:{port}"
    try:
        with smtplib.SMTP(host, port, timeout=10) as client:
            code, _ = client.ehlo()
            missing = [k.upper() for k in ("smtputf8", "8bitmime") if not client.has_extn(k)]
    except (OSError, smtplib.SMTPException) as exc:
        return what, False, f"{exc} (an smtpd without milters, see contrib/postfix/milter.master.cf.snippet)"
    if not 200 <= code < 300:
        return what, False, f"EHLO {code}"
    if missing:
        return what, False, f"EHLO {code}; missing {', '.join(missing)} (smtputf8_enable = yes)"
    return what, True, f"EHLO {code}; SMTPUTF8, 8BITMIME"


__all__ = ["handshake", "run_checks"]
