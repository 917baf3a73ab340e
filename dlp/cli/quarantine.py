"""`dlp quarantine list|show|release|delete|export|purge|check`: the officer's commands.

Every one is written to the audit trail with who did it (the OS user, or --actor)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from dlp.actions.audit import current_user
from dlp.actions.crypto import IntegrityError
from dlp.actions.entries import Entry, Envelope
from dlp.actions.exportname import export_name
from dlp.actions.history import history_lines
from dlp.actions.mailrelease import ReleaseIncomplete, ReleaseRefused, release_lines, unknown_entries
from dlp.actions.quarantine import QuarantineError
from dlp.actions.smtp import SmtpRefused
from dlp.cli.common import ActorOption, ConfigOption, FormatOption, err, fail, load_services, since_timestamp
from dlp.cli.tables import add_record, record_table
from dlp.config import parse_duration

app = typer.Typer(help="List, inspect, release and delete held items.", no_args_is_help=True)
out = Console(highlight=False, soft_wrap=True)


def _actor(actor: str | None) -> str:
    return actor or current_user()


@app.command("list")
def list_entries(
    channel: Annotated[str | None, typer.Option(help="scan | watch | mail")] = None,
    state: Annotated[str | None, typer.Option(help="held | released | deleted | lost | releasing")] = None,
    since: Annotated[str | None, typer.Option(help="held since (7d, 12h or 2026-11-01)")] = None,
    until: Annotated[str | None, typer.Option(help="held before (same forms)")] = None,
    data_type: Annotated[
        str | None, typer.Option("--type", help="with findings of this type (MY_NUMBER, PHONE, …)")
    ] = None,
    output_format: FormatOption = "table",
    actor: ActorOption = None,
    config: ConfigOption = None,
) -> None:
    """Held items, oldest first."""
    services = load_services(config)
    store = services.quarantine
    entries = store.list(
        channel=channel,
        state=state,
        since=since_timestamp(since),
        until=since_timestamp(until, "--until"),
        data_type=data_type,
    )
    services.audit.write(
        "quarantine.list",
        actor=_actor(actor),
        filters={"channel": channel, "state": state, "since": since, "until": until, "type": data_type},
        count=len(entries),
    )
    unknown = unknown_entries(store) if any(e.channel == "mail" and e.state == "held" for e in entries) else set()
    if output_format == "json":
        rows = [{**e.as_dict(), "release_unknown": e.id in unknown} for e in entries]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    table = record_table("id", "held · channel · state · action / item / found")
    for e in entries:
        found = ", ".join(f"{t} {n}" for t, n in e.verdict.get("counts", {}).items()) or ", ".join(
            sorted({u["reason"] for u in e.verdict.get("unscannable", [])})
        )
        state = e.state
        if state == "held" and e.id in unknown:
            state = "held (release unknown)"  # an earlier release may have been delivered: --force only
        add_record(
            table, e.id, [f"{e.as_dict()['created'][:16]} · {e.channel} · {state} · {e.action}", e.locator, found]
        )
    out.print(table)
    out.print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}")


@app.command("add")
def add(
    paths: Annotated[list[Path], typer.Argument(help="files to hold (scanned first; the verdict is kept with them)")],
    as_mail: Annotated[
        bool, typer.Option("--mail", help="hold .eml files as mail (released by SMTP to the next hop)")
    ] = False,
    mail_from: Annotated[
        str | None, typer.Option("--from", help="with --mail: the envelope sender (default: the From header)")
    ] = None,
    rcpt_to: Annotated[
        list[str] | None,
        typer.Option(
            "--to",
            help="with --mail: an envelope recipient, repeatable (default: the To and Cc headers); "
            "decides, as in the gateway, whether the mail leaves the company",
        ),
    ] = None,
    keep: Annotated[bool, typer.Option(help="leave the original file in place")] = False,
    actor: ActorOption = None,
    config: ConfigOption = None,
) -> None:
    """Hold files (or .eml mails) by hand: scanned, stored encrypted, original removed.

    Each item is scanned in a worker process (time and memory limits, as for `dlp scan`); a
    mail with the context the gateway would give it, so a mail to an outside address gets the
    gateway's verdict, not the one for internal mail."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    from dlp.actions.enforce import BY_HAND, Enforcement
    from dlp.cli.common import load_settings
    from dlp.gateway.address import mail_context
    from dlp.policy import ScanContext
    from dlp.settings import SettingsSpec
    from dlp.worker import ItemSpec, WorkerPool

    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise fail([f"no such file: {p}" for p in missing])
    if not as_mail and (mail_from or rcpt_to):
        raise fail(["--from and --to describe a mail's envelope: use them with --mail"])
    services = load_services(config)
    settings = load_settings(config)
    enforcement = Enforcement(services, "mail" if as_mail else "scan", actor=_actor(actor), rules=BY_HAND)
    internal = services.internal_domains()
    items: list[tuple[Path, ItemSpec, ScanContext, Envelope | None, str]] = []
    for path in paths:
        if as_mail:
            data = path.read_bytes()  # what is scanned is what is held
            given, locator = _mail_envelope(data, path, mail_from, rcpt_to)
            spec = ItemSpec(data=data, name=path.name, locator=str(path), channel="mail")
            items.append((path, spec, mail_context(given.mail_from, given.rcpt_tos, internal), given, locator))
        else:
            items.append((path, ItemSpec.for_path(path), ScanContext(channel="scan"), None, str(path)))
    jobs = min(len(items), os.cpu_count() or 1)
    spec_for_workers = SettingsSpec(config, key=settings.key)
    with WorkerPool(settings, jobs, settings_spec=spec_for_workers) as pool, ThreadPoolExecutor(jobs) as threads:
        verdicts = list(threads.map(lambda it: pool.scan(it[1], it[2]), items))
    for (path, spec, _, envelope, locator), verdict in zip(items, verdicts, strict=True):
        if envelope is not None:
            entry = enforcement.hold_mail(spec.data or b"", verdict, envelope, locator=locator)
        else:
            entry = enforcement.hold_file(path, verdict)
        enforcement.record(
            verdict,
            item=str(path),
            enforced="held by hand",
            quarantine_id=entry.id,
            sender=envelope.mail_from if envelope else None,
            recipients=list(envelope.rcpt_tos) if envelope else None,
        )
        if not keep:
            path.unlink()
        out.print(f"held {entry.id}: {escape(entry.locator)} ({verdict.action.label})")


def _mail_envelope(data: bytes, path: Path, mail_from: str | None, rcpt_to: list[str] | None) -> tuple[Envelope, str]:
    """The envelope given on the command line, else the one the headers suggest; and the
    mail's locator (its Message-ID)."""
    from email.parser import BytesParser
    from email.policy import default as default_policy
    from email.utils import getaddresses

    headers = BytesParser(policy=default_policy).parsebytes(data, headersonly=True)
    sender = mail_from if mail_from is not None else getaddresses([str(headers.get("From", ""))])[0][1]
    rcpts = rcpt_to or [
        a for _, a in getaddresses([str(h) for h in headers.get_all("To", []) + headers.get_all("Cc", [])]) if a
    ]
    return Envelope(sender, tuple(rcpts)), f"mail:{headers.get('Message-ID', path.name)}"


@app.command("show")
def show(
    entry_id: str, output_format: FormatOption = "table", actor: ActorOption = None, config: ConfigOption = None
) -> None:
    """One entry: the verdict, counts and masked findings."""
    services = load_services(config)
    try:
        entry = services.quarantine.get(entry_id)
    except QuarantineError as exc:
        raise fail([str(exc)]) from None
    history = services.audit.history(entry.id)  # before this view is added to it
    services.audit.write("quarantine.show", actor=_actor(actor), entry_id=entry.id, channel=entry.channel)
    if output_format == "json":
        json.dump({**entry.as_dict(), "history": history}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    d = entry.as_dict()
    for key in ("id", "state", "channel", "created", "updated", "item", "size", "sha256", "sender", "action", "clause"):
        value = d["locator"] if key == "item" else d[key]
        out.print(f"{key:>10}: {escape(str(value))}")
    if entry.recipient_domains:
        out.print(f"{'domains':>10}: {escape(', '.join(entry.recipient_domains))}")
    if entry.acted_by:
        acted = f"{entry.acted_by} at {d['acted_at']}" + (f" ({entry.note})" if entry.note else "")
        out.print(f"{'acted by':>10}: {escape(acted)}")
    verdict = entry.verdict
    out.print(f"{'reason':>10}: {escape(verdict['reason']['ja'])}")
    out.print(f"{'':>10}  {escape(verdict['reason']['en'])}")
    for data_type, n in verdict.get("counts", {}).items():
        out.print(f"{data_type:>20} {n}")
    for f in verdict.get("findings", [])[:50]:
        out.print(f"  {f['type']:<16} {escape(f['masked']):<24} {escape(f['locator'])} {f['confidence']}")
    for u in verdict.get("unscannable", []):
        out.print(f"  [magenta]{u['reason']}[/] {escape(u['locator'])}: {escape(u['detail'])}")
    if entry.channel == "mail":
        for line in release_lines(services.quarantine, entry.id):
            out.print(escape(line))
    out.print(f"{'history':>10}:")
    for line in history_lines(entry, history):
        out.print(f"  {escape(line)}")


@app.command("release")
def release(
    entry_id: str,
    to: Annotated[
        Path | None,
        typer.Option(help="restore a file here instead of its original path (written as the file's owner)"),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="send a mail again although an earlier release may have delivered it (outcome unknown); audited",
        ),
    ] = False,
    actor: ActorOption = None,
    config: ConfigOption = None,
) -> None:
    """Give a held item back: a file to its original path (or --to), a mail to the next hop
    (each recipient at most once; see `show` for the attempts).

    Run as root, a file is written as its owner (owner and group as held, never set-uid or
    set-gid), never through a symbolic link and never over an existing file."""
    services = load_services(config)
    try:
        entry = services.quarantine.release(entry_id, actor=_actor(actor), to=to, relay=services.relay(), force=force)
    except (ReleaseRefused, ReleaseIncomplete) as exc:
        raise fail([str(exc)], code=5) from None
    except (QuarantineError, IntegrityError) as exc:
        raise fail([str(exc)]) from None
    except SmtpRefused as exc:
        raise fail([f"{entry_id}: the next hop refused the mail: {exc}; it is still held"], code=5) from None
    except OSError as exc:
        raise fail([f"{entry_id}: could not restore: {exc}; it is still held"], code=5) from None
    out.print(f"released {entry.id} to {escape(entry.released_to or '')}")


@app.command("delete")
def delete(
    entry_id: str,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation (scripts, cron)")] = False,
    actor: ActorOption = None,
    config: ConfigOption = None,
) -> None:
    """Shred the content for good (the record of the decision stays). Asks first, unless --yes."""
    store = load_services(config).quarantine
    try:
        entry = store.get(entry_id)
    except QuarantineError as exc:
        raise fail([str(exc)]) from None
    if not yes:
        _confirm_delete(entry)
    try:
        entry = store.delete(entry_id, actor=_actor(actor))
    except QuarantineError as exc:
        raise fail([str(exc)]) from None
    out.print(f"deleted {entry.id}")


def _confirm_delete(entry: Entry) -> None:
    """Ask on the terminal; without one (a pipe, cron) refuse: a deletion cannot be undone, so
    it is never taken from whatever happens to be on standard input."""
    if not sys.stdin.isatty():
        raise fail(
            [f"{entry.id}: not deleted: confirmation needed and standard input is not a terminal"],
            f"Run it in a terminal, or add --yes: `dlp quarantine delete {entry.id} --yes`"
            " (削除は取り消せません。確認のうえ --yes を付けてください)",
        )
    found = ", ".join(f"{t} {n}" for t, n in entry.verdict.get("counts", {}).items()) or "-"
    out.print(f"{entry.id}: {escape(entry.locator)} ({entry.state}, {entry.action}; {escape(found)})")
    if not typer.confirm("Shred its content for good? / 内容を完全に削除しますか", default=False):
        out.print("not deleted")
        raise typer.Exit(1)


@app.command("export")
def export(
    entry_id: str,
    to: Annotated[
        Path | None,
        typer.Option(
            help="a folder to write it in under its original name (default: the current folder),"
            " or a new file's name; never over an existing file"
        ),
    ] = None,
    actor: ActorOption = None,
    config: ConfigOption = None,
) -> None:
    """Decrypt a held item for an officer to inspect: the bytes that were held, under the
    original's (sanitised) name and so in its format (an .xlsx stays .xlsx, a mail is .eml);
    written with mode 0600."""
    store = load_services(config).quarantine
    try:
        entry = store.get(entry_id, private=True)
        name = export_name(entry)
        target = (to or Path.cwd()) / name if to is None or to.is_dir() else to
        if target.suffix.lower() != Path(name).suffix.lower() and Path(name).suffix:
            suffix = Path(name).suffix
            err.print(f"note: the original is a {suffix} file; written as {escape(target.name)} all the same")
        store.export(entry_id, target, actor=_actor(actor))
    except (QuarantineError, IntegrityError) as exc:
        raise fail([str(exc)]) from None
    out.print(f"exported {entry_id} to {escape(str(target))}")


@app.command("purge")
def purge(
    older_than: Annotated[str | None, typer.Option(help="age, e.g. 30d (default: [quarantine] retention)")] = None,
    actor: ActorOption = None,
    config: ConfigOption = None,
) -> None:
    """Retention: shred every entry older than the given age."""
    services = load_services(config)
    seconds = parse_duration(older_than) if older_than else services.config.retention_seconds
    if seconds is None:
        raise fail([f"--older-than: expected a duration like 30d, got {older_than!r}"])
    purged = services.quarantine.purge(seconds, actor=_actor(actor) if actor else "retention")
    out.print(f"purged {len(purged)} entr{'y' if len(purged) == 1 else 'ies'}")


@app.command("check")
def check(
    repair: Annotated[bool, typer.Option(help="clean what a crash left behind")] = True,
    sign_unsigned: Annotated[
        bool,
        typer.Option(
            "--sign-unsigned",
            help="give index rows written before row MACs their MAC (check those entries first: audited)",
        ),
    ] = False,
    actor: ActorOption = None,
    config: ConfigOption = None,
) -> int:
    """Find (and clean) what an interrupted write or release left behind, and index rows that
    were edited outside dlp (tampered: never repaired, never released)."""
    store = load_services(config).quarantine
    if sign_unsigned:
        signed = store.sign_unsigned(actor=_actor(actor))
        out.print(f"signed {len(signed)} row(s) written before row MACs")
    report = store.check(repair=repair)
    verb = "removed" if repair else "found"
    out.print(
        f"{verb} {len(report.removed_temp)} unfinished write(s), {len(report.removed_strays)} unacknowledged object(s)"
    )
    for entry_id in report.lost:
        out.print(f"[red]lost[/]: {entry_id} has no content any more")
    for entry_id in report.deleted:
        out.print(f"interrupted delete: {entry_id} {'completed' if repair else 'found'}")
    for entry_id in report.interrupted:
        out.print(
            f"[yellow]interrupted release[/]: {entry_id} "
            f"{'set back to held or released, see `dlp quarantine show`' if repair else 'found'}"
        )
    for entry_id in report.tampered:
        out.print(
            f"[red]tampered[/]: {entry_id}: its index row was changed outside dlp (MAC mismatch);"
            " refused for show and release, compare with `dlp audit tail`"
        )
    return 0 if not report.lost and not report.tampered and (repair or report.clean) else 1
