"""`dlp gateway check`: what an admin needs to know before and while the gateway runs.

It never binds the filter port (a running gateway would make that fail, and a check that fails
on a healthy system teaches people to ignore it): it connects to it instead, as Postfix does,
and says whether our gateway answers there, nothing does (not started yet), or something else
does. The next hop is greeted with EHLO and must announce SMTPUTF8 and 8BITMIME, or Japanese
mail would bounce at re-injection. Every line names the address it checked and the setting it
came from, so a wrong port is visible at a glance. When Postfix's ``postconf`` is at hand, the
Postfix side is read too: which services send mail to the filter, and whether a global
``content_filter`` would put mail from outside through it.
"""

from __future__ import annotations

import shutil
import smtplib
import subprocess
from pathlib import Path

Result = tuple[str, bool, str]
GREETING = "dlp gateway"  # in our 220 greeting (server.py: ident)


def filter_port(host: str, port: int, timeout: float = 5.0) -> Result:
    """Who answers on the filter port: our gateway (LHLO as Postfix's lmtp client sends it), nobody, someone else."""
    what = f"filter {host}:{port} ([gateway] listen_host/listen_port)"
    client = smtplib.LMTP(timeout=timeout)
    try:
        code, greeting = client.connect(host, port)
    except ConnectionRefusedError:
        return what, True, "nothing listens yet: start `dlp gateway serve` (Postfix defers mail until then)"
    except OSError as exc:
        return what, False, f"cannot connect: {exc.strerror or exc}"
    try:
        text = greeting.decode("utf-8", "replace")
        if code != 220:
            return what, False, f"something else answers there: {code} {text[:80]}"
        lhlo, _ = client.ehlo()
        features = _features(client)
        client.quit()
    except (OSError, smtplib.SMTPException) as exc:
        return what, False, f"it greeted but did not answer LHLO: {exc}"
    finally:
        client.close()
    if GREETING not in text:
        return what, False, f"another SMTP server answers there ({text[:80]}): change [gateway] listen_port"
    ok = 200 <= lhlo < 300 and {"smtputf8", "8bitmime"} <= set(features)
    return what, ok, f"dlp gateway running; LHLO {lhlo}; {', '.join(features) or 'no extensions'}"


def next_hop(host: str, port: int, timeout: float = 10.0) -> Result:
    """The re-injection smtpd: answers EHLO and takes SMTPUTF8 and 8BITMIME as the filter passes them on."""
    what = f"next hop {host}:{port} ([mail] next_hop_host/next_hop_port)"
    try:
        with smtplib.SMTP(host, port, timeout=timeout) as client:
            code, _ = client.ehlo()
            features = _features(client)
    except (OSError, smtplib.SMTPException) as exc:
        return what, False, f"{exc} (is the 127.0.0.1:10026 smtpd of contrib/postfix/master.cf.snippet there?)"
    missing = [f.upper() for f in ("smtputf8", "8bitmime") if f not in features]
    if not 200 <= code < 300:
        return what, False, f"EHLO answered {code}"
    if missing:
        hint = "smtputf8_enable = yes in main.cf" if "SMTPUTF8" in missing else "a Postfix smtpd announces it"
        return what, False, f"EHLO {code}; does not announce {', '.join(missing)}: Japanese mail would bounce ({hint})"
    return what, True, f"EHLO {code}; SMTPUTF8, 8BITMIME"


def internal_domains(domains: set[str]) -> Result:
    what = "internal domains ([mail] internal_domains)"
    if not domains:
        return (
            what,
            False,
            "not set: every recipient counts as outside, and no notice is sent to anyone "
            '(set internal_domains = ["example.co.jp"])',
        )
    return what, True, ", ".join(sorted(domains))


def trusted(values: list[str]) -> Result:
    from dlp.gateway.direction import DEFAULT_TRUSTED

    shown = ", ".join(values) if values else f"default: {', '.join(DEFAULT_TRUSTED)}"
    return (
        "inside networks ([mail] trusted_networks)",
        True,
        f"{shown}; mail from elsewhere without a login, to internal recipients only, passes as inbound",
    )


def notices(host: str, port: int, officer: str, domains: set[str]) -> Result:
    from dlp.gateway.address import is_internal

    what = f"notices via {host}:{port} ([smtp] host/port)"
    if officer and domains and not is_internal(officer, domains):
        return what, False, f"[notify] officer {officer} is not in the internal domains: it gets no notice"
    return what, True, f"officer {officer or '(none)'}; only internal addresses are notified"


def postfix(port: int, config_dir: Path | None) -> list[Result]:
    """Postfix's side, read with postconf: which services use the filter, and none for all mail."""
    postconf = shutil.which("postconf") or ("/usr/sbin/postconf" if Path("/usr/sbin/postconf").exists() else None)
    directory = config_dir or Path("/etc/postfix")
    if postconf is None or not (directory / "main.cf").exists():
        return [("Postfix", True, f"not checked (no postconf, or no {directory}/main.cf; --postfix-config DIR)")]
    base = [postconf, "-c", str(directory)]

    def run(*args: str) -> str:
        done = subprocess.run([*base, *args], capture_output=True, text=True, timeout=30, check=False)
        return done.stdout

    results: list[Result] = []
    global_filter = run("-h", "content_filter").strip()
    if global_filter:
        results.append(
            (
                f"Postfix {directory}/main.cf content_filter",
                False,
                f"{global_filter}: filters every mail, mail from outside included; set it only on the "
                "submission and internal relay services (contrib/postfix/master.cf.snippet)",
            )
        )
    filtered = []
    for line in run("-P").splitlines():  # service/type/parameter = value
        name, _, value = line.partition(" = ")
        service, _, parameter = name.rpartition("/")
        if parameter != "content_filter" or not value.strip():
            continue
        expanded = run("-h", "-x", value.strip().lstrip("$")).strip() if value.strip().startswith("$") else value
        if f":{port}" in expanded:
            filtered.append(service)
    what = f"Postfix services filtered through port {port}"
    if filtered:
        results.append((what, True, ", ".join(filtered)))
    elif not global_filter:
        results.append((what, False, "none: add -o content_filter=$dlp_content_filter to the submission services"))
    return results


def _features(client: smtplib.SMTP) -> list[str]:
    return [k for k in ("smtputf8", "8bitmime") if client.has_extn(k)]


__all__ = ["Result", "filter_port", "internal_domains", "next_hop", "notices", "postfix"]
