"""The review queue: held mail and files with filters, one entry's detail, and the actions on
it (release with a reason, reject, delete, export, note). Every action goes through the
quarantine store the CLI uses (`dlp quarantine release|delete|export`) and is audited, so it
shows in the entry's history (dlp.actions.history)."""

from __future__ import annotations

import tempfile
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dlp.actions.crypto import IntegrityError
from dlp.actions.entries import Entry, QuarantineError
from dlp.actions.exportname import export_name
from dlp.actions.history import history_lines
from dlp.actions.mailrelease import ReleaseIncomplete, ReleaseRefused
from dlp.actions.smtp import SmtpRefused
from dlp.config import parse_duration
from dlp.console.auth import Session
from dlp.console.departments import department_of

if TYPE_CHECKING:
    from dlp.console.web import Console

SHOWN_HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID")
ACTIONS = {  # action -> roles allowed
    "release": ("officer", "approver"),
    "reject": ("officer", "approver"),
    "delete": ("officer",),
    "export": ("officer",),
    "note": ("officer", "approver", "auditor"),
}


def visible_to(console: Console, session: Session, entry: Entry) -> bool:
    """Approvers see their own department's mail only; officers and auditors see all."""
    return (
        session.user.role != "approver" or department_of(entry.sender, console.departments) == session.user.department
    )


def entry_for(console: Console, request: Request, session: Session, entry_id: str) -> Entry:
    """The entry a signed-in user may see: 404 if there is none, 403 (audited) if it is another
    department's (IDOR)."""
    try:
        entry = console.services.quarantine.get(entry_id)
    except QuarantineError:
        raise HTTPException(404) from None
    if not visible_to(console, session, entry):
        console.refused(request, session.user, f"other department: {entry_id}")
    return entry


def routes(console: Console) -> list[BaseRoute]:
    def department(entry: Entry) -> str | None:
        return department_of(entry.sender, console.departments)

    def visible(session: Session, entry: Entry) -> bool:
        return visible_to(console, session, entry)

    async def queue(request: Request) -> Response:
        session = console.signed_in(request)
        q = request.query_params
        age = parse_duration(q.get("age")) if q.get("age") else None
        entries = console.services.quarantine.list(
            channel=q.get("channel") or None,
            state=q.get("state", "held") or None,
            since=time.time() - age if age else None,
            data_type=q.get("type") or None,
        )
        sender, domain, dept = q.get("sender", "").lower(), q.get("domain", "").lower(), q.get("department", "")
        rows = [
            (e, department(e))
            for e in entries
            if visible(session, e)
            and (not sender or sender in (e.sender or "").lower())
            and (not domain or any(domain in d for d in e.recipient_domains))
            and (not dept or department(e) == dept)
        ]
        console.services.audit.write(
            "console.list", actor=console.actor(session.user), filters=dict(q), count=len(rows)
        )
        return console.render(request, "queue.html", {"rows": rows, "q": q, "now": time.time()})

    async def detail(request: Request) -> Response:
        session = console.signed_in(request)
        entry = entry_for(console, request, session, request.path_params["entry_id"])
        history = console.services.audit.history(entry.id)
        console.services.audit.write(
            "quarantine.show", actor=console.actor(session.user), entry_id=entry.id, channel=entry.channel
        )
        headers, attachments = mail_parts(console, entry) if entry.channel == "mail" else ([], [])
        allowed = [a for a, roles in ACTIONS.items() if session.user.role in roles]
        return console.render(
            request,
            "entry.html",
            {
                "e": entry,
                "department": department(entry),
                "headers": headers,
                "attachments": attachments,
                "history": history_lines(entry, history),
                "allowed": allowed,
                "may_see_raw": session.user.role in console.services.config.get("console", "raw_value_roles"),
                "message": request.query_params.get("done"),
                "error": request.query_params.get("error"),
            },
        )

    async def act(request: Request) -> Response:
        form = await request.form()
        session = console.acting(request, form)
        action = request.path_params["action"]
        entry = entry_for(console, request, session, request.path_params["entry_id"])
        if session.user.role not in ACTIONS.get(action, ()):
            console.refused(request, session.user, f"{action} not allowed for {session.user.role}")
        actor = console.actor(session.user)
        text = str(form.get("reason", "")).strip()[:2000]
        store = console.services.quarantine
        back = f"/entry/{entry.id}"
        if action == "export":
            return export(entry, actor)
        if action in ("release", "reject", "note") and not text:
            return RedirectResponse(f"{back}?error=reason_needed", status_code=303)
        try:
            if action == "release":
                store.release(entry.id, actor=actor, relay=console.services.relay())
                console.services.audit.write("console.release", actor=actor, entry_id=entry.id, note=text)
            elif action == "reject":  # 却下: the content is shredded, the mail never leaves
                store.delete(entry.id, actor=actor, note=f"rejected: {text}")
            elif action == "delete":
                store.delete(entry.id, actor=actor, note=text or None)
            else:
                console.services.audit.write("console.note", actor=actor, entry_id=entry.id, note=text)
        except (QuarantineError, IntegrityError, ReleaseRefused, ReleaseIncomplete, SmtpRefused, OSError) as exc:
            console.services.audit.write(
                f"console.{action}_failed", actor=actor, entry_id=entry.id, error=type(exc).__name__
            )
            return RedirectResponse(f"{back}?error=failed", status_code=303)
        return RedirectResponse(f"{back}?done={action}", status_code=303)

    def export(entry: Entry, actor: str) -> Response:
        """The held bytes as a download, through the store's own (audited) export."""
        store = console.services.quarantine
        try:
            name = export_name(store.get(entry.id, private=True))
            with tempfile.TemporaryDirectory() as folder:
                target = Path(folder) / "export.bin"
                store.export(entry.id, target, actor=actor)
                data = target.read_bytes()
        except (QuarantineError, IntegrityError):
            return RedirectResponse(f"/entry/{entry.id}?error=failed", status_code=303)
        ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
        return Response(
            data,
            media_type="application/octet-stream",
            headers={"content-disposition": f'attachment; filename="{ascii_name}"'},
        )

    return [
        Route("/", queue, methods=["GET"]),
        Route("/entry/{entry_id}", detail, methods=["GET"]),
        Route("/entry/{entry_id}/{action}", act, methods=["POST"]),
    ]


def mail_parts(console: Console, entry: Entry) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """The shown headers and the attachment list of a held mail, every value masked by the
    detector; nothing when the content is gone (deleted) or fails to decrypt."""
    try:
        data = console.services.quarantine.content(entry.id)
    except (QuarantineError, IntegrityError, OSError):
        return [], []
    message = BytesParser(policy=policy.default).parsebytes(data)
    headers = [(h, console.mask(str(v))) for h in SHOWN_HEADERS for v in message.get_all(h, [])]
    attachments = []
    for part in message.walk():
        filename = part.get_filename()
        if filename:
            payload = part.get_payload(decode=True)
            attachments.append(
                {
                    "name": console.mask(filename),
                    "type": part.get_content_type(),
                    "size": len(payload) if isinstance(payload, bytes) else 0,
                }
            )
    return headers, attachments
