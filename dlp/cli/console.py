"""`dlp console serve` and `dlp console user add|passwd|disable`: the web console and its accounts."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dlp.cli.common import ConfigOption, fail, load_services

if TYPE_CHECKING:
    from dlp.console.auth import Accounts
    from dlp.services import Services

app = typer.Typer(help="The web console for officers, approvers and auditors.", no_args_is_help=True)
user_app = typer.Typer(help="Console accounts (argon2 password hashes).", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _accounts(config: Path | None) -> tuple[Services, Accounts]:
    from dlp.console.auth import Accounts

    services = load_services(config)
    return services, Accounts(services.config.path_of("console", "users_file", "console.sqlite3"))


def _password(from_stdin: bool) -> str:
    """Asked twice on a terminal; with --password-stdin, one line from standard input (scripts)."""
    import sys

    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password / パスワード: ")
    if first != getpass.getpass("again / 再入力: "):
        raise fail(["the two passwords differ"])
    return first


PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="read the password from standard input")]


@user_app.command("add")
def user_add(
    name: str,
    role: Annotated[str, typer.Option(help="officer | approver | auditor")],
    department: Annotated[str | None, typer.Option(help="an approver's department ([console] departments)")] = None,
    password_stdin: PasswordStdin = False,
    config: ConfigOption = None,
) -> None:
    """Add an account."""
    from dlp.actions.audit import current_user
    from dlp.console.auth import AccountError

    services, accounts = _accounts(config)
    try:
        accounts.add(name, _password(password_stdin), role, department)
    except AccountError as exc:
        raise fail([str(exc)]) from None
    services.audit.write("console.user_add", actor=current_user(), user=name, role=role, department=department)
    print(f"added {name} ({role})")


@user_app.command("passwd")
def user_passwd(name: str, password_stdin: PasswordStdin = False, config: ConfigOption = None) -> None:
    """Set a new password (signs the user out everywhere)."""
    from dlp.actions.audit import current_user
    from dlp.console.auth import AccountError

    services, accounts = _accounts(config)
    try:
        accounts.passwd(name, _password(password_stdin))
    except AccountError as exc:
        raise fail([str(exc)]) from None
    services.audit.write("console.user_passwd", actor=current_user(), user=name)
    print(f"password of {name} changed")


@user_app.command("disable")
def user_disable(name: str, config: ConfigOption = None) -> None:
    """Disable an account (its sessions end at once)."""
    from dlp.actions.audit import current_user
    from dlp.console.auth import AccountError

    services, accounts = _accounts(config)
    try:
        accounts.disable(name)
    except AccountError as exc:
        raise fail([str(exc)]) from None
    services.audit.write("console.user_disable", actor=current_user(), user=name)
    print(f"disabled {name}")


@user_app.command("unlock")
def user_unlock(
    name: str,
    client: Annotated[str | None, typer.Option(help="also forget the failures of this client address")] = None,
    config: ConfigOption = None,
) -> None:
    """Let a throttled account sign in again at once (forgets its recent login failures)."""
    from dlp.actions.audit import current_user

    services, accounts = _accounts(config)
    if accounts.user(name) is None:
        raise fail([f"no user {name!r} (or it is disabled)"])
    cleared = accounts.unlock(f"user:{name}") + (accounts.unlock(f"ip:{client}") if client else 0)
    services.audit.write("console.user_unlock", actor=current_user(), user=name, client=client, cleared=cleared)
    print(f"unlocked {name} ({cleared} failures forgotten)")


ROOT_REFUSED = (
    "dlp console serve refuses to run as root: a web application facing officers' browsers must not hold"
    " every right on the gateway host. Run it as its own user in the data folder's group"
    ' (contrib/dlp-console.service: User=dlp-console, Group=dlp; SECURITY.md, "The console\'s user"),'
    " or pass --allow-root for a throwaway test host."
)


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="listen address (default: [console] host)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default: [console] port)")] = None,
    insecure_http: Annotated[
        bool, typer.Option("--insecure-http", help="send session cookies over plain HTTP (loopback tests only)")
    ] = False,
    allow_root: Annotated[
        bool, typer.Option("--allow-root", help="run as root anyway (test hosts; the console should have its own user)")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Serve the console (behind a TLS reverse proxy; cookies are Secure unless --insecure-http).
    As its own unprivileged user: refused as root unless --allow-root."""
    import os

    import uvicorn

    from dlp.actions.audit import current_user
    from dlp.console.app import create_app

    if os.geteuid() == 0 and not allow_root:
        raise fail([ROOT_REFUSED])
    services = load_services(config)
    c = services.config
    try:  # what the console needs, checked now rather than at an officer's first click
        services.quarantine  # noqa: B018
        services.audit.write("console.start", actor=current_user(), uid=os.geteuid())
        app = create_app(services, secure=not insecure_http)
    except PermissionError as exc:
        raise fail(
            [f"{exc.filename or exc}: permission denied for {current_user()}"],
            "The console's user needs the data folder's group: install -d -m 2770 -g dlp <data_dir>, then"
            ' chgrp -R dlp and chmod -R g+rwX,o-rwx there (SECURITY.md, "The console\'s user").',
        ) from None
    uvicorn.run(
        app,
        host=host or c.get("console", "host"),
        port=port or c.get("console", "port"),
        server_header=False,
        proxy_headers=bool(c.get("console", "trusted_proxy_header")),
    )


@app.command("link")
def link(
    entry_id: str,
    approver: Annotated[str, typer.Option(help="the approver account (of the sender's department)")],
    base_url: Annotated[str, typer.Option(help="the console's address as approvers reach it")] = "https://localhost",
    config: ConfigOption = None,
) -> None:
    """Print a signed, single-use link (valid 72 h) for an approver to approve or reject a held mail (上長承認)."""
    from dlp.actions.audit import current_user
    from dlp.actions.entries import QuarantineError
    from dlp.console.links import LinkError, link_for
    from dlp.console.web import approval_links, session_key

    services, accounts = _accounts(config)
    c = services.config
    links = approval_links(services, session_key(c.path_of("console", "session_key_file", "console.key")))
    try:
        token = link_for(links, services.quarantine, accounts, c.get("console", "departments"), entry_id, approver)
    except (LinkError, QuarantineError) as exc:
        raise fail([str(exc)]) from None
    services.audit.write("console.link_issued", actor=current_user(), entry_id=entry_id, approver=approver)
    print(f"{base_url.rstrip('/')}/approve/{token}")


@app.command("sweep")
def sweep(config: ConfigOption = None) -> None:
    """Settle mail that waited for 上長承認 longer than [console] approval_timeout (reject or release,
    as approval_timeout_action says) and tell its senders; run it from a timer (contrib/dlp-console-sweep.timer)."""
    from dlp.console.approval import sweep as settle

    services = load_services(config)
    for swept in settle(services):
        print(f"{swept.entry_id}: {swept.outcome}")
    try:
        services.notifier.deliver()  # the senders' notices now; what fails stays queued for the daemons
    except Exception as exc:
        print(f"notices left queued: {type(exc).__name__}")
